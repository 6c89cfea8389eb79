"""Issue 11 item 8 in the browser: the city justice bureau opens the oversight dashboard of the demo city, sees
the figures and a chart beside the table, drills down to the plans behind a number, downloads the Excel
export (which openpyxl opens as a spreadsheet), and the page fits a phone's 390 px."""

import io
import json

import pytest
from openpyxl import load_workbook

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_with_activity(transactional_db, settings, tmp_path):
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    path = tmp_path / "demo-credentials.json"
    call_command("seed_demo", credentials=str(path), stdout=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_dashboard_shows_the_figures_a_chart_and_exports_a_spreadsheet(browser_page, live_server,
                                                                            demo_with_activity):
    page = browser_page
    log_in(page, live_server.url, account(demo_with_activity, "justice"))
    page.goto(live_server.url + "/justice/oversight/")
    kpis = page.locator(".oversight-kpis .kpi")
    assert kpis.count() >= 10
    served = int(kpis.first.locator(".n").inner_text())
    assert served > 0  # the demo's plans
    assert page.locator("svg.chart rect.chart-bar").count() >= 1
    assert page.locator("table.table tbody tr").count() >= 1
    with page.expect_navigation():
        kpis.first.locator(".n a").click()
    assert "/justice/oversight/drill/" in page.url
    assert page.locator("table.table tbody tr a[href*='/justice/plans/']").count() == min(served, 20)
    page.go_back()
    with page.expect_download() as download:
        page.click("a[href*='/justice/oversight/export.xlsx']")
    assert download.value.suggested_filename == "oversight.xlsx"
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == served
    page.screenshot(path="/tmp/oversight-dashboard.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/justice/oversight/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("svg.chart").bounding_box()
    assert box["width"] <= 390
    page.screenshot(path="/tmp/oversight-dashboard-phone.png", full_page=True)
