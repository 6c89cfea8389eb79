from django.core.management.base import BaseCommand, CommandError

from audit.verification import BATCH, verify_chain


class Command(BaseCommand):
    help = "Verify the audit chain against itself and the last anchor; name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args, batch_size, **options):
        def progress(checked):
            if options["verbosity"] >= 1:
                self.stderr.write(f"{checked} entries verified", ending="\r")

        verdict = verify_chain(batch_size=max(1, batch_size), progress=progress)
        anchor = verdict.anchor
        anchored = f"; last anchor {anchor['date']}: entry {anchor['seq']}" if anchor else "; no anchor yet"
        if verdict.ok:
            self.stdout.write(f"OK: {verdict.checked} entries, head {verdict.last_seq} {verdict.last_hash}{anchored}")
            return
        raise CommandError(f"BROKEN after {verdict.checked} good entries: {verdict.problem}{anchored}")
