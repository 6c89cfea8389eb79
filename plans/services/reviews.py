"""The justice bureau's reviews: 白名单审核 of plans on whitelisted enterprises, and 事后追溯核查 of
green-channel inspections after the fact."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_justice
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from notifications.services import notification_send, notifications_resolve
from yantai_inspect.errors import DomainError

from ..matching import enterprise_reschedule, lock_enterprise
from ..models import JointTask, Plan
from ..statistics import cells_refresh_for_visits
from .invitations import _invite_theme_agencies


def _notify_justice(plan: Plan, *, key: str, title: str) -> None:
    bureau = justice_bureau_for_division(plan.agency.division)
    if bureau is not None:
        notification_send(
            dedupe_key=f"plan-{key}:{plan.pk}",
            agency=bureau,
            title=title,
            body=f"{plan.agency.name} → {plan.enterprise.name}",
            link=f"/justice/plans/{plan.pk}/",
        )


def _notify_justice_review(plan: Plan) -> None:
    _notify_justice(plan, key="review", title=_("Plan on a whitelisted enterprise awaits review"))


def _require_same_level_justice(actor, plan: Plan) -> None:
    """同级司法局: only staff of the bureau responsible for the plan's agency (the one notified) review it."""
    require_justice(actor)
    bureau = justice_bureau_for_division(plan.agency.division)
    if bureau is None or bureau.pk != actor.agency_id:
        raise DomainError(_("Plans are reviewed by the justice bureau of the same level."))


def plan_enter_matching(*, actor, plan: Plan) -> Plan:
    """An approved plan takes part in matching (the caller holds the enterprise's lock and made the plan live):
    the enterprise's visits are re-optimised to serve it, and a theme's lead plan invites the theme's agencies.
    The one way in for a plan that waited: the justice bureau's approval and the agency head's."""
    enterprise_reschedule(actor=actor, enterprise_id=plan.enterprise_id, must_serve=[plan.pk])
    plan.refresh_from_db()
    _invite_theme_agencies(actor=actor, plan=plan, today=timezone.localdate())
    return plan


@transaction.atomic
def plan_review(*, actor, plan: Plan, approve: bool, note: str = "") -> Plan:
    """白名单审核: the same-level justice bureau approves a plan on a whitelisted enterprise (then it enters
    matching) or rejects it with a reason the officer sees."""
    _require_same_level_justice(actor, plan)
    lock_enterprise(plan.enterprise_id)
    plan = Plan.objects.get(pk=plan.pk)
    if plan.status != Plan.Status.PENDING_REVIEW:
        raise DomainError(_("This plan is not awaiting review."))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("A rejection needs a reason."), field="note")
    plan.status = Plan.Status.APPROVED if approve else Plan.Status.REJECTED
    plan.review_note, plan.reviewed_by, plan.reviewed_at = note, actor, timezone.now()
    plan.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action="plan.approve" if approve else "plan.reject", obj=plan, details={"note": note})
    notifications_resolve(keys=[f"plan-review:{plan.pk}"])
    if approve:
        plan = plan_enter_matching(actor=actor, plan=plan)
    notification_send(
        dedupe_key=f"plan-reviewed:{plan.pk}",
        agency=plan.agency,
        title=(_("Plan approved by the justice bureau") if approve else _("Plan rejected by the justice bureau")),
        body=f"{plan.enterprise.name}:{note}" if note else plan.enterprise.name,
        link=f"/agency/plans/{plan.pk}/",
    )
    return plan


@transaction.atomic
def plan_post_review(*, actor, plan: Plan, justified: bool, note: str = "") -> Plan:
    """事后追溯核查: the justice bureau marks a green-channel inspection justified or not."""
    _require_same_level_justice(actor, plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.urgent or plan.post_review != Plan.PostReview.PENDING:
        raise DomainError(_("This plan is not awaiting review after the fact."))
    note = (note or "").strip()
    if not justified and not note:
        raise DomainError(_("Say why the urgent inspection was not justified."), field="note")
    plan.post_review = Plan.PostReview.JUSTIFIED if justified else Plan.PostReview.UNJUSTIFIED
    plan.post_review_note, plan.post_reviewed_by, plan.post_reviewed_at = note, actor, timezone.now()
    plan.save(update_fields=["post_review", "post_review_note", "post_reviewed_by", "post_reviewed_at"])
    cells_refresh_for_visits(JointTask.objects.filter(pk=plan.joint_task_id))
    audit_record(actor=actor, action="plan.post_review", obj=plan, details={"justified": justified, "note": note})
    notifications_resolve(keys=[f"plan-green:{plan.pk}"])
    return plan
