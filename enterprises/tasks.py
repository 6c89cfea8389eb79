from celery import shared_task

from .licences import licence_expiry_warnings_send


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def licence_expiry_warnings() -> int:
    return licence_expiry_warnings_send()
