from django.core.management.base import BaseCommand
from tqdm import tqdm

from plans.rematch import enterprises_with_live_plans, rematch_all


class Command(BaseCommand):
    help = (
        "Re-match the unfixed visits of every enterprise from scratch (after the holiday calendar for a new "
        "year is loaded, for example). Fixed visits do not move."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_size, no_progress, **options):
        total = enterprises_with_live_plans().count()
        with tqdm(total=total, unit="enterprise", disable=no_progress, file=self.stderr._out) as bar:
            counts = rematch_all(batch_size=batch_size, progress=bar.update)
        self.stdout.write(
            "rematched: {enterprises} enterprises, {plans} plans, {visits} unfixed visits ({changed} changed), "
            "{unschedulable} plans with no allowed day left".format(**counts)
        )
