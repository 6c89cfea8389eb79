"""Issue 9 in the browser: an officer commits and draws a random-check campaign; anyone, without logging in,
replays it on the public page and sees it match, and sees a changed seed fail the commitment."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import RandomCheckCampaign

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_an_officer_draws_and_anyone_replays(browser_page, live_server, demo_city):
    page = browser_page
    today = timezone.localdate()
    log_in(page, live_server.url, account(demo_city, "officer_fushan_market"))
    page.goto(live_server.url + "/agency/random-checks/new/")
    page.fill("#id_name", "2026年福山区食品生产双随机抽查")
    page.locator("input[name=matters]").first.check()
    page.fill("#id_window_start", (today + dt.timedelta(days=10)).isoformat())
    page.fill("#id_window_end", (today + dt.timedelta(days=40)).isoformat())
    with page.expect_navigation():
        page.click("#campaign-form button.primary")
    campaign = RandomCheckCampaign.objects.get()
    assert page.locator("#seed-sha256").inner_text() == campaign.seed_sha256
    assert campaign.seed not in page.content()
    with page.expect_navigation():
        page.click("#draw")
    campaign.refresh_from_db()
    assert page.locator("#seed").inner_text() == campaign.seed
    page.context.clear_cookies()

    page.goto(live_server.url + f"/public/random-checks/{campaign.code}/")  # no login
    assert page.locator("#seed-check").get_attribute("class") == "ok"
    assert page.locator("#draw-check").get_attribute("class") == "ok"
    page.screenshot(path="/tmp/random-check-public.png", full_page=True)
    changed = ("0" if campaign.seed[0] != "0" else "1") + campaign.seed[1:]
    page.fill("#seed-input", changed)
    with page.expect_navigation():
        page.click("#replay button[type=submit]")
    assert page.locator("#seed-check").get_attribute("class") == "bad"
    assert page.locator("#draw-check").get_attribute("class") == "bad"
    page.screenshot(path="/tmp/random-check-changed-seed.png", full_page=True)
