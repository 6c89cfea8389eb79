"""Two officers filing for the same enterprise at the same moment end in one consistent schedule; two filings
on one division-day at once leave the statistics' cells exact.

Needs PostgreSQL: the enterprise row lock (SELECT ... FOR UPDATE) is what serialises them; SQLite
serialises every writer anyway and has no row locks to test.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Q

from enterprises.tests.factories import EnterpriseFactory
from plans import matching, statistics
from plans.models import JointTask, Plan, StatisticsDirty
from plans.services import plan_file
from plans.statistics import plan_statistics
from tests.test_statistics_recount import current_cells, recount_cells, stored_cells

from .conftest import City, days

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_officers_filing_at_once_share_one_visit(frozen):
    city = City()
    barrier = threading.Barrier(2)
    errors = []

    def file(officer):
        try:
            barrier.wait(timeout=10)
            plan_file(
                actor=officer,
                enterprise=city.enterprise,
                matters=[city.matter_of(officer)],
                window_start=days(8),
                window_end=days(12),
            )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    real_compute = matching.compute_schedule

    def slow_compute(**kwargs):
        # Widen the race: both threads would compute the schedule at the same time without the row lock.
        result = real_compute(**kwargs)
        time.sleep(0.3)
        return result

    with mock.patch.object(matching, "compute_schedule", side_effect=slow_compute):
        threads = [threading.Thread(target=file, args=(o,)) for o in (city.market_officer, city.ecology_officer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    assert Plan.objects.count() == 2
    tasks = JointTask.objects.filter(enterprise=city.enterprise)
    assert tasks.count() == 1
    assert set(Plan.objects.values_list("joint_task", flat=True)) == {tasks.get().pk}


def test_a_filing_racing_the_statistics_compaction_leaves_the_figures_exact(frozen):
    """The compaction deletes a division-day's dirty rows, then recomputes its cells; a filing on that
    division-day commits in between (it waits for nothing: it only appends its dirty row). The figures are
    exact throughout (the filing's row is left dirty, read from the plans), and the next run makes the cells
    themselves exact."""
    city = City()
    division = city.enterprise.division
    other = EnterpriseFactory(division=division)

    def file(officer, enterprise):
        plan_file(
            actor=officer,
            enterprise=enterprise,
            matters=[city.matter_of(officer)],
            window_start=days(8),
            window_end=days(12),
        )

    deleted, filed = threading.Event(), threading.Event()
    errors = []
    real_write = statistics._cells_write

    def write_after_the_filing(**kwargs):
        deleted.set()  # the dirty rows are deleted (uncommitted); the cells not yet recomputed
        filed.wait(timeout=10)
        return real_write(**kwargs)

    def compact():
        try:
            statistics.cells_compact()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    def file_meanwhile():
        try:
            assert deleted.wait(timeout=10)
            file(city.market_officer2, other)
        except Exception as exc:
            errors.append(exc)
        finally:
            filed.set()
            connection.close()

    # only the explicit compaction runs (the on-commit one would be eager in tests)
    with mock.patch.object(statistics, "_compact_soon"):
        file(city.market_officer, city.enterprise)
        with mock.patch.object(statistics, "_cells_write", side_effect=write_after_the_filing):
            threads = [threading.Thread(target=compact), threading.Thread(target=file_meanwhile)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
    assert errors == []
    assert len(set(Plan.objects.values_list("joint_task__visit_date", flat=True))) == 1  # one division-day
    assert StatisticsDirty.objects.exists()  # the filing's row, left for the next run
    assert current_cells() == recount_cells()
    assert plan_statistics(scope=Q())["plans"] == 2
    statistics.cells_compact()
    assert not StatisticsDirty.objects.exists()
    assert stored_cells() == recount_cells()


def test_two_filings_and_compactions_on_one_division_day_at_once_leave_the_statistics_exact(frozen):
    """Two enterprises of one division, visits on one day: each filing's compaction (run eagerly on commit in
    tests) refreshes the same cells. Without the per-(division, day) lock of cells_refresh the second would
    delete the cells before the first commits and insert its own recount after, counting the division-day's
    earlier plans twice."""
    city = City()
    division = city.enterprise.division
    first, second = EnterpriseFactory(division=division), EnterpriseFactory(division=division)
    plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.matter_of(city.market_officer)],
        window_start=days(8),
        window_end=days(12),
    )
    barrier = threading.Barrier(2)
    errors = []

    def file(officer, enterprise):
        try:
            barrier.wait(timeout=10)
            plan_file(
                actor=officer,
                enterprise=enterprise,
                matters=[city.matter_of(officer)],
                window_start=days(8),
                window_end=days(12),
            )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    real_write = statistics._cells_write

    def slow_write(**kwargs):
        time.sleep(0.3)  # both compactions reach the refresh together
        return real_write(**kwargs)

    with mock.patch.object(statistics, "_cells_write", side_effect=slow_write):
        pairs = ((city.market_officer, first), (city.market_officer2, second))
        threads = [threading.Thread(target=file, args=pair) for pair in pairs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    assert len(set(Plan.objects.values_list("joint_task__visit_date", flat=True))) == 1  # one division-day
    assert stored_cells() == recount_cells()
