"""行为云监督: writes on complaints. Every step checks its rule, is audited in its transaction, is shown to
the enterprise (``ComplaintStep``) and goes to the 12345 hotline from the outbox.

States: received → accepted → investigating → upheld / not upheld → closed. The justice bureau of the
enterprise's level (``accounts.selectors.justice_bureau_for_division``) handles it; the hotline's own
updates come in through ``complaint_hotline_update`` and take the same steps."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_justice
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from credit.events import credit_event_record
from credit.models import CreditEvent
from enterprises.access import require_enterprise
from inspections.uploads import store_image
from notifications.services import notification_send
from outbox.services import outbox_enqueue
from plans.workdays import default_calendar
from yantai_inspect.errors import DomainError

from .models import Complaint, ComplaintPhoto, ComplaintStep

TEXT_MAX = 4000
PHOTOS_MAX = 6
HOTLINE_HANDLER = "complaints.hotline_deliver"


def _text(text: str, *, field: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _step(complaint: Complaint, *, actor, action: str, note: str = "", details: dict | None = None) -> None:
    ComplaintStep.objects.create(
        complaint=complaint, action=action, status=complaint.status, note=note,
        actor_repr=str(getattr(actor, "agency", None) or actor) if actor is not None else _("12345 hotline"),
    )
    audit_record(actor=actor, action=f"complaint.{action}", obj=complaint,
                 details={"status": complaint.status, "note": note, **(details or {})})
    notification_send(
        dedupe_key=f"complaint:{complaint.pk}:{action}:{ComplaintStep.objects.filter(complaint=complaint).count()}",
        enterprise=complaint.enterprise,
        title=_("Your complaint #%(n)s: %(status)s") % {"n": complaint.pk, "status": complaint.get_status_display()},
        body=note,
        link=f"/enterprise/complaints/{complaint.pk}/",
    )


def _deadlines(day):
    calendar = default_calendar()
    return (calendar.add_workdays(day, settings.COMPLAINT_ACCEPT_WORKDAYS),
            calendar.add_workdays(day, settings.COMPLAINT_REPLY_WORKDAYS))


def _bureau_for(enterprise):
    bureau = justice_bureau_for_division(enterprise.division)
    if bureau is None:
        raise DomainError(_("No justice bureau handles complaints for this enterprise's area yet."))
    return bureau


@transaction.atomic
def complaint_file(*, actor, kind: str, text: str, task=None, officer=None, inspection_code: str = "",
                   source: str = Complaint.Source.PORTAL, photos=()) -> Complaint:
    """An enterprise complains about one of its visits or an officer (or an inspection not registered at all).
    It goes to the justice bureau of the enterprise's level, with deadlines in working days from today, and to
    the 12345 hotline from the outbox."""
    enterprise = require_enterprise(actor)
    if kind not in Complaint.Kind.values:
        raise DomainError(_("Choose what the complaint is about."), field="kind")
    if source not in Complaint.Source.values:
        raise DomainError(_("Unknown source."), field="source")
    text = _text(text, field="text")
    if task is not None and task.enterprise_id != enterprise.pk:
        raise DomainError(_("This visit is not one of your enterprise's."), field="task")
    if officer is not None and not officer.is_officer:
        raise DomainError(_("Choose an enforcement officer."), field="officer")
    photos = list(photos or ())
    if len(photos) > PHOTOS_MAX:
        raise DomainError(_("At most %(n)d photos.") % {"n": PHOTOS_MAX}, field="photos")
    stored = [store_image(p, folder="complaints") for p in photos]  # refused before any row is written
    today = timezone.localdate()
    accept_due, reply_due = _deadlines(today)
    complaint = Complaint(
        enterprise=enterprise, filed_by=actor, kind=kind, source=source, text=text, task=task, officer=officer,
        inspection_code=_text(inspection_code, field="inspection_code", required=False, limit=200),
        justice_bureau=_bureau_for(enterprise), received_on=today, routed_on=today, accept_due=accept_due,
        reply_due=reply_due, hotline_key=secrets.token_hex(16),
    )
    complaint.full_clean(exclude=["filed_by", "enterprise", "justice_bureau", "task", "officer"])
    complaint.save()
    ComplaintPhoto.objects.bulk_create(
        [ComplaintPhoto(complaint=complaint, path=s.path, content_type=s.content_type, sha256=s.sha256, size=s.size)
         for s in stored]
    )
    _step(complaint, actor=actor, action="file", note=complaint.get_kind_display(),
          details={"kind": kind, "task": getattr(task, "pk", None), "officer": getattr(officer, "pk", None),
                   "bureau": complaint.justice_bureau.code, "photos": len(stored)})
    notification_send(
        dedupe_key=f"complaint:{complaint.pk}:bureau", agency=complaint.justice_bureau,
        title=_("New complaint #%(n)s from %(enterprise)s") % {"n": complaint.pk, "enterprise": enterprise.name},
        body=_("Start handling it by %(date)s.") % {"date": accept_due.isoformat()},
        link=f"/justice/complaints/{complaint.pk}/",
    )
    outbox_enqueue(handler=HOTLINE_HANDLER, payload={"complaint_id": complaint.pk},
                   dedupe_key=f"hotline:{complaint.pk}")
    return complaint


def _require_handler(actor, complaint: Complaint):
    """The bureau the complaint is routed to, or the one it was escalated to."""
    bureau = require_justice(actor)
    if bureau.pk not in (complaint.justice_bureau_id, complaint.escalated_to_id):
        raise PermissionDenied(_("This complaint is handled by another justice bureau."))
    return bureau


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("enterprise", "justice_bureau").get(pk=complaint.pk)


def _move(complaint: Complaint, *, frm, to: str) -> None:
    if complaint.status not in frm:
        raise DomainError(
            _("The complaint is %(status)s; this step is not possible now.")
            % {"status": complaint.get_status_display()}
        )
    complaint.status = to


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """受理: the bureau starts handling it (due within COMPLAINT_ACCEPT_WORKDAYS working days)."""
    if actor is not None:
        _require_handler(actor, complaint)
    complaint = _lock(complaint)
    _move(complaint, frm=[Complaint.Status.RECEIVED], to=Complaint.Status.ACCEPTED)
    complaint.save(update_fields=["status", "updated_at"])
    _step(complaint, actor=actor, action="accept", note=_text(note, field="note", required=False))
    return complaint


@transaction.atomic
def complaint_investigate(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """调查核实: the bureau (or the hotline) is checking the facts."""
    if actor is not None:
        _require_handler(actor, complaint)
    complaint = _lock(complaint)
    _move(complaint, frm=[Complaint.Status.RECEIVED, Complaint.Status.ACCEPTED], to=Complaint.Status.INVESTIGATING)
    complaint.save(update_fields=["status", "updated_at"])
    _step(complaint, actor=actor, action="investigate", note=_text(note, field="note", required=False))
    return complaint


@transaction.atomic
def complaint_decide(*, actor, complaint: Complaint, upheld: bool, outcome: str) -> Complaint:
    """办结答复: upheld or not upheld, with the outcome told to the enterprise. An upheld complaint is a credit
    event of the enterprise (``credit.events``: it ends the whitelist proposal rule's clean record)."""
    if actor is not None:
        _require_handler(actor, complaint)
    outcome = _text(outcome, field="outcome")
    complaint = _lock(complaint)
    _move(complaint, frm=[Complaint.Status.ACCEPTED, Complaint.Status.INVESTIGATING],
          to=Complaint.Status.UPHELD if upheld else Complaint.Status.NOT_UPHELD)
    complaint.outcome = outcome
    complaint.decided_on = timezone.localdate()
    complaint.save(update_fields=["status", "outcome", "decided_on", "updated_at"])
    _step(complaint, actor=actor, action="decide", note=outcome, details={"upheld": upheld})
    if upheld:
        credit_event_record(actor=actor, enterprise_id=complaint.enterprise_id, kind=CreditEvent.Kind.COMPLAINT_UPHELD,
                            occurred_on=complaint.decided_on, source_ref=f"complaint:{complaint.pk}")
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """归档: a decided complaint is closed."""
    if actor is not None:
        _require_handler(actor, complaint)
    complaint = _lock(complaint)
    _move(complaint, frm=Complaint.DECIDED, to=Complaint.Status.CLOSED)
    complaint.save(update_fields=["status", "updated_at"])
    _step(complaint, actor=actor, action="close", note=_text(note, field="note", required=False))
    return complaint


@transaction.atomic
def complaint_extend(*, actor, complaint: Complaint, workdays: int, reason: str) -> Complaint:
    """延期: once, by at most COMPLAINT_EXTENSION_MAX_WORKDAYS working days, with a reason, before it is
    decided; the reply is then due that many working days after the original deadline."""
    _require_handler(actor, complaint)
    reason = _text(reason, field="reason")
    limit = settings.COMPLAINT_EXTENSION_MAX_WORKDAYS
    if not isinstance(workdays, int) or not 1 <= workdays <= limit:
        raise DomainError(_("An extension is 1 to %(n)d working days.") % {"n": limit}, field="workdays")
    complaint = _lock(complaint)
    if not complaint.is_open:
        raise DomainError(_("Only a complaint still being handled can be extended."))
    if complaint.extension_workdays:
        raise DomainError(_("The reply has already been extended once."))
    complaint.reply_due = default_calendar().add_workdays(complaint.reply_due, workdays)
    complaint.extension_workdays = workdays
    complaint.extension_reason = reason
    complaint.overdue_since = None
    complaint.save(update_fields=["reply_due", "extension_workdays", "extension_reason", "overdue_since",
                                  "updated_at"])
    _step(complaint, actor=actor, action="extend", note=reason,
          details={"workdays": workdays, "reply_due": complaint.reply_due})
    return complaint


def return_due(complaint: Complaint):
    """The last day a misrouted complaint may be returned: COMPLAINT_RETURN_WORKDAYS after it was routed."""
    return default_calendar().add_workdays(complaint.routed_on, settings.COMPLAINT_RETURN_WORKDAYS)


@transaction.atomic
def complaint_return(*, actor, complaint: Complaint, to_bureau, reason: str) -> Complaint:
    """退回 a misrouted complaint to the bureau that should handle it, within COMPLAINT_RETURN_WORKDAYS working
    days of its routing and before handling starts; its deadlines start again on that bureau's side."""
    _require_handler(actor, complaint)
    reason = _text(reason, field="reason")
    complaint = _lock(complaint)
    if complaint.status != Complaint.Status.RECEIVED:
        raise DomainError(_("A complaint is returned before handling starts."))
    today = timezone.localdate()
    if today > return_due(complaint):
        raise DomainError(_("A misrouted complaint is returned within %(n)d working days; handle it now.")
                          % {"n": settings.COMPLAINT_RETURN_WORKDAYS})
    if not (to_bureau.is_justice_bureau and to_bureau.active) or to_bureau.pk == complaint.justice_bureau_id:
        raise DomainError(_("Choose another justice bureau."), field="to_bureau")
    previous = complaint.justice_bureau
    complaint.justice_bureau = to_bureau
    complaint.routed_on = today
    complaint.accept_due, complaint.reply_due = _deadlines(today)
    complaint.escalated_to = None
    complaint.overdue_since = None
    complaint.save(update_fields=["justice_bureau", "routed_on", "accept_due", "reply_due", "escalated_to",
                                  "overdue_since", "updated_at"])
    _step(complaint, actor=actor, action="return", note=reason,
          details={"from": previous.code, "to": to_bureau.code})
    notification_send(
        dedupe_key=f"complaint:{complaint.pk}:routed:{to_bureau.pk}:{today.isoformat()}", agency=to_bureau,
        title=_("Complaint #%(n)s returned to your bureau by %(from)s") % {"n": complaint.pk, "from": previous.name},
        body=reason, link=f"/justice/complaints/{complaint.pk}/",
    )
    return complaint


def complaint_act(*, actor, complaint, data: dict) -> Complaint:
    """One handling step by name, for the page and the API alike (each calls its service)."""
    action, note = data.get("action"), data.get("note") or ""
    if action == "accept":
        return complaint_accept(actor=actor, complaint=complaint, note=note)
    if action == "investigate":
        return complaint_investigate(actor=actor, complaint=complaint, note=note)
    if action in ("uphold", "dismiss"):
        return complaint_decide(actor=actor, complaint=complaint, upheld=action == "uphold", outcome=note)
    if action == "close":
        return complaint_close(actor=actor, complaint=complaint, note=note)
    if action == "extend":
        return complaint_extend(actor=actor, complaint=complaint, workdays=data.get("workdays") or 0,
                                          reason=note)
    if action == "return":
        if data.get("to_bureau") is None:
            raise DomainError(_("Choose another justice bureau."), field="to_bureau")
        return complaint_return(actor=actor, complaint=complaint, to_bureau=data["to_bureau"], reason=note)
    raise DomainError(_("Unknown action."), field="action")


# -- the hotline's side -----------------------------------------------------------------------------------

HOTLINE_STEPS = {
    "accepted": complaint_accept,
    "investigating": complaint_investigate,
}


@transaction.atomic
def complaint_hotline_update(*, complaint: Complaint, status: str, note: str = "", ticket: str = "") -> Complaint:
    """A status update posted by the 12345 hotline (already authenticated by ``complaints.hotline``): the
    same steps as the bureau's, by the hotline. A step the complaint has already passed is recorded as a note
    and changes nothing."""
    if ticket and not complaint.hotline_ticket:
        Complaint.objects.filter(pk=complaint.pk, hotline_ticket="").update(hotline_ticket=ticket[:64])
    note = _text(note, field="note", required=False)
    if status in HOTLINE_STEPS:
        current = Complaint.objects.only("status").get(pk=complaint.pk).status
        order = [Complaint.Status.RECEIVED, Complaint.Status.ACCEPTED, Complaint.Status.INVESTIGATING]
        if current in order and order.index(current) < order.index(status):
            return HOTLINE_STEPS[status](actor=None, complaint=complaint, note=note)
        complaint = _lock(complaint)
        _step(complaint, actor=None, action="hotline_note", note=note or status)
        return complaint
    if status in ("upheld", "not_upheld"):
        return complaint_decide(actor=None, complaint=complaint, upheld=status == "upheld",
                                outcome=note or _("Decided by the 12345 hotline."))
    if status == "closed":
        return complaint_close(actor=None, complaint=complaint, note=note)
    if status == "note":
        complaint = _lock(complaint)
        _step(complaint, actor=None, action="hotline_note", note=note)
        return complaint
    raise DomainError(_("Unknown status."), field="status")
