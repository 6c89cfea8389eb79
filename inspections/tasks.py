from celery import shared_task

from . import services


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def findings_overdue_check() -> int:
    return services.findings_overdue_check()
