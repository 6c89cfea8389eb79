"""Two accounts of the same enterprise signing the same record at the same moment end with one signature.

Needs PostgreSQL: the record row lock (SELECT ... FOR UPDATE) is what serialises them."""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.db import connection

from enterprises.tests.factories import enterprise_user
from inspections import signing
from inspections.models import InspectionRecord, Signature
from inspections.services import record_sign
from plans.tests.conftest import SHANGHAI, City, freeze
from yantai_inspect.errors import DomainError

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_signatures_end_in_one(visit_for_race):
    city, record = visit_for_race
    signers = [enterprise_user(city.enterprise), enterprise_user(city.enterprise)]
    barrier = threading.Barrier(2)
    outcomes = []
    real_hash = signing.content_hash

    def slow_hash(rec):
        value = real_hash(rec)
        time.sleep(0.3)  # both threads would be past their checks at once without the row lock
        return value

    def sign(user):
        try:
            barrier.wait(timeout=10)
            record_sign(actor=user, record=record, method="typed", typed_name=user.username, confirmed=True)
            outcomes.append("signed")
        except DomainError:
            outcomes.append("refused")
        except Exception as exc:  # an integrity error would mean the lock did not serialise them
            outcomes.append(repr(exc))
        finally:
            connection.close()

    with mock.patch.object(signing, "content_hash", side_effect=slow_hash):
        threads = [threading.Thread(target=sign, args=(u,)) for u in signers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert sorted(outcomes) == ["refused", "signed"]
    assert Signature.objects.filter(record=record).count() == 1
    assert InspectionRecord.objects.get(pk=record.pk).status == "signed"


@pytest.fixture
def visit_for_race():
    from inspections.tests.test_record import finalised
    from plans.matching import joint_task_fix
    from plans.services import plan_file

    city = City()
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        for officer in (city.market_officer, city.ecology_officer):
            plan = plan_file(
                actor=officer,
                enterprise=city.enterprise,
                matters=[city.matter_of(officer)],
                window_start=dt.date(2026, 6, 9),
                window_end=dt.date(2026, 6, 9),
            )
    joint_task_fix(actor=None, task_id=plan.joint_task_id)
    task = plan.joint_task
    task.refresh_from_db()
    with freeze(dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI)):
        yield city, finalised(city, task)
