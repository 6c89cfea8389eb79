"""After the visit, or after a remote check: minor findings fixed with evidence and accepted or returned online
by the responsible agency, serious ones re-checked on site through a new plan, overdue ones flagged daily. A
finding is one thing whatever found it (on site or on a remote check's documents, ``findings``): it carries
its enterprise and matter, which is all this flow reads."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from audit.services import audit_record
from enterprises.access import require_enterprise
from notifications.services import notification_send, notifications_resolve
from plans.models import Plan
from plans.services import plan_file
from yantai_inspect.errors import DomainError

from .. import uploads
from ..models import Finding, Rectification
from ..overdue import findings_overdue_flag
from .papers import recheck_opinion_issue_online
from .record import photo_row_create


def rectification_submit(*, actor, finding: Finding, note: str, photos=()) -> Rectification:
    """The enterprise submits evidence that a minor finding is fixed (photos and a note)."""
    finding = Finding.objects.select_related("enterprise").get(pk=finding.pk)
    if require_enterprise(actor).pk != finding.enterprise_id:
        raise DomainError(_("Only the inspected enterprise can submit its rectification."))
    if finding.severity != Finding.Severity.MINOR:
        raise DomainError(_("A serious finding is verified by a re-check visit, not online."))
    if finding.status not in (Finding.Status.OPEN, Finding.Status.RETURNED):
        raise DomainError(_("This finding is not awaiting rectification."))
    if not (note or "").strip():
        raise DomainError(_("Say what was done to fix the problem."), field="note")
    cleaned = [uploads.decode_and_reencode(p) for p in photos]  # refuse bad files before writing anything
    stored = [
        uploads.store_bytes(data, folder="evidence", ext=ext, content_type=ct, width=w, height=h)
        for data, ct, ext, w, h in cleaned
    ]
    try:
        with transaction.atomic():
            rectification = Rectification.objects.create(finding=finding, submitted_by=actor, note=note.strip())
            for s in stored:
                photo_row_create(stored=s, actor=actor, rectification=rectification)
            Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.SUBMITTED)
            audit_record(
                actor=actor,
                action="rectification.submit",
                obj=rectification,
                details={"finding": finding.pk, "photos": [s.sha256 for s in stored]},
            )
            notification_send(
                dedupe_key=f"rectification-submitted:{rectification.pk}",
                agency=finding.agency,
                title=_("Rectification evidence to accept: %(name)s") % {"name": finding.enterprise.name},
                body=finding.description[:200],
                link="/agency/rectifications/",
            )
    except Exception:
        for s in stored:
            uploads.remove_stored(s.path)
        raise
    return rectification


def _require_finding_agency(actor, finding) -> None:
    if require_officer(actor).pk != finding.agency_id:
        raise DomainError(_("Only the responsible agency can decide on this rectification."))


@transaction.atomic
def rectification_accept(*, actor, rectification: Rectification) -> Rectification:
    """问题云验收: the responsible agency accepts the evidence online; the finding is closed, no second visit."""
    rectification = (
        Rectification.objects.select_for_update(of=("self",)).select_related("finding__enterprise").get(pk=rectification.pk)
    )
    _require_finding_agency(actor, rectification.finding)
    if rectification.status != Rectification.Status.PENDING:
        raise DomainError(_("This rectification has already been decided."))
    if rectification.finding.status == Finding.Status.WITHDRAWN:
        raise DomainError(_("The finding was withdrawn after the enterprise's objection."))
    now = timezone.now()
    rectification.status, rectification.reviewed_by, rectification.reviewed_at = (
        Rectification.Status.ACCEPTED,
        actor,
        now,
    )
    rectification.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    Finding.objects.filter(pk=rectification.finding_id).update(status=Finding.Status.ACCEPTED, closed_at=now)
    audit_record(actor=actor, action="rectification.accept", obj=rectification, details={})
    finding_id = rectification.finding_id
    notifications_resolve(
        keys=[
            f"rectification-submitted:{rectification.pk}",
            f"finding-overdue:{finding_id}:agency",
            f"finding-overdue:{finding_id}:enterprise",
        ]
    )
    recheck_opinion_issue_online(actor=actor, rectification=rectification)  # 整改复查意见
    notification_send(
        dedupe_key=f"rectification-accepted:{rectification.pk}",
        enterprise=rectification.finding.enterprise,
        title=_("Rectification accepted"),
        body=rectification.finding.description[:200],
        link="/enterprise/findings/",
    )
    return rectification


@transaction.atomic
def rectification_return(*, actor, rectification: Rectification, reason: str) -> Rectification:
    rectification = (
        Rectification.objects.select_for_update(of=("self",)).select_related("finding__enterprise").get(pk=rectification.pk)
    )
    _require_finding_agency(actor, rectification.finding)
    if rectification.status != Rectification.Status.PENDING:
        raise DomainError(_("This rectification has already been decided."))
    if rectification.finding.status == Finding.Status.WITHDRAWN:
        raise DomainError(_("The finding was withdrawn after the enterprise's objection."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the evidence is returned."), field="reason")
    rectification.status, rectification.reviewed_by = Rectification.Status.RETURNED, actor
    rectification.reviewed_at, rectification.review_reason = timezone.now(), reason.strip()
    rectification.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    Finding.objects.filter(pk=rectification.finding_id).update(status=Finding.Status.RETURNED)
    audit_record(actor=actor, action="rectification.return", obj=rectification, details={"reason": reason.strip()})
    notifications_resolve(keys=[f"rectification-submitted:{rectification.pk}"])
    recheck_opinion_issue_online(actor=actor, rectification=rectification)  # 整改复查意见
    notification_send(
        dedupe_key=f"rectification-returned:{rectification.pk}",
        enterprise=rectification.finding.enterprise,
        title=_("Rectification returned"),
        body=reason.strip()[:300],
        link="/enterprise/findings/",
    )
    return rectification


@transaction.atomic
def finding_schedule_recheck(
    *, actor, finding: Finding, window_start: dt.date, window_end: dt.date, officers=None
) -> Plan:
    """A serious finding is verified on site: the agency files a re-check plan through the same rules."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("enterprise", "matter").get(pk=finding.pk)
    _require_finding_agency(actor, finding)
    if finding.severity != Finding.Severity.SERIOUS:
        raise DomainError(_("Minor findings are accepted online; no re-check visit is needed."))
    if finding.status != Finding.Status.OPEN:
        raise DomainError(_("A re-check is already scheduled or the finding is closed."))
    plan = plan_file(
        actor=actor,
        enterprise=finding.enterprise,
        matters=[finding.matter],
        window_start=window_start,
        window_end=window_end,
        officers=officers,
        cap_exemption=Plan.CapExemption.RECHECK,  # re-checks of rectification are exempt from the yearly caps
    )
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.RECHECK, recheck_plan=plan)
    audit_record(actor=actor, action="finding.recheck", obj=finding, details={"plan": plan.pk})
    return plan


def findings_overdue_check(*, today: dt.date | None = None) -> int:
    """Daily: flag open findings past their deadline to the agency and the enterprise, once each (in batches,
    ``inspections.overdue``)."""
    return findings_overdue_flag(today=today or timezone.localdate())
