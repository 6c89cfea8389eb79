"""年度检查计划 and 专项检查 end to end in the browser: the city market regulator drafts its yearly plan for next
year, adds a line and publishes it; an anonymous visitor finds it on the public pages. The Fushan market
regulator requests a special inspection; the level above (its parent, the city market regulator, through its head
head_market) approves it with an opinion; the public page shows the approved campaign with that opinion."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import SpecialCampaign, YearlyPlan

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_an_agency_publishes_its_yearly_plan_and_the_public_page_shows_it(browser_page, live_server, demo_city):
    page = browser_page
    year = timezone.localdate().year + 1
    page.on("dialog", lambda dialog: dialog.accept())  # "Publish the yearly plan …?"
    log_in(page, live_server.url, account(demo_city, "officer_market"))
    page.goto(live_server.url + "/agency/yearly-plans/")
    page.fill("#id_year", str(year))
    page.fill("#id_title", f"烟台市市场监督管理局{year}年度检查计划")
    with page.expect_navigation():
        page.locator("#yearly-plan-form [type=submit]").click()
    page.select_option("#id_matter", index=1)  # the first is the empty choice
    page.select_option("#id_division", "370611")
    page.fill("#id_visits", "120")
    page.fill("#id_deadline", dt.date(year, 10, 31).isoformat())
    with page.expect_navigation():
        page.locator("#yearly-line-form [type=submit]").click()
    assert "120" in page.locator("[data-list=yearly-lines]").inner_text()
    with page.expect_navigation():
        page.locator("#yearly-publish").click()
    plan = YearlyPlan.objects.get(year=year, agency__code="370600-market")
    assert plan.is_published and not plan.late
    page.screenshot(path="/tmp/yearly-plan.png", full_page=True)
    page.context.clear_cookies()

    page.goto(live_server.url + f"/public/yearly-plans/?year={year}")  # no login
    with page.expect_navigation():
        page.get_by_text(plan.title).click()
    text = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    assert plan.lines.get().matter.name in text and "福山区" in text and "120" in text
    page.screenshot(path="/tmp/yearly-plan-public.png", full_page=True)


def test_a_special_inspection_is_approved_by_the_level_above_and_published(browser_page, live_server, demo_city):
    page = browser_page
    today = timezone.localdate()
    start = today + dt.timedelta(days=8)
    end = min(start + dt.timedelta(days=20), dt.date(start.year, 12, 31))

    log_in(page, live_server.url, account(demo_city, "justice"))  # the city bureau sets the year's quota
    page.goto(live_server.url + f"/justice/special/quotas/?year={start.year}")
    page.fill("#id_year", str(start.year))
    page.fill("#id_quota", "2")
    with page.expect_navigation():
        page.locator("#quota-form [type=submit]").click()
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "officer_fushan_market"))
    page.goto(live_server.url + "/agency/special/new/")
    assert "烟台市市场监督管理局" in page.content()  # the level above, named before the request
    page.fill("#id_name", "福山区药品安全专项检查")
    page.fill("#id_basis", "依据市政府2026年药品安全专项整治部署")
    page.locator("input[name=matters]").first.check()
    page.fill("#id_window_start", start.isoformat())
    page.fill("#id_window_end", end.isoformat())
    with page.expect_navigation():
        page.locator("#special-form [type=submit]").click()
    campaign = SpecialCampaign.objects.get(name="福山区药品安全专项检查")
    assert campaign.status == SpecialCampaign.Status.PENDING and campaign.approver.code == "370600-market"
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "head_market"))
    page.goto(live_server.url + f"/agency/special/{campaign.code}/")
    page.select_option("#id_decision", "approve")
    page.fill("#id_opinion", "同意开展，注意与双随机抽查合并")
    with page.expect_navigation():
        page.locator("#special-decide").click()
    assert "同意开展，注意与双随机抽查合并" in page.locator("#special-history").inner_text()
    page.context.clear_cookies()

    page.goto(live_server.url + "/public/special-inspections/")
    with page.expect_navigation():
        page.get_by_text("福山区药品安全专项检查").click()
    assert "同意开展，注意与双随机抽查合并" in page.locator("#special-history").inner_text()
    page.screenshot(path="/tmp/special-public.png", full_page=True)
