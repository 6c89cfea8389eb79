"""Pages work under the Content-Security-Policy (no inline script): the browser reports no violation while an
officer switches the language, opens the filing form (its script reads its words from data attributes) and the
API docs (Swagger UI's script comes from a URL)."""

import pytest

from tests.browser.test_portals_login import first_account, log_in

pytestmark = pytest.mark.browser


def violations_of(page):
    found = []
    page.on("console", lambda message: found.append(message.text)
            if any(word in message.text for word in ("Content Security Policy", "Refused to", "has been blocked"))
            else None)
    return found


def test_no_page_breaks_the_policy(browser_page, live_server, demo_city):
    page = browser_page
    found = violations_of(page)
    log_in(page, live_server.url, first_account(demo_city, "officer"))

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")  # submitted by static/js/base.js
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(live_server.url + "/agency/plans/new/")
    page.fill("[name=enterprise]", "烟台")
    page.wait_for_timeout(800)  # the typeahead's request and the preview run from static/js/plan_form.js

    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector("#swagger-ui .info", timeout=15_000)
    assert found == []
