from celery import shared_task

from .grades import credit_grades_refresh_due
from .whitelist import whitelist_propose


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def whitelist_proposals() -> int:
    """Daily: derive again the grades that came into force or lapsed (ending the whitelist entries of those
    that fell below A), then propose the city's new whitelist candidates. Rerunnable: nobody is proposed
    twice, a grade derived twice is the same."""
    credit_grades_refresh_due()
    return whitelist_propose()
