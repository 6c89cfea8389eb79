"""扫码入企: the officers check in by scanning the enterprise's licence QR code; a refused check-in is still
logged (in its own transaction) before the refusal is raised. Two certified officers in open the record."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_officer
from accounts.models import certified_officers_q
from audit.services import audit_record
from plans.models import JointTask
from plans.recusal import recusal_refusal
from plans.selectors import task_checklist, task_officers
from yantai_inspect.errors import DomainError

from .. import qrtokens
from ..models import CheckIn, InspectionRecord, RecordItem


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
    require_officer(actor)
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
    if not actor.is_certified_on(task.visit_date):
        _refuse_check_in(
            **refuse, message=_("Officers without an enforcement certificate valid today cannot inspect.")
        )
    if refusal := recusal_refusal(officer=actor, enterprise=task.enterprise):  # 回避
        _refuse_check_in(**refuse, message=refusal)
    with transaction.atomic():
        locked = JointTask.objects.select_for_update().get(pk=task.pk)
        if not locked.is_open_for_check_in:
            # Checked again under the lock: the daily job may have marked the visit missed meanwhile.
            raise DomainError(
                _("This inspection is not open for check-in (it is %(s)s).") % {"s": locked.get_status_display()}
            )
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
        JointTask.objects.filter(pk=task.pk, status=JointTask.Status.FIXED).update(status=JointTask.Status.IN_PROGRESS)
        if checked_in_count(task) >= JointTask.MIN_CERTIFIED_OFFICERS:
            _open_record(actor=actor, task=task)
    return attempt


def checked_in_count(task) -> int:
    """The officers certified on the visit day (``User.is_certified_on``) checked in on the visit: the record
    opens, and can be filled, once there are ``JointTask.MIN_CERTIFIED_OFFICERS``."""
    return CheckIn.objects.filter(certified_officers_q("officer", on=task.visit_date), task=task, accepted=True).count()


def _open_record(*, actor, task) -> InspectionRecord:
    record, created = InspectionRecord.objects.get_or_create(task=task)
    if created:
        RecordItem.objects.bulk_create([RecordItem(record=record, matter=m) for m in task_checklist(task)])
        audit_record(actor=actor, action="record.open", obj=record, details={"items": record.items.count()})
    return record
