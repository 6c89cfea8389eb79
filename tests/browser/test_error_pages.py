"""Issue 12: a refused page, opened in a browser on a phone, is the Chinese error page with a way back."""

import pytest

from .test_portals_login import log_in

pytestmark = pytest.mark.browser


def test_a_refused_page_is_the_chinese_error_page_with_a_way_back(browser, live_server, demo_city):
    enterprise = next(a for a in demo_city if a["username"] == "enterprise")
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        log_in(page, live_server.url, enterprise)
        # As if followed from a link on the enterprise's dashboard (a typed address sends no Referer).
        response = page.goto(live_server.url + "/agency/plans/new/", referer=live_server.url + "/enterprise/")
        assert response.status == 403
        page.screenshot(path="/tmp/error-403-phone.png", full_page=True)
        assert page.locator("h1").inner_text() == "无权访问此页面"
        assert "仅执法人员可执行此操作" in page.locator(".error-reason").inner_text()
        assert "Forbidden" not in page.content()
        # The page fits the phone, and the way back leads to the page the user came from.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        with page.expect_navigation():
            page.get_by_role("link", name="返回上一页").click()
        assert page.url.endswith("/enterprise/")
    finally:
        context.close()
