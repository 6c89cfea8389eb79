"""Issue 11 in the browser: an enterprise complains from its visit page, the justice bureau of its district
accepts the complaint, investigates, upholds and closes it, and the enterprise sees every step."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from credit.models import CreditEvent
from enterprises.models import Enterprise
from plans.models import JointTask, Plan
from plans.services import plan_file

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_an_enterprise_complains_from_its_visit_page_and_the_justice_bureau_upholds_it(
    browser_page, live_server, demo_city, settings
):
    settings.HOTLINE_URL = ""  # the 12345 delivery waits in the outbox (tests/complaints: the real HTTP path)
    page = browser_page
    enterprise = Enterprise.objects.get(uscc=account(demo_city, "enterprise")["enterprise"])
    officer = User.objects.get(username="officer_market")
    today = timezone.localdate()
    matter = officer.agency.department.matters.filter(active=True).first()
    plan = plan_file(actor=officer, enterprise=enterprise, matters=[matter],
                     window_start=today + dt.timedelta(days=10), window_end=today + dt.timedelta(days=20))
    task = JointTask.objects.get(pk=Plan.objects.get(pk=plan.pk).joint_task_id)

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + f"/enterprise/visits/{task.pk}/")
    with page.expect_navigation():
        page.click("#complain-visit")
    page.select_option("#id_kind", "not_scanned")
    page.fill("#id_text", "执法人员未扫码即进入车间")
    with page.expect_navigation():
        page.click("#complaint-form button.primary")
    complaint = Complaint.objects.get()
    assert complaint.task == task and complaint.justice_bureau.division == enterprise.division
    assert "执法人员未扫码即进入车间" in page.content()
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "justice_fushan"))
    page.goto(live_server.url + "/justice/complaints/")
    with page.expect_navigation():
        page.click(f"a[href='/justice/complaints/{complaint.pk}/']")
    for action, note in (("accept", ""), ("investigate", "调取执法记录仪"), ("uphold", "属实，已责令整改")):
        if note:
            page.fill("#id_note", note)
        with page.expect_navigation():
            page.click(f"#complaint-action button[value={action}]")
    with page.expect_navigation():
        page.click("#complaint-action button[value=close]")
    page.screenshot(path="/tmp/complaint-closed.png", full_page=True)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert CreditEvent.objects.filter(source_ref=f"complaint:{complaint.pk}").exists()
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + f"/enterprise/complaints/{complaint.pk}/")
    assert page.locator("#complaint-steps tbody tr").count() == 5
    assert "属实，已责令整改" in page.content()
