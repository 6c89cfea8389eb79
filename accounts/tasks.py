from celery import shared_task

from .certificates import certificate_expiry_warnings_send


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def certificate_expiry_warnings() -> int:
    return certificate_expiry_warnings_send()


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def audit_anchor() -> bool:
    from .audit_anchor import audit_anchor_daily

    return audit_anchor_daily()["ok"]
