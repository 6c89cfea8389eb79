"""检查审批: the agency head approves or rejects its agency's plans (``plans.approval`` has the rule)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_agency_head
from audit.services import audit_record
from notifications.services import notification_send, notifications_resolve
from outbox.services import outbox_enqueue
from yantai_inspect.errors import DomainError

from ..approval import awaits_head
from ..matching import lock_enterprise
from ..models import Plan
from .reviews import _notify_justice, _notify_justice_review, plan_enter_matching


@transaction.atomic
def plan_head_decide(*, actor, plan: Plan, approve: bool, note: str = "") -> Plan:
    """The head (负责人) of the plan's agency approves or rejects a plan waiting for it; a rejection needs an
    opinion, which the officer sees. A routine plan approved enters matching as a justice-approved one does
    (``plan_enter_matching``), or goes on to the justice bureau's review when it needs one (a whitelisted
    enterprise, or over a yearly cap): the head first, then the bureau. A rejected routine plan is rejected. A
    green-channel inspection, carried out already, keeps its visit: the head's approval or rejection after the
    fact is recorded, and a rejection is reported to the justice bureau."""
    agency = require_agency_head(actor)
    if plan.agency_id != agency.pk:
        raise DomainError(_("Only the head of the filing agency can approve its plans."))
    lock_enterprise(plan.enterprise_id)
    plan = Plan.objects.select_related("agency", "enterprise__credit").get(pk=plan.pk)
    if not awaits_head(plan):
        raise DomainError(_("This plan is not awaiting the head's approval."))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("A rejection needs the head's opinion."), field="note")
    before = plan.status
    plan.head_approval = Plan.HeadApproval.APPROVED if approve else Plan.HeadApproval.REJECTED
    plan.head_approval_by, plan.head_approval_at, plan.head_approval_note = actor, timezone.now(), note
    to_justice = False
    if plan.status == Plan.Status.PENDING_APPROVAL:
        whitelisted = bool(getattr(getattr(plan.enterprise, "credit", None), "whitelisted", False))
        to_justice = approve and (whitelisted or bool(plan.cap_note))
        if not approve:
            plan.status = Plan.Status.REJECTED
        else:
            plan.status = Plan.Status.PENDING_REVIEW if to_justice else Plan.Status.FILED
    plan.save(update_fields=["status", "head_approval", "head_approval_by", "head_approval_at", "head_approval_note"])
    audit_record(
        actor=actor,
        action="plan.head_approve" if approve else "plan.head_reject",
        obj=plan,
        details={"note": note, "before": before, "after": plan.status, "after_the_fact": plan.urgent},
    )
    notifications_resolve(keys=[f"plan-head-approval:{plan.pk}"])  # the agency's notice asked for this
    if approve:
        # The inspection approval form (检查审批表), a numbered paper of the inspections app (above this one):
        # asked for in this transaction, issued once by its handler (inspections.handlers.issue_approval_form).
        outbox_enqueue(handler="inspections.issue_approval_form", payload={"plan_id": plan.pk, "actor_id": actor.pk},
                       dedupe_key=f"approval-form:{plan.pk}")
    if plan.is_live:
        plan = plan_enter_matching(actor=actor, plan=plan)
    elif to_justice and plan.cap_note:
        _notify_justice(plan, key="review", title=_("Plan over the yearly inspection cap awaits review"))
    elif to_justice:
        _notify_justice_review(plan)
    if plan.urgent and not approve:
        _notify_justice(plan, key="head-rejected", title=_("Green-channel inspection not approved by the agency head"))
    notification_send(
        dedupe_key=f"plan-head-decided:{plan.pk}",
        agency=plan.agency,
        title=_("Plan approved by the agency head") if approve else _("Plan rejected by the agency head"),
        body=f"{plan.enterprise.name}:{note}" if note else plan.enterprise.name,
        link=f"/agency/plans/{plan.pk}/",
    )
    return plan
