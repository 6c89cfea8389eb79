"""Issue 11 items 4 and 7 in the browser: the enterprise rates today's visit from its visit page and asks for
help from it, the Fushan market regulator answers, the enterprise reads the answer, and the justice bureau of
Fushan sees the rating with who gave it."""

import pytest
from django.utils import timezone

from complaints.models import ServiceRequest, VisitRating
from enterprises.models import Enterprise
from plans.models import JointTask
from portals.demo.voice import demo_voice_seed

from .test_plan_filing_flow import account
from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_an_enterprise_rates_a_visit_and_asks_for_help_the_agency_answers_the_justice_bureau_sees_the_rating(
    browser_page, live_server, demo_city
):
    page = browser_page
    enterprise = Enterprise.objects.get(uscc=account(demo_city, "enterprise")["enterprise"])
    # seed_demo's voice (the city is seeded without activity here): a visit carried out today, the routes
    demo_voice_seed(today=timezone.localdate())
    task = JointTask.objects.get(enterprise=enterprise, status=JointTask.Status.DONE)

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + f"/enterprise/visits/{task.pk}/")
    with page.expect_navigation():
        page.click("#rate-visit")
    page.check("input[name=score][value='4']")
    page.fill("#id_comment", "检查人员出示证件,流程规范")
    with page.expect_navigation():
        page.click("#rating-form button.primary")
    rating = VisitRating.objects.get(task=task)
    assert (rating.score, rating.comment) == (4, "检查人员出示证件,流程规范")

    page.goto(live_server.url + f"/enterprise/visits/{task.pk}/")
    with page.expect_navigation():
        page.click("#ask-help-visit")
    page.select_option("#id_category", "brand")
    page.fill("#id_text", "想申请地理标志商标,需要哪些材料?")
    with page.expect_navigation():
        page.click("#service-request-form button.primary")
    request = ServiceRequest.objects.get(task=task)
    assert request.agency.code == "370611-market" and request.status == "open"
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "officer_fushan_market"))
    page.goto(live_server.url + "/agency/service-requests/")
    with page.expect_navigation():
        page.click(f"a[href='/agency/service-requests/{request.pk}/']")
    page.fill("#id_answer", "请携带营业执照和产地证明到区市场监管局窗口,我们安排专人指导")
    with page.expect_navigation():
        page.click("#request-action button[value=answer]")
    request.refresh_from_db()
    assert request.status == "answered"
    page.goto(live_server.url + "/agency/ratings/")
    assert "检查人员出示证件" not in page.content() and enterprise.name not in page.content()
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "enterprise"))
    page.goto(live_server.url + f"/enterprise/service-requests/{request.pk}/")
    assert "我们安排专人指导" in page.locator("#request-answer").inner_text()
    page.context.clear_cookies()

    log_in(page, live_server.url, account(demo_city, "justice_fushan"))
    page.goto(live_server.url + "/justice/ratings/")
    table = page.locator("#ratings").inner_text()
    assert "检查人员出示证件,流程规范" in table and enterprise.name in table
    page.screenshot(path="/tmp/voice-justice-ratings.png", full_page=True)

    # on a 390 px phone the new pages fit the screen (their tables become cards, static/js/tables.js)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/justice/ratings/", "/justice/burden/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.context.clear_cookies()
    log_in(page, live_server.url, account(demo_city, "enterprise"))
    for path in ("/enterprise/burden/", "/enterprise/ratings/", "/enterprise/service-requests/",
                 f"/enterprise/service-requests/{request.pk}/", "/enterprise/service-requests/new/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.screenshot(path="/tmp/voice-phone-requests.png", full_page=True)
