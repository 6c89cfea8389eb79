"""Each role logs in through the Chinese login page and lands on its own portal; an officer is
refused the other portals."""
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

LANDING = {
    "officer": "/agency/",
    "justice": "/justice/",
    "enterprise": "/enterprise/",
    "admin": "/admin/",
}


def first_account(accounts, role):
    """The first demo account of ``role``; fails the test if the seed has none."""
    for account in accounts:
        if account["role"] == role:
            return account
    pytest.fail(f"seed_demo wrote no {role!r} account")


def log_in(page, base_url, account):
    response = page.goto(base_url + "/login/")
    assert response.status == 200
    lang = page.locator("html").get_attribute("lang") or ""
    assert lang.lower().startswith("zh"), f"login page is not in Chinese: <html lang={lang!r}>"
    assert "登录" in page.content()
    page.fill("#id_username", account["username"])
    page.fill("#id_password", account["password"])
    with page.expect_navigation():
        page.locator("form:has(#id_password) [type=submit]").click()


@pytest.mark.parametrize("role", list(LANDING))
def test_each_role_lands_on_its_own_portal(role, browser_page, live_server, demo_city):
    page = browser_page
    log_in(page, live_server.url, first_account(demo_city, role))

    assert urlsplit(page.url).path == LANDING[role], f"{role} landed on {page.url}"
    page.screenshot(path=f"/tmp/portal-{role}.png", full_page=True)


def test_officer_is_refused_the_enterprise_and_justice_portals(browser_page, live_server, demo_city):
    page = browser_page
    log_in(page, live_server.url, first_account(demo_city, "officer"))
    assert urlsplit(page.url).path == LANDING["officer"]

    for path in ("/enterprise/", "/justice/"):
        response = page.goto(live_server.url + path)
        assert response.status == 403, f"officer opened {path}: HTTP {response.status}"
