"""Writes on site and after: QR check-in, the paperless record, photos, findings, finalising, the enterprise's
signature, and rectification accepted online. Each service checks its rule and writes its audit entry in the
same transaction; a refused check-in is still logged (in its own transaction) before the refusal is raised."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import certified_officers_q
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from notifications.services import notification_send
from outbox.services import outbox_enqueue
from plans.models import JointTask, Plan
from plans.selectors import task_checklist, task_officers
from yantai_inspect.errors import DomainError

from . import qrtokens, signing, uploads
from .models import CheckIn, Finding, InspectionRecord, Photo, RecordItem, Rectification, Signature
from .overdue import findings_overdue_flag

# -- check-in ---------------------------------------------------------------------------------------------


def _refuse_check_in(*, actor, task, token, message, latitude=None, longitude=None):
    with transaction.atomic():
        attempt = CheckIn.objects.create(
            task=task,
            officer=actor,
            accepted=False,
            refusal=str(message)[:200],
            token_fingerprint=qrtokens.fingerprint(token),
            latitude=latitude,
            longitude=longitude,
        )
        audit_record(actor=actor, action="check_in.refuse", obj=attempt, details={"reason": str(message)})
    raise DomainError(message, field="token")


def check_in(
    *, actor, task: JointTask, token: str, latitude=None, longitude=None, today: dt.date | None = None
) -> CheckIn:
    """扫码入企: an officer on the task starts the on-site inspection only by scanning the enterprise's
    electronic-licence QR code, on the visit day. A wrong, forged, expired or foreign code, or an officer not
    on the task, is refused with a clear message and logged. Once two certified officers are in, the record
    opens with the combined checklist."""
    if not (actor.is_authenticated and actor.is_officer):
        raise DomainError(_("Only enforcement officers check in."))
    today = today or timezone.localdate()
    refuse = {"actor": actor, "task": task, "token": token, "latitude": latitude, "longitude": longitude}
    if not task.is_open_for_check_in:
        _refuse_check_in(
            **refuse,
            message=_("This inspection is not open for check-in (it is %(s)s).") % {"s": task.get_status_display()},
        )
    if task.visit_date != today:
        _refuse_check_in(
            **refuse,
            message=_("This inspection is registered for %(d)s, not today.") % {"d": task.visit_date.isoformat()},
        )
    try:
        uscc = qrtokens.read_enterprise_token((token or "").strip())
    except qrtokens.TokenError as exc:
        message = (
            _("This QR code has expired; ask the enterprise to print its current code.")
            if exc.reason == "expired"
            else _("This is not a valid enterprise licence QR code.")
        )
        _refuse_check_in(**refuse, message=message)
    if uscc != task.enterprise.uscc:
        _refuse_check_in(
            **refuse,
            message=_("This QR code belongs to another enterprise, not %(name)s.") % {"name": task.enterprise.name},
        )
    if actor not in task_officers(task):
        _refuse_check_in(**refuse, message=_("You are not an officer on this inspection."))
    if not actor.is_certified_officer:
        _refuse_check_in(**refuse, message=_("Officers without an enforcement certificate cannot inspect."))
    with transaction.atomic():
        JointTask.objects.select_for_update().get(pk=task.pk)
        existing = CheckIn.objects.filter(task=task, officer=actor, accepted=True).first()
        if existing:
            return existing
        attempt = CheckIn.objects.create(
            task=task,
            officer=actor,
            accepted=True,
            latitude=latitude,
            longitude=longitude,
            token_fingerprint=qrtokens.fingerprint(token),
        )
        audit_record(
            actor=actor,
            action="check_in.accept",
            obj=attempt,
            details={"task": task.pk, "latitude": latitude, "longitude": longitude},
        )
        if task.status == JointTask.Status.FIXED:
            JointTask.objects.filter(pk=task.pk).update(status=JointTask.Status.IN_PROGRESS)
        if checked_in_count(task) >= JointTask.MIN_CERTIFIED_OFFICERS:
            _open_record(actor=actor, task=task)
    return attempt


def checked_in_count(task) -> int:
    """The certified officers (``User.is_certified_officer``) checked in on the visit: the record opens, and
    can be filled, once there are ``JointTask.MIN_CERTIFIED_OFFICERS``."""
    return CheckIn.objects.filter(certified_officers_q("officer"), task=task, accepted=True).count()


def _open_record(*, actor, task) -> InspectionRecord:
    record, created = InspectionRecord.objects.get_or_create(task=task)
    if created:
        RecordItem.objects.bulk_create([RecordItem(record=record, matter=m) for m in task_checklist(task)])
        audit_record(actor=actor, action="record.open", obj=record, details={"items": record.items.count()})
    return record


# -- the record --------------------------------------------------------------------------------------------


def _require_on_site(actor, record: InspectionRecord) -> None:
    if record.is_locked:
        raise DomainError(_("The record is finalised and can no longer be changed."))
    if not CheckIn.objects.filter(task=record.task_id, officer=actor, accepted=True).exists():
        raise DomainError(_("Check in by scanning the enterprise's QR code first."))
    if checked_in_count(record.task) < JointTask.MIN_CERTIFIED_OFFICERS:
        raise DomainError(_("At least two certified officers must check in before the record can be filled."))


@transaction.atomic
def record_item_set(*, actor, item: RecordItem, result: str, note: str = "") -> RecordItem:
    """Record what was found for one matter: compliant, not compliant or not applicable, with a note."""
    item = RecordItem.objects.select_related("record__task").select_for_update().get(pk=item.pk)
    _require_on_site(actor, item.record)
    if result not in (RecordItem.Result.COMPLIANT, RecordItem.Result.NON_COMPLIANT, RecordItem.Result.NOT_APPLICABLE):
        raise DomainError(_("Choose compliant, not compliant or not applicable."), field="result")
    if result != RecordItem.Result.NON_COMPLIANT and item.findings.exists():
        raise DomainError(_("Remove the findings of this matter before marking it compliant."), field="result")
    before = {"result": item.result, "note": item.note}
    item.result, item.note, item.updated_by = result, (note or "").strip(), actor
    item.save(update_fields=["result", "note", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="record.item_set",
        obj=item,
        details={"before": before, "after": {"result": item.result, "note": item.note}},
    )
    return item


def photo_add(*, actor, item: RecordItem, upload) -> Photo:
    """Attach an on-site photo to a checklist item. The image is decoded and re-encoded before anything is
    stored; a refused upload stores nothing."""
    item = RecordItem.objects.select_related("record__task").get(pk=item.pk)
    _require_on_site(actor, item.record)
    return _store_photo(actor=actor, upload=upload, item=item, folder="records")


def _store_photo(*, actor, upload, folder, item=None, rectification=None) -> Photo:
    stored = uploads.store_image(upload, folder=folder)
    try:
        with transaction.atomic():
            photo = Photo.objects.create(
                item=item,
                rectification=rectification,
                path=stored.path,
                content_type=stored.content_type,
                width=stored.width,
                height=stored.height,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="photo.add",
                obj=photo,
                details={
                    "item": item.pk if item else None,
                    "rectification": rectification.pk if rectification else None,
                    "sha256": stored.sha256,
                },
            )
    except Exception:
        uploads.remove_stored(stored.path)
        raise
    return photo


def _owning_agency(item: RecordItem, actor):
    department_id = item.matter.department_id
    for plan in item.record.task.plans.filter(status__in=[*Plan.LIVE, Plan.Status.DONE]).select_related("agency"):
        if plan.agency.department_id == department_id:
            return plan.agency
    return actor.agency


@transaction.atomic
def finding_add(*, actor, item: RecordItem, description: str, severity: str, deadline: dt.date) -> Finding:
    """A problem found on a non-compliant matter, with its severity and rectification deadline. It belongs to
    the agency on the visit whose department owns the matter."""
    item = RecordItem.objects.select_related("record__task", "matter").get(pk=item.pk)
    _require_on_site(actor, item.record)
    if item.result != RecordItem.Result.NON_COMPLIANT:
        raise DomainError(_("Findings are recorded on matters marked not compliant."), field="item")
    if not (description or "").strip():
        raise DomainError(_("Describe the problem."), field="description")
    if severity not in Finding.Severity.values:
        raise DomainError(_("Choose the severity."), field="severity")
    if deadline <= timezone.localdate():
        raise DomainError(_("The rectification deadline must be after today."), field="deadline")
    finding = Finding.objects.create(
        record=item.record,
        item=item,
        agency=_owning_agency(item, actor),
        description=description.strip(),
        severity=severity,
        deadline=deadline,
    )
    audit_record(
        actor=actor,
        action="finding.add",
        obj=finding,
        details={"severity": severity, "deadline": deadline, "matter": item.matter.code},
    )
    return finding


@transaction.atomic
def record_finalise(*, actor, record: InspectionRecord, summary: str = "") -> InspectionRecord:
    """The officers finalise the record: every matter checked, every non-compliant matter with a finding.
    From then on it is immutable; its SM3 hash is fixed, the PDF is rendered in the background and the
    enterprise is asked to sign."""
    record = InspectionRecord.objects.select_for_update().select_related("task__enterprise").get(pk=record.pk)
    _require_on_site(actor, record)
    unchecked = [i.matter.name for i in record.items.select_related("matter") if not i.result]
    if unchecked:
        raise DomainError(_("Not yet checked: %(m)s") % {"m": "、".join(unchecked)})
    missing = [
        i.matter.name
        for i in record.items.select_related("matter").filter(
            result=RecordItem.Result.NON_COMPLIANT, findings__isnull=True
        )
    ]
    if missing:
        raise DomainError(_("Record the problem found for: %(m)s") % {"m": "、".join(missing)})
    record.summary = (summary or record.summary or "").strip()
    record.status, record.finalised_at, record.finalised_by = InspectionRecord.Status.FINAL, timezone.now(), actor
    record.save(update_fields=["summary", "status", "finalised_at", "finalised_by"])
    record.content_hash = signing.content_hash(record)
    record.save(update_fields=["content_hash"])
    task = record.task
    JointTask.objects.filter(pk=task.pk).update(status=JointTask.Status.DONE)
    Plan.objects.filter(joint_task=task, status__in=Plan.LIVE).update(status=Plan.Status.DONE)
    audit_record(actor=actor, action="record.finalise", obj=record, details={"content_hash": record.content_hash})
    outbox_enqueue(
        handler="inspections.render_record_pdf",
        payload={"record_id": record.pk},
        dedupe_key=f"record-pdf:{record.pk}:final",
    )
    notification_send(
        dedupe_key=f"record-to-sign:{record.pk}",
        enterprise=task.enterprise,
        title=_("Inspection record of %(d)s to sign") % {"d": task.visit_date.isoformat()},
        body=_("Review the on-site record and sign it, or refuse with a written objection."),
        link=f"/enterprise/records/{record.pk}/",
    )
    return record


def _require_enterprise_of(actor, record) -> None:
    from enterprises.selectors import enterprise_of_user

    enterprise = enterprise_of_user(user=actor)
    if enterprise is None or enterprise.pk != record.task.enterprise_id:
        raise DomainError(_("Only the inspected enterprise can sign its record."))


def _sign(*, actor, record, refused: bool, **fields) -> Signature:
    record = InspectionRecord.objects.select_for_update().select_related("task").get(pk=record.pk)
    _require_enterprise_of(actor, record)
    if record.status != InspectionRecord.Status.FINAL:
        raise DomainError(_("This record is not awaiting a signature."))
    current = signing.content_hash(record)
    if current != record.content_hash:
        raise DomainError(
            _(
                "The record does not match the content fixed when it was finalised; it cannot be "
                "signed. Contact the inspecting agency."
            )
        )
    signed_at = timezone.now()
    signature = Signature.objects.create(
        record=record,
        signer=actor,
        signed_at=signed_at,
        refused=refused,
        content_hash=current,
        seal=signing.seal(
            content_hash=current, signer=actor.username, signed_at=signing.utc_stamp(signed_at), refused=refused
        ),
        **fields,
    )
    record.status = InspectionRecord.Status.REFUSED if refused else InspectionRecord.Status.SIGNED
    record.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="record.refuse" if refused else "record.sign",
        obj=record,
        details={"content_hash": current, "method": fields.get("method", ""), "objection": fields.get("objection", "")},
    )
    outbox_enqueue(
        handler="inspections.render_record_pdf",
        payload={"record_id": record.pk},
        dedupe_key=f"record-pdf:{record.pk}:{record.status}",
    )
    return signature


@transaction.atomic
def record_sign(
    *, actor, record: InspectionRecord, method: str, typed_name: str = "", confirmed: bool = False, drawn_png=None
) -> Signature:
    """The enterprise signs the SM3 hash of the finalised record: a drawn signature, or its typed name with an
    explicit confirmation. The record row is locked, so two simultaneous signatures end in one."""
    if method == Signature.Method.TYPED:
        if not (typed_name or "").strip():
            raise DomainError(_("Type the signer's name."), field="typed_name")
        if not confirmed:
            raise DomainError(_("Confirm that you have read the record and agree to sign it."), field="confirmed")
        return _sign(actor=actor, record=record, refused=False, method=method, typed_name=typed_name.strip())
    if method == Signature.Method.DRAWN:
        if drawn_png is None:
            raise DomainError(_("Draw the signature."), field="signature")
        stored = uploads.store_image(drawn_png, folder="signatures")
        try:
            return _sign(
                actor=actor,
                record=record,
                refused=False,
                method=method,
                image_path=stored.path,
                typed_name=(typed_name or "").strip(),
            )
        except Exception:
            uploads.remove_stored(stored.path)
            raise
    raise DomainError(_("Choose how to sign."), field="method")


@transaction.atomic
def record_refuse(*, actor, record: InspectionRecord, objection: str) -> Signature:
    """The enterprise refuses to sign, with a written objection (kept with the record and sent to the justice
    bureau)."""
    if not (objection or "").strip():
        raise DomainError(_("Write your objection."), field="objection")
    signature = _sign(actor=actor, record=record, refused=True, objection=objection.strip())
    bureau = justice_bureau_for_division(record.task.enterprise.division)
    if bureau:
        notification_send(
            dedupe_key=f"record-refused:{record.pk}",
            agency=bureau,
            title=_("An enterprise refused to sign an inspection record"),
            body=objection.strip()[:300],
            link=f"/justice/records/{record.pk}/",
        )
    return signature


def record_verify(*, record_id: int, token_hash: str | None = None) -> dict:
    """Whether the record is unchanged since it was finalised and signed: the hash recomputed from the rows
    now, against the hash fixed at finalising, the one signed, and the one printed in the QR code."""
    record = InspectionRecord.objects.select_related("task__enterprise").filter(pk=record_id).first()
    if record is None or not record.content_hash:
        return {"found": False}
    current = signing.content_hash(record)
    signature = Signature.objects.filter(record=record).select_related("signer").first()
    result = {
        "found": True,
        "record": record,
        "status": record.status,
        "current_hash": current,
        "finalised_hash": record.content_hash,
        "token_hash": token_hash,
        "signature": signature,
        "seal_ok": signing.seal_matches(signature) if signature else None,
    }
    hashes = (
        {current, record.content_hash}
        | ({signature.content_hash} if signature else set())
        | ({token_hash} if token_hash else set())
    )
    result["unchanged"] = len(hashes) == 1 and result["seal_ok"] is not False
    return result


# -- rectification -----------------------------------------------------------------------------------------


def rectification_submit(*, actor, finding: Finding, note: str, photos=()) -> Rectification:
    """The enterprise submits evidence that a minor finding is fixed (photos and a note)."""
    from enterprises.selectors import enterprise_of_user

    finding = Finding.objects.select_related("record__task").get(pk=finding.pk)
    enterprise = enterprise_of_user(user=actor)
    if enterprise is None or enterprise.pk != finding.record.task.enterprise_id:
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
                Photo.objects.create(
                    rectification=rectification,
                    path=s.path,
                    content_type=s.content_type,
                    width=s.width,
                    height=s.height,
                    size=s.size,
                    sha256=s.sha256,
                    uploaded_by=actor,
                )
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
                title=_("Rectification evidence to accept: %(name)s") % {"name": finding.record.task.enterprise.name},
                body=finding.description[:200],
                link="/agency/rectifications/",
            )
    except Exception:
        for s in stored:
            uploads.remove_stored(s.path)
        raise
    return rectification


def _require_finding_agency(actor, finding) -> None:
    if not (actor.is_authenticated and actor.is_officer and actor.agency_id == finding.agency_id):
        raise DomainError(_("Only the responsible agency can decide on this rectification."))


@transaction.atomic
def rectification_accept(*, actor, rectification: Rectification) -> Rectification:
    """问题云验收: the responsible agency accepts the evidence online; the finding is closed, no second visit."""
    rectification = (
        Rectification.objects.select_for_update().select_related("finding__record__task").get(pk=rectification.pk)
    )
    _require_finding_agency(actor, rectification.finding)
    if rectification.status != Rectification.Status.PENDING:
        raise DomainError(_("This rectification has already been decided."))
    now = timezone.now()
    rectification.status, rectification.reviewed_by, rectification.reviewed_at = (
        Rectification.Status.ACCEPTED,
        actor,
        now,
    )
    rectification.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    Finding.objects.filter(pk=rectification.finding_id).update(status=Finding.Status.ACCEPTED, closed_at=now)
    audit_record(actor=actor, action="rectification.accept", obj=rectification, details={})
    notification_send(
        dedupe_key=f"rectification-accepted:{rectification.pk}",
        enterprise=rectification.finding.record.task.enterprise,
        title=_("Rectification accepted"),
        body=rectification.finding.description[:200],
        link="/enterprise/findings/",
    )
    return rectification


@transaction.atomic
def rectification_return(*, actor, rectification: Rectification, reason: str) -> Rectification:
    rectification = (
        Rectification.objects.select_for_update().select_related("finding__record__task").get(pk=rectification.pk)
    )
    _require_finding_agency(actor, rectification.finding)
    if rectification.status != Rectification.Status.PENDING:
        raise DomainError(_("This rectification has already been decided."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the evidence is returned."), field="reason")
    rectification.status, rectification.reviewed_by = Rectification.Status.RETURNED, actor
    rectification.reviewed_at, rectification.review_reason = timezone.now(), reason.strip()
    rectification.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    Finding.objects.filter(pk=rectification.finding_id).update(status=Finding.Status.RETURNED)
    audit_record(actor=actor, action="rectification.return", obj=rectification, details={"reason": reason.strip()})
    notification_send(
        dedupe_key=f"rectification-returned:{rectification.pk}",
        enterprise=rectification.finding.record.task.enterprise,
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
    from plans.services import plan_file

    finding = (
        Finding.objects.select_for_update()
        .select_related("record__task__enterprise", "item__matter")
        .get(pk=finding.pk)
    )
    _require_finding_agency(actor, finding)
    if finding.severity != Finding.Severity.SERIOUS:
        raise DomainError(_("Minor findings are accepted online; no re-check visit is needed."))
    if finding.status != Finding.Status.OPEN:
        raise DomainError(_("A re-check is already scheduled or the finding is closed."))
    plan = plan_file(
        actor=actor,
        enterprise=finding.record.task.enterprise,
        matters=[finding.item.matter],
        window_start=window_start,
        window_end=window_end,
        officers=officers,
    )
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.RECHECK, recheck_plan=plan)
    audit_record(actor=actor, action="finding.recheck", obj=finding, details={"plan": plan.pk})
    return plan


def findings_overdue_check(*, today: dt.date | None = None) -> int:
    """Daily: flag open findings past their deadline to the agency and the enterprise, once each (in batches,
    ``inspections.overdue``)."""
    return findings_overdue_flag(today=today or timezone.localdate())


def upload_limit_mb() -> int:
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)
