"""The record lists (``/agency/records/``, ``GET /api/v1/records/``) read in the visits' index order
(``inspections.selectors.records_newest_first``): newest visit first, each reader's own records (the agencies
on the visit, the enterprise, the justice bureau), every API row equal to the detail endpoint's fields, the
page's findings counted."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeUserFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections.models import InspectionRecord
from inspections.selectors import records_for_user, records_newest_first
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, freeze

from .test_record import finalised

pytestmark = pytest.mark.django_db

BRIEF = ("id", "task", "enterprise", "enterprise_name", "visit_date", "status", "finalised_at")


@pytest.fixture
def records(city, visit):
    """The visit's record, finalised with a finding, and two later visits' records of the market regulator
    (one at another enterprise), opened directly; the lists are read on the last visit's day (a record is
    opened at check-in on its visit's day)."""
    first = finalised(city, visit)
    later = []
    with freeze(dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI)):
        for day, enterprise in ((dt.date(2026, 6, 22), city.enterprise), (dt.date(2026, 6, 23), EnterpriseFactory())):
            plan = plan_file(
                actor=city.market_officer,
                enterprise=enterprise,
                matters=[city.market_matter],
                window_start=day,
                window_end=day,
            )
            later.append(InspectionRecord.objects.create(task=plan.joint_task))
    with freeze(dt.datetime(2026, 6, 23, 18, 0, tzinfo=SHANGHAI)):
        yield [first, *later]


def test_the_records_come_newest_visit_first_and_as_records_for_user_sees_them(city, records):
    readers = [
        city.market_officer,
        city.ecology_officer,
        city.emergency_officer,
        enterprise_user(city.enterprise),
        JusticeUserFactory(agency=city.justice_bureau),
    ]
    for user in readers:
        rows = list(records_newest_first(user=user))
        assert {r["record_id"] for r in rows} == set(records_for_user(user=user).values_list("pk", flat=True))
        assert [r["visit_date"] for r in rows] == sorted((r["visit_date"] for r in rows), reverse=True)
    assert [r["record_id"] for r in records_newest_first(user=city.market_officer)] == [r.pk for r in records[::-1]]
    assert [r["record_id"] for r in records_newest_first(user=city.ecology_officer)] == [records[0].pk]
    assert [r["record_id"] for r in records_newest_first(user=city.market_officer, status="final")] == [records[0].pk]
    # read the day before the last visit: its record is not there yet (it could not have been opened)
    before = dt.date(2026, 6, 22)
    assert [r["record_id"] for r in records_newest_first(user=city.market_officer, today=before)] == [
        r.pk for r in records[1::-1]
    ]


def test_the_api_rows_equal_the_record_detail(city, records):
    api = APIClient()
    for user in (city.market_officer, enterprise_user(city.enterprise)):
        api.force_authenticate(user)
        rows = api.get("/api/v1/records/").json()["results"]
        assert rows
        for row in rows:
            detail = api.get(f"/api/v1/records/{row['id']}/").json()
            assert row == {key: detail[key] for key in BRIEF}
    api.force_authenticate(city.market_officer)
    final = api.get("/api/v1/records/", {"status": "final"}).json()["results"]
    assert [r["id"] for r in final] == [records[0].pk] and final[0]["finalised_at"]


def test_the_page_shows_the_records_with_their_findings(client, city, records):
    client.force_login(city.market_officer)
    html = client.get("/agency/records/").content.decode()
    for record in records:
        assert f'href="/agency/records/{record.pk}/"' in html
    assert '<span class="badge bad">1</span>' in html  # the finalised record's finding
    assert html.index(f"/agency/records/{records[2].pk}/") < html.index(f"/agency/records/{records[0].pk}/")
    client.force_login(city.emergency_officer)
    assert "/agency/records/" + str(records[0].pk) not in client.get("/agency/records/").content.decode()
