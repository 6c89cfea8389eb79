"""Issue 3 end to end in the browser: an officer files a plan, a second agency's officer files an
overlapping one, and the enterprise sees one upcoming visit with both agencies."""

import datetime as dt

import pytest
from django.utils import timezone

from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def account(accounts, username):
    return next(a for a in accounts if a["username"] == username)


def file_plan(page, base_url, uscc, start, end):
    page.goto(base_url + "/agency/plans/new/")
    page.fill("#id_enterprise", uscc)
    page.fill("#id_window_start", start.isoformat())
    page.fill("#id_window_end", end.isoformat())
    page.locator("#id_window_end").dispatch_event("change")
    # The live preview says what the plan would join, before anything is filed.
    page.wait_for_selector("#preview .card")
    dialog = page.locator("#earlier-dialog")
    if dialog.is_visible():
        page.click("#earlier-close")
    page.locator("input[name=matters]").first.check()
    with page.expect_navigation():
        page.click("button.primary")
    if "/new/" in page.url:
        page.screenshot(path="/tmp/flow-fail.png", full_page=True)
    assert "/agency/plans/" in page.url and "/new/" not in page.url, page.locator(
        ".errors, .errorlist"
    ).all_inner_texts()


def test_two_agencies_file_and_the_enterprise_sees_one_joint_visit(browser_page, live_server, demo_city):
    page = browser_page
    enterprise = account(demo_city, "enterprise")
    uscc = enterprise["enterprise"]
    today = timezone.localdate()
    start, end = today + dt.timedelta(days=8), today + dt.timedelta(days=16)

    log_in(page, live_server.url, account(demo_city, "officer_market"))
    file_plan(page, live_server.url, uscc, start, end)
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "officer_ecology"))
    page.goto(live_server.url + "/agency/plans/new/")
    page.fill("#id_enterprise", uscc)
    page.fill("#id_window_start", (start + dt.timedelta(days=2)).isoformat())
    page.fill("#id_window_end", (end + dt.timedelta(days=5)).isoformat())
    page.locator("#id_window_end").dispatch_event("change")
    page.wait_for_selector("#preview .card")
    assert "烟台市市场监督管理局" in page.locator("#preview").inner_text()  # would join the market regulator
    preview = page.locator("#preview").inner_text()
    assert any(words in preview for words in ("信用等级", "Credit grade")), preview  # the enterprise's credit grade
    page.goto(live_server.url + "/agency/plans/new/")
    file_plan(page, live_server.url, uscc, start + dt.timedelta(days=2), end + dt.timedelta(days=5))
    page.screenshot(path="/tmp/flow-plan-detail.png", full_page=True)
    page.context.clear_cookies()

    log_in(page, live_server.url, enterprise)
    page.goto(live_server.url + "/enterprise/visits/")
    visits = page.locator(".card.visit")
    assert visits.count() == 1
    agencies = visits.first.locator(".agencies").inner_text()
    assert "烟台市市场监督管理局" in agencies and "烟台市生态环境局" in agencies
    page.screenshot(path="/tmp/flow-enterprise-visits.png", full_page=True)
