from celery import shared_task

from .overdue import opinions_overdue_flag


@shared_task(ignore_result=True)
def opinions_overdue_check() -> int:
    """Daily: flag the supervision opinions whose answer is late (``supervision.overdue``)."""
    return opinions_overdue_flag()
