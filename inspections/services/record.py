"""The paperless record on site: checklist results, photos, findings, and finalising (the SM3 hash is fixed,
the PDF rendered in the background, the enterprise asked to sign)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from notifications.services import notification_send
from outbox.services import outbox_enqueue
from plans.models import JointTask, Plan
from plans.statistics import cells_refresh_for_visits
from yantai_inspect.errors import DomainError

from .. import signing, uploads
from ..models import CheckIn, Finding, InspectionRecord, Photo, RecordItem
from .checkin import checked_in_count
from .findings import finding_create
from .papers import papers_on_record_final


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


def photo_row_create(*, stored, actor, item=None, rectification=None) -> Photo:
    """The row of an image ``uploads.store_image`` has decoded, re-encoded and stored (for a checklist item
    or a rectification's evidence)."""
    return Photo.objects.create(
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


def _store_photo(*, actor, upload, folder, item=None, rectification=None) -> Photo:
    stored = uploads.store_image(upload, folder=folder)
    try:
        with transaction.atomic():
            photo = photo_row_create(stored=stored, actor=actor, item=item, rectification=rectification)
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
    the agency on the visit whose department owns the matter (``findings.finding_create``: the rule of
    every finding)."""
    item = RecordItem.objects.select_related("record__task__enterprise", "matter").get(pk=item.pk)
    _require_on_site(actor, item.record)
    if item.result != RecordItem.Result.NON_COMPLIANT:
        raise DomainError(_("Findings are recorded on matters marked not compliant."), field="item")
    return finding_create(
        actor=actor,
        agency=_owning_agency(item, actor),
        enterprise=item.record.task.enterprise,
        matter=item.matter,
        description=description,
        severity=severity,
        deadline=deadline,
        record=item.record,
        item=item,
    )


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
    # the statistics count the visit's plans as inspected now, with the findings recorded (plans.statistics)
    cells_refresh_for_visits(JointTask.objects.filter(pk=task.pk))
    audit_record(actor=actor, action="record.finalise", obj=record, details={"content_hash": record.content_hash})
    papers_on_record_final(actor=actor, record=record)  # 检查结果告知书, 责令整改通知书, 整改复查意见
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


def upload_limit_mb() -> int:
    return settings.UPLOAD_MAX_BYTES // (1024 * 1024)
