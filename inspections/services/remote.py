"""非现场检查 after the request (``plans.remote``): the enterprise sends documents (PDF) or photos for the plan's
matters by the deadline, and the agency concludes on them: compliant, or problems found with the day they are to
be fixed by. No visit is ever made or created for it.

Problems found enter the same rectification flow as those found on site (``rectification``): each is a
``Finding`` of the check (``findings.finding_create``, the one rule of every finding) on one of its matters,
to be fixed by ``REMOTE_CHECK_RECTIFY_WORKDAYS`` working days; the enterprise sends its evidence on its page of
problems to rectify, the agency accepts or returns it online, and a serious one is re-checked on site through a
new plan (``finding_schedule_recheck``). A finding has either a visit's record or a remote check, never both:
a remote check has no record and must not have one (it is not a visit)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from audit.services import audit_record
from enterprises.access import require_enterprise
from notifications.services import notification_send, notifications_resolve
from plans.models import RemoteCheck, RemoteEvidence
from plans.remote import remote_check_open_keys, remote_check_rectify_by
from yantai_inspect.errors import DomainError

from .. import uploads
from ..models import Finding
from ..pdf_uploads import clean_pdf, is_pdf
from .findings import finding_create


def _clean(upload) -> dict:
    """A clean copy of one upload (a PDF re-written, an image re-encoded), not yet stored."""
    if is_pdf(upload):
        data, pages = clean_pdf(upload)
        return {"data": data, "ext": "pdf", "content_type": "application/pdf", "kind": RemoteEvidence.Kind.DOCUMENT,
                "pages": pages}
    data, content_type, ext, width, height = uploads.decode_and_reencode(upload)
    return {"data": data, "ext": ext, "content_type": content_type, "kind": RemoteEvidence.Kind.PHOTO, "pages": 0,
            "width": width, "height": height}


def remote_check_submit(*, actor, remote_check: RemoteCheck, files, note: str = "", matter=None,
                        today: dt.date | None = None) -> RemoteCheck:
    """The enterprise sends documents or photos for its remote check, by the deadline (the day itself
    included), at most ``REMOTE_EVIDENCE_MAX_FILES`` in all; it may send more until the agency concludes. Every
    file is checked and cleaned before anything is written; a refused file leaves nothing stored."""
    today = today or timezone.localdate()
    enterprise = require_enterprise(actor)
    files = list(files or [])
    cleaned = [_clean(f) for f in files]  # refuse bad files before taking any lock or writing anything
    stored = [uploads.store_bytes(c["data"], folder="remote", ext=c["ext"], content_type=c["content_type"],
                                  width=c.get("width", 0), height=c.get("height", 0)) for c in cleaned]
    try:
        with transaction.atomic():
            check = RemoteCheck.objects.select_for_update(of=("self",)).select_related("agency", "enterprise").get(
                pk=remote_check.pk)
            if check.enterprise_id != enterprise.pk:
                raise DomainError(_("Only the enterprise asked can send documents for this remote check."))
            if not check.open_for_submission:
                raise DomainError(_("This remote check is closed: it no longer takes documents."))
            if today > check.deadline:
                raise DomainError(_("The deadline for the documents was %(date)s.")
                                  % {"date": check.deadline.isoformat()})
            if matter is not None and not check.plan.matters.filter(pk=matter.pk).exists():
                raise DomainError(_("This matter is not one of the remote check's matters."), field="matter")
            if not stored:
                raise DomainError(_("Attach at least one document (PDF) or photo."), field="files")
            held = RemoteEvidence.objects.filter(remote_check=check).count()  # bounded by the limit below
            if held + len(stored) > settings.REMOTE_EVIDENCE_MAX_FILES:
                raise DomainError(_("A remote check takes at most %(n)d files.")
                                  % {"n": settings.REMOTE_EVIDENCE_MAX_FILES}, field="files")
            RemoteEvidence.objects.bulk_create(
                RemoteEvidence(remote_check=check, matter=matter, kind=c["kind"], path=s.path,
                               content_type=s.content_type, size=s.size, sha256=s.sha256, pages=c["pages"],
                               uploaded_by=actor)
                for c, s in zip(cleaned, stored, strict=True)
            )
            first = check.status == RemoteCheck.Status.REQUESTED
            note = (note or "").strip()
            check.status, check.submitted_at = RemoteCheck.Status.SUBMITTED, timezone.now()
            if note:
                check.enterprise_note = f"{check.enterprise_note}\n{note}".strip()
            check.full_clean(exclude=["plan", "agency", "enterprise", "concluded_by"])
            check.save(update_fields=["status", "submitted_at", "enterprise_note"])
            audit_record(actor=actor, action="remote_check.submit", obj=check,
                         details={"files": [s.sha256 for s in stored], "matter": matter.code if matter else None,
                                  "note": note, "first": first})
            notification_send(
                dedupe_key=f"remote-check-submitted:{check.pk}:{held + len(stored)}",
                agency=check.agency,
                title=_("Documents of a remote check to review: %(name)s") % {"name": check.enterprise.name},
                body=_("%(n)d file(s) sent.") % {"n": held + len(stored)},
                link=f"/agency/remote-checks/{check.pk}/",
            )
    except Exception:
        for s in stored:
            uploads.remove_stored(s.path)
        raise
    return check


def _problems_check(check: RemoteCheck, problems) -> list[dict]:
    """The problems of a conclusion, each on one of the check's matters, with words and a severity."""
    allowed = {m.pk: m for m in check.plan.matters.all()}
    cleaned = []
    for problem in problems:
        matter = problem.get("matter")
        if matter is None or matter.pk not in allowed:
            raise DomainError(_("A problem is found on one of the remote check's matters."), field="problems")
        description = (problem.get("description") or "").strip()
        if not description:
            raise DomainError(_("Describe each problem found."), field="problems")
        severity = problem.get("severity") or Finding.Severity.MINOR
        if severity not in Finding.Severity.values:
            raise DomainError(_("Choose the severity."), field="problems")
        cleaned.append({"matter": allowed[matter.pk], "description": description, "severity": severity})
    return cleaned


@transaction.atomic
def remote_check_conclude(*, actor, remote_check: RemoteCheck, outcome: str, conclusion: str = "", problems=(),
                          today: dt.date | None = None) -> RemoteCheck:
    """The plan's agency concludes on the documents sent: compliant, or problems found, each on one of the
    check's matters (``problems``: ``{"matter", "description", "severity"}``, minor unless said), which become
    findings to rectify by the day set here (see the module's docstring). Only on what was sent (a request
    nobody answered is closed as overdue by the daily step, ``plans.remote.remote_checks_overdue_close``);
    once concluded it stays so. It never creates a visit."""
    today = today or timezone.localdate()
    agency = require_officer(actor)
    check = RemoteCheck.objects.select_for_update(of=("self",)).select_related("agency", "enterprise", "plan").get(
        pk=remote_check.pk)
    if check.agency_id != agency.pk:
        raise DomainError(_("Only the agency that asked can conclude this remote check."))
    if outcome not in RemoteCheck.CONCLUSIONS:
        raise DomainError(_("Choose compliant or problems found."), field="outcome")
    if check.status != RemoteCheck.Status.SUBMITTED:
        raise DomainError(_("Only a remote check whose documents were sent can be concluded."))
    problems = _problems_check(check, problems or ())
    if outcome == RemoteCheck.Status.PROBLEMS and not problems:
        raise DomainError(_("Say which problems were found, on which matters."), field="problems")
    if outcome == RemoteCheck.Status.COMPLIANT and problems:
        raise DomainError(_("A compliant conclusion has no problems: choose problems found."), field="outcome")
    conclusion = (conclusion or "").strip()
    check.status, check.conclusion = outcome, conclusion
    check.concluded_at, check.concluded_by = timezone.now(), actor
    check.rectify_by = remote_check_rectify_by(today) if outcome == RemoteCheck.Status.PROBLEMS else None
    check.save(update_fields=["status", "conclusion", "concluded_at", "concluded_by", "rectify_by"])
    findings = [
        finding_create(actor=actor, agency=check.agency, enterprise=check.enterprise, matter=p["matter"],
                       description=p["description"], severity=p["severity"], deadline=check.rectify_by,
                       remote_check=check)
        for p in problems
    ]
    audit_record(actor=actor, action="remote_check.conclude", obj=check,
                 details={"outcome": outcome, "conclusion": conclusion, "rectify_by": check.rectify_by,
                          "findings": [f.pk for f in findings]})
    notifications_resolve(keys=remote_check_open_keys(check.pk))
    if outcome == RemoteCheck.Status.PROBLEMS:
        title = _("Remote check: problems found, to be fixed by %(date)s") % {"date": check.rectify_by.isoformat()}
        body = _("%(n)d problem(s) to rectify: send your evidence under Problems to rectify.") % {
            "n": len(findings)}
        link = "/enterprise/findings/"
    else:
        title, body = _("Remote check concluded: compliant"), conclusion[:200]
        link = f"/enterprise/remote-checks/{check.pk}/"
    notification_send(dedupe_key=f"remote-check-concluded:{check.pk}", enterprise=check.enterprise, title=title,
                      body=body, link=link)
    return check
