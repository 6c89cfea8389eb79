import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AdminUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.models import BusyPeriod
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.busy import busy_period_declare
from plans.services import plan_file

from .conftest import SHANGHAI, TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=SHANGHAI), tick=False):
        yield


def test_an_enterprise_declares_lists_and_removes_its_busy_periods():
    enterprise = EnterpriseFactory()
    api = APIClient()
    api.force_authenticate(enterprise_user(enterprise))
    start = days(20)
    created = api.post(
        "/api/v1/my-enterprise/busy-periods/",
        {"start": start.isoformat(), "end": (start + dt.timedelta(days=5)).isoformat(), "reason": "生产高峰"},
        format="json",
    )
    assert created.status_code == 201
    assert [p["reason"] for p in api.get("/api/v1/my-enterprise/busy-periods/").json()] == ["生产高峰"]
    for bad in (
        {"start": start.isoformat(), "end": (start - dt.timedelta(days=1)).isoformat()},
        {"start": start.isoformat(), "end": (start + dt.timedelta(days=90)).isoformat()},
        {"start": "9999-12-30", "end": "9999-12-31", "reason": "x\x00"},
    ):
        bad_response = api.post("/api/v1/my-enterprise/busy-periods/", bad, format="json")
        assert bad_response.status_code == 400, bad
    assert (
        "end"
        in api.post(
            "/api/v1/my-enterprise/busy-periods/",
            {"start": start.isoformat(), "end": days(10).isoformat()},
            format="json",
        ).json()
    )
    pk = created.json()["id"]
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    assert api.delete(f"/api/v1/my-enterprise/busy-periods/{pk}/").status_code == 404
    api.force_authenticate(OfficerFactory())
    assert api.get("/api/v1/my-enterprise/busy-periods/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/my-enterprise/busy-periods/").status_code in (401, 403)
    api.force_authenticate(enterprise_user(enterprise))
    assert api.delete(f"/api/v1/my-enterprise/busy-periods/{pk}/").status_code == 204
    assert not BusyPeriod.objects.exists()


def test_a_busy_period_in_year_9999_is_refused_on_its_field_without_a_500():
    """It used to be accepted: nothing plans that far (the horizon rule), and the date is out of range."""
    api = APIClient()
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    response = api.post(
        "/api/v1/my-enterprise/busy-periods/", {"start": "9999-12-01", "end": "9999-12-31"}, format="json"
    )
    assert response.status_code == 400 and {"start", "end"} & set(response.json())


def test_a_busy_period_beyond_the_planning_horizon_is_refused(settings):
    api = APIClient()
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    horizon = days(settings.PLAN_HORIZON_DAYS)
    late = api.post(
        "/api/v1/my-enterprise/busy-periods/",
        {"start": (horizon - dt.timedelta(days=2)).isoformat(), "end": (horizon + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert late.status_code == 400 and "end" in late.json()
    on_the_horizon = api.post(
        "/api/v1/my-enterprise/busy-periods/",
        {"start": (horizon - dt.timedelta(days=2)).isoformat(), "end": horizon.isoformat()},
        format="json",
    )
    assert on_the_horizon.status_code == 201


def test_busy_days_are_capped_in_any_365_days_and_the_allowance_is_shown(settings):
    """Five chained 89-day periods blocked every routine visit for 15 months: now 60 days in any 365."""
    settings.BUSY_DAYS_MAX_PER_YEAR = 60
    settings.PLAN_HORIZON_DAYS = 800  # room for a second year
    enterprise = EnterpriseFactory()
    api = APIClient()
    api.force_authenticate(enterprise_user(enterprise))

    def declare(first, length):
        return api.post(
            "/api/v1/my-enterprise/busy-periods/",
            {"start": days(first).isoformat(), "end": days(first + length - 1).isoformat()},
            format="json",
        )

    assert api.get("/api/v1/my-enterprise/busy-periods/")["Busy-Days-Left"] == "60"
    assert declare(10, 89).status_code == 400  # one 89-day period is already over the cap
    assert declare(10, 40).status_code == 201
    listed = api.get("/api/v1/my-enterprise/busy-periods/")
    assert listed["Busy-Days-Left"] == "20" and listed["Busy-Days-Cap"] == "60"
    refused = declare(100, 21)  # 40 + 21 within 365 days
    assert refused.status_code == 400
    assert "20" in refused.json()["end"][0]
    assert declare(100, 20).status_code == 201  # exactly the cap
    assert declare(370, 5).status_code == 400  # 40 + 20 + 5 in the 365 days from day 10
    assert declare(375, 5).status_code == 201  # the window has moved on: at most 60 in any 365 days
    assert declare(100, 10).status_code == 201  # days already declared count once
    assert BusyPeriod.objects.filter(enterprise=enterprise).count() == 4


def test_the_busy_page_shows_the_allowance(client, settings):
    settings.BUSY_DAYS_MAX_PER_YEAR = 60
    enterprise = EnterpriseFactory()
    BusyPeriod.objects.create(enterprise=enterprise, start=days(10), end=days(24))
    client.force_login(enterprise_user(enterprise))
    page = client.get("/enterprise/busy-periods/").content.decode()
    allowance = page.split('class="allowance"')[1].split("</p>")[0]
    assert "45" in allowance and "60" in allowance


def test_the_admin_declares_and_removes_busy_periods_through_the_services(client, city):
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    visit = plan.joint_task.visit_date
    client.force_login(AdminUserFactory())
    url = "/admin/enterprises/busyperiod/add/"
    too_long = {"enterprise": city.enterprise.pk, "start": days(20), "end": days(120), "reason": ""}
    assert client.post(url, too_long).status_code == 200  # the 90-day cap, as a form error
    stranding = {"enterprise": city.enterprise.pk, "start": days(7), "end": days(13), "reason": ""}
    assert client.post(url, stranding).status_code == 200  # would leave the plan no day to visit
    assert not BusyPeriod.objects.exists()
    response = client.post(url, {"enterprise": city.enterprise.pk, "start": visit, "end": visit, "reason": "检修"})
    assert response.status_code == 302
    period = BusyPeriod.objects.get()
    plan.refresh_from_db()
    assert plan.joint_task.visit_date != visit  # re-matched, as the enterprise's own declaration would
    assert AuditEntry.objects.filter(action="busy_period.declare").count() == 1
    response = client.post(f"/admin/enterprises/busyperiod/{period.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not BusyPeriod.objects.exists()
    assert AuditEntry.objects.filter(action="busy_period.remove").count() == 1
    plan.refresh_from_db()
    assert plan.joint_task.visit_date == visit  # back on the best day


def test_a_declaration_reads_the_enterprises_plans_once(city):
    """Fails on the old code: the check read the enterprise's plans, visits and busy periods, then the
    re-matching read them again."""
    plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(10),
        window_end=days(30),
    )
    with CaptureQueriesContext(connection) as queries:
        busy_period_declare(actor=None, enterprise=city.enterprise, start=days(10), end=days(15))
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # Two reads of the busy periods, each once: the yearly allowance's (the 365 days either side of the new
    # period, past ones included) and the scheduler's state (from tomorrow on); the re-matching reads neither.
    assert sum(1 for sql in reads if 'FROM "enterprises_busyperiod"' in sql) == 2
    assert sum(1 for sql in reads if sql.startswith('SELECT "plans_plan"."id"')) == 1
