"""The working-day calendar the scheduler uses, and the days an enterprise may be visited."""

import datetime as dt

from enterprises.models import BusyPeriod

from .scheduling import blocking_days, make_is_allowed
from .workdays import default_calendar


def busy_ranges(*, enterprise_id: int, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    return list(
        BusyPeriod.objects.filter(enterprise_id=enterprise_id, start__lte=end, end__gte=start).values_list(
            "start", "end"
        )
    )


def visit_day_rule(*, enterprise_id: int, start: dt.date, end: dt.date, not_before: dt.date | None = None):
    """The ``is_allowed`` callback over [start, end]: an official working day, outside the enterprise's busy
    periods, and not before ``not_before`` (a visit is never scheduled in the past)."""
    allowed = make_is_allowed(
        calendar=default_calendar(), busy_periods=busy_ranges(enterprise_id=enterprise_id, start=start, end=end)
    )
    if not_before is None:
        return allowed
    return lambda d: d >= not_before and allowed(d)


def blocked_days(*, enterprise_id: int, start: dt.date, end: dt.date, busy_periods=None):
    """The days of [start, end] that cannot be visited, with the reason. ``busy_periods``: the enterprise's
    busy periods as ``(start, end)`` pairs when the caller has read them already (any that cover the window,
    e.g. ``EnterpriseState.busy``); read here otherwise."""
    if busy_periods is None:
        busy_periods = busy_ranges(enterprise_id=enterprise_id, start=start, end=end)
    return blocking_days(start, end, calendar=default_calendar(), busy_periods=busy_periods)


def unknown_calendar_years(start: dt.date, end: dt.date) -> list[int]:
    return default_calendar().unknown_years(start, end)
