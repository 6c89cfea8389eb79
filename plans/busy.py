"""An enterprise's busy periods (企业生产繁忙期): the dates it asks not to be visited.

The period itself is a row of the enterprises app; what a declaration does to the visits is the plans app's
business, so the services live here: each validates, writes the row, audits and re-matches the enterprise's
visits under its row lock, in one transaction. The enterprise portal, the API and the admin all call them.
"""

import datetime as dt

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

MAX_DAYS = 90


def _check_dates(*, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError(_("The end date is before the start date."), field="end")
    if (end - start).days >= MAX_DAYS:
        raise DomainError(_("A busy period may be at most 90 days long."), field="end")


def busy_period_check(
    *, enterprise: Enterprise, start: dt.date, end: dt.date, today: dt.date | None = None
) -> EnterpriseState:
    """The rules of a declaration, checked without writing: at most 90 days, and no plan that has a visit
    today may be left with no day to visit by these dates (visits already fixed keep their date). Returns
    the enterprise's ``EnterpriseState`` with the new period in it, for the re-matching that follows."""
    _check_dates(start=start, end=end)
    today = today or timezone.localdate()
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
