from django.core.management.base import BaseCommand
from tqdm import tqdm

from plans.statistics import cells_rebuild, cells_rebuild_span


class Command(BaseCommand):
    help = (
        "Rebuild the statistics' cells from the plans and visits, a few days of visits per transaction. "
        "Idempotent and safe while the platform runs; the writers keep the cells exact, so this is for repairs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-days", type=int, default=7)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_days, no_progress, **options):
        span = cells_rebuild_span()
        total = (span[1] - span[0]).days + 1 if span else 0
        with tqdm(total=total, unit="day", disable=no_progress, file=self.stderr._out) as bar:
            days = cells_rebuild(batch_days=batch_days, progress=bar.update)
        self.stdout.write(f"statistics rebuilt: {days} days of visits")
