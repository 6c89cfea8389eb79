"""Issue 9 in the browser: the city justice bureau uploads a CSV of credit grades, follows the background
import on its progress bar (the page polls the import's API), and reads the counts and the bad rows by line
when it has finished; a district's bureau is refused the page."""

import pytest

from credit.grade_imports import grade_import_run
from credit.models import CreditGrade, CreditGradeImport

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_the_city_bureau_uploads_grades_and_follows_the_import(browser_page, live_server, demo_city, tmp_path,
                                                             monkeypatch):
    page = browser_page
    # the worker has not taken the job yet when the page comes back (tests run tasks in-process, at once):
    # the outbox keeps the message, and the test plays the worker below
    monkeypatch.setattr("outbox.services._dispatch", lambda message_id: None)
    uscc = account(demo_city, "enterprise")["enterprise"]
    grades = tmp_path / "信用等级.csv"
    grades.write_text("uscc,grade,source,valid_from,valid_to\n"
                      f"{uscc},A,market_classification,2026-01-01,\n"
                      f"{uscc},E,credit_china_sd,2026-01-01,\n", encoding="utf-8")

    log_in(page, live_server.url, account(demo_city, "justice"))
    page.goto(live_server.url + "/justice/whitelist/")
    with page.expect_navigation():
        page.click("a[href='/justice/credit-imports/']")
    page.set_input_files("#grade-import-form input[type=file]", str(grades))
    with page.expect_navigation():
        page.click("#grade-import-form button.primary")
    assert "/justice/credit-imports/" in page.url
    card = page.locator("#grade-import")
    assert card.get_attribute("data-status") == "queued"
    assert page.locator("#grade-import progress").get_attribute("value") == "0"

    job = CreditGradeImport.objects.get()
    grade_import_run(import_id=job.pk)  # the worker's turn; the page sees it on its next poll and reloads
    page.wait_for_selector("#grade-import[data-status='done']", timeout=20_000)
    assert page.locator("#grade-import progress").get_attribute("value") == "100"
    text = page.locator("main").inner_text()
    assert "新增 1 条" in text and "错误行 1 条" in text
    bad_row = page.locator("table tbody tr").last.inner_text()
    assert bad_row.startswith("3") and uscc in bad_row  # the bad row by its line in the file
    assert CreditGrade.objects.filter(enterprise__uscc=uscc, source="market_classification").exists()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/credit-grade-import.png", full_page=True)

    page.context.clear_cookies()
    log_in(page, live_server.url, account(demo_city, "justice_fushan"))
    response = page.goto(live_server.url + "/justice/credit-imports/")
    assert response.status == 403
