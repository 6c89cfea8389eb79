"""The daily fixing step in batches (plans.fixing): a constant number of statements per batch whatever its
size, the same effects as fixing one by one, and nothing more on a rerun."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory
from notifications.models import Notification
from plans.fixing import joint_tasks_fix_due
from plans.models import JointTask
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db


def visits(city, n, *, officers=None):
    """``n`` visits on the same day, at ``n`` enterprises, each with a market plan and an ecology plan."""
    for _ in range(n):
        enterprise = EnterpriseFactory()
        for officer in (city.market_officer, city.ecology_officer):
            plan_file(
                actor=officer,
                enterprise=enterprise,
                matters=[city.matter_of(officer)],
                window_start=days(8),
                window_end=days(8),
                officers=officers,
            )
    return JointTask.objects.get(enterprise=enterprise).visit_date


def fix_counted(visit_date, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        fixed = joint_tasks_fix_due(today=visit_date - dt.timedelta(days=3), **kwargs)
    return fixed, len(queries)


def test_a_batch_costs_the_same_statements_for_two_visits_as_for_nine(city, frozen):
    visit_date = visits(city, 2)
    small = fix_counted(visit_date)
    JointTask.objects.update(fixed=False, fixed_at=None, status=JointTask.Status.SCHEDULED)
    Notification.objects.all().delete()
    visits(city, 7)
    large = fix_counted(visit_date)
    assert small[0] == 2 and large[0] == 9
    assert small[1] == large[1] <= 12


def test_each_fixed_visit_notifies_its_enterprise_audits_and_warns_understaffed_agencies(city, frozen):
    visit_date = visits(city, 3)
    assert joint_tasks_fix_due(today=visit_date - dt.timedelta(days=3)) == 3
    tasks = list(JointTask.objects.select_related("enterprise"))
    assert all(t.fixed and t.status == "fixed" and t.fixed_at for t in tasks)
    for task in tasks:
        notice = Notification.objects.get(dedupe_key=f"joint-task-fixed:{task.pk}")
        assert notice.enterprise == task.enterprise
        assert "烟台市市场监督管理局" in notice.body and "烟台市生态环境局" in notice.body
        assert notice.title == f"Inspection visit fixed for {visit_date.isoformat()}"
        # One certified officer per plan, two agencies: two in total, enough.
        assert not Notification.objects.filter(dedupe_key__startswith=f"joint-task-understaffed:{task.pk}:").exists()
    assert AuditEntry.objects.filter(action="joint_task.fix").count() == 3
    entry = AuditEntry.objects.filter(action="joint_task.fix", object_id=str(tasks[0].pk)).get()
    assert entry.actor_repr == "system" and entry.details["visit_date"] == visit_date.isoformat()


def test_a_visit_with_one_certified_officer_warns_its_agency(city, frozen):
    enterprise = EnterpriseFactory()
    plan = plan_file(
        actor=city.market_officer, enterprise=enterprise, matters=[city.market_matter],
        window_start=days(8), window_end=days(8),
    )
    joint_tasks_fix_due(today=plan.joint_task.visit_date - dt.timedelta(days=3))
    warning = Notification.objects.get(dedupe_key=f"joint-task-understaffed:{plan.joint_task_id}:{city.market.pk}")
    assert warning.agency == city.market and warning.link == f"/agency/plans/{plan.pk}/"


def test_visits_are_fixed_in_several_batches_and_a_rerun_changes_nothing(city, frozen):
    visit_date = visits(city, 7)
    assert joint_tasks_fix_due(today=visit_date - dt.timedelta(days=3), batch_size=3) == 7
    before = (Notification.objects.count(), AuditEntry.objects.count())
    assert joint_tasks_fix_due(today=visit_date - dt.timedelta(days=3), batch_size=3) == 0
    assert (Notification.objects.count(), AuditEntry.objects.count()) == before
    assert not JointTask.objects.filter(fixed=False).exists()


def test_visits_not_yet_due_stay_unfixed(city, frozen):
    visit_date = visits(city, 2)
    assert joint_tasks_fix_due(today=visit_date - dt.timedelta(days=4)) == 0
    assert not JointTask.objects.filter(fixed=True).exists()
    assert not Notification.objects.filter(dedupe_key__startswith="joint-task-fixed:").exists()
