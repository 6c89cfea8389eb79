"""The participation table (who takes part in which visit, with the visit's date) equals a recount from the plans
after a seeded random mix of filings (routine, thematic, responses, green channel, whitelisted), withdrawals,
reviews, re-matches, busy periods that move visits, visits carried out, missed visits and refilings; and the
officer's visit lists read from it show what the plans say."""

import datetime as dt

import pytest

from enterprises.tests.factories import enterprise_user
from plans.busy import busy_period_declare
from plans.models import JointTask, Participation, Plan
from plans.participation import participation_recount
from plans.refile import plan_refile
from plans.selectors import visits_in_date_order
from plans.services import plans_daily_checks
from plans.tests.conftest import SHANGHAI, TODAY, freeze
from tests.test_statistics_recount import Simulation

pytestmark = pytest.mark.django_db


def stored() -> set:
    return set(Participation.objects.values_list("agency_id", "joint_task_id", "visit_date"))


class ParticipationSimulation(Simulation):
    def step(self, day):
        kind = self.rng.choices(["other", "refile", "busy"], weights=[7, 2, 1])[0]
        if kind == "refile":
            plan = (
                Plan.objects.filter(status=Plan.Status.NOT_CARRIED_OUT, refiled_as__isnull=True).order_by("?").first()
            )
            if plan is not None:
                start = day + dt.timedelta(days=self.rng.randint(8, 14))
                self.attempt(
                    kind,
                    lambda: plan_refile(
                        actor=self.officer(plan.agency),
                        plan=plan,
                        window_start=start,
                        window_end=start + dt.timedelta(days=5),
                        today=day,
                    ),
                )
        elif kind == "busy":
            task = JointTask.objects.filter(fixed=False, status="scheduled", visit_date__gt=day).order_by("?").first()
            if task is not None:
                self.attempt(
                    kind,
                    lambda: busy_period_declare(
                        actor=self.accounts.setdefault(task.enterprise_id, enterprise_user(task.enterprise)),
                        enterprise=task.enterprise,
                        start=task.visit_date,
                        end=task.visit_date,
                        today=day,
                    ),
                )
        else:
            super().step(day)


def visit_ids_seen_by(user, **kwargs) -> list[int]:
    return list(visits_in_date_order(user=user, **kwargs).values_list("pk", flat=True))


@pytest.mark.parametrize("seed", [8, 5])
def test_the_participation_table_equals_a_recount_after_a_random_mix_of_writes(seed):
    sim = ParticipationSimulation(seed)
    sim.accounts = {}
    for n in range(24):
        day = TODAY + dt.timedelta(days=n)
        with freeze(dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI)):
            plans_daily_checks(today=day)  # fixing, and visits missed the day before
            for _ in range(sim.rng.randint(2, 6)):
                sim.step(day)  # a refused operation is counted as such (Simulation.attempt)
            sim.carry_out_visits(day)
            assert stored() == participation_recount(), (day, sim.done)
    for kind in ("file", "urgent", "withdraw", "rematch", "visit", "busy", "refile"):
        assert sim.done[kind] >= 1, (kind, sim.done)
    assert JointTask.objects.filter(status="missed").exists()
    # What the officer's lists show is what the plans say, in date order, both ways.
    for officers in sim.officers.values():
        officer = officers[0]
        expected = sorted(
            {
                (p.joint_task.visit_date, p.joint_task_id)
                for p in Plan.objects.filter(agency=officer.agency, joint_task__isnull=False).select_related(
                    "joint_task"
                )
            }
        )
        assert visit_ids_seen_by(officer) == [pk for _d, pk in expected]
        assert visit_ids_seen_by(officer, newest_first=True) == [pk for _d, pk in reversed(expected)]
        since = TODAY + dt.timedelta(days=10)
        assert visit_ids_seen_by(officer, since=since) == [pk for d, pk in expected if d >= since]
