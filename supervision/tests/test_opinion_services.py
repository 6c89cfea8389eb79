"""行政执法监督: who issues, who answers, the deadline in working days, the states, the audit and the
notifications of supervision opinions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from notifications.models import Notification
from supervision.models import Opinion
from supervision.services import opinion_answer, opinion_issue, opinion_review
from yantai_inspect.errors import DomainError

from .conftest import BEFORE_HOLIDAY, SHANGHAI, at

pytestmark = pytest.mark.django_db


def issue(scene, **kw):
    args = {"actor": scene.justice, "kind": "opinion", "subject": "plan", "plan": scene.plan,
            "agency": scene.market, "text": "计划未说明检查依据"}
    args.update(kw)
    with at(BEFORE_HOLIDAY):
        return opinion_issue(**args)


def test_the_deadline_is_counted_in_working_days_across_the_national_day_holiday(scene):
    opinion = issue(scene)
    # 30 September + 10 working days: 8, 9, 10 (a Saturday worked), 12-16, 19, 20 October
    assert (opinion.issued_on, opinion.due_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 20))
    assert opinion.status == "issued" and opinion.justice_bureau == scene.justice_bureau
    assert [s.action for s in opinion.steps.all()] == ["issue"]
    assert AuditEntry.objects.filter(action="opinion.issue", object_id=str(opinion.pk)).count() == 1
    assert Notification.objects.get(dedupe_key=f"opinion:{opinion.pk}:issued").agency == scene.market


def test_only_the_bureau_responsible_for_the_agencys_division_issues(scene):
    # The market regulator is a city agency: Fushan's bureau does not supervise it.
    with pytest.raises(PermissionDenied):
        issue(scene, actor=scene.fushan_justice)
    # ... and the city's bureau does not supervise Fushan's agency, which has a bureau of its own.
    with pytest.raises(PermissionDenied):
        issue(scene, subject="complaint", plan=None, complaint=scene.complaint, agency=scene.fushan_market)
    with pytest.raises(PermissionDenied):
        issue(scene, actor=scene.market_officer)
    assert not Opinion.objects.exists()


def test_the_opinion_is_addressed_to_an_agency_concerned_by_its_subject(scene):
    with pytest.raises(DomainError) as exc:
        issue(scene, agency=scene.ecology)
    assert exc.value.field == "agency"
    with pytest.raises(DomainError):
        issue(scene, subject="complaint", plan=None, complaint=scene.complaint, agency=scene.ecology)
    assert issue(scene, subject="complaint", plan=None, complaint=scene.complaint).agency == scene.market


def test_a_green_channel_opinion_needs_an_inspection_judged_unjustified(scene):
    with pytest.raises(DomainError):
        issue(scene, subject="green_channel", plan=scene.green)
    scene.judge_green(justified=True)
    with pytest.raises(DomainError):
        issue(scene, subject="green_channel", plan=scene.green)


def test_an_unjustified_green_channel_inspection_gets_its_opinion(scene):
    scene.judge_green()
    opinion = issue(scene, kind="correction", subject="green_channel", plan=scene.green)
    assert (opinion.kind, opinion.subject, opinion.plan, opinion.task, opinion.complaint) == (
        "correction", "green_channel", scene.green, None, None)


def test_a_complaint_opinion_needs_an_upheld_complaint(scene):
    from complaints.models import Complaint
    from complaints.services import complaint_close

    Complaint.objects.filter(pk=scene.complaint.pk).update(status="not_upheld")
    scene.complaint.refresh_from_db()
    with pytest.raises(DomainError):
        issue(scene, subject="complaint", plan=None, complaint=scene.complaint)
    Complaint.objects.filter(pk=scene.complaint.pk).update(status="upheld")
    with at(BEFORE_HOLIDAY):
        scene.complaint = complaint_close(actor=scene.fushan_justice, complaint=scene.complaint)
    # closed after being upheld: still upheld
    assert issue(scene, subject="complaint", plan=None, complaint=scene.complaint).complaint == scene.complaint


def test_exactly_one_subject_is_named(scene):
    with pytest.raises(DomainError):
        issue(scene, complaint=scene.complaint)
    with pytest.raises(DomainError):
        issue(scene, subject="visit")
    with pytest.raises(DomainError):
        issue(scene, subject="nonsense")


@pytest.mark.parametrize("days", [0, 31, True, "5"])
def test_the_deadline_is_one_to_thirty_working_days(scene, days):
    with pytest.raises(DomainError) as exc:
        issue(scene, due_workdays=days)
    assert exc.value.field == "due_workdays"


def test_the_agency_answers_and_the_bureau_accepts(scene):
    opinion = issue(scene)
    with pytest.raises(PermissionDenied):
        opinion_answer(actor=scene.ecology_officer, opinion=opinion, answer="已整改")
    with pytest.raises(PermissionDenied):
        opinion_answer(actor=scene.justice, opinion=opinion, answer="已整改")
    with pytest.raises(DomainError):
        opinion_answer(actor=scene.market_officer2, opinion=opinion, answer="  ")
    with at(dt.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)):
        opinion = opinion_answer(actor=scene.market_officer2, opinion=opinion, answer="已补充检查依据")
    assert (opinion.status, opinion.answers, opinion.answered_on) == ("answered", 1, dt.date(2026, 10, 9))
    assert Notification.objects.get(dedupe_key=f"opinion:{opinion.pk}:issued").read_at is not None
    with pytest.raises(DomainError):
        opinion_answer(actor=scene.market_officer, opinion=opinion, answer="再次答复")
    with pytest.raises(PermissionDenied):
        opinion_review(actor=scene.fushan_justice, opinion=opinion, accept=True)
    opinion = opinion_review(actor=scene.justice, opinion=opinion, accept=True)
    assert opinion.status == "accepted"
    assert [s.action for s in opinion.steps.all()] == ["issue", "answer", "accept"]
    assert set(AuditEntry.objects.filter(object_id=str(opinion.pk), action__startswith="opinion.")
               .values_list("action", flat=True)) == {"opinion.issue", "opinion.answer", "opinion.accept"}


def test_a_returned_answer_needs_a_reason_and_gets_a_new_deadline(scene):
    opinion = issue(scene)
    with at(dt.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)):
        opinion = opinion_answer(actor=scene.market_officer, opinion=opinion, answer="已整改")
        with pytest.raises(DomainError) as exc:
            opinion_review(actor=scene.justice, opinion=opinion, accept=False)
        assert exc.value.field == "note"
        opinion = opinion_review(actor=scene.justice, opinion=opinion, accept=False, note="未附整改材料")
    # 9 October (Friday) + 10 working days: 10 (Saturday worked), 12-16, 19-22 October
    assert (opinion.status, opinion.due_on) == ("returned", dt.date(2026, 10, 22))
    assert Notification.objects.filter(dedupe_key=f"opinion:{opinion.pk}:returned:1", agency=scene.market).exists()
    with at(dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)):
        opinion = opinion_answer(actor=scene.market_officer, opinion=opinion, answer="已补交整改材料")
    assert (opinion.status, opinion.answers, opinion.answer) == ("answered", 2, "已补交整改材料")
    assert [s.action for s in opinion.steps.all()] == ["issue", "answer", "return", "answer"]


def test_a_visit_opinion_goes_to_an_agency_that_had_a_plan_on_it(scene):
    scene.plan.refresh_from_db()
    task = scene.plan.joint_task
    assert task is not None
    with pytest.raises(DomainError):
        issue(scene, subject="visit", plan=None, task=task, agency=scene.ecology)
    opinion = issue(scene, subject="visit", plan=None, task=task)
    assert (opinion.subject, opinion.task, opinion.agency) == ("visit", task, scene.market)
