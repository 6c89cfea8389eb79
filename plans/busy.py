"""An enterprise's busy periods (企业生产繁忙期): the dates it asks not to be visited.

The period itself is a row of the enterprises app; what a declaration does to the visits is the plans app's
business, so the services live here: each validates, writes the row, audits and re-matches the enterprise's
visits under its row lock, in one transaction. The enterprise portal, the API and the admin all call them.
"""

import bisect
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from enterprises.models import BusyPeriod, Enterprise
from yantai_inspect.errors import DomainError, domain_error_from_validation

from .matching import (
    EnterpriseState,
    compute_schedule,
    enterprise_reschedule,
    load_states,
    lock_enterprise,
    served_plan_ids,
)
from .models import Plan

MAX_DAYS = 90
YEAR_DAYS = 365


def _declared_days(*, enterprise_id: int, start: dt.date, end: dt.date) -> set[dt.date]:
    days = set()
    periods = BusyPeriod.objects.filter(enterprise_id=enterprise_id, start__lte=end, end__gte=start)
    for first, last in periods.values_list("start", "end"):
        day = max(first, start)
        while day <= min(last, end):
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def _most_in_a_year(days: set[dt.date], *, start: dt.date, end: dt.date) -> int:
    """The most of ``days`` in any 365-day window that overlaps [start, end]. The worst window starts on one
    of the days (or at ``end``): moving a window's start onto the next busy day only adds days."""
    ordered = sorted(days)
    first_start = start - dt.timedelta(days=YEAR_DAYS - 1)
    starts = [d for d in ordered if first_start <= d <= end] + [end]
    return max(
        bisect.bisect_right(ordered, w + dt.timedelta(days=YEAR_DAYS - 1)) - bisect.bisect_left(ordered, w)
        for w in starts
    )


def busy_days_left(*, enterprise_id: int, start: dt.date, end: dt.date | None = None) -> int:
    """How many busy days the enterprise may still declare within [start, end] (one day when no end): the
    cap (``BUSY_DAYS_MAX_PER_YEAR``) less the most days already declared in a 365-day window over them."""
    end = end or start
    span = dt.timedelta(days=YEAR_DAYS - 1)
    days = _declared_days(enterprise_id=enterprise_id, start=start - span, end=end + span)
    return max(0, settings.BUSY_DAYS_MAX_PER_YEAR - _most_in_a_year(days, start=start, end=end))


def _check_allowance(*, enterprise: Enterprise, start: dt.date, end: dt.date, today: dt.date) -> None:
    """At most ``BUSY_DAYS_MAX_PER_YEAR`` busy days in any 365 days (five chained 89-day periods blocked every
    routine inspection for 15 months), and none beyond the planning horizon."""
    if end > Plan.horizon_end(today):
        raise DomainError(
            _("A busy period may end at most %(n)d days from today.") % {"n": settings.PLAN_HORIZON_DAYS},
            field="end",
        )
    span = dt.timedelta(days=YEAR_DAYS - 1)
    days = _declared_days(enterprise_id=enterprise.pk, start=start - span, end=end + span)
    before = _most_in_a_year(days, start=start, end=end)
    day = start
    while day <= end:
        days.add(day)
        day += dt.timedelta(days=1)
    cap = settings.BUSY_DAYS_MAX_PER_YEAR
    if _most_in_a_year(days, start=start, end=end) > cap:
        raise DomainError(
            _(
                "At most %(cap)d busy days may be declared in any 365 days; %(left)d are left for a period"
                " over these dates."
            )
            % {"cap": cap, "left": max(0, cap - before)},
            field="end",
        )


def _check_dates(*, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError(_("The end date is before the start date."), field="end")
    if (end - start).days >= MAX_DAYS:
        raise DomainError(_("A busy period may be at most 90 days long."), field="end")


def busy_period_check(
    *, enterprise: Enterprise, start: dt.date, end: dt.date, today: dt.date | None = None
) -> EnterpriseState:
    """The rules of a declaration, checked without writing: at most 90 days, within the planning horizon and
    the yearly allowance (``_check_allowance``), and no plan that has a visit today may be left with no day
    to visit by these dates (visits already fixed keep their date). Returns the enterprise's
    ``EnterpriseState`` with the new period in it, for the re-matching that follows."""
    _check_dates(start=start, end=end)
    today = today or timezone.localdate()
    _check_allowance(enterprise=enterprise, start=start, end=end, today=today)
    state = load_states(enterprise_ids=[enterprise.pk], today=today)[enterprise.pk]
    served = served_plan_ids(compute_schedule(enterprise_id=enterprise.pk, today=today, state=state))
    state.busy.append((start, end))
    try:
        compute_schedule(enterprise_id=enterprise.pk, today=today, state=state, must_serve=sorted(served))
    except DomainError as exc:
        raise DomainError(
            _("These dates would leave a filed inspection with no day to visit: %(why)s") % {"why": exc.message},
            field="end",
        ) from exc
    return state


@transaction.atomic
def busy_period_declare(
    *, actor, enterprise: Enterprise, start: dt.date, end: dt.date, reason: str = "", today: dt.date | None = None
) -> BusyPeriod:
    """An enterprise declares dates it asks not to be visited (``busy_period_check``); the visits not yet
    fixed move off them."""
    today = today or timezone.localdate()
    _check_dates(start=start, end=end)
    period = BusyPeriod(enterprise=enterprise, start=start, end=end, reason=reason or "")
    try:
        period.full_clean()
    except ValidationError as exc:
        raise domain_error_from_validation(exc) from exc
    lock_enterprise(enterprise.pk)
    # What the check read (under the lock, with the new period) is what the re-matching reads: read once.
    state = busy_period_check(enterprise=enterprise, start=start, end=end, today=today)
    period.save()
    audit_record(
        actor=actor,
        action="busy_period.declare",
        obj=enterprise,
        details={"start": start, "end": end, "reason": period.reason},
    )
    enterprise_reschedule(actor=actor, enterprise_id=enterprise.pk, today=today, state=state, enterprise=enterprise)
    return period


@transaction.atomic
def busy_period_delete(*, actor, period: BusyPeriod, today: dt.date | None = None) -> None:
    """The enterprise withdraws a busy period; its visits not yet fixed are re-matched (they may move back).
    Freeing days never strands a plan, so this never refuses."""
    enterprise = lock_enterprise(period.enterprise_id)
    period = BusyPeriod.objects.filter(pk=period.pk).first()
    if period is None:
        raise DomainError(_("This busy period has already been removed."))
    details = {"start": period.start, "end": period.end, "reason": period.reason}
    period.delete()
    audit_record(actor=actor, action="busy_period.remove", obj=enterprise, details=details)
    enterprise_reschedule(actor=actor, enterprise_id=enterprise.pk, today=today, enterprise=enterprise)
