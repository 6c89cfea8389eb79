"""Issue 12: the lists a user reads on a 390 px phone: the justice bureau's review queue and the audit trail
as stacked cards (each value beside its column's heading), the officer's calendar as an agenda of the days
with visits; nothing wider than the screen, the navigation scrolling sideways."""

import datetime as dt
import io
import json

import pytest

from .test_portals_login import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_with_activity(transactional_db, settings, tmp_path):
    """The demo city with its plans and visits (the review queue, the calendar and the trail are not empty)."""
    from django.core.management import call_command
    from django.utils import translation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    path = tmp_path / "demo-credentials.json"
    with translation.override("zh-hans"):
        call_command("seed_demo", credentials=str(path), stdout=io.StringIO())
    return {a["username"]: a for a in json.loads(path.read_text(encoding="utf-8"))}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def stacked_cells(page):
    """The cells of the first list's first row: their labels and their widths."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('table.table tbody tr:first-child td')).map(td => ({
            label: td.getAttribute('data-label'), width: td.getBoundingClientRect().width}))"""
    )


@pytest.mark.parametrize("username,path", [
    ("justice", "/justice/reviews/"), ("justice", "/audit/"), ("justice", "/justice/yearly-plans/"),
    ("justice", "/justice/special/"), ("officer_market", "/agency/yearly-plans/"),
    ("justice_fushan", "/justice/service-requests/"),  # the demo's request for help, at the Fushan regulator
    ("justice_fushan", "/justice/whitelist/"),  # the candidates the demo's whitelist job proposed
    ("officer_market", f"/public/yearly-plans/?year={dt.date.today().year + 1}"),  # the demo's plan: next year
    ("enterprise", "/account/devices/"),  # the browsers signed in: this one, from the login just made
])
def test_a_list_is_stacked_cards_on_a_phone(phone, live_server, demo_with_activity, username, path):
    log_in(phone, live_server.url, demo_with_activity[username])
    phone.goto(live_server.url + path)
    cells = stacked_cells(phone)
    assert cells, "the list is empty"
    phone.screenshot(path=f"/tmp/phone-{path.strip('/').replace('/', '-')}.png", full_page=False)
    assert all(c["label"] for c in cells), cells
    # Stacked: every cell takes the card's width instead of a sliver of a column.
    assert min(c["width"] for c in cells) > PHONE["width"] * 0.7, cells
    assert fits_the_phone(phone)


def test_the_re_route_form_of_a_service_request_fits_a_phone(phone, live_server, demo_with_activity):
    from complaints.models import ServiceRequest

    request = ServiceRequest.objects.get(status="open")
    log_in(phone, live_server.url, demo_with_activity["officer_fushan_market"])
    phone.goto(live_server.url + f"/agency/service-requests/{request.pk}/")
    assert phone.locator("#request-reroute select").is_visible()
    phone.screenshot(path="/tmp/phone-service-request-reroute.png", full_page=True)
    assert fits_the_phone(phone)


def test_the_calendar_is_an_agenda_on_a_phone(phone, live_server, demo_with_activity):
    log_in(phone, live_server.url, demo_with_activity["officer_market"])
    phone.goto(live_server.url + "/agency/calendar/?y=2026&m=12")
    phone.screenshot(path="/tmp/phone-calendar.png", full_page=False)
    events = phone.locator(".calendar .event")
    assert events.count() > 0
    first = events.first
    assert first.is_visible()
    # The enterprise's name is readable, not cut to a character.
    box = first.bounding_box()
    assert box["width"] > PHONE["width"] * 0.6, box
    assert phone.locator(".calendar td:not(.no-events) .agenda-date").first.is_visible()
    assert fits_the_phone(phone)


def test_the_navigation_scrolls_within_the_screen(phone, live_server, demo_with_activity):
    log_in(phone, live_server.url, demo_with_activity["officer_market"])
    phone.goto(live_server.url + "/agency/")
    nav = phone.evaluate(
        "() => { const n = document.querySelector('.mainnav'); return {client: n.clientWidth, scroll: n.scrollWidth,"
        " overflow: getComputedStyle(n).overflowX}; }"
    )
    assert nav["client"] <= PHONE["width"] and nav["overflow"] == "auto", nav
    assert fits_the_phone(phone)


def test_the_filing_form_shows_its_errors_without_scrolling(phone, live_server, demo_with_activity):
    log_in(phone, live_server.url, demo_with_activity["officer_market"])
    phone.goto(live_server.url + "/agency/plans/new/")
    phone.evaluate("document.getElementById('plan-form').noValidate = true")  # the server's errors, not the browser's
    with phone.expect_navigation():
        phone.locator("#plan-form [type=submit]").click()
    summary = phone.locator("#error-summary")
    assert summary.is_visible()
    phone.screenshot(path="/tmp/phone-plan-form-errors.png", full_page=True)
    box = summary.bounding_box()
    assert -1 <= box["y"] < PHONE["height"], box  # in view after the reload, not 4,000 px below
    assert "计划未报备" in summary.inner_text() or "The plan was not filed" in summary.inner_text()


def test_a_notice_prints_without_the_site_s_chrome(phone, live_server, demo_with_activity):
    log_in(phone, live_server.url, demo_with_activity["enterprise"])
    phone.goto(live_server.url + "/enterprise/visits/")
    link = phone.locator("a[href^='/enterprise/visits/']").first
    with phone.expect_navigation():
        link.click()
    phone.emulate_media(media="print")
    assert not phone.locator(".topbar").is_visible() and not phone.locator(".mainnav").is_visible()
    assert phone.locator("main h1").is_visible()
