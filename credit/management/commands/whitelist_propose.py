"""manage.py whitelist_propose: the whitelist proposal job (credit.whitelist.whitelist_propose) by hand, with
progress. The same job runs daily on beat (credit.tasks.whitelist_proposals); rerunning proposes nobody twice."""
import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from credit.whitelist import PROPOSE_CHUNK, whitelist_propose


class Command(BaseCommand):
    help = ("Propose every eligible enterprise of the city as a whitelist candidate (grade A, no serious finding "
            "and no upheld complaint in 12 months), in set-based chunks of enterprise ids.")

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=PROPOSE_CHUNK,
                            help=f"enterprise ids per statement (default {PROPOSE_CHUNK})")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, chunk: int, no_progress: bool, **options):
        chunk = max(1, chunk)
        bar = tqdm(unit=" ids", file=sys.stderr, disable=no_progress or not sys.stderr.isatty(), dynamic_ncols=True)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        started = time.monotonic()
        try:
            proposed = whitelist_propose(chunk=chunk, on_progress=progress)
        finally:
            bar.close()
        self.stdout.write(f"{proposed} candidates proposed in {time.monotonic() - started:.1f} s")
