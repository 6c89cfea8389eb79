from celery import shared_task

from . import burden, services, statistics, yearly


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def plans_daily_checks() -> dict:
    return services.plans_daily_checks()


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def statistics_rebuild() -> int:
    """The statistics' cells rebuilt from scratch (``manage.py statistics_rebuild``); rerunnable."""
    return statistics.cells_rebuild()


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def statistics_cells_compact() -> int:
    """The statistics' dirty division-days recomputed into their cells (enqueued by the writers on commit, and
    every minute by the beat); rerunnable."""
    return statistics.cells_compact()


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def burden_alerts_check() -> int:
    """Daily: the visit-burden alerts to the justice bureaus (``plans.burden``); rerunnable, each told once."""
    return burden.burden_alerts_raise()


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def yearly_plan_reminders() -> int:
    """Daily: the agencies that have not published their yearly plan are told from 1 March that it is due by
    31 March, and once after it that it is overdue (``plans.yearly``); rerunnable, each told once."""
    return yearly.yearly_plan_reminders_send()
