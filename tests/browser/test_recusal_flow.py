"""Issue 9 in the browser: an enterprise asks that a named officer of its planned visit step aside (回避), and
the officer's agency grants it: the officer leaves the plan and can be named on none of the enterprise's."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from enterprises.models import Enterprise
from plans.models import OfficerConflict, RecusalRequest
from plans.services import plan_file

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_an_enterprise_requests_a_recusal_and_the_agency_grants_it(browser_page, live_server, demo_city):
    page = browser_page
    enterprise = Enterprise.objects.get(uscc=account(demo_city, "enterprise")["enterprise"])
    officer, colleague = (User.objects.get(username=n) for n in ("officer_market", "officer_market2"))
    today = timezone.localdate()
    matter = officer.agency.department.matters.filter(active=True).first()
    plan = plan_file(actor=officer, enterprise=enterprise, matters=[matter], officers=[officer, colleague],
                     window_start=today + dt.timedelta(days=10), window_end=today + dt.timedelta(days=20))

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + "/enterprise/recusals/")
    page.select_option("#id_target", f"{plan.pk}:{colleague.pk}")
    page.fill("#id_reason", "该执法人员的亲属在我司任职")
    with page.expect_navigation():
        page.click("#recusal-form button.primary")
    assert "该执法人员的亲属在我司任职" in page.locator("table").inner_text()
    request = RecusalRequest.objects.get()
    assert request.status == "pending" and request.officer == colleague
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "officer_market"))
    page.goto(live_server.url + "/agency/recusals/")
    with page.expect_navigation():
        page.click(f"a[href='/agency/recusals/{request.pk}/']")
    page.fill("#id_reason", "理由成立,予以回避")
    with page.expect_navigation():
        page.click("#decide-form button[value=grant]")
    page.screenshot(path="/tmp/recusal-granted.png", full_page=True)
    request.refresh_from_db()
    assert request.status == "granted"
    assert list(plan.officers.all()) == [officer]
    assert OfficerConflict.objects.filter(officer=colleague, enterprise=enterprise).exists()
    assert "decide-form" not in page.content()  # decided: nothing left to decide

    # The plan page refuses to name the recused officer again, with the reason.
    page.goto(live_server.url + f"/agency/plans/{plan.pk}/")
    page.locator(f"input[name=officers][value='{colleague.pk}']").check()
    with page.expect_navigation():
        page.locator("form:has(input[name=officers]) [type=submit]").click()
    assert "回避" in page.content()
    assert list(plan.officers.all()) == [officer]
