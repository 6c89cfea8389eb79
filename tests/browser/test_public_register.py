"""Issue 10: the person at the enterprise's door looks an officer's certificate up on the public register,
without logging in: from the register to the agency's officers, then the check by number."""

import datetime as dt

import pytest

from accounts.tests.factories import AgencyFactory, OfficerFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def register(transactional_db):
    agency = AgencyFactory(code="yt-market", name="烟台市市场监督管理局")
    AgencyFactory(code="outsourced", name="某检测服务公司", inspection_authority=False)
    valid = OfficerFactory(agency=agency, full_name="王伟", certificate_number="37060020240001",
                           phone="13800000000")
    expired = OfficerFactory(agency=agency, full_name="李娜", certificate_number="37060020180002",
                             certificate_valid_until=dt.date(2025, 12, 31))
    return agency, valid, expired


def test_the_enterprise_checks_an_officers_certificate_on_the_public_register(browser_page, live_server, register):
    agency, valid, expired = register
    page = browser_page
    page.goto(live_server.url + "/public/register/")
    assert page.locator("[data-list=agencies]").inner_text().count("烟台市市场监督管理局") == 1
    assert "某检测服务公司" not in page.content()
    page.locator("[data-list=agencies] a").first.click()
    page.wait_for_url("**/public/register/yt-market/")
    officers = page.locator("[data-list=officers]").inner_text()
    assert "王伟" in officers and "37060020240001" in officers and "李娜" in officers
    assert "13800000000" not in page.content() and valid.username not in page.content()

    page.locator('.public-nav a[href="/public/certificates/"]').click()
    page.wait_for_url("**/public/certificates/")
    page.fill("#number", "37060020240001")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("[data-verdict=valid]")
    facts = page.locator(".verify-facts").inner_text()
    assert "王伟" in facts and "烟台市市场监督管理局" in facts and "2030-12-31" in facts

    page.fill("#number", expired.certificate_number)
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("[data-verdict=not-valid]")
    page.fill("#number", "NOT-A-NUMBER")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("[data-verdict=unknown]")
