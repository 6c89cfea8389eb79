"""The daily job flags the opinions answered late once, with one notification each (and one per bureau), and
never again on a rerun; a returned answer starts a new deadline that can be flagged again."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from notifications.models import Notification
from supervision.models import Opinion
from supervision.overdue import opinions_overdue_flag
from supervision.services import opinion_answer, opinion_issue, opinion_review
from supervision.tasks import opinions_overdue_check

from .conftest import BEFORE_HOLIDAY, SHANGHAI, at

pytestmark = pytest.mark.django_db


def issue(scene, n=1):
    with at(BEFORE_HOLIDAY):
        return [opinion_issue(actor=scene.justice, kind="opinion", subject="plan", plan=scene.plan,
                              agency=scene.market, text=f"意见{i}") for i in range(n)]


def test_an_opinion_past_its_deadline_is_flagged_once_with_one_notification(scene):
    (opinion,) = issue(scene)
    assert opinions_overdue_flag(today=dt.date(2026, 10, 20)) == 0  # the deadline day itself is not late
    assert opinions_overdue_flag(today=dt.date(2026, 10, 21)) == 1
    assert opinions_overdue_flag(today=dt.date(2026, 10, 21)) == 0
    assert opinions_overdue_flag(today=dt.date(2026, 10, 22)) == 0
    opinion.refresh_from_db()
    assert opinion.overdue_since == dt.date(2026, 10, 21)
    assert Notification.objects.filter(dedupe_key=f"opinion:{opinion.pk}:overdue:2026-10-20",
                                       agency=scene.market).count() == 1
    assert Notification.objects.filter(dedupe_key__startswith="opinions-overdue:",
                                       agency=scene.justice_bureau).count() == 1
    assert AuditEntry.objects.filter(action="opinion.overdue", object_id=str(opinion.pk)).count() == 1
    assert [s.action for s in opinion.steps.all()] == ["issue", "overdue"]


def test_answered_and_accepted_opinions_are_not_flagged(scene):
    answered, accepted = issue(scene, 2)
    with at(dt.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)):
        opinion_answer(actor=scene.market_officer, opinion=answered, answer="已整改")
        opinion_answer(actor=scene.market_officer, opinion=accepted, answer="已整改")
        opinion_review(actor=scene.justice, opinion=accepted, accept=True)
    assert opinions_overdue_flag(today=dt.date(2026, 12, 1)) == 0


def test_a_late_answer_keeps_its_flag_and_a_returned_one_can_be_late_again(scene):
    (opinion,) = issue(scene)
    opinions_overdue_flag(today=dt.date(2026, 10, 21))
    with at(dt.datetime(2026, 10, 22, 10, 0, tzinfo=SHANGHAI)):
        opinion = opinion_answer(actor=scene.market_officer, opinion=opinion, answer="迟到的答复")
        assert opinion.overdue_since == dt.date(2026, 10, 21)  # it was late
        opinion = opinion_review(actor=scene.justice, opinion=opinion, accept=False, note="未附材料")
    assert opinion.overdue_since is None and opinion.due_on == dt.date(2026, 11, 5)
    assert opinions_overdue_flag(today=dt.date(2026, 11, 6)) == 1
    assert Notification.objects.filter(dedupe_key__startswith=f"opinion:{opinion.pk}:overdue:").count() == 2


def test_the_job_is_set_based(scene):
    """A bounded number of statements per batch, whatever the number of opinions."""
    counts = []
    for n in (2, 12):
        Opinion.objects.all().delete()
        issue(scene, n)
        with CaptureQueriesContext(connection) as queries:
            assert opinions_overdue_flag(today=dt.date(2026, 10, 21)) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_periodic_task_runs_the_job(scene):
    issue(scene)
    with at(dt.datetime(2026, 10, 21, 8, 40, tzinfo=SHANGHAI)):
        assert opinions_overdue_check() == 1
        assert opinions_overdue_check() == 0
