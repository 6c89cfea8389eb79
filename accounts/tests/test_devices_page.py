"""Issue 13: /account/devices/ lists one's browser sessions (this one marked) beside the API tokens, and ends any
other one, or all the others (POST, CSRF, audited). ASVS 5.0 7.5.2."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import BrowserSession
from accounts.tests.factories import OfficerFactory, api_key_for
from audit.models import AuditEntry
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db
PASSWORD = "pass-12345"
FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_ON_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    "Version/17.5 Mobile/15E148 Safari/604.1")


def browser(user, address="10.0.0.1", agent=FIREFOX_ON_LINUX) -> Client:
    """A browser that logs in through the login page."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=address,
                           HTTP_USER_AGENT=agent)
    assert response.status_code == 302
    return client


def key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in(client) -> bool:
    return client.get("/account/devices/").status_code == 200


def row_of(client) -> BrowserSession:
    return BrowserSession.objects.get(session_id=key_of(client))


@pytest.fixture(params=["officer", "enterprise"])
def user(request):
    return OfficerFactory() if request.param == "officer" else enterprise_user()


def test_the_page_lists_ones_own_browsers_marks_this_one_and_shows_no_one_elses(user):
    here = browser(user, address="10.0.0.1", agent=FIREFOX_ON_LINUX)
    browser(user, address="10.0.0.2", agent=SAFARI_ON_IPHONE)
    browser(user, address="10.0.0.3", agent="")
    browser(OfficerFactory(), address="10.66.66.66", agent="Stranger/1.0")
    page = here.get("/account/devices/").content.decode()
    assert "Unknown browser" in page
    assert "Firefox · Linux" in page and "10.0.0.1" in page
    assert "Safari · iOS" in page and "10.0.0.2" in page
    assert "10.66.66.66" not in page and "Stranger" not in page
    assert page.count("This browser") == 1
    assert page.index("10.0.0.1") < page.index("This browser") < page.index("10.0.0.2")  # this one first
    assert key_of(here) not in page  # the key is never shown


def test_ending_another_browser_signs_it_out_and_is_audited(user):
    here, there = browser(user), browser(user, address="10.0.0.2", agent=SAFARI_ON_IPHONE)
    target = row_of(there)
    response = here.post(f"/account/devices/sessions/{target.pk}/end/")
    assert response.status_code == 302 and response["Location"] == "/account/devices/"
    assert not signed_in(there)
    assert signed_in(here)
    assert not BrowserSession.objects.filter(pk=target.pk).exists()
    entry = AuditEntry.objects.get(action="browser_session.end")
    assert entry.actor_id == user.pk and entry.object_id == str(target.pk)
    assert entry.details["ip_address"] == "10.0.0.2" and entry.details["browser"] == "Safari · iOS"


def test_ending_another_users_session_is_answered_as_missing_and_changes_nothing(user):
    here = browser(user)
    stranger = browser(OfficerFactory())
    response = here.post(f"/account/devices/sessions/{row_of(stranger).pk}/end/")
    assert response.status_code == 404
    assert signed_in(stranger)
    assert not AuditEntry.objects.filter(action__startswith="browser_session.end").exists()


def test_this_browser_is_ended_by_logging_out_not_from_the_list(user):
    here = browser(user)
    response = here.post(f"/account/devices/sessions/{row_of(here).pk}/end/", follow=True)
    assert "log out to end its session" in response.content.decode()
    assert signed_in(here)


def test_ending_all_other_sessions_keeps_this_one_and_the_apps(user):
    here = browser(user)
    others = [browser(user, address=f"10.0.1.{n}") for n in range(3)]
    key = api_key_for(user, "phone")
    response = here.post("/account/devices/sessions/end-others/", follow=True)
    assert "3 other browsers signed out." in response.content.decode()
    assert signed_in(here) and not any(signed_in(c) for c in others)
    assert list(BrowserSession.objects.filter(user=user).values_list("session_id", flat=True)) == [key_of(here)]
    assert AuditEntry.objects.get(action="browser_session.end_all").details == {"count": 3, "reason": "owner"}
    assert Client().get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code != 401


def test_the_endings_take_a_post_with_the_csrf_token(user):
    here = browser(user)
    there = browser(user, address="10.0.0.2")
    target = row_of(there).pk
    assert here.get(f"/account/devices/sessions/{target}/end/").status_code == 405
    assert here.get("/account/devices/sessions/end-others/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[settings.SESSION_COOKIE_NAME] = key_of(here)
    assert strict.post(f"/account/devices/sessions/{target}/end/").status_code == 403
    assert strict.post("/account/devices/sessions/end-others/").status_code == 403
    assert signed_in(there)


@pytest.mark.parametrize("path", ["/account/devices/", "/account/devices/sessions/1/end/",
                                  "/account/devices/sessions/end-others/"])
def test_anonymous_is_sent_to_the_login(client, path):
    response = client.post(path) if path.endswith("/end/") or path.endswith("end-others/") else client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("n", [1, 6])
def test_the_page_takes_the_same_queries_whatever_the_number_of_browsers_and_apps(n, django_assert_num_queries):
    user = OfficerFactory()
    here = browser(user)
    for i in range(n):
        browser(user, address=f"10.0.2.{i}")
        api_key_for(user, f"phone-{i}")
    here.get("/account/devices/")
    # the session, the user with its agency, the browsers, the header's unread notices, the tokens
    with django_assert_num_queries(5):
        page = here.get("/account/devices/")
    assert page.content.decode().count("End session") == n


def test_the_api_devices_are_still_the_api_tokens_only():
    """The mobile apps log in with tokens; browser sessions have no API (docs/security.md)."""
    user = OfficerFactory()
    browser(user)
    key = api_key_for(user, "phone")
    listed = Client().get("/api/v1/auth/devices/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert [d["device"] for d in listed] == ["phone"]


def test_the_page_speaks_chinese_first(user, settings):
    settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS = 30 * 60, 12 * 60 * 60
    here = browser(user)
    browser(user, address="10.0.0.2")
    page = here.get("/account/devices/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "当前浏览器" in page and "结束会话" in page and "结束其他全部会话" in page
    assert "30 分钟未使用、登录 12 小时后" in page


def test_without_lifetimes_the_page_does_not_speak_of_them(user, settings):
    settings.SESSION_IDLE_SECONDS = settings.SESSION_ABSOLUTE_SECONDS = 0
    page = browser(user).get("/account/devices/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "以您的账号登录的浏览器" in page and "分钟未使用" not in page
