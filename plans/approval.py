"""检查审批 (prior approval): an agency can require that a routine plan filed by an officer is approved by its head
(负责人, ``User.is_agency_head``) before it takes part in matching, and that a green-channel inspection is
approved by the head after the fact within ``GREEN_CHANNEL_APPROVAL_WORKDAYS`` working days.

The rule that keeps a plan out of matching is the one that keeps a whitelist plan out: only a live plan
(``Plan.LIVE``) is matched, and a plan awaiting its head is ``Plan.Status.PENDING_APPROVAL``. The order when a
plan also needs the justice bureau's whitelist review (or its review over a yearly cap): **the head first, then
the justice bureau**. The agency decides that it wants to inspect before the supervisor is asked to agree, so
the bureau never reviews a plan its own agency may still drop; the head's approval then sends the plan to the
bureau's queue instead of into matching (``plans.services.approval.plan_head_decide``).

Here: the filing's decision and notice (called once each by ``plan_file``), the step as the plan's history
shows it (``approval_of``, also for the papers' approval form), the head's queue, and the daily check of
green-channel inspections whose approval is missing. The head's decision is a service:
``plans.services.approval``.
"""

import dataclasses
import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many
from yantai_inspect.batches import in_locked_batches

from .models import Plan
from .workdays import default_calendar

BATCH_SIZE = 500


def head_approval_needed(*, actor, agency, urgent: bool) -> str:
    """The head's approval a plan filed now by ``actor`` for ``agency`` needs: pending (before matching for a
    routine plan, after the fact for a green-channel one) when the agency requires it and the filer is not
    its head; else none. Reads no row: the agency and the actor are loaded."""
    if agency.plans_need_head_approval and not actor.is_agency_head:
        return Plan.HeadApproval.PENDING
    return Plan.HeadApproval.NOT_NEEDED


def awaiting_head_q() -> Q:
    """The plans waiting for their head's decision: a routine plan still held out of matching for it (not
    withdrawn meanwhile), or a green-channel inspection to approve after the fact. The query form of
    ``awaits_head``; ``plan_head_approval_queue`` indexes the first half of it."""
    return Q(head_approval=Plan.HeadApproval.PENDING) & (Q(status=Plan.Status.PENDING_APPROVAL) | Q(urgent=True))


def awaits_head(plan: Plan) -> bool:
    return plan.head_approval == Plan.HeadApproval.PENDING and (
        plan.status == Plan.Status.PENDING_APPROVAL or plan.urgent
    )


def head_approval_requested(plan: Plan) -> None:
    """The agency's inbox hears of a plan waiting for its head (``plan_file`` calls it for every plan: a plan
    that needs no approval costs nothing)."""
    if plan.head_approval != Plan.HeadApproval.PENDING:
        return
    if plan.urgent:
        title = _("Green-channel inspection to approve after the fact")
    else:
        title = _("Plan awaits the agency head's approval")
    # One INSERT that skips an existing key (the filing's statements stay few: test_head_approval pins them).
    notifications_send_many([Notification(
        dedupe_key=f"plan-head-approval:{plan.pk}",
        agency=plan.agency,
        title=title,
        body=plan.enterprise.name,
        # the plan's page: every officer of the agency reads the notice and may open it (the queue is the
        # head's only), and the head approves there
        link=f"/agency/plans/{plan.pk}/",
    )])


@dataclasses.dataclass(frozen=True)
class Approval:
    """The head's approval as a step of the plan's history (and the approval form's content)."""

    state: str
    state_label: str
    by: object  # User | None
    at: dt.datetime | None
    opinion: str
    after_the_fact: bool
    due: dt.date | None  # a green-channel inspection's last day for it
    flagged_at: dt.datetime | None
    awaited: bool  # the head may still decide (``awaits_head``): not for a plan withdrawn while it waited

    @property
    def pending(self) -> bool:
        return self.state == Plan.HeadApproval.PENDING

    @property
    def approved(self) -> bool:
        return self.state == Plan.HeadApproval.APPROVED


def approval_of(plan: Plan) -> Approval | None:
    """Who approved the plan, when and with what opinion; None when it needed no approval. For the plan page
    and the papers (the inspection approval form, 检查审批表). Reads the approver (one query unless it is
    selected with the plan)."""
    if not plan.head_approval:
        return None
    return Approval(
        state=plan.head_approval,
        state_label=plan.get_head_approval_display(),
        by=plan.head_approval_by if plan.head_approval_by_id else None,
        at=plan.head_approval_at,
        opinion=plan.head_approval_note,
        after_the_fact=plan.urgent,
        due=green_channel_approval_due(plan.filed_on) if plan.urgent else None,
        flagged_at=plan.head_approval_flagged_at,
        awaited=awaits_head(plan),
    )


def green_channel_approval_due(filed_on: dt.date, *, calendar=None) -> dt.date:
    """The last day a green-channel inspection filed on ``filed_on`` may be approved: the
    ``GREEN_CHANNEL_APPROVAL_WORKDAYS``-th working day after it (``WorkdayCalendar.add_workdays``)."""
    calendar = calendar or default_calendar()
    return calendar.add_workdays(filed_on, settings.GREEN_CHANNEL_APPROVAL_WORKDAYS)


def overdue_filed_on_or_before(today: dt.date, *, calendar=None) -> dt.date:
    """The latest filing day whose approval is overdue on ``today`` (its due day is before today): the
    set-based form of ``green_channel_approval_due(filed_on) < today``, as the due day only grows with the
    filing day."""
    calendar = calendar or default_calendar()
    day, left = today, settings.GREEN_CHANNEL_APPROVAL_WORKDAYS
    while left > 0:  # walk back over the N working days before today; a filing before the first is overdue
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    return day - dt.timedelta(days=1)


def approval_queue(*, user):
    """The plans waiting for the head of the user's agency, oldest first (``plan_head_approval_queue``)."""
    if not (user.is_authenticated and user.is_officer and user.agency_id):
        return Plan.objects.none()
    return (
        Plan.objects.filter(awaiting_head_q(), agency_id=user.agency_id)
        .select_related("agency", "enterprise", "theme", "filed_by")
        .prefetch_related("matters")
        .order_by("filed_at", "id")
    )


def overdue_green_channel(*, today: dt.date):
    """Green-channel inspections still without their head's approval after the set working days, not flagged."""
    return Plan.objects.filter(
        head_approval=Plan.HeadApproval.PENDING,
        urgent=True,
        head_approval_flagged_at__isnull=True,
        filed_on__lte=overdue_filed_on_or_before(today),
    )


def green_channel_approvals_flag_overdue(*, today: dt.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The daily step: flag to the justice bureau (of each plan's agency) every green-channel inspection whose
    head's approval is missing after ``GREEN_CHANNEL_APPROVAL_WORKDAYS`` working days. Set-based (a batch: the
    claim, one read, one INSERT of notifications, one of audit entries, one bureau lookup per division) and
    rerunnable: the claim sets ``head_approval_flagged_at``, so a plan is flagged once."""
    today = today or timezone.localdate()

    def flag(ids) -> int:
        now = timezone.now()
        claimed = Plan.objects.filter(pk__in=ids, head_approval_flagged_at__isnull=True).update(
            head_approval_flagged_at=now
        )
        if not claimed:
            return 0
        plans = list(
            Plan.objects.filter(pk__in=ids, head_approval_flagged_at=now)
            .select_related("agency", "enterprise")
            .only("id", "filed_on", "agency__id", "agency__name", "agency__division", "enterprise__name")
        )
        bureaus = {d: b for d in {p.agency.division for p in plans} if (b := justice_bureau_for_division(d))}
        notifications_send_many(
            Notification(
                dedupe_key=f"plan-head-approval-missing:{plan.pk}",
                agency=bureaus[plan.agency.division],
                title=_("Green-channel inspection without its head's approval"),
                body=_("%(agency)s → %(enterprise)s, filed on %(day)s: not approved by the agency head within "
                       "%(n)d working days.")
                % {"agency": plan.agency.name, "enterprise": plan.enterprise.name, "day": plan.filed_on.isoformat(),
                   "n": settings.GREEN_CHANNEL_APPROVAL_WORKDAYS},
                link=f"/justice/plans/{plan.pk}/",
            )
            for plan in plans
            if plan.agency.division in bureaus
        )
        audit_record_many(
            actor=None,
            action="plan.head_approval_missing",
            entries=[(plan, {"filed_on": plan.filed_on, "due": green_channel_approval_due(plan.filed_on)})
                     for plan in plans],
        )
        return len(plans)

    return in_locked_batches(overdue_green_channel(today=today), flag, batch_size=batch_size)
