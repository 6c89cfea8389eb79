"""能非现场的不进企业 end to end in the browser: an officer files a plan whose matters can all be checked remotely
(first refused without a choice, then as a remote check), the enterprise uploads a document on its phone, and
the agency concludes; no visit exists at any point."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfWriter

from plans.models import JointTask, Plan, RemoteCheck

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def pdf_file(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "特种设备使用登记证.pdf"
    path.write_bytes(out.getvalue())
    return path


def test_an_officer_files_a_remote_check_the_enterprise_uploads_and_the_agency_concludes(
    browser_page, live_server, demo_city, tmp_path
):
    page = browser_page
    enterprise = account(demo_city, "enterprise")
    today = timezone.localdate()
    start, end = today + dt.timedelta(days=10), today + dt.timedelta(days=20)

    log_in(page, live_server.url, account(demo_city, "officer_market"))
    page.goto(live_server.url + "/agency/plans/new/")
    page.fill("#id_enterprise", enterprise["enterprise"])
    page.fill("#id_window_start", start.isoformat())
    page.fill("#id_window_end", end.isoformat())
    for code in ("market-se-001", "market-measure-001"):
        page.locator(f"input[name=matters][value='{code}']").check()
    page.locator("#id_window_end").dispatch_event("change")
    # The live preview says every matter ticked can be checked remotely.
    page.wait_for_selector("#preview .remote-message")
    dialog = page.locator("#earlier-dialog")
    if dialog.is_visible():
        page.click("#earlier-close")
    with page.expect_navigation():
        page.click("button.primary")
    assert "/new/" in page.url  # neither a remote check nor a reason for the visit: refused
    assert "非现场" in page.locator("#error-summary").inner_text()
    for code in ("market-se-001", "market-measure-001"):
        page.locator(f"input[name=matters][value='{code}']").check()
    page.locator("#id_remote").check()
    if dialog.is_visible():
        page.click("#earlier-close")
    with page.expect_navigation():
        page.click("button.primary")
    assert "/agency/plans/" in page.url and "/new/" not in page.url, page.locator(".errors").all_inner_texts()
    assert "已要求提交材料" in page.locator(".remote-check").inner_text()  # the plan is a remote check, no visit
    assert "非现场检查" in page.locator(".facts").inner_text()
    plan = Plan.objects.get(status=Plan.Status.REMOTE, enterprise__uscc=enterprise["enterprise"])
    check = plan.remote_check
    page.context.clear_cookies()

    # The enterprise, on a phone, sends the certificate as a PDF.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, enterprise)
    page.goto(live_server.url + "/enterprise/remote-checks/")
    with page.expect_navigation():  # else the width may be read while the next page is still loading
        page.click(f"a[href='/enterprise/remote-checks/{check.pk}/']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_input_files("input[name=files]", str(pdf_file(tmp_path)))
    page.fill("textarea[name=note]", "特种设备使用登记证")
    with page.expect_navigation():
        page.click("form.remote-submit button.primary")
    assert "已提交" in page.locator("h1").inner_text() or "材料已提交" in page.content()
    assert page.locator(".evidence-files li").count() == 1
    page.screenshot(path="/tmp/remote-enterprise.png", full_page=True)
    page.context.clear_cookies()

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, account(demo_city, "officer_market"))
    page.goto(live_server.url + f"/agency/remote-checks/{check.pk}/")
    with page.expect_popup() as popup:
        page.click(".evidence-files a")
    assert popup.value.url.endswith(f"/remote-checks/evidence/{check.evidence.get().pk}/")
    popup.value.close()
    page.check("input[name=outcome][value=compliant]")
    page.fill("textarea[name=conclusion]", "登记证在有效期内")
    with page.expect_navigation():
        page.click("form.remote-conclude button.primary")
    assert "符合" in page.locator("h1").inner_text()
    check.refresh_from_db()
    assert check.status == RemoteCheck.Status.COMPLIANT
    plan.refresh_from_db()
    assert plan.joint_task_id is None and not JointTask.objects.filter(plans=plan).exists()
