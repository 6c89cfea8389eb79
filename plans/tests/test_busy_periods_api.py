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
    """It used to be accepted: the date is outside the platform's range (yantai_inspect.inputs)."""
    api = APIClient()
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    response = api.post(
        "/api/v1/my-enterprise/busy-periods/", {"start": "9999-12-01", "end": "9999-12-31"}, format="json"
    )
    assert response.status_code == 400 and {"start", "end"} & set(response.json())


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
    assert sum(1 for sql in reads if 'FROM "enterprises_busyperiod"' in sql) == 1
    assert sum(1 for sql in reads if sql.startswith('SELECT "plans_plan"."id"')) == 1
