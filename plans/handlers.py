"""Background work of the plans app, run by the outbox."""

from django.db import transaction

from outbox.registry import outbox_handler

from . import campaigns
from .campaigns import campaign_file_later, campaign_file_plans
from .models import RandomCheckCampaign, RandomCheckDraw


@outbox_handler("plans.random_check_file")
def random_check_file(*, campaign_id: int, batch: int) -> None:
    """Files one batch of a drawn campaign's plans and queues the next while some remain. Rerunnable: each
    drawn enterprise is claimed once (``campaign_file_plans``)."""
    campaign = RandomCheckCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return
    campaign_file_plans(campaign=campaign, limit=campaigns.FILE_BATCH)
    if RandomCheckDraw.objects.filter(campaign=campaign, filing_done=False).exists():
        with transaction.atomic():
            campaign_file_later(campaign=campaign, batch=batch + 1)
