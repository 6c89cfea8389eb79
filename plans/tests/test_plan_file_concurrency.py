"""Two officers filing for the same enterprise at the same moment end in one consistent schedule.

Needs PostgreSQL: the enterprise row lock (SELECT ... FOR UPDATE) is what serialises them; SQLite
serialises every writer anyway and has no row locks to test.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connection

from plans import matching
from plans.models import JointTask, Plan
from plans.services import plan_file

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
