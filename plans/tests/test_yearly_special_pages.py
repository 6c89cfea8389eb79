"""The pages of yearly plans and special inspections: the agency drafts, lines and publishes a yearly plan and
the public pages (and their open data) show it without personal data; the justice bureau sees who has not
published; a special inspection is requested, refused over the quota with the numbers, approved by the level
above with its opinion and published; the refused roles; the lists in a fixed number of queries."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import enterprise_user
from plans.models import Plan, SpecialCampaign, SpecialQuota, YearlyPlan
from plans.yearly import yearly_plan_draft, yearly_plan_line_add, yearly_plan_publish

from .conftest import SHANGHAI, days, freeze
from .specials import approved, city_justice_user, quota, requested

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """The pages in English (their text is asserted below); one test reads them in Chinese."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()


def test_the_agency_publishes_a_yearly_plan_and_the_public_sees_it_without_personal_data(client, city):
    city.market_officer.full_name = "矫文博"
    city.market_officer.save()
    with freeze(MARCH):
        client.force_login(city.market_officer)
        assert client.get("/agency/yearly-plans/").status_code == 200
        response = client.post("/agency/yearly-plans/", {"year": 2026, "title": "市市场监管局2026年度检查计划"})
        assert response.status_code == 302, body(response)[:2000]
        plan = YearlyPlan.objects.get()
        response = client.post(f"/agency/yearly-plans/{plan.pk}/lines/", {
            "matter": city.market_matter.code, "division": "370611", "industry": "C", "visits": "150",
            "deadline": "2026-10-31"})
        assert response.status_code == 302, body(response)[:3000]
        refused = client.post(f"/agency/yearly-plans/{plan.pk}/lines/", {
            "matter": city.market_matter.code, "visits": "0", "deadline": "2026-10-31"})
        assert refused.status_code == 200 and "errors" in body(refused)
        assert client.post(f"/agency/yearly-plans/{plan.pk}/publish/").status_code == 302
        plan.refresh_from_db()
        assert plan.is_published and not plan.late
        client.logout()
        listing = body(client.get("/public/yearly-plans/?year=2026"))
        page = body(client.get(f"/public/yearly-plans/{plan.pk}/"))
        rows = list(csv.DictReader(io.StringIO(body(client.get("/public/yearly-plans.csv?year=2026")))))
        data = json.loads(client.get("/public/yearly-plans.json?year=2026").content)
    assert "市市场监管局2026年度检查计划" in listing and city.market.name in listing
    assert city.market_matter.name in page and "150" in page and "2026-10-31" in page
    assert [(r["agency"], r["matter"], r["visits"], r["division"], r["industry"]) for r in rows] == [
        ("yt-market", "market-001", "150", "370611", "C")]
    assert data["publish_by"] == "2026-03-31" and data["lines"][0]["visits"] == 150
    for text in (listing, page, json.dumps(data, ensure_ascii=False), str(rows)):
        assert "矫文博" not in text and city.market_officer.username not in text


def test_a_draft_is_not_public_and_a_late_plan_says_so(client, city):
    with freeze(MARCH):
        draft = yearly_plan_draft(actor=city.market_officer, year=2026, title="草稿计划")
        yearly_plan_line_add(actor=city.market_officer, plan=draft, matter=city.market_matter, visits=3,
                             deadline=dt.date(2026, 12, 1))
        assert client.get(f"/public/yearly-plans/{draft.pk}/").status_code == 404
        assert "草稿计划" not in body(client.get("/public/yearly-plans/"))
    with freeze(dt.datetime(2026, 4, 3, 9, 0, tzinfo=SHANGHAI)):
        yearly_plan_publish(actor=city.market_officer, plan=draft)
        page = body(client.get(f"/public/yearly-plans/{draft.pk}/"))
    assert 'id="yearly-late"' in page and "2026-03-31" in page


def test_the_justice_bureau_sees_who_has_not_published_and_exports_it(client, city):
    with freeze(dt.datetime(2026, 4, 3, 9, 0, tzinfo=SHANGHAI)):
        client.force_login(city_justice_user(city))
        page = body(client.get("/justice/yearly-plans/?year=2026"))
        exported = body(client.get("/justice/yearly-plans/export.csv?year=2026"))
        assert client.get("/justice/yearly-plans/?year=99999").status_code == 400
    assert "3 agencies have not published their plans and the deadline has passed." in page
    assert page.count('class="overdue"') == 3
    assert exported.count("Not published, past the deadline") == 3


def test_a_special_inspection_over_the_quota_is_refused_on_the_page_with_the_numbers(client, city, frozen):
    quota(city, 1)
    requested(city, city.market_officer, days(10), days(40))
    client.force_login(city.market_officer)
    page = body(client.get("/agency/special/new/"))
    assert "1 of 1 used (0 approved, 1 awaiting approval)" in page
    response = client.post("/agency/special/new/", {
        "name": "第二次专项", "basis": "上级部署", "matters": [city.market_matter.code],
        "window_start": days(10).isoformat(), "window_end": days(40).isoformat()})
    assert response.status_code == 200
    assert "at most 1 special inspection campaign(s) in 2026, and 1 already count" in body(response)
    chinese = client.post("/agency/special/new/", {
        "name": "第二次专项", "basis": "上级部署", "matters": [city.market_matter.code],
        "window_start": days(10).isoformat(), "window_end": days(40).isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "超出专项检查年度限额" in body(chinese) and "最多可开展1次专项检查，已计入1次" in body(chinese)
    assert SpecialCampaign.objects.count() == 1


def test_the_level_above_approves_with_its_opinion_and_the_campaign_is_published(client, city, frozen):
    quota(city, 2)
    client.force_login(city.market_officer)
    response = client.post("/agency/special/new/", {
        "name": "药品安全专项检查", "basis": "市政府2026年专项部署", "matters": [city.market_matter.code],
        "division": "370611", "window_start": days(10).isoformat(), "window_end": days(40).isoformat()})
    assert response.status_code == 302, body(response)[:3000]
    campaign = SpecialCampaign.objects.get()
    assert "special-decision" not in body(client.get(f"/agency/special/{campaign.code}/"))  # not its own
    assert client.post(f"/agency/special/{campaign.code}/decide/",
                       {"decision": "approve", "opinion": "自批"}).status_code == 403
    assert client.get(f"/public/special-inspections/{campaign.code}/").status_code == 404  # not yet public
    client.force_login(city_justice_user(city))
    assert 'id="special-decision"' in body(client.get(f"/justice/special/{campaign.code}/"))
    missing = client.post(f"/justice/special/{campaign.code}/decide/", {"decision": "approve", "opinion": ""})
    assert missing.status_code == 200 and "errors" in body(missing)
    response = client.post(f"/justice/special/{campaign.code}/decide/",
                           {"decision": "approve", "opinion": "同意，避免重复进企"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_approved and campaign.opinion == "同意，避免重复进企"
    client.logout()
    page = body(client.get(f"/public/special-inspections/{campaign.code}/"))
    assert "同意，避免重复进企" in page and "药品安全专项检查" in page
    assert city.market_officer.username not in page
    assert "药品安全专项检查" in body(client.get("/public/special-inspections/"))
    assert campaign.code in body(client.get("/public/special-inspections.csv"))
    assert json.loads(client.get("/public/special-inspections.json").content)["campaigns"][0]["opinion"] == (
        "同意，避免重复进企")


def test_a_district_agency_s_campaign_is_approved_by_its_parent_s_head(client, city, frozen):
    fushan = AgencyFactory(code="fs-market", name="福山区市场监督管理局", department=city.market_dept,
                           level=Agency.Level.DISTRICT, division="370611", parent=city.market)
    officer = OfficerFactory(agency=fushan)
    head = OfficerFactory(agency=city.market, is_agency_head=True)
    quota(city, 2)
    campaign = requested(city, officer, days(10), days(40), matters=[city.market_matter])
    client.force_login(city.market_officer)  # the parent's officer, not its head
    assert "special-decision" not in body(client.get(f"/agency/special/{campaign.code}/"))
    assert client.post(f"/agency/special/{campaign.code}/decide/",
                       {"decision": "approve", "opinion": "同意"}).status_code == 403
    client.force_login(city_justice_user(city))  # the city bureau sees it, but is not the level above here
    assert client.post(f"/justice/special/{campaign.code}/decide/",
                       {"decision": "approve", "opinion": "同意"}).status_code == 403
    client.force_login(head)
    assert 'id="special-decision"' in body(client.get(f"/agency/special/{campaign.code}/"))
    assert client.post(f"/agency/special/{campaign.code}/decide/",
                       {"decision": "approve", "opinion": "同意"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_approved and campaign.decided_by == head


def test_only_the_city_justice_bureau_edits_the_quota_table(client, city, frozen):
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level=Agency.Level.DISTRICT,
                                  division="370611")
    client.force_login(JusticeUserFactory(agency=fushan))
    assert 'id="quota-form"' not in body(client.get("/justice/special/quotas/"))
    assert client.post("/justice/special/quotas/", {"year": 2026, "quota": 5}).status_code == 403
    client.force_login(city_justice_user(city))
    assert client.post("/justice/special/quotas/", {"year": 2026, "quota": 5, "note": "年初"}).status_code == 302
    assert client.post("/justice/special/quotas/", {"year": 2026, "quota": 2, "agency": "yt-market"}).status_code == 302
    page = body(client.get("/justice/special/quotas/?year=2026"))
    assert "Every agency (the default)" in page and city.market.name in page
    assert SpecialQuota.objects.count() == 2
    assert "年初" in body(client.get("/justice/special/quotas/export.csv?year=2026"))
    client.force_login(enterprise_user(city.enterprise))
    assert client.get("/justice/special/quotas/").status_code == 403


def test_the_filing_form_files_under_an_approved_campaign(client, city, frozen):
    campaign = approved(city, city.market_officer, days(10), days(60))
    client.force_login(city.market_officer)
    page = body(client.get("/agency/plans/new/"))
    assert campaign.name in page
    response = client.post("/agency/plans/new/", {
        "enterprise": city.enterprise.uscc, "matters": [city.market_matter.code], "window_start": days(20).isoformat(),
        "window_end": days(24).isoformat(), "officers": [city.market_officer.pk], "special_campaign": campaign.code})
    assert response.status_code == 302, body(response)[:3000]
    plan = Plan.objects.get()
    assert (plan.special_campaign_id, plan.cap_exemption) == (campaign.pk, Plan.CapExemption.SPECIAL)


def test_the_lists_answer_in_a_fixed_number_of_queries(client, city, frozen):
    quota(city, 20)
    for officer in (city.market_officer, city.ecology_officer):
        yearly_plan_draft(actor=officer, year=2026, title="计划")

    def count(path, user=None):
        if user is not None:
            client.force_login(user)
        else:
            client.logout()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def grow(n):
        for _ in range(n):
            approved(city, city.market_officer, days(10), days(40))

    grow(1)
    justice = city_justice_user(city)
    small = [count("/agency/special/", city.market_officer), count("/justice/special/", justice),
             count("/public/special-inspections/"), count("/justice/yearly-plans/", justice)]
    grow(4)
    AgencyFactory.create_batch(3)
    large = [count("/agency/special/", city.market_officer), count("/justice/special/", justice),
             count("/public/special-inspections/"), count("/justice/yearly-plans/", justice)]
    assert small == large


def test_the_exports_answer_in_a_fixed_number_of_queries(client, city, frozen):
    quota(city, 20)
    client.force_login(city.market_officer)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            text = body(client.get(path))
        return len(queries), text

    approved(city, city.market_officer, days(10), days(40), name="专项一")
    small, text = count("/agency/special/export.csv")
    assert "专项一" in text and "同意开展" in text
    for n in range(3):
        approved(city, city.market_officer, days(10), days(40), name=f"专项{n + 2}")
    assert count("/agency/special/export.csv")[0] == small
