import datetime as dt

import pytest

from notifications.models import Notification
from plans.models import Invitation, JointTask
from plans.services import invitation_decline, plan_file, plan_withdraw, plans_daily_checks
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, days, freeze

pytestmark = pytest.mark.django_db


def lead_plan(city):
    return plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        theme=city.theme,
        window_start=days(10),
        window_end=days(14),
    )


def test_a_lead_agencys_thematic_plan_invites_the_theme_agencies(city, frozen):
    plan = lead_plan(city)
    invited = set(Invitation.objects.filter(lead_plan=plan).values_list("agency__code", flat=True))
    assert invited == {city.ecology.code, city.emergency.code}
    assert Notification.objects.filter(agency=city.ecology, title__contains=city.enterprise.name).exists()


def test_a_response_joins_the_same_visit_even_later_than_seven_days_ahead(city, frozen):
    plan = lead_plan(city)
    invitation = Invitation.objects.get(lead_plan=plan, agency=city.ecology)
    with freeze(dt.datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI)):
        response = plan_file(
            actor=city.ecology_officer,
            enterprise=city.enterprise,
            matters=[city.ecology_matter],
            window_start=days(0),
            window_end=days(0),
            invitation=invitation,
        )
    assert (response.window_start, response.window_end) == (plan.window_start, plan.window_end)
    plan.refresh_from_db()
    assert response.joint_task_id == plan.joint_task_id
    assert JointTask.objects.get().lead_agency == city.market
    assert Invitation.objects.get(pk=invitation.pk).status == "responded"


def test_an_invitation_cannot_be_used_by_another_agency_or_twice(city, frozen):
    invitation = Invitation.objects.get(lead_plan=lead_plan(city), agency=city.ecology)
    with pytest.raises(DomainError):
        plan_file(
            actor=city.emergency_officer,
            enterprise=city.enterprise,
            matters=[city.emergency_matter],
            window_start=days(10),
            window_end=days(14),
            invitation=invitation,
        )
    plan_file(
        actor=city.ecology_officer,
        enterprise=city.enterprise,
        matters=[city.ecology_matter],
        window_start=days(10),
        window_end=days(14),
        invitation=invitation,
    )
    with pytest.raises(DomainError):
        plan_file(
            actor=city.ecology_officer,
            enterprise=city.enterprise,
            matters=[city.ecology_matter],
            window_start=days(10),
            window_end=days(14),
            invitation=invitation,
        )


def test_a_declined_invitation_is_closed(city, frozen):
    invitation = Invitation.objects.get(lead_plan=lead_plan(city), agency=city.ecology)
    invitation_decline(actor=city.ecology_officer, invitation=invitation, reason="本月已检查")
    assert Invitation.objects.get(pk=invitation.pk).status == "declined"
    with pytest.raises(DomainError):
        invitation_decline(actor=city.ecology_officer, invitation=invitation)


def test_the_daily_check_fixes_visits_on_their_fixing_day_and_notifies_once(city, frozen):
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(8),
    )
    visit = plan.joint_task.visit_date
    assert plans_daily_checks(today=visit - dt.timedelta(days=4))["fixed"] == 0
    assert plans_daily_checks(today=visit - dt.timedelta(days=3))["fixed"] == 1
    assert plans_daily_checks(today=visit - dt.timedelta(days=3))["fixed"] == 0
    task = JointTask.objects.get()
    assert task.fixed and task.status == "fixed"
    assert (
        Notification.objects.filter(enterprise=city.enterprise, dedupe_key=f"joint-task-fixed:{task.pk}").count() == 1
    )


def test_a_fixed_visit_no_longer_moves_and_its_plan_cannot_be_withdrawn(city, frozen):
    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(20),
    )
    visit = plan.joint_task.visit_date
    plans_daily_checks(today=visit - dt.timedelta(days=3))
    # A new overlapping plan joins the fixed visit instead of moving it.
    other = plan_file(
        actor=city.ecology_officer,
        enterprise=city.enterprise,
        matters=[city.ecology_matter],
        window_start=days(8),
        window_end=days(25),
    )
    assert other.joint_task_id == plan.joint_task_id and other.joint_task.visit_date == visit
    with pytest.raises(DomainError):
        plan_withdraw(actor=city.market_officer, plan=plan)


def test_invitations_near_their_deadline_are_reminded_once_and_expire_after(city, frozen):
    invitation = Invitation.objects.get(lead_plan=lead_plan(city), agency=city.ecology)
    assert plans_daily_checks(today=invitation.deadline - dt.timedelta(days=2))["reminded"] >= 1
    assert plans_daily_checks(today=invitation.deadline - dt.timedelta(days=1))["reminded"] == 0
    assert Notification.objects.filter(dedupe_key=f"invitation-reminder:{invitation.pk}").count() == 1
    assert plans_daily_checks(today=invitation.deadline + dt.timedelta(days=1))["expired"] >= 1
    assert plans_daily_checks(today=invitation.deadline + dt.timedelta(days=1))["expired"] == 0
    assert Invitation.objects.get(pk=invitation.pk).status == "expired"
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="invitation.expire", object_id=str(invitation.pk)).count() == 1


def test_a_fixed_visit_with_one_certified_officer_warns_its_agency_once(city, frozen):
    from plans.services import plan_officers_set

    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(8),
    )
    plans_daily_checks(today=days(5))
    plans_daily_checks(today=days(5))
    assert (
        Notification.objects.filter(agency=city.market, dedupe_key__startswith="joint-task-understaffed").count() == 1
    )
    plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer, city.market_officer2])
    assert plan.officers.count() == 2
    with pytest.raises(DomainError):
        plan_officers_set(actor=city.ecology_officer, plan=plan, officers=[city.ecology_officer])


def test_officers_are_named_through_the_page_and_the_api(city, frozen, client):
    from rest_framework.test import APIClient

    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(8),
    )
    client.force_login(city.market_officer)
    client.post(f"/agency/plans/{plan.pk}/officers/", {"officers": [city.market_officer.pk, city.market_officer2.pk]})
    assert plan.officers.count() == 2
    api = APIClient()
    api.force_authenticate(city.ecology_officer)
    assert api.post(f"/api/v1/plans/{plan.pk}/officers/", {"officers": ["ecology1"]}, format="json").status_code == 404
    api.force_authenticate(city.market_officer)
    response = api.post(f"/api/v1/plans/{plan.pk}/officers/", {"officers": ["market2"]}, format="json")
    assert response.status_code == 200 and list(plan.officers.all()) == [city.market_officer2]
    assert api.post(f"/api/v1/plans/{plan.pk}/officers/", {"officers": ["ghost"]}, format="json").status_code == 400


def test_responding_to_an_invitation_prefills_the_window_in_the_form_a_date_input_takes(client, city, frozen):
    """<input type="date"> takes only yyyy-mm-dd: in zh-hans Django's first DATE_INPUT_FORMATS is %Y/%m/%d, which
    the browser drops, so the officer responding saw two empty date fields instead of the lead plan's window."""
    plan = lead_plan(city)
    invitation = Invitation.objects.get(lead_plan=plan, agency=city.ecology)
    client.force_login(city.ecology_officer)
    page = client.get(f"/agency/plans/new/?invitation={invitation.pk}", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f'value="{plan.window_start.isoformat()}"' in page
    assert f'value="{plan.window_end.isoformat()}"' in page
