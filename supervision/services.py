"""行政执法监督: writes on supervision opinions. Every step checks its rule, is audited in its transaction, is
shown to both sides (``OpinionStep``) and tells the other side.

States: issued → answered → accepted, or returned for a new answer (→ answered again). Only the justice bureau
responsible for the agency's division issues and reviews (``supervision.access``); the agency's officers
answer. The deadline is in working days of the platform's calendar (``plans.workdays``)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from complaints.selectors import complaint_was_upheld
from notifications.services import notification_send, notifications_resolve
from plans.models import Plan
from plans.workdays import default_calendar
from yantai_inspect.errors import DomainError

from .access import require_opinion_answerer, require_opinion_reviewer, require_supervising_bureau
from .models import Opinion, OpinionStep

TEXT_MAX = 4000


def _text(text: str, *, field: str, required: bool = True) -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > TEXT_MAX:
        raise DomainError(_("At most %(n)d characters.") % {"n": TEXT_MAX}, field=field)
    return text


def _step(opinion: Opinion, *, actor, action: str, note: str = "", details: dict | None = None) -> None:
    OpinionStep.objects.create(opinion=opinion, action=action, status=opinion.status, note=note,
                               actor_repr=str(getattr(actor, "agency", None) or actor))
    audit_record(actor=actor, action=f"opinion.{action}", obj=opinion,
                 details={"status": opinion.status, "note": note, **(details or {})}, agency_id=opinion.agency_id)


def subject_agencies(*, plan=None, task=None, complaint=None) -> list:
    """The agencies an opinion about this subject may be addressed to: a plan's agency; the agencies that
    had a plan on the visit; for a complaint, the agency of the officer complained about and those of its
    visit (none named: any agency the bureau supervises, chosen by the bureau)."""
    from accounts.models import Agency

    if plan is not None:
        return [plan.agency]
    if task is not None:
        return list(Agency.objects.filter(plans__joint_task=task).distinct().order_by("code"))
    if complaint is not None:
        ids = set()
        if complaint.officer_id and complaint.officer.agency_id:
            ids.add(complaint.officer.agency_id)
        if complaint.task_id:
            ids |= set(Plan.objects.filter(joint_task_id=complaint.task_id).values_list("agency_id", flat=True))
        return list(Agency.objects.filter(pk__in=ids).order_by("code"))
    return []


def _subject_check(*, subject: str, plan, task, complaint) -> None:
    given = {Opinion.Subject.PLAN: plan, Opinion.Subject.GREEN_CHANNEL: plan, Opinion.Subject.VISIT: task,
             Opinion.Subject.COMPLAINT: complaint}
    if subject not in given:
        raise DomainError(_("Choose what the opinion is about."), field="subject")
    if given[subject] is None or sum(x is not None for x in (plan, task, complaint)) != 1:
        raise DomainError(_("Name the one plan, visit or complaint the opinion is about."), field="subject")
    if subject == Opinion.Subject.GREEN_CHANNEL and not (
        plan.urgent and plan.post_review == Plan.PostReview.UNJUSTIFIED
    ):
        raise DomainError(_("Only a green-channel inspection judged unjustified can be the subject."),
                          field="subject")
    if subject == Opinion.Subject.COMPLAINT and not complaint_was_upheld(complaint):
        raise DomainError(_("Only an upheld complaint can be the subject."), field="subject")


def _due_workdays(value) -> int:
    limit = settings.SUPERVISION_MAX_WORKDAYS
    if value in (None, ""):
        return settings.SUPERVISION_ANSWER_WORKDAYS
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
        raise DomainError(_("The deadline is 1 to %(n)d working days.") % {"n": limit}, field="due_workdays")
    return value


@transaction.atomic
def opinion_issue(*, actor, kind: str, subject: str, agency, text: str, plan=None, task=None, complaint=None,
                  due_workdays: int | None = None) -> Opinion:
    """The justice bureau responsible for the agency's division issues an opinion or a correction notice
    about one plan, visit, green-channel inspection judged unjustified or upheld complaint, addressed to an
    agency concerned by it, to be answered within ``due_workdays`` working days (default
    SUPERVISION_ANSWER_WORKDAYS)."""
    if kind not in Opinion.Kind.values:
        raise DomainError(_("Choose an opinion or a correction notice."), field="kind")
    _subject_check(subject=subject, plan=plan, task=task, complaint=complaint)
    if agency is None:
        raise DomainError(_("Choose the agency."), field="agency")
    bureau = require_supervising_bureau(actor, agency)
    allowed = subject_agencies(plan=plan, task=task, complaint=complaint)
    if (allowed or subject != Opinion.Subject.COMPLAINT) and agency.pk not in {a.pk for a in allowed}:
        raise DomainError(_("%(agency)s is not concerned by this subject.") % {"agency": agency.name},
                          field="agency")
    if agency.is_justice_bureau:
        raise DomainError(_("Choose an enforcement agency."), field="agency")
    text = _text(text, field="text")
    workdays = _due_workdays(due_workdays)
    today = timezone.localdate()
    opinion = Opinion.objects.create(
        kind=kind, subject=subject, plan=plan, task=task, complaint=complaint, agency=agency,
        justice_bureau=bureau, text=text, issued_by=actor, issued_on=today, due_workdays=workdays,
        due_on=default_calendar().add_workdays(today, workdays),
    )
    _step(opinion, actor=actor, action="issue", note=text,
          details={"kind": kind, "subject": subject, "plan": getattr(plan, "pk", None),
                   "task": getattr(task, "pk", None), "complaint": getattr(complaint, "pk", None),
                   "agency": agency.code, "due_on": opinion.due_on})
    notification_send(
        dedupe_key=f"opinion:{opinion.pk}:issued", agency=agency,
        title=_("%(kind)s #%(n)s from %(bureau)s") % {"kind": opinion.get_kind_display(), "n": opinion.pk,
                                                     "bureau": bureau.name},
        body=_("Answer by %(date)s.") % {"date": opinion.due_on.isoformat()},
        link=f"/agency/supervision/{opinion.pk}/",
    )
    return opinion


def _lock(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update().select_related("agency", "justice_bureau").get(pk=opinion.pk)


@transaction.atomic
def opinion_answer(*, actor, opinion: Opinion, answer: str) -> Opinion:
    """整改反馈: an officer of the agency answers an issued or returned opinion (what was done). A late answer
    keeps its overdue flag: it was late."""
    require_opinion_answerer(actor, opinion)
    answer = _text(answer, field="answer")
    opinion = _lock(opinion)
    if not opinion.awaits_answer:
        raise DomainError(_("The opinion is %(status)s; it is not awaiting an answer.")
                          % {"status": opinion.get_status_display()})
    opinion.status = Opinion.Status.ANSWERED
    opinion.answer, opinion.answered_by, opinion.answered_on = answer, actor, timezone.localdate()
    opinion.answers += 1
    opinion.save(update_fields=["status", "answer", "answered_by", "answered_on", "answers", "updated_at"])
    _step(opinion, actor=actor, action="answer", note=answer, details={"answers": opinion.answers})
    notifications_resolve(keys=[f"opinion:{opinion.pk}:issued", f"opinion:{opinion.pk}:returned:{opinion.answers - 1}",
                                f"opinion:{opinion.pk}:overdue:{opinion.due_on.isoformat()}"])
    notification_send(
        dedupe_key=f"opinion:{opinion.pk}:answer:{opinion.answers}", agency=opinion.justice_bureau,
        title=_("%(agency)s answered %(kind)s #%(n)s") % {"agency": opinion.agency.name,
                                                          "kind": opinion.get_kind_display(), "n": opinion.pk},
        body=answer[:300], link=f"/justice/supervision/{opinion.pk}/",
    )
    return opinion


@transaction.atomic
def opinion_review(*, actor, opinion: Opinion, accept: bool, note: str = "") -> Opinion:
    """The issuing bureau accepts the answer, or returns it with its reason for a new answer, due again
    ``due_workdays`` working days from today (the overdue flag starts afresh)."""
    require_opinion_reviewer(actor, opinion)
    note = _text(note, field="note", required=not accept)
    opinion = _lock(opinion)
    if opinion.status != Opinion.Status.ANSWERED:
        raise DomainError(_("The opinion is %(status)s; there is no answer to review.")
                          % {"status": opinion.get_status_display()})
    opinion.review_note = note
    fields = ["status", "review_note", "updated_at"]
    if accept:
        opinion.status = Opinion.Status.ACCEPTED
    else:
        opinion.status = Opinion.Status.RETURNED
        opinion.due_on = default_calendar().add_workdays(timezone.localdate(), opinion.due_workdays)
        opinion.overdue_since = None
        fields += ["due_on", "overdue_since"]
    opinion.save(update_fields=fields)
    _step(opinion, actor=actor, action="accept" if accept else "return", note=note,
          details={"due_on": opinion.due_on} if not accept else None)
    notifications_resolve(keys=[f"opinion:{opinion.pk}:answer:{opinion.answers}"])
    if accept:
        title = _("Your answer to %(kind)s #%(n)s was accepted")
        body = note
    else:
        title = _("Your answer to %(kind)s #%(n)s was returned")
        body = _("%(note)s Answer again by %(date)s.") % {"note": note, "date": opinion.due_on.isoformat()}
    notification_send(
        dedupe_key=f"opinion:{opinion.pk}:{'accepted' if accept else 'returned'}:{opinion.answers}",
        agency=opinion.agency, title=title % {"kind": opinion.get_kind_display(), "n": opinion.pk}, body=body,
        link=f"/agency/supervision/{opinion.pk}/",
    )
    return opinion
