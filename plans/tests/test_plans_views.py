import pytest

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from enterprises.models import BusyPeriod
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.models import JointTask, Plan
from plans.services import plan_file

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db

AGENCY_PAGES = [
    "/agency/plans/",
    "/agency/plans/new/",
    "/agency/tasks/",
    "/agency/calendar/",
    "/agency/invitations/",
    "/agency/statistics/",
]
JUSTICE_PAGES = ["/justice/reviews/", "/justice/tasks/", "/justice/statistics/"]
ENTERPRISE_PAGES = ["/enterprise/visits/", "/enterprise/busy-periods/"]


@pytest.fixture
def users(city):
    return {
        "officer": city.market_officer,
        "justice": JusticeUserFactory(agency=city.justice_bureau),
        "enterprise": enterprise_user(city.enterprise),
    }


@pytest.mark.parametrize(
    "role,pages", [("officer", AGENCY_PAGES), ("justice", JUSTICE_PAGES), ("enterprise", ENTERPRISE_PAGES)]
)
def test_each_portal_opens_for_its_role_and_refuses_the_others(client, users, frozen, role, pages):
    for who, user in users.items():
        client.force_login(user)
        for page in pages:
            status = client.get(page).status_code
            assert status == (200 if who == role else 403), (who, page, status)
    client.logout()
    for page in pages:
        assert client.get(page).status_code == 302


def test_an_officer_files_a_plan_through_the_form(client, city, frozen):
    client.force_login(city.market_officer)
    response = client.post(
        "/agency/plans/new/",
        {
            "enterprise": city.enterprise.uscc,
            "matters": [city.market_matter.code],
            "window_start": days(8).isoformat(),
            "window_end": days(12).isoformat(),
            "officers": [city.market_officer.pk, city.market_officer2.pk],
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/agency/plans/{plan.pk}/"
    assert set(plan.officers.all()) == {city.market_officer, city.market_officer2}
    page = client.get(response["Location"]).content.decode()
    assert city.enterprise.name in page


def test_the_form_shows_the_seven_day_error_in_chinese(client, city, frozen):
    client.force_login(city.market_officer)
    response = client.post(
        "/agency/plans/new/",
        {
            "enterprise": city.enterprise.uscc,
            "matters": [city.market_matter.code],
            "window_start": days(3).isoformat(),
            "window_end": days(12).isoformat(),
        },
    )
    assert response.status_code == 200
    assert days(7).isoformat() in response.content.decode()
    assert not Plan.objects.exists()


def test_another_agency_cannot_open_or_withdraw_a_plan(client, city, frozen):
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    client.force_login(city.ecology_officer)
    assert client.get(f"/agency/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/agency/plans/{plan.pk}/withdraw/").status_code == 404
    assert client.get(f"/agency/tasks/{plan.joint_task_id}/").status_code == 404
    client.force_login(city.market_officer)
    client.post(f"/agency/plans/{plan.pk}/withdraw/", {"note": "调整"})
    assert Plan.objects.get().status == "withdrawn"


def test_the_justice_bureau_approves_from_its_queue(client, city, frozen):
    city.whitelist(city.enterprise)
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert city.enterprise.name in client.get("/justice/reviews/").content.decode()
    client.post(f"/justice/plans/{plan.pk}/review/", {"decision": "reject"})
    assert Plan.objects.get().status == "pending_review"  # a rejection without a reason is refused
    client.post(f"/justice/plans/{plan.pk}/review/", {"decision": "approve"})
    assert Plan.objects.get().status == "approved"
    other_justice = JusticeUserFactory(agency=AgencyFactory(is_justice_bureau=True, division="370683"))
    client.force_login(other_justice)
    assert client.post(f"/justice/plans/{plan.pk}/review/", {"decision": "approve"}).status_code == 404


def test_the_enterprise_sees_one_upcoming_visit_with_both_agencies(client, city, frozen):
    for officer in (city.market_officer, city.ecology_officer):
        plan_file(
            actor=officer,
            enterprise=city.enterprise,
            matters=[city.matter_of(officer)],
            window_start=days(8),
            window_end=days(12),
        )
    client.force_login(enterprise_user(city.enterprise))
    page = client.get("/enterprise/visits/").content.decode()
    assert page.count('class="card visit"') == 1
    assert city.market.name in page and city.ecology.name in page
    task = JointTask.objects.get()
    assert client.get(f"/enterprise/visits/{task.pk}/").status_code == 200
    client.force_login(enterprise_user(EnterpriseFactory()))
    assert client.get(f"/enterprise/visits/{task.pk}/").status_code == 404
    assert city.enterprise.name not in client.get("/enterprise/visits/").content.decode()


def test_a_busy_period_moves_an_unfixed_visit(client, city, frozen):
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    visit = plan.joint_task.visit_date
    client.force_login(enterprise_user(city.enterprise))
    client.post(
        "/enterprise/busy-periods/", {"start": visit.isoformat(), "end": visit.isoformat(), "reason": "生产高峰"}
    )
    assert BusyPeriod.objects.count() == 1
    plan.refresh_from_db()
    assert plan.joint_task.visit_date != visit


def test_a_busy_period_that_leaves_no_day_is_refused(client, city, frozen):
    plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(9),
    )
    client.force_login(enterprise_user(city.enterprise))
    response = client.post(
        "/enterprise/busy-periods/",
        {"start": days(7).isoformat(), "end": days(10).isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert not BusyPeriod.objects.exists()
    # The plan by its agency and window, not "plan 2" (its database id).
    html = response.content.decode()
    assert f"the plan of {city.market.name} for {days(8):%m-%d} to {days(9):%m-%d}" in html


def test_another_enterprise_cannot_remove_a_busy_period(client, city, frozen):
    period = BusyPeriod.objects.create(enterprise=city.enterprise, start=days(20), end=days(21))
    client.force_login(enterprise_user(EnterpriseFactory()))
    assert client.post(f"/enterprise/busy-periods/{period.pk}/delete/").status_code == 404
    assert BusyPeriod.objects.exists()


def test_the_calendar_shows_the_visit(client, city, frozen):
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    client.force_login(city.market_officer)
    page = client.get("/agency/calendar/", {"y": TODAY.year, "m": TODAY.month}).content.decode()
    assert f"/agency/tasks/{plan.joint_task_id}/" in page
    # A month that is not one is answered on its field (it used to be swallowed; y=9999&m=12 was a 500).
    for odd in ({"y": "x"}, {"y": 9999, "m": 12}, {"y": 1, "m": 1}, {"m": 13}, {"y": 10**30}):
        refused = client.get("/agency/calendar/", odd)
        assert refused.status_code == 400, odd


def test_an_outsider_officer_sees_no_plans_in_the_list(client, city, frozen):
    plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    client.force_login(OfficerFactory())
    assert city.enterprise.name not in client.get("/agency/plans/").content.decode()


def test_a_campaign_is_filed_from_the_form(client, city, frozen):
    others = [EnterpriseFactory(), EnterpriseFactory()]
    client.force_login(city.market_officer)
    response = client.post(
        "/agency/plans/new/",
        {
            "enterprise": city.enterprise.uscc,
            "campaign_enterprises": "\n".join(e.uscc for e in others),
            "matters": [city.market_matter.code],
            "window_start": days(8).isoformat(),
            "window_end": days(12).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/agency/plans/"
    assert Plan.objects.count() == 3 and Plan.objects.values("campaign").distinct().count() == 1
    bad = client.post(
        "/agency/plans/new/",
        {
            "enterprise": city.enterprise.uscc,
            "campaign_enterprises": "91370611000000000X",
            "matters": [city.market_matter.code],
            "window_start": days(8).isoformat(),
            "window_end": days(12).isoformat(),
        },
    )
    assert bad.status_code == 200 and "91370611000000000X" in bad.content.decode()
    assert Plan.objects.count() == 3
