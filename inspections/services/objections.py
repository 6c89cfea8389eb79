"""异议与陈述申辩: within OBJECTION_WINDOW_DAYS of signing or refusing its record, the enterprise objects to a
finding; someone who did not take part in the visit decides (``inspections.access.require_objection_decider``);
an upheld objection withdraws the finding (the signed content is not touched: the record stays as it was
signed, the decision is kept beside it); the enterprise replies to the decision once. Each step is audited,
notified, and shown on the record's pages, in its API and in its PDF (re-rendered in the background)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from enterprises.access import require_enterprise
from notifications.services import notification_send, notifications_resolve
from outbox.services import outbox_enqueue
from plans.models import JointTask
from plans.statistics import cells_refresh_for_visits
from yantai_inspect.errors import DomainError

from ..access import require_objection_decider
from ..models import Finding, InspectionRecord, Objection, Signature

TEXT_MAX = 4000


def _text(text: str, *, field: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > TEXT_MAX:
        raise DomainError(_("At most %(n)d characters.") % {"n": TEXT_MAX}, field=field)
    return text


def objection_window_closes(record) -> dt.date | None:
    """The last day the enterprise may object to a finding of the record: OBJECTION_WINDOW_DAYS calendar days
    after the day it signed or refused it (Asia/Shanghai); None while it is not signed or refused."""
    signed_at = Signature.objects.filter(record_id=record.pk).values_list("signed_at", flat=True).first()
    if signed_at is None:
        return None
    return timezone.localdate(signed_at) + dt.timedelta(days=settings.OBJECTION_WINDOW_DAYS)


def objectionable_findings(record, *, today=None):
    """The findings the enterprise may still object to: none outside the window; else those without an
    objection and not withdrawn."""
    closes = objection_window_closes(record)
    today = today or timezone.localdate()
    if closes is None or today > closes:
        return Finding.objects.none()
    return (Finding.objects.filter(record_id=record.pk, objections__isnull=True)
            .exclude(status=Finding.Status.WITHDRAWN).select_related("item__matter").order_by("id"))


def _rerender(record_id: int, key: str) -> None:
    outbox_enqueue(handler="inspections.render_record_pdf", payload={"record_id": record_id},
                   dedupe_key=f"record-pdf:{record_id}:{key}")


@transaction.atomic
def objection_file(*, actor, finding: Finding, text: str) -> Objection:
    """The enterprise objects to one finding of its signed or refused record, within the window, once."""
    enterprise = require_enterprise(actor)
    finding = Finding.objects.select_related("record__task__enterprise", "agency").get(pk=finding.pk)
    record = InspectionRecord.objects.select_for_update().get(pk=finding.record_id)
    if record.task.enterprise_id != enterprise.pk:
        raise DomainError(_("Only the inspected enterprise can object to its record."))
    if record.status not in (InspectionRecord.Status.SIGNED, InspectionRecord.Status.REFUSED):
        raise DomainError(_("An objection is filed once the record is signed or refused."))
    closes = objection_window_closes(record)
    if timezone.localdate() > closes:
        raise DomainError(_("Objections were possible until %(date)s (%(n)d days after signing).")
                          % {"date": closes.isoformat(), "n": settings.OBJECTION_WINDOW_DAYS})
    if finding.status == Finding.Status.WITHDRAWN:
        raise DomainError(_("This finding has been withdrawn."), field="finding")
    if Objection.objects.filter(finding=finding).exists():
        raise DomainError(_("You have already objected to this finding."), field="finding")
    text = _text(text, field="text")
    objection = Objection.objects.create(record=record, finding=finding, agency=finding.agency, filed_by=actor,
                                         text=text)
    audit_record(actor=actor, action="objection.file", obj=objection,
                 details={"finding": finding.pk, "record": record.pk, "text": text}, agency_id=finding.agency_id,
                 enterprise_id=enterprise.pk)
    title = _("Objection to a finding at %(enterprise)s") % {"enterprise": enterprise.name}
    notification_send(dedupe_key=f"objection:{objection.pk}:agency", agency=finding.agency, title=title,
                      body=text[:300], link=f"/agency/objections/{objection.pk}/")
    bureau = justice_bureau_for_division(enterprise.division)
    if bureau is not None:
        notification_send(dedupe_key=f"objection:{objection.pk}:bureau", agency=bureau, title=title,
                          body=text[:300], link=f"/justice/objections/{objection.pk}/")
    _rerender(record.pk, f"objection:{objection.pk}:file")
    return objection


@transaction.atomic
def objection_decide(*, actor, objection: Objection, upheld: bool, decision: str) -> Objection:
    """An officer of the finding's agency who took no part in the visit, its head under the same condition, or
    the justice bureau responsible for the enterprise's division decides. Upheld: the finding is withdrawn
    (no longer to be rectified or re-checked); not upheld: it stands. The reason is required either way."""
    decided_for = require_objection_decider(actor, objection)
    decision = _text(decision, field="decision")
    objection = Objection.objects.select_for_update().select_related("record__task__enterprise", "finding").get(
        pk=objection.pk)
    if objection.is_decided:
        raise DomainError(_("This objection has already been decided."))
    now = timezone.now()
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.NOT_UPHELD
    objection.decided_by, objection.decided_for, objection.decided_at = actor, decided_for, now
    objection.decision = decision
    objection.save(update_fields=["status", "decided_by", "decided_for", "decided_at", "decision"])
    audit_record(actor=actor, action="objection.decide", obj=objection,
                 details={"upheld": upheld, "decision": decision, "finding": objection.finding_id},
                 agency_id=objection.agency_id, enterprise_id=objection.record.task.enterprise_id)
    if upheld:
        before = objection.finding.status
        Finding.objects.filter(pk=objection.finding_id).update(status=Finding.Status.WITHDRAWN, closed_at=now)
        audit_record(actor=actor, action="finding.withdraw", obj=objection.finding,
                     details={"before": before, "objection": objection.pk})
        # A withdrawn finding is no problem found (inspections.selectors.plan_found_problem_q): recount its day.
        cells_refresh_for_visits(JointTask.objects.filter(pk=objection.record.task_id))
    notifications_resolve(keys=[f"objection:{objection.pk}:agency", f"objection:{objection.pk}:bureau"])
    notification_send(
        dedupe_key=f"objection:{objection.pk}:decided", enterprise=objection.record.task.enterprise,
        title=(_("Your objection was upheld: the finding is withdrawn") if upheld
               else _("Your objection was not upheld")),
        body=decision[:300], link=f"/enterprise/records/{objection.record_id}/#objections",
    )
    _rerender(objection.record_id, f"objection:{objection.pk}:decide")
    return objection


@transaction.atomic
def objection_reply(*, actor, objection: Objection, reply: str) -> Objection:
    """陈述申辩: the enterprise's reply to the decision, once, kept with the record."""
    enterprise = require_enterprise(actor)
    objection = Objection.objects.select_for_update().select_related("record__task").get(pk=objection.pk)
    if objection.record.task.enterprise_id != enterprise.pk:
        raise DomainError(_("Only the inspected enterprise can reply."))
    if not objection.is_decided:
        raise DomainError(_("You can reply once the objection is decided."))
    if objection.reply:
        raise DomainError(_("You have already replied to this decision."))
    objection.reply = _text(reply, field="reply")
    objection.replied_by, objection.replied_at = actor, timezone.now()
    objection.save(update_fields=["reply", "replied_by", "replied_at"])
    audit_record(actor=actor, action="objection.reply", obj=objection, details={"reply": objection.reply},
                 agency_id=objection.agency_id, enterprise_id=enterprise.pk)
    notifications_resolve(keys=[f"objection:{objection.pk}:decided"])
    notification_send(
        dedupe_key=f"objection:{objection.pk}:reply", agency=objection.decided_for,
        title=_("The enterprise replied to your decision on objection #%(n)s") % {"n": objection.pk},
        body=objection.reply[:300],
        link=(f"/justice/objections/{objection.pk}/" if objection.decided_for.is_justice_bureau
              else f"/agency/objections/{objection.pk}/"),
    )
    _rerender(objection.record_id, f"objection:{objection.pk}:reply")
    return objection
