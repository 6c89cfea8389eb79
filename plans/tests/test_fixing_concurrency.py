"""Two runs of the daily fixing step at the same moment fix each visit once: the batch's rows are locked
FOR UPDATE SKIP LOCKED, so the second run takes other visits or none. Needs PostgreSQL (row locks)."""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.db import connection

from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory
from notifications.models import Notification
from plans import fixing
from plans.models import JointTask
from plans.services import plan_file

from .conftest import City, days

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_fix_notify_and_audit_each_visit_once(frozen):
    city = City()
    for _ in range(6):
        plan = plan_file(
            actor=city.market_officer, enterprise=EnterpriseFactory(), matters=[city.market_matter],
            window_start=days(8), window_end=days(8),
        )
    today = plan.joint_task.visit_date - dt.timedelta(days=3)
    barrier = threading.Barrier(2)
    results, errors = [], []
    real_fix = fixing.joint_tasks_fix

    def slow_fix(**kwargs):
        time.sleep(0.2)  # hold the batch's locks while the other run looks for work
        return real_fix(**kwargs)

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(fixing.joint_tasks_fix_due(today=today, batch_size=2))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(fixing, "joint_tasks_fix", side_effect=slow_fix):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert sum(results) == 6
    assert JointTask.objects.filter(fixed=True).count() == 6
    assert Notification.objects.filter(dedupe_key__startswith="joint-task-fixed:").count() == 6
    assert AuditEntry.objects.filter(action="joint_task.fix").count() == 6
