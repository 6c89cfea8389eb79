"""回避 (recusal): officers declare their conflicts of interest with enterprises; an enterprise asks that a
named officer of one of its planned visits step aside and the officer's agency decides before the visit.

One rule, one place: an officer with a conflict (``OfficerConflict``, declared or granted) is named on no
plan of that enterprise (``officers_recusal_check``, called by the filing service for every plan and every
change of a plan's officers), drawn in no random check (``plans.draw`` skips the conflicts the campaign's
snapshot lists, read by ``conflicts_of``) and checked in on no visit (``recusal_refusal``, called by
check-in)."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from audit.services import audit_record
from enterprises.access import require_enterprise
from enterprises.selectors import enterprise_of_user
from notifications.services import notification_send
from yantai_inspect.errors import DomainError
from yantai_inspect.prepared import SENTINEL_ID, prepared_queryset

from .matching import lock_enterprise
from .models import JointTask, OfficerConflict, Plan, RecusalRequest

REASON_MAX = 2000


def _reason(text: str, *, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Give a reason."), field=field)
    if len(text) > REASON_MAX:
        raise DomainError(_("A reason has at most %(n)d characters.") % {"n": REASON_MAX}, field=field)
    return text


# -- the rule --------------------------------------------------------------------------------------------


def _conflicts(*, enterprise_id: int, officer_ids: list[int]):
    return OfficerConflict.objects.filter(enterprise_id=enterprise_id, officer_id__in=officer_ids).values_list(
        "officer_id", flat=True
    )


PREPARED_OFFICERS = 4  # a plan names one to a few officers: their statements are compiled once per process


def conflicted_officer_ids(*, enterprise_id: int, officer_ids) -> set[int]:
    """The officers among ``officer_ids`` who have a conflict with the enterprise (one query)."""
    officer_ids = list(dict.fromkeys(officer_ids))
    if not 0 < len(officer_ids) <= PREPARED_OFFICERS:
        return set(_conflicts(enterprise_id=enterprise_id, officer_ids=officer_ids))
    names = [f"officer_{i}" for i in range(len(officer_ids))]
    bind = prepared_queryset(  # on every filing and change of a plan's officers
        f"plans.recusal.conflicts.{len(names)}", OfficerConflict,
        lambda enterprise_id, **officers: _conflicts(enterprise_id=enterprise_id, officer_ids=list(officers.values())),
        enterprise_id=SENTINEL_ID, **{name: SENTINEL_ID - 10 * (i + 1) for i, name in enumerate(names)},
    )
    return set(bind(enterprise_id=enterprise_id, **dict(zip(names, officer_ids, strict=True))))


def recusal_refusal(*, officer, enterprise) -> str | None:
    """Why ``officer`` may not inspect ``enterprise`` (a conflict of interest or a granted recusal), or None."""
    if conflicted_officer_ids(enterprise_id=enterprise.pk, officer_ids=[officer.pk]):
        return _("%(name)s has a conflict of interest with %(enterprise)s (回避) and cannot inspect it.") % {
            "name": officer, "enterprise": enterprise.name}
    return None


def officers_recusal_check(*, enterprise, officers) -> None:
    """Refuses a plan of ``enterprise`` that names an officer with a conflict with it."""
    officers = list(officers)
    conflicted = conflicted_officer_ids(enterprise_id=enterprise.pk, officer_ids=[o.pk for o in officers])
    for officer in officers:
        if officer.pk in conflicted:
            raise DomainError(
                _("%(name)s has a conflict of interest with %(enterprise)s (回避) and cannot be named on its "
                  "plans.") % {"name": officer, "enterprise": enterprise.name},
                field="officers",
            )


def conflicts_of(*, enterprise_ids, officer_ids) -> set[tuple[int, int]]:
    """(enterprise id, officer id) pairs with a conflict, for a random draw's snapshot (one query)."""
    return set(
        OfficerConflict.objects.filter(officer_id__in=list(officer_ids), enterprise_id__in=enterprise_ids)
        .values_list("enterprise_id", "officer_id")
    )


# -- officers declare ------------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, actor, enterprise, reason: str) -> OfficerConflict:
    """An officer declares a conflict of interest with an enterprise (e.g. a relative works there). The officer
    is taken off the plans of that enterprise that name them and are still editable, even on a fixed visit (the
    law puts recusal first), and the agencies are told to name another officer."""
    require_officer(actor)
    reason = _reason(reason)
    # The enterprise's lock, as filing and plan_officers_set take it: nobody names the officer meanwhile.
    lock_enterprise(enterprise.pk)
    try:
        with transaction.atomic():
            conflict = OfficerConflict.objects.create(
                officer=actor, enterprise=enterprise, reason=reason, source=OfficerConflict.Source.DECLARED
            )
    except IntegrityError:
        raise DomainError(_("You have already declared a conflict with this enterprise."), field="enterprise")
    removed = _leave_plans(officer=actor, enterprise=enterprise)
    audit_record(actor=actor, action="conflict.declare", obj=conflict,
                 details={"enterprise": enterprise.uscc, "reason": reason, "left_plans": removed})
    return conflict


def _leave_plans(*, officer, enterprise, plans=None) -> list[int]:
    """Takes the officer off the enterprise's editable plans (or the given ones); the agency is told."""
    qs = Plan.objects.filter(enterprise=enterprise, officers=officer, status__in=Plan.EDITABLE)
    if plans is not None:
        qs = qs.filter(pk__in=[p.pk for p in plans])
    plan_ids = list(qs.values_list("pk", flat=True))
    if plan_ids:
        Plan.officers.through.objects.filter(plan_id__in=plan_ids, user_id=officer.pk).delete()
        for plan in Plan.objects.filter(pk__in=plan_ids).select_related("agency"):
            notification_send(
                dedupe_key=f"recusal-left:{plan.pk}:{officer.pk}",
                agency=plan.agency,
                title=_("%(name)s stepped aside from the plan on %(enterprise)s") % {
                    "name": officer, "enterprise": enterprise.name},
                body=_("Name another certified officer on the plan if it now has fewer than it needs."),
                link=f"/agency/plans/{plan.pk}/",
            )
    return plan_ids


# -- the enterprise asks, the agency decides ---------------------------------------------------------------


def _visit_not_started(plan: Plan) -> None:
    task = plan.joint_task
    today = timezone.localdate()
    if not plan.is_editable:
        raise DomainError(_("This plan is no longer planned; a recusal can be decided only before the visit."))
    if task is not None and (task.status not in (JointTask.Status.SCHEDULED, JointTask.Status.FIXED)
                             or task.visit_date < today):
        raise DomainError(_("The visit has started or its day has come; a recusal is decided before the visit."))


@transaction.atomic
def recusal_request(*, actor, plan: Plan, officer, reason: str) -> RecusalRequest:
    """申请回避: the enterprise asks, with a reason, that a named officer of one of its planned visits step
    aside. Only an officer named on that plan, before the visit."""
    enterprise = require_enterprise(actor)
    if plan.enterprise_id != enterprise.pk:
        raise DomainError(_("This plan is not about your enterprise."))
    reason = _reason(reason)
    _visit_not_started(plan)
    if not plan.officers.filter(pk=officer.pk).exists():
        raise DomainError(_("%(name)s is not named on this plan.") % {"name": officer}, field="officer")
    try:
        with transaction.atomic():
            request = RecusalRequest.objects.create(
                enterprise=enterprise, plan=plan, agency_id=plan.agency_id, officer=officer, reason=reason,
                requested_by=actor,
            )
    except IntegrityError:
        raise DomainError(_("A request about this officer on this plan is already awaiting a decision."),
                          field="officer")
    audit_record(actor=actor, action="recusal.request", obj=request,
                 details={"plan": plan.pk, "officer": officer.username, "reason": reason})
    notification_send(
        dedupe_key=f"recusal-request:{request.pk}",
        agency=plan.agency,
        title=_("%(enterprise)s asks that %(name)s step aside") % {"enterprise": enterprise.name, "name": officer},
        body=reason,
        link=f"/agency/recusals/{request.pk}/",
    )
    return request


@transaction.atomic
def recusal_decide(*, actor, request: RecusalRequest, grant: bool, reason: str = "") -> RecusalRequest:
    """The officer's agency decides a recusal request before the visit. Granting takes the officer off the plan
    and records a conflict (the officer is then named on no plan, draw or visit of the enterprise); refusing
    needs a reason. The enterprise is told either way."""
    agency = require_officer(actor)
    lock_enterprise(request.enterprise_id)  # as filing and plan_officers_set do: see conflict_declare
    request = (
        RecusalRequest.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__joint_task", "officer", "enterprise")
        .get(pk=request.pk)
    )
    if request.agency_id != agency.pk:
        raise DomainError(_("Only the officer's agency can decide this request."))
    if request.status != RecusalRequest.Status.PENDING:
        raise DomainError(_("This request has already been decided."))
    reason = (reason or "").strip()[:REASON_MAX] if grant else _reason(reason, field="decision_reason")
    _visit_not_started(request.plan)
    request.status = RecusalRequest.Status.GRANTED if grant else RecusalRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_reason = actor, timezone.now(), reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    left = []
    if grant:
        OfficerConflict.objects.get_or_create(
            officer=request.officer, enterprise=request.enterprise,
            defaults={"source": OfficerConflict.Source.RECUSAL, "reason": request.reason},
        )
        left = _leave_plans(officer=request.officer, enterprise=request.enterprise)
    audit_record(actor=actor, action="recusal.grant" if grant else "recusal.refuse", obj=request,
                 details={"plan": request.plan_id, "officer": request.officer.username, "reason": reason,
                          "left_plans": left})
    notification_send(
        dedupe_key=f"recusal-decided:{request.pk}",
        enterprise=request.enterprise,
        title=(_("Your request that %(name)s step aside was granted") if grant
               else _("Your request that %(name)s step aside was refused")) % {"name": request.officer},
        body=reason,
        link="/enterprise/recusals/",
    )
    return request


# -- reads -----------------------------------------------------------------------------------------------


def conflicts_of_officer(*, officer):
    return OfficerConflict.objects.filter(officer=officer).select_related("enterprise").order_by("-created_at", "-id")


def _recusals():
    return RecusalRequest.objects.select_related("enterprise", "officer", "plan", "plan__joint_task", "agency")


def recusals_for_agency(*, agency):
    """The agency's recusal requests, newest first (index ``recusal_agency_requested``)."""
    return _recusals().filter(agency=agency).order_by("-requested_at", "-id")


def recusals_for_enterprise(*, enterprise):
    return _recusals().filter(enterprise=enterprise).order_by("-requested_at", "-id")


def recusal_for_user(*, user, request_id: int) -> RecusalRequest:
    """The request if the user's agency decides it (or the user's enterprise made it); 404 otherwise."""
    qs = _recusals().filter(pk=request_id)
    if user.is_officer and user.agency_id:
        qs = qs.filter(agency_id=user.agency_id)
    elif user.is_enterprise:
        enterprise = enterprise_of_user(user=user)
        qs = qs.filter(enterprise_id=enterprise.pk if enterprise else None)
    else:
        qs = qs.none()
    item = qs.first()
    if item is None:
        raise Http404
    return item


def plans_open_to_recusal(*, enterprise, today):
    """The enterprise's plans still ahead, whose officers it may ask to step aside, with their officers."""
    return (
        Plan.objects.filter(enterprise=enterprise, status__in=Plan.EDITABLE, urgent=False)
        .filter(Q(joint_task__isnull=True) | Q(joint_task__visit_date__gte=today,
                                              joint_task__status__in=[JointTask.Status.SCHEDULED,
                                                                      JointTask.Status.FIXED]))
        .select_related("agency", "joint_task")
        .prefetch_related("officers")
        .order_by("window_start", "id")
    )


def plan_of_enterprise(*, enterprise, plan_id: int) -> Plan:
    """A plan on the enterprise (whose officers it may ask to step aside); 404 for any other."""
    plan = Plan.objects.select_related("joint_task", "agency").filter(pk=plan_id, enterprise=enterprise).first()
    if plan is None:
        raise Http404
    return plan
