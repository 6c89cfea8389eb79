"""Wrong passwords are throttled per account and per address, with a stated cool-off, on the portal's login,
the API token endpoint and the admin (which logs in through the portal's page)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.test import APIClient

from accounts.tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-12345"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_MINUTES = 15
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def portal_login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(username, password, address="10.0.0.1"):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json",
                            REMOTE_ADDR=address)


def test_the_portal_locks_an_account_after_the_limit_and_says_so_in_chinese(client):
    OfficerFactory(username="li.si")
    for _n in range(3):
        assert portal_login(client, "li.si", "wrong").status_code in (200, 429)
    locked = portal_login(client, "li.si", PASSWORD, address="10.0.0.2")  # right password, other address
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "15" in body and "分钟" in body, body  # the cool-off, in the user's language (zh-hans by default)
    assert locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_whatever_the_usernames(client):
    OfficerFactory(username="li.si")
    for n in range(3):
        portal_login(client, f"nobody{n}", "wrong", address="10.0.0.9")
    assert portal_login(client, "li.si", PASSWORD, address="10.0.0.9").status_code == 429
    assert portal_login(client, "li.si", PASSWORD, address="10.0.0.10").status_code == 302


def test_the_cool_off_ends_and_refusals_during_it_do_not_extend_it(client, settings):
    # A cache whose expiry follows the test's clock (Redis keeps real time; the cool-off is the same there).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    OfficerFactory(username="li.si")
    start = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _n in range(3):
            portal_login(client, "li.si", "wrong")
        clock.move_to(start + dt.timedelta(minutes=10))
        assert portal_login(client, "li.si", "wrong").status_code == 429
        clock.move_to(start + dt.timedelta(minutes=16))
        assert portal_login(client, "li.si", PASSWORD).status_code == 302


def test_a_locked_out_login_never_reaches_the_password_hash(client, settings, monkeypatch):
    """The cheap refusal: once locked, no password is hashed (a flood cannot eat the CPU)."""
    OfficerFactory(username="li.si")
    for _n in range(3):
        portal_login(client, "li.si", "wrong")
    calls = []
    monkeypatch.setattr(PBKDF2PasswordHasher, "verify", lambda *a, **k: calls.append(a) or False)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for _n in range(5):
        assert portal_login(client, "li.si", "wrong").status_code == 429
    assert calls == []


def test_the_api_token_endpoint_is_locked_too_with_json():
    OfficerFactory(username="li.si")
    for _n in range(3):
        assert api_login("li.si", "wrong").status_code in (400, 429)
    locked = api_login("li.si", PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.json()["detail"] and "token" not in locked.json()


def test_the_admin_logs_in_through_the_portals_locked_page(client):
    response = client.post("/admin/login/?next=/admin/", {"username": "x", "password": "y"})
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    OfficerFactory(username="root", is_staff=True, is_superuser=True, role="admin")
    for _n in range(3):
        portal_login(client, "root", "wrong")
    assert portal_login(client, "root", PASSWORD).status_code == 429


def test_a_success_resets_the_count(client):
    OfficerFactory(username="li.si")
    for _n in range(2):
        portal_login(client, "li.si", "wrong")
    assert portal_login(client, "li.si", PASSWORD).status_code == 302
    client.logout()
    for _n in range(2):
        portal_login(client, "li.si", "wrong")
    assert portal_login(client, "li.si", PASSWORD).status_code == 302


def test_behind_trusted_proxies_the_forwarded_address_is_the_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    OfficerFactory(username="li.si")
    for n in range(3):
        client.post("/login/", {"username": f"n{n}", "password": "x"}, REMOTE_ADDR="172.16.0.1",
                    HTTP_X_FORWARDED_FOR="1.2.3.4")
    # Another client behind the same proxy is not locked out; the flooding one is.
    ok = client.post("/login/", {"username": "li.si", "password": PASSWORD}, REMOTE_ADDR="172.16.0.1",
                     HTTP_X_FORWARDED_FOR="5.6.7.8")
    assert ok.status_code == 302
    client.logout()
    refused = client.post("/login/", {"username": "li.si", "password": PASSWORD}, REMOTE_ADDR="172.16.0.1",
                          HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4")  # a spoofed left part changes nothing
    assert refused.status_code == 429


def test_a_locked_address_is_refused_before_the_view_and_the_database(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        portal_login(client, f"nobody{n}", "wrong", address="10.0.0.7")
    with CaptureQueriesContext(connection) as queries:
        refused = api_login("anyone", "wrong", address="10.0.0.7")
    assert refused.status_code == 429 and len(queries) == 0


def test_an_account_locked_from_many_addresses_does_not_lock_the_addresses(client):
    OfficerFactory(username="li.si")
    OfficerFactory(username="wang.wu")
    for n in range(3):
        portal_login(client, "li.si", "wrong", address=f"10.0.1.{n}")
    assert portal_login(client, "li.si", PASSWORD, address="10.0.1.0").status_code == 429
    assert portal_login(client, "wang.wu", PASSWORD, address="10.0.1.0").status_code == 302


def _wsgi_post(path, address="10.0.0.9", **extra):
    """A POST through the WSGI application gunicorn serves (``yantai_inspect.wsgi``: the gate, then Django)."""
    import io
    from wsgiref.util import setup_testing_defaults

    from yantai_inspect.wsgi import application

    body = b'{"username": "anyone", "password": "wrong"}'
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "REMOTE_ADDR": address, "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "SERVER_NAME": "testserver",
               "HTTP_HOST": "testserver", **extra}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    chunks = application(environ, start_response)
    answer["body"] = b"".join(chunks).decode()
    if hasattr(chunks, "close"):
        chunks.close()
    return answer


def test_the_wsgi_gate_refuses_a_locked_address_before_django(client, monkeypatch):
    import django.core.handlers.wsgi
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        portal_login(client, f"nobody{n}", "wrong", address="10.0.0.9")
    reached = []
    monkeypatch.setattr(django.core.handlers.wsgi.WSGIHandler, "__call__",
                        lambda self, environ, start_response: reached.append(environ["PATH_INFO"]) or [])
    with CaptureQueriesContext(connection) as queries:
        api = _wsgi_post("/api/v1/auth/token/")
        page = _wsgi_post("/login/")
    assert (api["status"], page["status"]) == (429, 429) and reached == [] and len(queries) == 0
    assert api["headers"]["Retry-After"] == "900" and "15 分钟" in api["body"]  # Chinese first
    assert "application/json" in api["headers"]["Content-Type"]
    assert "/login/" in page["body"] and "15 分钟" in page["body"]
    # another address, or anything but a login POST, goes on to Django
    _wsgi_post("/api/v1/auth/token/", address="10.0.0.10")
    _wsgi_post("/api/v1/plans/")
    assert reached == ["/api/v1/auth/token/", "/api/v1/plans/"]


def test_a_login_that_finds_every_slot_taken_is_answered_busy_without_a_hash_or_an_attempt(client, settings,
                                                                                          monkeypatch):
    from axes.models import AccessAttempt

    from accounts.lockout import login_slot

    settings.LOGIN_CONCURRENCY = 1
    OfficerFactory(username="li.si")
    from django.contrib.auth.backends import ModelBackend

    calls = []  # ModelBackend.authenticate is where the password is hashed
    real_authenticate = ModelBackend.authenticate
    monkeypatch.setattr(ModelBackend, "authenticate",
                        lambda *a, **k: calls.append(1) or real_authenticate(*a, **k))
    with login_slot() as held:  # another worker is checking a password
        assert held
        for _n in range(5):  # more than the lockout's limit: none of them counts
            page = portal_login(client, "li.si", "wrong")
            assert page.status_code == 503 and page["Retry-After"] == "2"
        api = api_login("li.si", "wrong")
        assert api.status_code == 503 and api.json()["retry_after_seconds"] == 2
        gate = _wsgi_post("/api/v1/auth/token/", address="10.0.0.11")
        assert gate["status"] == 503 and gate["headers"]["Retry-After"] == "2"
    assert calls == [] and not AccessAttempt.objects.exists()
    assert portal_login(client, "li.si", "wrong").status_code == 200  # the slot is free again: checked, refused
    assert calls == [1]


def test_slots_are_exclusive_and_released(settings):
    from accounts.lockout import login_slot

    settings.LOGIN_CONCURRENCY = 2
    with login_slot() as first, login_slot() as second, login_slot() as third:
        assert (first, second, third) == (True, True, False)
    with login_slot() as again:
        assert again
    settings.LOGIN_CONCURRENCY = 0  # no limit
    with login_slot() as a, login_slot() as b:
        assert a and b


def test_without_a_writable_place_for_the_slots_logins_still_work(client, settings, tmp_path):
    from accounts.lockout import login_slot

    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.VAR_DIR = blocked  # login-slots/ cannot be made under a file
    settings.LOGIN_CONCURRENCY = 1
    with login_slot() as held:
        assert held
    OfficerFactory(username="li.si")
    assert portal_login(client, "li.si", PASSWORD).status_code == 302
