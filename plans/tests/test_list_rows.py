"""The visit and plan lists answer from dicts (``plans.listing``) what the serializers answer from instances:
every row of ``GET /api/v1/joint-tasks/``, ``/plans/`` and ``/reviews/`` equals the detail endpoint's answer
for the same id (``JointTaskSerializer``, ``PlanSerializer``), for joint, themed, fixed, green-channel,
withdrawn and whitelisted plans; the pages show the same rows; the lists page by 20."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeUserFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans import listing
from plans.matching import joint_task_fix
from plans.models import JointTask, Plan
from plans.services import plan_file, plan_withdraw

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(city, frozen):
    """A joint visit of two agencies with a theme and two officers, fixed; a visit of one agency; a
    green-channel visit; a withdrawn plan; a plan awaiting the justice bureau's review."""
    c = city
    joint = [
        plan_file(
            actor=c.market_officer,
            enterprise=c.enterprise,
            matters=[c.market_matter],
            theme=c.theme,
            window_start=days(8),
            window_end=days(12),
            officers=[c.market_officer, c.market_officer2],
        ),
        plan_file(
            actor=c.ecology_officer,
            enterprise=c.enterprise,
            matters=[c.ecology_matter],
            window_start=days(8),
            window_end=days(12),
        ),
    ]
    other = EnterpriseFactory()
    single = plan_file(
        actor=c.market_officer, enterprise=other, matters=[c.market_matter], window_start=days(20), window_end=days(25)
    )
    withdrawn = plan_file(
        actor=c.market_officer,
        enterprise=EnterpriseFactory(),
        matters=[c.market_matter],
        window_start=days(30),
        window_end=days(31),
    )
    plan_withdraw(actor=c.market_officer, plan=withdrawn, reason="重复")
    green = plan_file(
        actor=c.market_officer,
        enterprise=EnterpriseFactory(),
        matters=[c.market_matter],
        window_start=TODAY,
        window_end=TODAY,
        urgent=True,
        urgent_category="public_report",
        urgent_reason="群众举报",
        officers=[c.market_officer, c.market_officer2],
    )
    whitelisted = EnterpriseFactory()
    c.whitelist(whitelisted)
    pending = plan_file(
        actor=c.market_officer,
        enterprise=whitelisted,
        matters=[c.market_matter],
        window_start=days(9),
        window_end=days(10),
    )
    joint_task_fix(actor=None, task_id=joint[0].joint_task_id)
    assert JointTask.objects.get(pk=joint[0].joint_task_id).fixed
    assert pending.status == Plan.Status.PENDING_REVIEW and green.post_review == Plan.PostReview.PENDING
    return {"joint": joint, "single": single, "withdrawn": withdrawn, "green": green, "pending": pending}


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def rows_equal_details(api, path, detail, **params):
    results = api.get(path, params).json()["results"]
    assert results
    for row in results:
        assert row == api.get(detail.format(row["id"])).json(), row["id"]
    return results


def test_the_visit_list_rows_equal_the_visit_detail(city, plans):
    for user in (city.market_officer, city.ecology_officer, enterprise_user(city.enterprise)):
        rows = rows_equal_details(api_as(user), "/api/v1/joint-tasks/", "/api/v1/joint-tasks/{}/")
    joint = next(
        r
        for r in rows_equal_details(api_as(city.market_officer), "/api/v1/joint-tasks/", "/api/v1/joint-tasks/{}/")
        if r["id"] == plans["joint"][0].joint_task_id
    )
    assert joint["fixed"] and joint["has_notice"] and joint["theme"] == "catering"
    assert [a["code"] for a in joint["agencies"]] == [city.market.code, city.ecology.code]  # lead first
    assert len(joint["officers"]) == 3 and [m["code"] for m in joint["checklist"]] == ["ecology-001", "market-001"]
    assert rows  # the enterprise's own


def test_the_plan_list_rows_equal_the_plan_detail(city, plans):
    rows = rows_equal_details(api_as(city.market_officer), "/api/v1/plans/", "/api/v1/plans/{}/")
    by_id = {r["id"]: r for r in rows}
    assert by_id[plans["joint"][0].pk]["can_withdraw"] is False  # its visit is fixed
    assert by_id[plans["single"].pk]["can_withdraw"] is True and by_id[plans["single"].pk]["filed_ahead"] is True
    assert by_id[plans["withdrawn"].pk]["editable"] is False and by_id[plans["withdrawn"].pk]["joint_task"] is None
    assert by_id[plans["green"].pk]["filed_ahead"] is False and by_id[plans["green"].pk]["urgent_category"]
    assert by_id[plans["pending"].pk]["filed_ahead"] is None
    rows_equal_details(api_as(city.ecology_officer), "/api/v1/plans/", "/api/v1/plans/{}/")


def test_the_review_queue_rows_equal_the_plan_detail(city, plans):
    justice = api_as(JusticeUserFactory(agency=city.justice_bureau))
    whitelist = rows_equal_details(justice, "/api/v1/reviews/", "/api/v1/plans/{}/")
    green = rows_equal_details(justice, "/api/v1/reviews/", "/api/v1/plans/{}/", queue="green_channel")
    assert [r["id"] for r in whitelist] == [plans["pending"].pk] and [r["id"] for r in green] == [plans["green"].pk]


def test_the_pages_show_the_rows(client, city, plans):
    client.force_login(city.market_officer)
    page = client.get("/agency/tasks/").content.decode()
    assert city.enterprise.name in page and f"{city.market.name}、{city.ecology.name}" in page
    page = client.get("/agency/plans/").content.decode()
    assert city.enterprise.name in page and "badge bad" in page  # the withdrawn plan
    assert client.get("/agency/").content.decode().count(f"/agency/tasks/{plans['joint'][0].joint_task_id}/") == 1
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    page = client.get("/justice/reviews/").content.decode()
    assert city.market_matter.name in page and "群众举报" in page and "/justice/plans/" in page
    client.force_login(enterprise_user(city.enterprise))
    page = client.get("/enterprise/visits/").content.decode()
    assert city.market_matter.name in page and city.ecology_matter.name in page and city.ecology.name in page
    assert city.market.name in client.get("/enterprise/").content.decode()


def test_the_lists_page_by_twenty(city, frozen):
    for _ in range(listing.LIST_PAGE_SIZE + 1):
        plan_file(
            actor=city.market_officer,
            enterprise=EnterpriseFactory(),
            matters=[city.market_matter],
            window_start=days(8),
            window_end=days(12),
        )
    api = api_as(city.market_officer)
    for path in ("/api/v1/plans/", "/api/v1/joint-tasks/"):
        data = api.get(path).json()
        assert len(data["results"]) == listing.LIST_PAGE_SIZE and "offset=20" in data["next"], path
        assert len(api.get(path, {"limit": 50}).json()["results"]) == listing.LIST_PAGE_SIZE + 1, path


def test_the_invitation_list_rows_equal_the_serializer(city, frozen):
    """``GET /api/v1/invitations/`` answers from dicts what ``InvitationSerializer`` answers from the
    invitation: open, declined and responded, by deadline, 20 a page; the page shows the same rows."""
    from plans.api.serializers import InvitationSerializer
    from plans.models import Invitation
    from plans.services import invitation_decline

    c = city
    for k in range(3):
        plan_file(actor=c.market_officer, enterprise=EnterpriseFactory(name=f"邀请企业{k}"), matters=[c.market_matter],
                  theme=c.theme, window_start=days(9 + k), window_end=days(14 + k))
    invitations = list(Invitation.objects.filter(agency=c.ecology).order_by("deadline", "id"))
    assert len(invitations) == 3
    invitation_decline(actor=c.ecology_officer, invitation=invitations[0], reason="人手不足")
    api = APIClient()
    api.force_authenticate(c.ecology_officer)
    body = api.get("/api/v1/invitations/").json()
    expected = [InvitationSerializer(Invitation.objects.get(pk=inv.pk)).data for inv in invitations]
    assert body["results"] == expected
    assert {row["status"] for row in body["results"]} == {"open", "declined"}
    assert api.get("/api/v1/invitations/", {"limit": 2}).json()["results"] == expected[:2]
    from django.test import Client

    page = Client()
    page.force_login(c.ecology_officer)
    html = page.get("/agency/invitations/").content.decode()
    for k in range(3):
        assert f"邀请企业{k}" in html
    assert html.count("?invitation=") == 2  # the open ones: respond or decline
    assert f"/agency/invitations/{invitations[1].pk}/decline/" in html


def test_a_later_page_is_the_same_rows_as_the_offset_of_the_whole_list(city, frozen):
    """Pages after the first read their ids first and then only those rows (``listing.LateRows``): every page
    of every offset and limit is the slice of the whole list, in its order, scoped, on the API and the pages."""
    for k in range(13):
        plan_file(
            actor=city.market_officer if k % 3 else city.ecology_officer,
            enterprise=EnterpriseFactory(),
            matters=[city.market_matter if k % 3 else city.ecology_matter],
            window_start=days(8 + k % 4),
            window_end=days(12 + k % 4),
        )
    for k in range(4):  # joint visits: a participation row for each agency
        enterprise = EnterpriseFactory()
        for officer, matter in ((city.market_officer, city.market_matter), (city.ecology_officer, city.ecology_matter)):
            plan_file(actor=officer, enterprise=enterprise, matters=[matter], window_start=days(9 + k),
                      window_end=days(13 + k))
    assert JointTask.objects.filter(participations__isnull=False).count() > JointTask.objects.count()
    for user in (city.market_officer, city.ecology_officer):
        api = api_as(user)
        for path in ("/api/v1/plans/", "/api/v1/joint-tasks/"):
            whole = api.get(path, {"limit": 200}).json()["results"]
            assert len(whole) >= 4, (path, len(whole))
            for limit in (1, 3, 4):
                for offset in range(len(whole) + 2):
                    got = api.get(path, {"limit": limit, "offset": offset}).json()["results"]
                    assert got == whole[offset : offset + limit], (path, limit, offset)
    qs = Plan.objects.filter(agency=city.market).order_by("-filed_at", "-id")
    ids = list(qs.values_list("id", flat=True))
    for number in (1, 2, 3, 4):
        page = listing.plan_page(qs, number, per_page=3)
        assert [row["id"] for row in page.object_list] == ids[(number - 1) * 3 : number * 3]
        assert page.has_next() == (len(ids) > number * 3)
    visits = JointTask.objects.filter(plans__agency=city.market).distinct().order_by("visit_date", "id")
    visit_ids = list(visits.values_list("id", flat=True))
    assert [row["id"] for row in listing.visit_page(visits, 2, per_page=2).object_list] == visit_ids[2:4]
