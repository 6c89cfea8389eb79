from django.core.management.base import BaseCommand, CommandError

from audit.verification import BATCH, verify_chain, verify_chain_incremental


class Command(BaseCommand):
    help = ("Verify the audit chain against itself, the last anchor and the checkpoint; name the first broken link. "
            "In full unless --incremental. Reports only: the verdict and the checkpoint are kept by the daily job and "
            "the verification page's \"verify now\".")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH)
        parser.add_argument("--incremental", action="store_true",
                            help="the daily job's verification: from the signed checkpoint to the head and the day's "
                                 "slice of the older chain (in full without a valid checkpoint)")

    def handle(self, *args, batch_size, incremental, **options):
        def progress(checked):
            if options["verbosity"] >= 1:
                self.stderr.write(f"{checked} entries verified", ending="\r")

        verify = verify_chain_incremental if incremental else verify_chain
        verdict = verify(batch_size=max(1, batch_size), progress=progress)
        anchor = verdict.anchor
        anchored = f"; last anchor {anchor['date']}: entry {anchor['seq']}" if anchor else "; no anchor yet"
        ranges = ", ".join(f"{first}-{last}" for first, last in verdict.ranges) or "none"
        covered = f" ({verdict.mode}: entries {ranges})"
        if verdict.ok:
            self.stdout.write(f"OK: {verdict.checked} entries{covered}, head {verdict.last_seq} {verdict.last_hash}"
                              f"{anchored}")
            return
        raise CommandError(f"BROKEN after {verdict.checked} good entries{covered}: {verdict.problem}{anchored}")
