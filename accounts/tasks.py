from celery import shared_task

from .browser_sessions import browser_sessions_expired_clear
from .certificates import certificate_expiry_warnings_send
from .tokens import api_tokens_expired_delete


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def certificate_expiry_warnings() -> int:
    return certificate_expiry_warnings_send()


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def audit_anchor() -> bool:
    from .audit_anchor import audit_anchor_daily

    return audit_anchor_daily()["ok"]


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sessions_expired_clear() -> int:
    """Browser sessions past their idle or absolute limit (and whatever else the session store holds past its
    expiry), then expired API tokens: the lists of one's devices show only what still works."""
    return browser_sessions_expired_clear() + api_tokens_expired_delete()
