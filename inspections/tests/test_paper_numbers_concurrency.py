"""Two records of two visits finalised at the same moment: their papers take numbers from the same agencies'
counters (the counter rows do not exist yet, so both also race to create them). The numbers come out unique
and gap-free.

Needs PostgreSQL: the counter row lock (SELECT ... FOR UPDATE) and ON CONFLICT DO NOTHING serialise them."""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.db import connection

from enterprises.tests.factories import EnterpriseFactory
from inspections.models import InspectionRecord, Paper, PaperCounter
from inspections.services import finding_add, record_finalise, record_item_set
from inspections.services import papers as paper_services
from plans.tests.conftest import SHANGHAI, City, freeze

from .test_record import both_in, item_of

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

VISIT_DAY = dt.date(2026, 6, 9)


def ready_to_finalise(city, task) -> InspectionRecord:
    record = both_in(city, task)
    record_item_set(actor=city.market_officer, item=item_of(record, city.market_matter), result="compliant")
    bad = record_item_set(actor=city.ecology_officer, item=item_of(record, city.ecology_matter), result="non_compliant")
    finding_add(
        actor=city.ecology_officer,
        item=bad,
        description="危险废物台账不完整",
        severity="minor",
        deadline=VISIT_DAY + dt.timedelta(days=15),
    )
    return record


@pytest.fixture
def two_visits():
    from plans.matching import joint_task_fix
    from plans.services import plan_file

    city = City()
    other = EnterpriseFactory(name="烟台芝罘海鲜餐饮有限公司", division="370602")  # another district
    tasks = []
    for enterprise in (city.enterprise, other):
        with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
            for officer in (city.market_officer, city.ecology_officer):
                plan = plan_file(
                    actor=officer,
                    enterprise=enterprise,
                    matters=[city.matter_of(officer)],
                    window_start=VISIT_DAY,
                    window_end=VISIT_DAY,
                )
        with freeze(dt.datetime(2026, 6, 6, 1, 0, tzinfo=SHANGHAI)):
            joint_task_fix(actor=None, task_id=plan.joint_task_id)
        plan.refresh_from_db()
        tasks.append(plan.joint_task)
    with freeze(dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI)):
        city.enterprise, first = city.enterprise, ready_to_finalise(city, tasks[0])
        second = ready_to_finalise(_with_enterprise(city, other), tasks[1])
        yield city, [first, second]


def _with_enterprise(city, enterprise):
    city.enterprise = enterprise  # both_in scans the enterprise's licence QR
    return city


@pytest.mark.parametrize("issued_before", [None, 41], ids=["first-papers-of-the-year", "counters-exist"])
def test_two_simultaneous_finalisations_number_their_papers_without_gaps_or_twins(two_visits, issued_before):
    city, records = two_visits
    assert not PaperCounter.objects.exists()
    if issued_before:  # the row lock serialises them; without counters, the ON CONFLICT insert does
        for agency in (city.market, city.ecology):
            PaperCounter.objects.create(agency=agency, year=2026, last=issued_before)
    start = issued_before or 0
    barrier = threading.Barrier(2)
    outcomes = []
    real_hash = paper_services.paper_hash

    def slow_hash(**kwargs):
        value = real_hash(**kwargs)
        time.sleep(0.2)  # holding the number: without the lock the other would read the same counter
        return value

    def finalise(record):
        try:
            barrier.wait(timeout=10)
            record_finalise(actor=city.market_officer, record=record)
            outcomes.append("final")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    with mock.patch.object(paper_services, "paper_hash", side_effect=slow_hash):
        threads = [threading.Thread(target=finalise, args=(r,)) for r in records]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert outcomes == ["final", "final"]
    for agency, kind in ((city.market, "results_notice"), (city.ecology, "rectification_order")):
        papers = Paper.objects.filter(agency=agency)
        assert sorted(papers.values_list("sequence", flat=True)) == [start + 1, start + 2]
        assert len(set(papers.values_list("number", flat=True))) == 2
        assert set(papers.values_list("kind", flat=True)) == {kind}
        assert set(papers.values_list("record_id", flat=True)) == {r.pk for r in records}
        assert PaperCounter.objects.get(agency=agency, year=2026).last == start + 2
