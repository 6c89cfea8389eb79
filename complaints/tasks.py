from celery import shared_task

from outbox.services import outbox_rearm

from .deadlines import complaints_overdue_flag
from .services import HOTLINE_HANDLER


@shared_task(ignore_result=True)
def complaints_deadlines_check() -> int:
    """Daily: flag and escalate the overdue complaints; deliveries to the hotline that ran out of attempts
    (a long outage) get a new round, so no complaint is lost."""
    outbox_rearm(handler=HOTLINE_HANDLER)
    return complaints_overdue_flag()
