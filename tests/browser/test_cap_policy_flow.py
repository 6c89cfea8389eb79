"""Issue 9 in the browser: the city justice bureau lowers the yearly cap, an officer's second routine visit
of the year to one enterprise is refused at filing with the cap, the count and the exemptions, and the
enterprise sees its count beside the cap."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import Plan

from .test_plan_filing_flow import account, file_plan
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def windows(today: dt.date):
    """Two windows of three days that cannot share a visit, in one calendar year, the first 8 days ahead."""
    first = today + dt.timedelta(days=8)
    if (first + dt.timedelta(days=10)).year != first.year:
        first = dt.date(first.year + 1, 1, 5)
    second = first + dt.timedelta(days=7)
    return (first, first + dt.timedelta(days=2)), (second, second + dt.timedelta(days=2))


def test_the_justice_bureau_lowers_the_cap_and_an_officers_plan_over_it_is_refused(
    browser_page, live_server, demo_city
):
    page = browser_page
    today = timezone.localdate()
    enterprise = account(demo_city, "enterprise")
    uscc = enterprise["enterprise"]

    log_in(page, live_server.url, account(demo_city, "justice"))
    page.goto(live_server.url + "/justice/caps/")
    assert page.locator("#cap-in-force .cap-limit").count() == 10  # the demo's defaults, per agency and combined
    page.fill("#id_effective_from", today.isoformat())
    for tier in ("whitelist", "A", "B", "C", "D"):
        page.fill(f"#id_agency_{tier}", "1")
    page.fill("#id_note", "浏览器测试:每个部门每年一次")
    with page.expect_navigation():
        page.click("#cap-policy-form button.primary")
    assert "/justice/caps/" in page.url
    assert page.locator("#cap-in-force").inner_text().count("1") >= 5
    page.screenshot(path="/tmp/caps-policy.png", full_page=True)
    page.context.clear_cookies()

    first, second = windows(today)
    log_in(page, live_server.url, account(demo_city, "officer_market"))
    file_plan(page, live_server.url, uscc, *first)
    page.goto(live_server.url + "/agency/plans/new/")
    page.fill("#id_enterprise", uscc)
    page.fill("#id_window_start", second[0].isoformat())
    page.fill("#id_window_end", second[1].isoformat())
    page.locator("#id_window_end").dispatch_event("change")
    page.wait_for_selector("#preview .cap-count")
    preview = page.locator("#preview .cap-count").inner_text()
    assert "1" in preview and str(second[0].year) in preview  # the count and the cap, before filing
    dialog = page.locator("#earlier-dialog")
    if dialog.is_visible():
        page.click("#earlier-close")
    page.locator("input[name=matters]").first.check()
    with page.expect_navigation():
        page.click("button.primary")
    assert "/new/" in page.url  # refused: the form again, with the reason
    error = page.locator(".field-window_start .errors, .errors").first.inner_text()
    page.screenshot(path="/tmp/caps-refused.png", full_page=True)
    assert ("at most 1 routine" in error or "最多 1 次" in error), error
    assert ("1 are already" in error or "已有 1 次" in error), error
    assert str(second[0].year) in error
    assert Plan.objects.filter(enterprise__uscc=uscc, agency__code__isnull=False).count() == 1
    page.context.clear_cookies()

    log_in(page, live_server.url, enterprise)
    page.goto(live_server.url + f"/enterprise/caps/?year={first[0].year}")
    assert "1" in page.locator("#caps-summary .cap-count").inner_text()
    page.screenshot(path="/tmp/caps-enterprise.png", full_page=True)
