"""The daily job's missed visits and stranded plans, and refiling a plan not carried out."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from notifications.models import Notification
from plans.matching import joint_task_fix
from plans.missed import visits_missed_close
from plans.models import JointTask, Plan
from plans.refile import plan_refile
from plans.services import plan_file, plans_daily_checks
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, TODAY, days

pytestmark = pytest.mark.django_db


def travel(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False)


def file(city, officer, enterprise=None, start=8, end=12):
    with travel(TODAY):
        return plan_file(
            actor=officer,
            enterprise=enterprise or city.enterprise,
            matters=[city.matter_of(officer)],
            window_start=days(start),
            window_end=days(end),
        )


def fixed_joint_visit(city, enterprise=None):
    market = file(city, city.market_officer, enterprise)
    ecology = file(city, city.ecology_officer, enterprise)
    task = market.joint_task
    assert ecology.joint_task_id == task.pk
    with travel(task.visit_date - dt.timedelta(days=3)):
        joint_task_fix(actor=None, task_id=task.pk)
    return task, market, ecology


def run_daily(day):
    with travel(day):
        return plans_daily_checks(today=day)


def test_a_fixed_visit_nobody_checked_in_to_is_missed_the_day_after_and_a_rerun_changes_nothing(city):
    task, market, ecology = fixed_joint_visit(city)
    assert run_daily(task.visit_date)["missed"] == 0  # the day itself: officers may still come
    assert JointTask.objects.get(pk=task.pk).status == JointTask.Status.FIXED

    counts = run_daily(task.visit_date + dt.timedelta(days=1))
    assert (counts["missed"], counts["not_carried_out"]) == (1, 2)
    assert JointTask.objects.get(pk=task.pk).status == JointTask.Status.MISSED
    assert set(Plan.objects.values_list("status", flat=True)) == {Plan.Status.NOT_CARRIED_OUT}
    told = set(
        Notification.objects.filter(dedupe_key__startswith="joint-task-missed:").values_list("agency", flat=True)
    )
    assert told == {city.market.pk, city.ecology.pk, city.justice_bureau.pk}
    assert AuditEntry.objects.filter(action="joint_task.missed", object_id=str(task.pk)).count() == 1
    assert JointTask.objects.filter(status=JointTask.Status.MISSED).count() == 1  # what the statistics count

    snapshot = (
        sorted(JointTask.objects.values_list("pk", "status", "updated_at")),
        sorted(Plan.objects.values_list("pk", "status")),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )
    for later in (1, 2):
        counts = run_daily(task.visit_date + dt.timedelta(days=later))
        assert (counts["missed"], counts["not_carried_out"]) == (0, 0)
    assert snapshot == (
        sorted(JointTask.objects.values_list("pk", "status", "updated_at")),
        sorted(Plan.objects.values_list("pk", "status")),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_visit_in_progress_or_done_is_never_missed(city):
    task, market, _ = fixed_joint_visit(city)
    other = EnterpriseFactory()
    done, _, _ = fixed_joint_visit(city, other)
    JointTask.objects.filter(pk=task.pk).update(status=JointTask.Status.IN_PROGRESS)
    JointTask.objects.filter(pk=done.pk).update(status=JointTask.Status.DONE)
    Plan.objects.filter(joint_task=done).update(status=Plan.Status.DONE)
    counts = run_daily(days(30))
    assert (counts["missed"], counts["not_carried_out"]) == (0, 0)
    assert Plan.objects.get(pk=market.pk).status == Plan.Status.FILED  # the record is still being written


def test_a_live_plan_whose_window_passed_without_a_visit_is_closed_and_its_agency_told(city):
    plan = file(city, city.market_officer)
    JointTask.objects.filter(pk=plan.joint_task_id).update(status=JointTask.Status.CANCELLED)
    assert run_daily(days(12))["not_carried_out"] == 0  # the window's last day is not over yet
    assert run_daily(days(13))["not_carried_out"] == 1
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.NOT_CARRIED_OUT
    assert Notification.objects.filter(dedupe_key=f"plan-not-carried-out:{plan.pk}", agency=city.market).exists()
    assert AuditEntry.objects.filter(action="plan.not_carried_out", object_id=str(plan.pk)).exists()
    assert run_daily(days(14))["not_carried_out"] == 0


def _statements(day):
    with CaptureQueriesContext(connection) as ctx, travel(day):
        visits_missed_close(today=day)
    return len(ctx.captured_queries)


def test_the_missed_step_is_set_based_the_same_statements_for_one_visit_or_many(city):
    fixed_joint_visit(city)
    one = _statements(days(20))
    for _ in range(4):
        fixed_joint_visit(city, EnterpriseFactory())
    assert JointTask.objects.filter(status=JointTask.Status.FIXED).count() == 4
    assert _statements(days(20)) == one
    assert JointTask.objects.filter(status=JointTask.Status.MISSED).count() == 5


# -- refiling ----------------------------------------------------------------------------------------------


@pytest.fixture
def missed(city):
    task, market, ecology = fixed_joint_visit(city)
    run_daily(days(20))
    market.refresh_from_db()
    assert market.status == Plan.Status.NOT_CARRIED_OUT
    return market


def test_the_agency_refiles_a_plan_not_carried_out_with_a_fresh_window(city, missed):
    with travel(days(20)):
        new = plan_refile(actor=city.market_officer, plan=missed, window_start=days(28), window_end=days(32))
    assert new.status == Plan.Status.FILED and new.refiled_from_id == missed.pk
    assert new.joint_task is not None and days(28) <= new.joint_task.visit_date <= days(32)
    assert list(new.matters.all()) == list(missed.matters.all())
    assert set(new.officers.all()) == set(missed.officers.all())
    assert AuditEntry.objects.filter(action="plan.refile", object_id=str(missed.pk)).exists()
    with travel(days(20)), pytest.raises(DomainError, match="already been refiled"):
        plan_refile(actor=city.market_officer, plan=missed, window_start=days(28), window_end=days(32))


def test_refiling_is_refused_to_another_agency_a_live_plan_and_a_window_too_soon(city, missed):
    with travel(days(20)):
        with pytest.raises(DomainError, match="filing agency"):
            plan_refile(actor=city.ecology_officer, plan=missed, window_start=days(28), window_end=days(32))
        with pytest.raises(DomainError, match="at least 7 days ahead"):
            plan_refile(actor=city.market_officer, plan=missed, window_start=days(21), window_end=days(32))
        live = file(city, city.emergency_officer, start=30, end=40)
        with pytest.raises(DomainError, match="not carried out"):
            plan_refile(actor=city.emergency_officer, plan=live, window_start=days(38), window_end=days(40))
    assert not Plan.objects.filter(refiled_from__isnull=False).exists()


def test_the_refile_page_action_for_the_agency_and_the_refused(client, city, missed):
    url = f"/agency/plans/{missed.pk}/refile/"
    data = {"window_start": days(28).isoformat(), "window_end": days(32).isoformat()}
    with travel(days(20)):
        client.force_login(city.market_officer)
        assert "refile" in client.get(f"/agency/plans/{missed.pk}/").content.decode()
        assert client.post(url, {"window_start": "2026-13-01", "window_end": "x"}).status_code == 302  # form error
        # A date out of the platform's range and a NUL byte are refused on their field before any view runs.
        for bad in ({"window_start": "9999-99-99", "window_end": "x"}, {"window_start": "2026-07-01\x00"}):
            refused = client.post(url, bad)
            assert refused.status_code == 400 and "window_start" in refused.content.decode()
        assert not Plan.objects.filter(refiled_from=missed).exists()
        client.force_login(OfficerFactory(agency=AgencyFactory(division="370611")))
        assert client.post(url, data).status_code == 404
        client.force_login(JusticeUserFactory(agency=city.justice_bureau))
        assert client.post(url, data).status_code == 403
        client.force_login(enterprise_user(city.enterprise))
        assert client.post(url, data).status_code == 403
        client.logout()
        assert client.post(url, data).status_code == 302
        assert not Plan.objects.filter(refiled_from=missed).exists()
        client.force_login(city.market_officer)
        response = client.post(url, data)
    new = Plan.objects.get(refiled_from=missed)
    assert response.status_code == 302 and response.url == f"/agency/plans/{new.pk}/"


def test_the_refile_endpoint_for_the_agency_and_the_refused(city, missed):
    url = f"/api/v1/plans/{missed.pk}/refile/"
    data = {"window_start": days(28).isoformat(), "window_end": days(32).isoformat()}
    api = APIClient()
    with travel(days(20)):
        assert api.post(url, data, format="json").status_code in (401, 403)
        api.force_authenticate(OfficerFactory(agency=AgencyFactory(division="370611")))
        assert api.post(url, data, format="json").status_code == 404
        api.force_authenticate(city.ecology_officer)  # sees the plan (same city), may not refile it
        assert api.post(url, data, format="json").status_code in (400, 404)
        api.force_authenticate(enterprise_user(city.enterprise))
        assert api.post(url, data, format="json").status_code == 403
        api.force_authenticate(JusticeUserFactory(agency=city.justice_bureau))
        assert api.post(url, data, format="json").status_code == 403
        api.force_authenticate(city.market_officer)
        for bad in (
            {"window_start": "9999-12-30", "window_end": "9999-12-31"},
            {"window_start": "2026-07-01\x00", "window_end": days(32).isoformat()},
            {"window_start": days(32).isoformat(), "window_end": days(28).isoformat()},
            {},
        ):
            assert api.post(url, bad, format="json").status_code == 400, bad
        assert not Plan.objects.filter(refiled_from=missed).exists()
        response = api.post(url, data, format="json")
    assert response.status_code == 201
    assert Plan.objects.get(refiled_from=missed).pk == response.json()["id"]


def test_a_refiled_plan_no_longer_offers_the_refile_form(client, city, missed):
    """Found in the browser walk: after refiling, the old plan's page still offered 重新报备, which the service
    then refuses ("already been refiled")."""
    refile_action = f'action="/agency/plans/{missed.pk}/refile/"'
    with travel(days(20)):
        client.force_login(city.market_officer)
        assert refile_action in client.get(f"/agency/plans/{missed.pk}/").content.decode()
        plan_refile(actor=city.market_officer, plan=missed, window_start=days(28), window_end=days(32))
        assert refile_action not in client.get(f"/agency/plans/{missed.pk}/").content.decode()


def test_a_missed_visit_shows_as_missed_not_as_fixed(client, city, missed):
    """Found in the browser walk: the page of a missed visit showed the badge 已确定 (fixed), as if it were ahead."""
    with travel(days(20)):
        client.force_login(city.market_officer)
        page = client.get(f"/agency/tasks/{missed.joint_task_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Missed<" in page and ">Fixed<" not in page
