from celery import shared_task

from .deadlines import complaints_overdue_flag


@shared_task(ignore_result=True)
def complaints_deadlines_check() -> int:
    return complaints_overdue_flag()
