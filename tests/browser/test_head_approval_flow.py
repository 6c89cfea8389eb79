"""检查审批 end to end in the browser: with the city market regulator's plans needing its head's approval, an
officer files a plan, which waits out of matching; the head (负责人) approves it with an opinion on the queue
page; the plan joins the visit already planned for the enterprise, and the plan page shows the approval step."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.heads import agency_head_approval_set
from accounts.models import Agency
from plans.models import Plan

from .test_plan_filing_flow import account, file_plan
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_an_officer_files_the_head_approves_and_the_visit_is_matched(browser_page, live_server, demo_city):
    page = browser_page
    agency_head_approval_set(actor=None, agency=Agency.objects.get(code="370600-market"), required=True)
    uscc = account(demo_city, "enterprise")["enterprise"]
    today = timezone.localdate()
    start, end = today + dt.timedelta(days=8), today + dt.timedelta(days=16)

    log_in(page, live_server.url, account(demo_city, "officer_ecology"))  # a visit already planned
    file_plan(page, live_server.url, uscc, start, end)
    ecology = Plan.objects.get(agency__code="370600-ecology", enterprise__uscc=uscc)
    assert ecology.joint_task_id is not None
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "officer_market"))
    file_plan(page, live_server.url, uscc, start, end)
    plan = Plan.objects.get(agency__code="370600-market", enterprise__uscc=uscc)
    assert plan.status == Plan.Status.PENDING_APPROVAL and plan.joint_task_id is None
    assert page.locator(".head-approval").count() == 1  # the step, awaiting the head
    page.context.clear_cookies()

    head = account(demo_city, "head_market")
    assert head.get("head")
    log_in(page, live_server.url, head)
    page.on("dialog", lambda dialog: dialog.accept())  # "Approve this plan?"
    page.goto(live_server.url + "/agency/approvals/")
    row = page.locator("tr", has_text="烟台金海药业有限公司")
    row.locator("input[name=note]").fill("同意联合检查")
    with page.expect_navigation():
        row.locator("button[value=approve]").click()
    page.screenshot(path="/tmp/approval-queue.png", full_page=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FILED and plan.joint_task_id == ecology.joint_task_id

    page.goto(live_server.url + f"/agency/plans/{plan.pk}/")
    step = page.locator(".head-approval").inner_text()
    assert "同意联合检查" in step and "刘振华" in step
    assert "烟台市生态环境局" in page.content()  # the joint visit with the ecology bureau
    page.screenshot(path="/tmp/approval-plan.png", full_page=True)
