"""manage.py random_check_file CODE: file a drawn random-check campaign's remaining plans now (what the worker
does in the background, batch by batch), with a progress bar. Rerunnable: each drawn enterprise is filed once."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from plans.campaigns import FILE_BATCH, campaign_file_plans
from plans.models import RandomCheckCampaign, RandomCheckDraw


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("code", help="the campaign's code")
        parser.add_argument("--batch-size", type=int, default=FILE_BATCH)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, code, batch_size, no_progress, **options):
        campaign = RandomCheckCampaign.objects.filter(code=code).first()
        if campaign is None:
            raise CommandError(f"{code}: no such campaign")
        if not campaign.is_drawn:
            raise CommandError(f"{code}: not drawn yet")
        left = RandomCheckDraw.objects.filter(campaign=campaign, filing_done=False).count()
        filed = 0
        with tqdm(total=left, unit="plan", disable=no_progress, file=self.stderr._out) as bar:
            while done := campaign_file_plans(campaign=campaign, limit=max(1, batch_size)):
                filed += done
                bar.update(done)
        failed = RandomCheckDraw.objects.filter(campaign=campaign, plan__isnull=True).exclude(failure="").count()
        self.stdout.write(f"{code}: {filed} attempted now; {failed} drawn enterprises without a plan (see the page)")
