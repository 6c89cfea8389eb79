"""A failed request shows a page a user can read: in Chinese, in the site's layout, with a way back; never
Django's English technical pages (make run serves with DEBUG off, tests/test_make_run.py)."""

import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from accounts.tests.factories import OfficerFactory
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db

MO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


@pytest.fixture(autouse=True)
def _compiled():
    if not MO.exists():
        pytest.skip("translations are not compiled (make test and make run compile them)")


def assert_error_page(html: str, *phrases: str) -> None:
    assert 'class="topbar"' in html and "css/app.css" in html  # the site's layout
    assert 'href="/"' in html and "返回首页" in html  # a way back
    for phrase in phrases:
        assert phrase in html, phrase
    for english in ("Forbidden", "Not Found", "Server Error", "Using the URLconf", "Traceback"):
        assert english not in html


def test_a_refused_page_says_why_in_chinese(client):
    client.force_login(enterprise_user())
    response = client.get("/agency/")
    assert response.status_code == 403
    assert_error_page(response.content.decode(), "无权访问此页面", "仅执法人员可执行此操作")


def test_a_missing_page_is_in_chinese_and_names_no_url_pattern(client):
    client.force_login(OfficerFactory())
    response = client.get("/agency/plans/987654/")
    assert response.status_code == 404
    assert_error_page(response.content.decode(), "页面不存在", "错误代码 404")


def test_the_way_back_is_the_page_one_came_from_on_this_site_only(client):
    client.force_login(OfficerFactory())
    html = client.get("/agency/plans/987654/", HTTP_REFERER="http://testserver/agency/plans/").content.decode()
    assert 'href="http://testserver/agency/plans/"' in html and "返回上一页" in html
    html = client.get("/agency/plans/987654/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html and "返回上一页" not in html


def test_a_server_error_is_in_chinese_and_rendered_without_the_request():
    request = RequestFactory().get("/agency/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = get_resolver().resolve_error_handler(500)(request)
    assert response.status_code == 500
    assert_error_page(response.content.decode(), "系统出错了", "平台管理员", "时间")


def test_a_bad_request_is_in_chinese():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = get_resolver().resolve_error_handler(400)(request, Exception("bad"))
    assert response.status_code == 400
    assert_error_page(response.content.decode(), "无法识别的请求")


def test_a_form_without_its_csrf_token_is_explained_in_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_error_page(response.content.decode(), "表单未能提交", "刷新页面")


def test_a_refused_page_is_logged_in_one_line_and_a_server_error_with_its_traceback(client, caplog):
    client.force_login(enterprise_user())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/agency/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403 and record.exc_info is None
    caplog.clear()
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
