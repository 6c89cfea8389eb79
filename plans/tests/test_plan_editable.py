"""One definition of the statuses a plan can still be changed in (Plan.EDITABLE, plan.is_editable,
plan.can_withdraw), used by plan_withdraw, plan_officers_set, the plan page and the API."""

import pytest
from rest_framework.test import APIClient

from plans.models import JointTask, Plan
from plans.services import plan_file, plan_officers_set, plan_withdraw
from yantai_inspect.errors import DomainError

from .conftest import days

pytestmark = pytest.mark.django_db

EDITABLE = {"pending_review", "pending_approval", "filed", "approved"}


def filed(city):
    return plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
        officers=[city.market_officer, city.market_officer2],
    )


def test_the_editable_statuses_are_those_before_a_plan_is_decided_against_given_up_or_done():
    assert set(Plan.EDITABLE) == EDITABLE
    for status in Plan.Status.values:
        assert Plan(status=status).is_editable == (status in EDITABLE)


@pytest.mark.parametrize("status", Plan.Status.values)
def test_the_services_and_the_page_agree_on_every_status(client, city, frozen, status):
    plan = filed(city)
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    client.force_login(city.market_officer)
    page = client.get(f"/agency/plans/{plan.pk}/").content.decode()
    assert (f"/agency/plans/{plan.pk}/officers/" in page) == plan.is_editable
    assert (f"/agency/plans/{plan.pk}/withdraw/" in page) == plan.can_withdraw
    if plan.is_editable:
        plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer, city.market_officer2])
        assert plan_withdraw(actor=city.market_officer, plan=plan).status == "withdrawn"
    else:
        with pytest.raises(DomainError):
            plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer])
        with pytest.raises(DomainError):
            plan_withdraw(actor=city.market_officer, plan=plan)


def test_a_plan_on_a_fixed_visit_keeps_its_officers_editable_but_cannot_be_withdrawn(client, city, frozen):
    plan = filed(city)
    JointTask.objects.filter(pk=plan.joint_task_id).update(fixed=True, status="fixed")
    plan = Plan.objects.select_related("joint_task").get(pk=plan.pk)
    assert plan.is_editable and not plan.can_withdraw
    client.force_login(city.market_officer)
    page = client.get(f"/agency/plans/{plan.pk}/").content.decode()
    assert f"/agency/plans/{plan.pk}/officers/" in page
    assert f"/agency/plans/{plan.pk}/withdraw/" not in page
    with pytest.raises(DomainError):
        plan_withdraw(actor=city.market_officer, plan=plan)


def test_the_api_says_what_the_filing_agency_may_still_do(city, frozen):
    plan = filed(city)
    api = APIClient()
    api.force_authenticate(city.market_officer)
    data = api.get(f"/api/v1/plans/{plan.pk}/").json()
    assert (data["editable"], data["can_withdraw"]) == (True, True)
    JointTask.objects.filter(pk=plan.joint_task_id).update(fixed=True, status="fixed")
    data = api.get(f"/api/v1/plans/{plan.pk}/").json()
    assert (data["editable"], data["can_withdraw"]) == (True, False)
    Plan.objects.filter(pk=plan.pk).update(status="done")
    data = api.get(f"/api/v1/plans/{plan.pk}/").json()
    assert (data["editable"], data["can_withdraw"]) == (False, False)
