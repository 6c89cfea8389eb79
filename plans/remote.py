"""非现场检查 (能非现场的不进企业): a plan whose matters can all be checked remotely (``Matter.remote_checkable``,
``catalogue.versions.all_remote_checkable``) either says why a visit is needed, or becomes a remote check.

A remote check is a plan in ``Plan.Status.REMOTE`` with a ``RemoteCheck``: the enterprise is asked for documents
or photos of the plan's matters by a deadline ``REMOTE_CHECK_SUBMIT_WORKDAYS`` working days after the request
(``WorkdayCalendar.add_workdays``), sends them on its portal, and the agency concludes on them (compliant or
problems found, ``inspections.services.remote``); a request nobody answered by the deadline is closed as overdue
by the daily step here. It never becomes a visit: its status is outside ``Plan.LIVE`` (matching reads only live
plans), it is given no ``joint_task``, and outside ``plans.caps.COUNTED_STATUSES`` (never counted against a
cap nor in the visit burden). The statistics count it separately (``remote_check_counts``).

Until it is concluded its agency may withdraw it (``remote_check_withdraw``, with the reason): the enterprise is
told, the request leaves its to-do (nothing more to send; the request's notice resolved) and the check, which
did not take place, leaves the statistics (``counted_q``). The plan stays a remote check (``Plan.Status.REMOTE``
says what the plan is; the check's status says where it stands, as for a concluded or overdue one).

Here: the filing's rule (called once by ``plan_file``), the request it opens, its withdrawal, the access
functions and list selectors, the daily step and the statistics' figure. The enterprise's submission and the
agency's conclusion need the upload rules of ``inspections`` and live there (``inspections.services.remote``)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from audit.services import audit_record, audit_record_many
from catalogue.models import Matter
from catalogue.versions import all_remote_checkable
from enterprises.selectors import enterprise_of_user
from notifications.models import Notification
from notifications.services import notification_send, notifications_resolve, notifications_send_many
from yantai_inspect.batches import in_locked_batches
from yantai_inspect.errors import DomainError

from .models import Plan, RemoteCheck, RemoteEvidence
from .selectors import plan_scope_q
from .workdays import default_calendar

BATCH_SIZE = 500


# -- at filing --------------------------------------------------------------------------------------------


def remote_choice_check(*, matters, remote: bool, visit_reason: str, urgent: bool, invitation,
                        cap_exemption: str = "") -> str:
    """The filing's rule: a plan whose matters are all remote-checkable becomes a remote check (``remote``) or
    carries a written reason why a visit is needed; a remote check needs all its matters remote-checkable. Three
    plans visit by their nature and need no further reason, nor can they be remote checks: a green-channel
    inspection (carried out on site at once, with its own written reason), a response to an invitation (it
    joins the lead agency's visit) and a re-check of a serious finding (verified on site,
    ``inspections.services.rectification``). Returns the reason to store ('' if none). Reads nothing: the
    matters are the ones the filing already holds."""
    visits_by_nature = urgent or invitation is not None or cap_exemption == Plan.CapExemption.RECHECK
    all_remote = all_remote_checkable(matters)
    reason = (visit_reason or "").strip()
    if remote:
        if visits_by_nature:
            raise DomainError(_("A green-channel inspection, a response to an invitation and a re-check are carried "
                                "out on site; they cannot be remote checks."), field="remote")
        if not all_remote:
            onsite = sorted(m.code for m in matters if not m.remote_checkable)
            raise DomainError(_("Only matters that can be checked remotely make a remote check; these need a "
                                "visit: %(codes)s.") % {"codes": ", ".join(onsite)}, field="remote")
        return ""
    if not all_remote or visits_by_nature:
        return ""
    if not reason:
        raise DomainError(_("Every matter of this plan can be checked remotely (能非现场的不进企业): file it as a "
                            "remote check, or say why a visit is needed."), field="visit_reason")
    return reason


def remote_check_deadline(requested_on: dt.date, *, calendar=None) -> dt.date:
    """The last day the enterprise may send its documents: the ``REMOTE_CHECK_SUBMIT_WORKDAYS``-th working day
    after the request."""
    return (calendar or default_calendar()).add_workdays(requested_on, settings.REMOTE_CHECK_SUBMIT_WORKDAYS)


def remote_check_rectify_by(concluded_on: dt.date, *, calendar=None) -> dt.date:
    """The day problems found on a remote check are to be fixed by (``REMOTE_CHECK_RECTIFY_WORKDAYS``)."""
    return (calendar or default_calendar()).add_workdays(concluded_on, settings.REMOTE_CHECK_RECTIFY_WORKDAYS)


def remote_check_open(*, actor, plan: Plan, today: dt.date) -> RemoteCheck:
    """The request a remote-check plan opens at filing (inside ``plan_file``'s transaction): the deadline, the
    audit entry, the enterprise's notice."""
    check = RemoteCheck(plan=plan, agency_id=plan.agency_id, enterprise_id=plan.enterprise_id,
                        division=plan.enterprise.division, requested_on=today,
                        deadline=remote_check_deadline(today))
    check.full_clean(exclude=["plan", "agency", "enterprise"])
    check.save()
    audit_record(actor=actor, action="remote_check.request", obj=check,
                 details={"plan": plan.pk, "deadline": check.deadline,
                          "matters": [m.code for m in plan.matters.all()]})
    notification_send(
        dedupe_key=f"remote-check-requested:{check.pk}",
        enterprise=plan.enterprise,
        title=_("Documents requested for a remote check by %(agency)s") % {"agency": plan.agency.name},
        body=_("Send the documents or photos for the listed matters by %(date)s; nobody will visit for them.")
        % {"date": check.deadline.isoformat()},
        link=f"/enterprise/remote-checks/{check.pk}/",
    )
    return check


def remote_check_open_keys(check_id: int) -> list[str]:
    """The keys of the notices that ask for something while a check is open (the enterprise's request, the
    agency's "documents to review"): resolved once it is concluded or withdrawn."""
    return [f"remote-check-requested:{check_id}",
            *(f"remote-check-submitted:{check_id}:{n}" for n in range(1, settings.REMOTE_EVIDENCE_MAX_FILES + 1))]


@transaction.atomic
def remote_check_withdraw(*, actor, remote_check: RemoteCheck, reason: str) -> RemoteCheck:
    """The check's agency withdraws it before concluding (requested, or documents sent), with its reason: the
    enterprise is told and has nothing more to send. What it sent stays with the check."""
    agency = require_officer(actor)
    reason = (reason or "").strip()
    check = RemoteCheck.objects.select_for_update(of=("self",)).select_related("agency", "enterprise").get(
        pk=remote_check.pk)
    if check.agency_id != agency.pk:
        raise PermissionDenied(_("Only the agency that asked can withdraw this remote check."))
    if not check.open_for_submission:
        raise DomainError(_("This remote check is already closed: only one not yet concluded can be withdrawn."))
    if not reason:
        raise DomainError(_("Say why the remote check is withdrawn."), field="reason")
    before = check.status
    check.status, check.withdrawal_reason = RemoteCheck.Status.WITHDRAWN, reason
    check.concluded_at, check.concluded_by = timezone.now(), actor
    check.save(update_fields=["status", "withdrawal_reason", "concluded_at", "concluded_by"])
    audit_record(actor=actor, action="remote_check.withdraw", obj=check,
                 details={"plan": check.plan_id, "before": before, "reason": reason})
    notifications_resolve(keys=remote_check_open_keys(check.pk))
    notification_send(
        dedupe_key=f"remote-check-withdrawn:{check.pk}", enterprise=check.enterprise,
        title=_("Remote check withdrawn by %(agency)s") % {"agency": check.agency.name},
        body=_("Nothing more is to be sent for it. The reason: %(reason)s") % {"reason": reason[:200]},
        link=f"/enterprise/remote-checks/{check.pk}/",
    )
    return check


# -- reads ------------------------------------------------------------------------------------------------


def remote_checks_for_user(*, user):
    """The remote checks a user may see: an officer its agency's, a justice bureau those of the agencies it is
    responsible for (the plans' scope, ``plans.selectors.plan_scope_q``: the check carries its plan's agency),
    an enterprise its own, admins all."""
    qs = RemoteCheck.objects.select_related("plan", "agency", "enterprise")
    if not user.is_authenticated:
        return qs.none()
    if user.is_enterprise and not user.is_platform_admin:
        enterprise = enterprise_of_user(user=user)
        return qs.filter(enterprise=enterprise) if enterprise is not None else qs.none()
    scope = plan_scope_q(user=user)
    return qs.none() if scope is None else qs.filter(scope)


def remote_check_for_user(*, user, remote_check_id: int) -> RemoteCheck:
    """The remote check if the user may see it; 404 otherwise (an outsider cannot learn it exists)."""
    check = remote_checks_for_user(user=user).filter(pk=remote_check_id).first()
    if check is None:
        raise Http404
    return check


def remote_check_list(*, user, status: str = ""):
    """A side's list, newest first (``remotecheck_agency`` / ``remotecheck_enterprise``)."""
    qs = remote_checks_for_user(user=user)
    if status in RemoteCheck.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_on", "-id")


def remote_check_evidence(check: RemoteCheck):
    return RemoteEvidence.objects.filter(remote_check=check).select_related("matter").order_by("id")


def remote_evidence_for_user(*, user, evidence_id: int) -> RemoteEvidence:
    """A file of a remote check, for whoever may see the check; 404 otherwise."""
    evidence = (
        RemoteEvidence.objects.filter(pk=evidence_id, remote_check__in=remote_checks_for_user(user=user))
        .select_related("remote_check")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def counted_q() -> Q:
    """The remote checks the statistics count: all but the withdrawn ones, which did not take place."""
    return ~Q(status=RemoteCheck.Status.WITHDRAWN)


def remote_check_counts(*, scope: Q | None = None, start: dt.date | None = None, end: dt.date | None = None,
                        by=()) -> list[dict]:
    """非现场检查 as their own figure, in the database: the remote checks requested from ``start`` to ``end``
    (either open-ended; ``scope`` a filter such as ``plan_scope_q`` on the checks' agency), grouped by any of
    ``month`` (of the request, "YYYY-MM"), ``agency`` (its code and name) and ``district`` (the enterprise's
    division), with how many were requested, concluded compliant, with problems found, overdue and still open.
    One GROUP BY (``remotecheck_stats`` serves the period); without ``by`` one row, the total. A withdrawn check
    is not counted (``counted_q``)."""
    qs = RemoteCheck.objects.filter(counted_q())
    if scope is not None:
        qs = qs.filter(scope)
    if start is not None:
        qs = qs.filter(requested_on__gte=start)
    if end is not None:
        qs = qs.filter(requested_on__lte=end)
    keys = []
    if "month" in by:
        qs, keys = qs.annotate(month=TruncMonth("requested_on")), [*keys, "month"]
    if "agency" in by:
        keys += ["agency__code", "agency__name"]
    if "district" in by:
        keys.append("division")
    status = RemoteCheck.Status
    figures = {
        "requested": Count("pk"),
        "compliant": Count("pk", filter=Q(status=status.COMPLIANT)),
        "problems": Count("pk", filter=Q(status=status.PROBLEMS)),
        "overdue": Count("pk", filter=Q(status=status.OVERDUE)),
        "open": Count("pk", filter=Q(status__in=RemoteCheck.OPEN_FOR_SUBMISSION)),
    }
    if not keys:
        return [qs.aggregate(**figures)]
    rows = []
    for row in qs.order_by().values(*keys).annotate(**figures).order_by(*keys):
        if "month" in row:
            month = row.pop("month")
            row["month"] = (month.date() if isinstance(month, dt.datetime) else month).strftime("%Y-%m")
        if "division" in row:
            row["district"] = row.pop("division")
        if "agency__code" in row:
            row["agency"] = {"code": row.pop("agency__code"), "name": row.pop("agency__name")}
        rows.append(row)
    return rows


def remote_check_figures(*, scope: Q | None, by: str | None = None, start: dt.date | None = None,
                         end: dt.date | None = None) -> dict:
    """The statistics' remote-check figure beside the visits' (``plans.statistics``, which counts visits only):
    the total, and the groups when ``by`` is one this figure has (month, agency, district; a remote check has no
    theme of its own to group by). One query: the total is the groups' sum when there are groups."""
    if by not in REMOTE_DIMENSIONS:
        return {"overall": remote_check_counts(scope=scope, start=start, end=end)[0], "groups": None}
    groups = remote_check_counts(scope=scope, start=start, end=end, by=(by,))
    overall = {figure: sum(g[figure] for g in groups) for figure in REMOTE_FIGURES}
    return {"overall": overall, "groups": groups}


REMOTE_DIMENSIONS = ("month", "agency", "district")
REMOTE_FIGURES = ("requested", "compliant", "problems", "overdue", "open")


# -- the daily step ---------------------------------------------------------------------------------------


def remote_checks_overdue_close(*, today: dt.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The daily step: a request the enterprise did not answer by its deadline is closed as overdue; its agency
    and the enterprise are told (following it up, with a visit if need be, is the agency's call). Set-based (a
    batch: the claim, one read, one INSERT of notifications, one of audit entries) and rerunnable: the claim
    moves the status."""
    today = today or timezone.localdate()

    def close(ids) -> int:
        now = timezone.now()
        claimed = RemoteCheck.objects.filter(pk__in=ids, status=RemoteCheck.Status.REQUESTED).update(
            status=RemoteCheck.Status.OVERDUE, concluded_at=now
        )
        if not claimed:
            return 0
        checks = list(
            RemoteCheck.objects.filter(pk__in=ids, status=RemoteCheck.Status.OVERDUE, concluded_at=now)
            .select_related("agency", "enterprise")
            .only("id", "deadline", "plan_id", "agency__id", "agency__name", "enterprise__id", "enterprise__name")
        )
        notices = []
        for check in checks:
            body = _("%(enterprise)s did not send the documents of a remote check by %(date)s.") % {
                "enterprise": check.enterprise.name, "date": check.deadline.isoformat()}
            notices.append(Notification(dedupe_key=f"remote-check-overdue:{check.pk}", agency=check.agency,
                                        title=_("Remote check overdue"), body=body,
                                        link=f"/agency/remote-checks/{check.pk}/"))
            notices.append(Notification(dedupe_key=f"remote-check-overdue-enterprise:{check.pk}",
                                        enterprise=check.enterprise, title=_("Remote check overdue"), body=body,
                                        link=f"/enterprise/remote-checks/{check.pk}/"))
        notifications_send_many(notices)
        audit_record_many(actor=None, action="remote_check.overdue",
                          entries=[(check, {"deadline": check.deadline, "plan": check.plan_id}) for check in checks])
        return len(checks)

    queryset = RemoteCheck.objects.filter(status=RemoteCheck.Status.REQUESTED, deadline__lt=today)
    return in_locked_batches(queryset, close, batch_size=batch_size)



def remote_preview(matter_codes) -> str | None:
    """The filing preview's note when every matter ticked can be checked remotely (one query, none without
    matters)."""
    codes = [c for c in dict.fromkeys(matter_codes or ()) if c]
    if not codes:
        return None
    flags = list(Matter.objects.filter(code__in=codes).values_list("remote_checkable", flat=True))
    if not flags or not all(flags):
        return None
    return _("Every matter ticked can be checked remotely (能非现场的不进企业): file a remote check, or say why a "
             "visit is needed.")
