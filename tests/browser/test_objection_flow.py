"""Issue 11 item 5 in the browser: the enterprise objects to a finding of its signed record; an officer of the
visit is refused the decision, an officer of the same agency who was not there decides; the enterprise replies;
the record shows the objection, the decision and the reply to the enterprise and to the justice bureau."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import OfficerFactory
from enterprises.models import Enterprise
from inspections import qrtokens
from inspections.models import InspectionRecord, Objection
from inspections.services import check_in, finding_add, record_finalise, record_item_set, record_sign
from plans.models import Plan
from plans.services import plan_file

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def signed_record(demo_city):
    """A green-channel visit of the city's ecology bureau today, its record with a finding, signed."""
    enterprise = Enterprise.objects.get(uscc=account(demo_city, "enterprise")["enterprise"])
    lead = User.objects.select_related("agency__department").get(username="officer_ecology")
    crew = list(User.objects.filter(agency=lead.agency, role=User.Role.OFFICER).order_by("username")[:2])
    today = timezone.localdate()
    plan = plan_file(actor=lead, enterprise=enterprise, matters=[lead.agency.department.matters.filter(active=True)
                     .order_by("code").first()], officers=crew, urgent=True,
                     urgent_category=Plan.UrgentCategory.PUBLIC_REPORT, urgent_reason="群众举报夜间排放异味",
                     window_start=today, window_end=today)
    for officer in crew:
        check_in(actor=officer, task=plan.joint_task, token=qrtokens.enterprise_token(enterprise.uscc))
    record = InspectionRecord.objects.get(task=plan.joint_task)
    item = record_item_set(actor=lead, item=record.items.get(), result="non_compliant", note="废气收集装置未开启")
    finding_add(actor=lead, item=item, description="废气收集处理设施未正常运行", severity="minor",
                deadline=today + dt.timedelta(days=15))
    record_finalise(actor=lead, record=record, summary="企业配合检查")
    record_sign(actor=User.objects.get(username="enterprise"), record=record, method="typed", typed_name="邹德志",
                confirmed=True)
    return record, lead


def test_the_enterprise_objects_a_non_participant_decides_and_the_enterprise_replies(
    browser_page, live_server, demo_city
):
    page = browser_page
    record, lead = signed_record(demo_city)

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + f"/enterprise/records/{record.pk}/")
    page.fill("#objection-text", "检查时设施处于检修停机状态，已报备")
    with page.expect_navigation():
        page.click("#objection-form button.primary")
    objection = Objection.objects.get()
    assert objection.status == "pending" and "检查时设施处于检修停机状态" in page.content()
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "officer_ecology"))  # on the visit: refused
    page.goto(live_server.url + f"/agency/objections/{objection.pk}/")
    assert page.locator("#objection-refusal").is_visible() and page.locator("#objection-decide").count() == 0
    page.context.clear_cookies()

    colleague = OfficerFactory(agency=lead.agency, username="ecology_colleague")
    colleague.set_password("Colleague-2026!")
    colleague.save()
    log_in(page, live_server.url, {"username": "ecology_colleague", "password": "Colleague-2026!"})
    page.goto(live_server.url + "/agency/objections/?pending=1")
    with page.expect_navigation():
        page.click(f"a[href='/agency/objections/{objection.pk}/']")
    page.fill("#id_reason", "检修报备日期为检查次日，维持原认定")
    with page.expect_navigation():
        page.click("#objection-decide button[value=dismiss]")
    objection.refresh_from_db()
    assert (objection.status, objection.decided_by) == ("not_upheld", colleague)
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + f"/enterprise/records/{record.pk}/")
    page.fill(f"#reply-{objection.pk}", "将补充提交检修合同，保留申请行政复议的权利")
    with page.expect_navigation():
        page.click(f"#objection-{objection.pk} .objection-reply-form button")
    page.screenshot(path="/tmp/objection-replied.png", full_page=True)
    content = page.content()
    assert "检修报备日期为检查次日，维持原认定" in content and "保留申请行政复议的权利" in content
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "justice_fushan"))
    page.goto(live_server.url + f"/justice/records/{record.pk}/")
    assert "保留申请行政复议的权利" in page.locator("#objections").inner_text()
