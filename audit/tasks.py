from celery import shared_task

from .verification import verify_and_keep


@shared_task(ignore_result=True)
def audit_verify_now() -> bool:
    """The justice portal's "verify now" (``/audit/verify/``): the whole chain, its verdict kept for the page."""
    return verify_and_keep().ok
