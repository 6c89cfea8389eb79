"""The pages of supervision opinions: the bureau issues from a plan, a green-channel review and an upheld
complaint and reviews the answer; the agency answers; everyone else is refused."""

import datetime as dt

import pytest

from accounts.tests.factories import OfficerFactory
from supervision.models import Opinion
from supervision.services import opinion_issue

from .conftest import BEFORE_HOLIDAY, SHANGHAI, at

pytestmark = pytest.mark.django_db


def issued(scene):
    with at(BEFORE_HOLIDAY):
        return opinion_issue(actor=scene.justice, kind="opinion", subject="plan", plan=scene.plan,
                             agency=scene.market, text="计划未说明检查依据")


def test_the_bureau_issues_from_the_plan_page_and_the_agency_answers(scene, client):
    with at(BEFORE_HOLIDAY):
        client.force_login(scene.justice)
        page = client.get(f"/justice/plans/{scene.plan.pk}/").content.decode()
        assert f"/justice/supervision/new/?plan={scene.plan.pk}" in page
        form = client.get(f"/justice/supervision/new/?plan={scene.plan.pk}")
        assert form.status_code == 200 and scene.market.name in form.content.decode()
        response = client.post(f"/justice/supervision/new/?plan={scene.plan.pk}", {
            "kind": "correction", "agency": str(scene.market.pk), "text": "计划未说明检查依据", "due_workdays": "10"})
        opinion = Opinion.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/justice/supervision/{opinion.pk}/"
        assert (opinion.kind, opinion.due_on) == ("correction", dt.date(2026, 10, 20))
        assert f"#{opinion.pk}" in client.get("/justice/supervision/").content.decode()
        client.force_login(scene.market_officer2)
        assert f"#{opinion.pk}" in client.get("/agency/supervision/").content.decode()
    with at(dt.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)):
        client.force_login(scene.market_officer2)
        assert client.post(f"/agency/supervision/{opinion.pk}/", {"answer": ""}).status_code == 400
        assert client.post(f"/agency/supervision/{opinion.pk}/", {"answer": "已补充依据"}).status_code == 302
        client.force_login(scene.justice)
        page = client.get(f"/justice/supervision/{opinion.pk}/").content.decode()
        assert "已补充依据" in page and 'id="opinion-review"' in page
        assert client.post(f"/justice/supervision/{opinion.pk}/", {"decision": "return"}).status_code == 400
        assert client.post(f"/justice/supervision/{opinion.pk}/", {"decision": "accept"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == "accepted"


def test_an_unjustified_green_channel_review_leads_to_the_opinion(scene, client):
    client.force_login(scene.justice)
    with at(dt.datetime(2026, 9, 2, 10, 0, tzinfo=SHANGHAI)):
        response = client.post(f"/justice/plans/{scene.green.pk}/review/",
                               {"decision": "unjustified", "note": "不属紧急情形"})
        assert response["Location"] == f"/justice/plans/{scene.green.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert f'href="/justice/supervision/new/?plan={scene.green.pk}"' in page
        form = client.get(f"/justice/supervision/new/?plan={scene.green.pk}").content.decode()
        assert "不属紧急情形" in form
        client.post(f"/justice/supervision/new/?plan={scene.green.pk}", {
            "kind": "opinion", "agency": str(scene.market.pk), "text": "绿色通道理由不成立", "due_workdays": "5"})
    assert Opinion.objects.get().subject == "green_channel"


def test_an_upheld_complaint_offers_the_opinion(scene, client):
    # The complaint is handled by Fushan's bureau; the city's bureau supervises the city's market regulator.
    client.force_login(scene.fushan_justice)
    page = client.get(f"/justice/complaints/{scene.complaint.pk}/").content.decode()
    assert f"/justice/supervision/new/?complaint={scene.complaint.pk}" in page
    with at(BEFORE_HOLIDAY):
        form = client.get(f"/justice/supervision/new/?complaint={scene.complaint.pk}").content.decode()
    assert 'id="opinion-other-bureau"' in form and 'id="opinion-new"' not in form
    client.force_login(scene.justice)
    with at(BEFORE_HOLIDAY):
        form = client.get(f"/justice/supervision/new/?complaint={scene.complaint.pk}")
    assert form.status_code == 404  # another bureau's complaint is not this bureau's to read


def test_the_new_page_needs_a_subject_it_may_see(scene, client):
    client.force_login(scene.fushan_justice)
    assert client.get("/justice/supervision/new/").status_code == 400
    assert client.get("/justice/supervision/new/?plan=99999999").status_code == 404
    assert client.get("/justice/supervision/new/?plan=x").status_code == 400
    assert client.get("/justice/supervision/new/?plan=99999999999999999999").status_code == 400


def test_pages_refuse_other_roles_other_agencies_and_other_bureaus(scene, client):
    opinion = issued(scene)
    client.force_login(scene.account)
    for path in ("/justice/supervision/", f"/justice/supervision/{opinion.pk}/", "/agency/supervision/",
                 f"/agency/supervision/{opinion.pk}/", f"/justice/supervision/new/?plan={scene.plan.pk}"):
        assert client.get(path).status_code == 403, path
    client.force_login(scene.ecology_officer)
    assert client.get(f"/agency/supervision/{opinion.pk}/").status_code == 404
    assert client.post(f"/agency/supervision/{opinion.pk}/", {"answer": "x"}).status_code == 404
    assert f"#{opinion.pk}" not in client.get("/agency/supervision/").content.decode()
    client.force_login(scene.fushan_justice)
    assert client.get(f"/justice/supervision/{opinion.pk}/").status_code == 404
    client.force_login(scene.market_officer)
    assert client.get(f"/justice/supervision/{opinion.pk}/").status_code == 403
    opinion.refresh_from_db()
    assert opinion.status == "issued"


def test_the_lists_export_csv(scene, client):
    opinion = issued(scene)
    client.force_login(scene.justice)
    body = b"".join(client.get("/justice/supervision/export.csv").streaming_content).decode("utf-8-sig")
    assert str(opinion.pk) in body and scene.market.name in body
    client.force_login(OfficerFactory(agency=scene.market))
    body = b"".join(client.get("/agency/supervision/export.csv").streaming_content).decode("utf-8-sig")
    assert scene.justice_bureau.name in body


def test_the_bureau_list_shows_the_counts(scene, client):
    issued(scene)
    client.force_login(scene.justice)
    page = client.get("/justice/supervision/").content.decode()
    assert 'id="opinion-counts"' in page and scene.market.name in page
