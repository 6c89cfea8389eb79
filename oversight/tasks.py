import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import monthly_report_store


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def monthly_report(today: str | None = None) -> str:
    """The beat's monthly job: the city's report of the month that ended (rerunnable: stored once)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    last_month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    report, created = monthly_report_store(month=last_month, today=day)
    return f"{report.month:%Y-%m} {'stored' if created else 'already stored'}"
