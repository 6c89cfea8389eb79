"""Every task state × every operation that re-matches an enterprise's visits.

A visit in progress, done or on its day is a fact the scheduler works around; a missed visit's plans are
closed by the daily job; a live plan with no day left is left out. None of these may make another agency's
filing, a busy-period declaration or removal, a withdrawal, an approval or ``rematch_visits`` fail, and none
of those operations may move a plan off a visit that is a fact.

On the code before this change 22 of these failed: filing, a busy-period declaration or removal, a withdrawal
and an approval with the visit in progress (on its day or after it), cancelled with its window passed, or
missed; ``rematch_visits`` with a missed visit; and the removal page. The plans of a visit in progress were
rescheduled as free plans whose window had passed ("The window of plan N has passed" / "No working day ... is
left"), which refused every other operation and escaped uncaught from the busy-period removal page; a fixed
visit whose day passed stayed "fixed" for ever.
"""

import datetime as dt

import pytest
import time_machine

from accounts.tests.factories import JusticeUserFactory
from enterprises.models import BusyPeriod
from enterprises.tests.factories import enterprise_user
from plans.busy import busy_period_declare, busy_period_delete
from plans.matching import joint_task_fix
from plans.models import JointTask, Plan
from plans.rematch import rematch_all
from plans.services import plan_file, plan_review, plan_withdraw, plans_daily_checks

from .conftest import SHANGHAI, TODAY, days

pytestmark = pytest.mark.django_db

AFTER = days(13)  # the day after the first plan's window (days 8-12)


def travel(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False)


class Scene:
    """Filed on TODAY: the market plan (window days 8-12, the visit whose state varies), the ecology plan on a
    later visit (days 30-40, withdrawn by one operation), a busy period (days 50-52, removed by another)."""

    def __init__(self, city):
        self.city = city
        with travel(TODAY):
            self.plan = plan_file(
                actor=city.market_officer,
                enterprise=city.enterprise,
                matters=[city.market_matter],
                window_start=days(8),
                window_end=days(12),
            )
            self.other = plan_file(
                actor=city.ecology_officer,
                enterprise=city.enterprise,
                matters=[city.ecology_matter],
                window_start=days(30),
                window_end=days(40),
            )
            self.busy = busy_period_declare(
                actor=None, enterprise=city.enterprise, start=days(50), end=days(52), reason="生产高峰"
            )
        self.task = self.plan.joint_task
        self.visit_day = self.task.visit_date

    def put_in(self, state: str) -> dt.date:
        """Bring the market plan's visit into ``state`` (as check-in, finalising or cancelling would) and
        return the day on which the operation runs."""
        task, plan = self.task, self.plan
        if state == "scheduled":
            return TODAY
        with travel(self.visit_day - dt.timedelta(days=3)):
            joint_task_fix(actor=None, task_id=task.pk)
        if state == "fixed":
            return self.visit_day
        if state.startswith("in_progress"):
            JointTask.objects.filter(pk=task.pk).update(status=JointTask.Status.IN_PROGRESS)
        elif state.startswith("done"):
            JointTask.objects.filter(pk=task.pk).update(status=JointTask.Status.DONE)
            Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DONE)
        elif state.startswith("cancelled"):
            JointTask.objects.filter(pk=task.pk).update(status=JointTask.Status.CANCELLED)
            if state == "cancelled":
                return TODAY
        elif state == "missed":
            with travel(AFTER):
                plans_daily_checks(today=AFTER)
            return AFTER
        return self.visit_day if state.endswith("_on_the_day") else AFTER


STATES = [
    "scheduled",
    "fixed",
    "in_progress_on_the_day",
    "in_progress_after",
    "done_on_the_day",
    "done_after",
    "cancelled",
    "cancelled_after",
    "missed",
]


def _file_another(scene, day):
    city = scene.city
    return plan_file(
        actor=city.emergency_officer,
        enterprise=city.enterprise,
        matters=[city.emergency_matter],
        window_start=day + dt.timedelta(days=8),
        window_end=day + dt.timedelta(days=12),
    )


def op_file(scene, day):
    plan = _file_another(scene, day)
    assert plan.joint_task is not None
    assert plan.window_start <= plan.joint_task.visit_date <= plan.window_end


def op_busy_declare(scene, day):
    busy_period_declare(
        actor=None, enterprise=scene.city.enterprise, start=day + dt.timedelta(days=60), end=day + dt.timedelta(days=61)
    )
    assert BusyPeriod.objects.count() == 2


def op_busy_delete(scene, day):
    busy_period_delete(actor=None, period=scene.busy)
    assert not BusyPeriod.objects.exists()


def op_withdraw(scene, day):
    plan_withdraw(actor=scene.city.ecology_officer, plan=scene.other)
    assert Plan.objects.get(pk=scene.other.pk).status == Plan.Status.WITHDRAWN


def op_approve(scene, day):
    scene.city.whitelist(scene.city.enterprise)
    plan = _file_another(scene, day)
    assert plan.status == Plan.Status.PENDING_REVIEW
    plan = plan_review(actor=JusticeUserFactory(agency=scene.city.justice_bureau), plan=plan, approve=True)
    assert plan.status == Plan.Status.APPROVED and plan.joint_task is not None


def op_rematch(scene, day):
    rematch_all(today=day)


OPERATIONS = [op_file, op_busy_declare, op_busy_delete, op_withdraw, op_approve, op_rematch]


def _rows():
    return (
        sorted(JointTask.objects.values_list("pk", "visit_date", "status", "fixed", "lead_agency_id", "updated_at")),
        sorted(Plan.objects.values_list("pk", "status", "joint_task_id")),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda f: f.__name__[3:])
def test_no_task_state_blocks_an_operation_or_moves_a_visit_that_is_a_fact(city, state, operation):
    scene = Scene(city)
    day = scene.put_in(state)
    before_task = JointTask.objects.values("visit_date", "status").get(pk=scene.task.pk)
    before = _rows()
    with travel(day):
        operation(scene, day)
    plan = Plan.objects.select_related("joint_task").get(pk=scene.plan.pk)
    after_task = JointTask.objects.filter(pk=scene.task.pk).values("visit_date", "status").first()
    if state == "scheduled":
        assert plan.joint_task.status == JointTask.Status.SCHEDULED
        assert plan.window_start <= plan.joint_task.visit_date <= plan.window_end
    elif state == "cancelled":
        # A cancelled visit does not take place: its live plans are matched again.
        assert plan.joint_task.status != JointTask.Status.CANCELLED
        assert plan.window_start <= plan.joint_task.visit_date <= plan.window_end
        assert plan.joint_task.visit_date > day
    else:
        # A fact (or a plan left out because no day is left): nothing about it changes.
        assert plan.joint_task_id == scene.task.pk
        assert after_task == before_task
        if state == "missed":
            assert after_task["status"] == JointTask.Status.MISSED
            assert plan.status == Plan.Status.NOT_CARRIED_OUT
    if operation is op_rematch and state != "cancelled":
        assert _rows() == before  # re-matching a matched enterprise changes nothing


def test_removing_a_busy_period_from_the_page_never_gives_a_500(client, city):
    """On the old code the removal raised "The window of plan N has passed" uncaught from the view."""
    scene = Scene(city)
    day = scene.put_in("in_progress_after")
    client.force_login(enterprise_user(city.enterprise))
    with travel(day):
        response = client.post(f"/enterprise/busy-periods/{scene.busy.pk}/delete/")
    assert response.status_code == 302
    assert not BusyPeriod.objects.exists()
