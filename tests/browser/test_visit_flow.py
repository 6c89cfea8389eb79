"""Issue 4 end to end on a phone-sized screen: the enterprise sees the notice, two officers check in with
the enterprise's licence code, the checklist is filled with a photo, the record is finalised, the enterprise
signs it, and a minor problem is fixed with evidence and accepted online."""

import datetime as dt
import io

import pytest
from PIL import Image

from accounts.models import User
from catalogue.models import Matter
from enterprises.models import Enterprise
from inspections.models import Finding, InspectionRecord
from plans.matching import joint_task_fix
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, freeze

from .test_portals_login import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def account(accounts, username):
    return next(a for a in accounts if a["username"] == username)


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "finalise?" / "accept?" confirmations
    yield page
    context.close()


def fixed_joint_visit(enterprise):
    officers = [User.objects.get(username=u) for u in ("officer_market", "officer_ecology")]
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        for officer in officers:
            matter = Matter.objects.filter(department=officer.agency.department, active=True).order_by("code").first()
            plan = plan_file(
                actor=officer,
                enterprise=enterprise,
                matters=[matter],
                window_start=dt.date(2026, 6, 9),
                window_end=dt.date(2026, 6, 12),
            )
    joint_task_fix(actor=None, task_id=plan.joint_task_id)
    plan.joint_task.refresh_from_db()
    return plan.joint_task


def test_the_whole_visit_on_a_phone(phone, live_server, demo_city):
    page, base = phone, live_server.url
    enterprise_login = account(demo_city, "enterprise")
    enterprise = Enterprise.objects.get(uscc=enterprise_login["enterprise"])
    task = fixed_joint_visit(enterprise)
    visit_morning = dt.datetime.combine(task.visit_date, dt.time(9, 0), tzinfo=SHANGHAI)

    with freeze(visit_morning):
        # The enterprise sees the notice: date, both agencies, the matters and their standards.
        log_in(page, base, enterprise_login)
        page.goto(f"{base}/enterprise/visits/{task.pk}/")
        notice = page.locator("main").inner_text()
        assert "烟台市市场监督管理局" in notice and "烟台市生态环境局" in notice
        page.screenshot(path="/tmp/visit-1-notice.png", full_page=True)
        page.goto(f"{base}/enterprise/qr/")
        token = page.locator(".token code").inner_text().strip()
        page.context.clear_cookies()

        # Both officers check in by the token the enterprise's code carries.
        for username in ("officer_market", "officer_ecology"):
            log_in(page, base, account(demo_city, username))
            page.goto(f"{base}/agency/tasks/{task.pk}/site/")
            page.fill("#check-in-form input[name=token]", token)
            with page.expect_navigation():
                page.click("#check-in-form button[type=submit]")
            page.context.clear_cookies()
        record = InspectionRecord.objects.get(task=task)

        # The market officer fills the checklist on the phone, with a photo, records a problem, finalises.
        log_in(page, base, account(demo_city, "officer_market"))
        page.goto(f"{base}/agency/records/{record.pk}/")
        items = list(record.items.select_related("matter__department").order_by("matter__code"))
        good, bad = sorted(items, key=lambda i: i.matter.department.code != "market")
        card = page.locator(f"#item-{good.pk}")
        card.locator("input[value=compliant]").check(force=True)
        with page.expect_navigation():
            card.locator(".item-form button[type=submit]").click()
        page.locator(f"#item-{good.pk} input[type=file]").set_input_files(
            {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
        )
        with page.expect_navigation():
            page.locator(f"#item-{good.pk} .photo-form button[type=submit]").click()
        assert page.locator(f"#item-{good.pk} .thumbs img").count() == 1
        card = page.locator(f"#item-{bad.pk}")
        card.locator("input[value=non_compliant]").check(force=True)
        card.locator("textarea").first.fill("废气收集设施未运行")
        with page.expect_navigation():
            card.locator(".item-form button[type=submit]").click()
        card = page.locator(f"#item-{bad.pk}")
        card.locator("details.finding-add textarea").fill("废气收集设施未运行,需恢复运行并记录")
        card.locator("details.finding-add input[value=minor]").check(force=True)
        card.locator("details.finding-add input[type=date]").fill((task.visit_date + dt.timedelta(days=10)).isoformat())
        with page.expect_navigation():
            card.locator("details.finding-add button[type=submit]").click()
        with page.expect_navigation():
            page.locator("#finalise button[type=submit]").click()
        record.refresh_from_db()
        assert record.status == "final", page.locator(".messages").all_inner_texts()
        page.screenshot(path="/tmp/visit-2-record.png", full_page=True)
        page.context.clear_cookies()

        # The enterprise signs with its typed name and confirmation.
        log_in(page, base, enterprise_login)
        page.goto(f"{base}/enterprise/records/{record.pk}/")
        page.fill("#typed-name", "邹德志")
        page.check("#sign-typed input[name=confirmed]")
        with page.expect_navigation():
            page.click("#sign-typed button[type=submit]")
        record.refresh_from_db()
        assert record.status == "signed"
        page.screenshot(path="/tmp/visit-3-signed.png", full_page=True)

        # The minor problem is fixed: evidence with a photo, from the enterprise's phone.
        finding = Finding.objects.get(record=record)
        page.goto(f"{base}/enterprise/findings/")
        form = page.locator(f"form[action='/enterprise/findings/{finding.pk}/rectify/']")
        form.locator("textarea").fill("已恢复废气收集设施运行,附运行记录照片")
        form.locator("input[type=file]").set_input_files(
            {"name": "fixed.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
        )
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert Finding.objects.get(pk=finding.pk).status == "submitted"
        page.context.clear_cookies()

        # The responsible agency accepts it online: no second visit.
        log_in(page, base, account(demo_city, "officer_ecology"))
        page.goto(f"{base}/agency/rectifications/")
        with page.expect_navigation():
            page.locator("form[action$='/accept/'] button[type=submit]").first.click()
        assert Finding.objects.get(pk=finding.pk).status == "accepted"
        page.screenshot(path="/tmp/visit-4-accepted.png", full_page=True)
