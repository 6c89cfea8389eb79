"""检查审批's pages and API: the head's queue (paged, its queries fixed), the decision, the step on the plan page,
and everyone else refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.heads import agency_head_approval_set, agency_head_set
from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.models import Plan
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(city):
    agency_head_approval_set(actor=None, agency=city.market, required=True)
    city.market_officer.agency.refresh_from_db()
    return agency_head_set(actor=None, user=OfficerFactory(agency=city.market, username="market-head",
                                                           full_name="王局长"), is_head=True)


def pending(city, n=1):
    return [
        plan_file(actor=city.market_officer, enterprise=EnterpriseFactory(name=f"待审批企业{k}"),
                  matters=[city.market_matter], window_start=days(8), window_end=days(14))
        for k in range(n)
    ]


def test_the_head_approves_on_the_queue_page_and_the_plan_page_shows_the_step(client, city, head, frozen):
    ecology = plan_file(actor=city.ecology_officer, enterprise=city.enterprise, matters=[city.ecology_matter],
                        window_start=days(9), window_end=days(14))
    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                     window_start=days(8), window_end=days(14))
    client.force_login(head)
    page = client.get("/agency/approvals/").content.decode()
    assert city.enterprise.name in page and f"/agency/plans/{plan.pk}/approval/" in page
    detail = client.get(f"/agency/plans/{plan.pk}/").content.decode()
    assert "head-decision" in detail  # the head decides from the plan page too
    response = client.post(f"/agency/plans/{plan.pk}/approval/", {"decision": "approve", "note": "同意检查"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FILED and plan.joint_task_id == ecology.joint_task_id
    client.force_login(city.market_officer)
    detail = client.get(f"/agency/plans/{plan.pk}/").content.decode()
    assert "王局长" in detail and "同意检查" in detail and "head-decision" not in detail


def test_a_rejection_without_an_opinion_is_refused_on_the_page_and_in_the_api(client, city, head, frozen):
    (plan,) = pending(city)
    client.force_login(head)
    client.post(f"/agency/plans/{plan.pk}/approval/", {"decision": "reject", "note": ""})
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PENDING_APPROVAL
    api = APIClient()
    api.force_authenticate(head)
    response = api.post(f"/api/v1/plans/{plan.pk}/head-approval/", {"decision": "reject"}, format="json")
    assert response.status_code == 400 and Plan.objects.get(pk=plan.pk).status == Plan.Status.PENDING_APPROVAL
    response = api.post(f"/api/v1/plans/{plan.pk}/head-approval/", {"decision": "reject", "note": "不必要"},
                        format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["head_approval_note"] == "不必要"


def test_the_api_queue_and_approval(city, head, frozen):
    (plan,) = pending(city)
    api = APIClient()
    api.force_authenticate(head)
    assert [p["id"] for p in api.get("/api/v1/approvals/").json()["results"]] == [plan.pk]
    response = api.post(f"/api/v1/plans/{plan.pk}/head-approval/", {"decision": "approve"}, format="json")
    assert response.status_code == 200 and response.json()["head_approval"] == "approved"
    assert response.json()["joint_task"] is not None
    assert api.get("/api/v1/approvals/").json()["results"] == []


@pytest.mark.parametrize("who", ["officer", "other_head", "justice", "enterprise", "anonymous"])
def test_everyone_but_the_agency_head_is_refused(client, city, head, frozen, who):
    (plan,) = pending(city)
    other = AgencyFactory(code="other-market", department=city.market_dept)
    user = {
        "officer": lambda: city.market_officer,
        "other_head": lambda: agency_head_set(actor=None, user=OfficerFactory(agency=other), is_head=True),
        "justice": lambda: JusticeUserFactory(agency=city.justice_bureau),
        "enterprise": lambda: enterprise_user(city.enterprise),
        "anonymous": lambda: None,
    }[who]()
    api = APIClient()
    if user is not None:
        client.force_login(user)
        api.force_authenticate(user)
    queue = client.get("/agency/approvals/")
    decide = client.post(f"/agency/plans/{plan.pk}/approval/", {"decision": "approve"})
    api_queue = api.get("/api/v1/approvals/")
    api_decide = api.post(f"/api/v1/plans/{plan.pk}/head-approval/", {"decision": "approve"}, format="json")
    if user is None:
        assert queue.status_code == 302 and queue["Location"].startswith("/login/")
        assert decide.status_code == 302 and decide["Location"].startswith("/login/")
        assert api_queue.status_code in (401, 403) and api_decide.status_code in (401, 403)
    elif who == "other_head":  # a head, but the plan is not its agency's: it does not exist for it
        assert queue.status_code == 200 and "待审批企业0" not in queue.content.decode()
        assert decide.status_code == 404 and api_decide.status_code == 404
        assert api_queue.json()["results"] == []
    else:
        assert queue.status_code == 403 and decide.status_code == 403
        assert api_queue.status_code == 403 and api_decide.status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PENDING_APPROVAL


@pytest.mark.parametrize("path,is_api", [("/agency/approvals/", False), ("/api/v1/approvals/", True)])
def test_the_queue_costs_the_same_queries_for_one_plan_and_for_twenty(city, head, frozen, path, is_api):
    counts, shown = [], []
    made = 0
    for size in (1, 20):
        pending(city, size - made)
        made = size
        client = APIClient()
        client.force_authenticate(head) if is_api else client.force_login(head)
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(queries))
        shown.append(len(response.json()["results"]) if is_api else len(response.content))
    assert shown[1] > shown[0]
    assert counts[0] == counts[1], counts


def test_the_queue_page_is_paged(client, city, head, frozen, monkeypatch):
    monkeypatch.setattr("plans.approval_views.APPROVAL_PAGE_SIZE", 2)
    pending(city, 3)
    client.force_login(head)
    first = client.get("/agency/approvals/").content.decode()
    assert [k for k in range(3) if f"待审批企业{k}" in first] == [0, 1] and "?page=2" in first
    second = client.get("/agency/approvals/?page=2").content.decode()
    assert [k for k in range(3) if f"待审批企业{k}" in second] == [2]


def test_the_heads_dashboard_links_its_queue(client, city, head, frozen):
    pending(city, 2)
    client.force_login(head)
    page = client.get("/agency/").content.decode()
    assert "pending-approvals" in page and "/agency/approvals/" in page
    client.force_login(city.market_officer)
    assert "pending-approvals" not in client.get("/agency/").content.decode()
