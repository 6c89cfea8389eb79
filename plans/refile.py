"""Refiling a plan that was not carried out (its visit was missed, or its window passed without one)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from audit.services import audit_record
from yantai_inspect.errors import DomainError

from .models import Plan
from .services import plan_file


@transaction.atomic
def plan_refile(*, actor, plan: Plan, window_start: dt.date, window_end: dt.date, today: dt.date | None = None) -> Plan:
    """The filing agency files a plan not carried out again, with a fresh window: same enterprise, matters,
    theme and officers (those still active in the agency), through ``plan_file`` and so through all its rules
    (7 days ahead, the whitelist review, the green channel's reason). A plan is refiled once."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if require_officer(actor).pk != plan.agency_id:
        raise DomainError(_("Only the filing agency can refile its plan."))
    if plan.status != Plan.Status.NOT_CARRIED_OUT:
        raise DomainError(_("Only a plan that was not carried out can be refiled."))
    if plan.refiled_as.exists():
        raise DomainError(_("This plan has already been refiled."))
    today = today or timezone.localdate()
    officers = [o for o in plan.officers.all() if o.is_active and o.agency_id == plan.agency_id]
    new = plan_file(
        actor=actor,
        enterprise=plan.enterprise,
        matters=plan.matters.all(),
        theme=plan.theme,
        officers=officers,
        window_start=window_start,
        window_end=window_end,
        urgent=plan.urgent,
        urgent_category=plan.urgent_category,
        urgent_reason=plan.urgent_reason,
        special_campaign=plan.special_campaign,  # 专项检查: still under its campaign (its dates and population)
        visit_reason=plan.visit_reason,  # the reason the plan visits (plans.remote) still holds
        today=today,
    )
    Plan.objects.filter(pk=new.pk).update(refiled_from=plan)
    new.refiled_from = plan
    audit_record(actor=actor, action="plan.refile", obj=plan, details={"new_plan": new.pk})
    return new
