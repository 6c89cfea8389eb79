from celery import shared_task

from .whitelist import whitelist_propose


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def whitelist_proposals() -> int:
    """Daily: propose the city's new whitelist candidates (rerunnable: nobody is proposed twice)."""
    return whitelist_propose()
