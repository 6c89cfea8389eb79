"""Issue 13: the registry of browser sessions (accounts.browser_sessions): written at login with the address and
the browser, kept true when a key changes, removed with the session, never written on an ordinary request."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.browser_sessions import (
    REGISTERED,
    SEEN_SECONDS,
    browser_sessions_end,
    browser_sessions_expired_clear,
    browser_sessions_of,
)
from accounts.models import BrowserSession
from accounts.tests.factories import OfficerFactory
from accounts.user_agents import user_agent_label, user_agent_shortened
from audit.models import AuditEntry
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
PASSWORD = "pass-12345"
CHROME_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/131.0.0.0 Safari/537.36")
WECHAT_ON_ANDROID = ("Mozilla/5.0 (Linux; Android 14; V2307A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
                     "Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MicroMessenger/8.0.49")


@pytest.fixture(autouse=True)
def _lifetimes(settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60


def login(client, user, **meta):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, **meta)
    assert response.status_code == 302, response.content.decode()[:500]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in(client) -> bool:
    response = client.get("/account/devices/")
    return response.status_code == 200


def test_a_login_registers_the_session_with_the_address_and_the_browser_and_audits_it(client):
    officer = OfficerFactory()
    key = login(client, officer, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT=CHROME_ON_WINDOWS)
    row = BrowserSession.objects.get(user=officer)
    assert row.session_id == key and row.ip_address == "10.1.2.3" and row.browser == "Chrome · Windows"
    assert row.created_at == row.last_seen_at
    entry = AuditEntry.objects.get(action="browser_session.start")
    assert entry.actor_id == officer.pk and entry.details == {"ip_address": "10.1.2.3", "browser": "Chrome · Windows"}
    assert key not in str(entry.details) and key not in entry.object_repr


def test_behind_the_trusted_proxies_the_address_is_the_one_the_proxy_saw(client, settings):
    """The rule of accounts.lockout.client_ip (TRUSTED_PROXY_COUNT): what the client adds to the left is its word."""
    settings.TRUSTED_PROXY_COUNT = 1
    officer = OfficerFactory()
    login(client, officer, REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert BrowserSession.objects.get(user=officer).ip_address == "203.0.113.9"


def test_the_user_agent_is_kept_short_and_printable():
    assert len(user_agent_shortened("x" * 5000)) == 200
    assert user_agent_shortened("Mozilla\x00/5.0\n") == "Mozilla/5.0"
    assert user_agent_label(WECHAT_ON_ANDROID) == "WeChat · Android"
    assert user_agent_label("curl/8.5.0") == "curl/8.5.0"
    assert user_agent_label("") == ""


def test_a_login_as_someone_else_in_the_same_browser_replaces_the_first_users_session(client):
    """Django's login flushes the other user's session (no key until it is saved): registered all the same."""
    first, second = OfficerFactory(), OfficerFactory()
    client.force_login(first)
    client.force_login(second)
    assert not BrowserSession.objects.filter(user=first).exists()
    assert BrowserSession.objects.get(user=second).session_id == client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_logout_removes_the_session_from_the_registry(client):
    officer = OfficerFactory()
    login(client, officer)
    client.post("/logout/")
    assert not BrowserSession.objects.filter(user=officer).exists()


def test_an_idle_session_leaves_the_registry_at_its_next_request(client):
    officer = OfficerFactory()
    with time_machine.travel(START, tick=False) as clock:
        login(client, officer)
        clock.move_to(START + dt.timedelta(minutes=31))
        assert not signed_in(client)
    assert not BrowserSession.objects.filter(user=officer).exists()


def test_an_ordinary_request_writes_nothing_and_its_queries_do_not_grow(client):
    """Fails if the registry is written per request: the last-seen time is written once every five minutes, on a
    request that writes the session anyway."""
    officer = OfficerFactory()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(officer)
        client.get("/agency/")
        counts = []
        for seconds in (5, 15, 25, 35, 45, 55):
            clock.move_to(START + dt.timedelta(seconds=seconds))
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/agency/").status_code == 200
            counts.append(len(queries))
            writes = [q["sql"] for q in queries if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")]
            assert writes == [], writes
        assert len(set(counts)) == 1, counts
        registry_writes = []
        for minutes in range(1, 11):  # a request a minute for ten minutes: the session is written each time
            clock.move_to(START + dt.timedelta(minutes=minutes))
            with CaptureQueriesContext(connection) as queries:
                client.get("/agency/")
            registry_writes += [q["sql"] for q in queries if "accounts_browsersession" in q["sql"]]
    assert len(registry_writes) == 10 * 60 // SEEN_SECONDS and all(q.startswith("UPDATE") for q in registry_writes)
    row = BrowserSession.objects.get(user=officer)
    assert row.last_seen_at == START + dt.timedelta(minutes=10)


def test_a_session_older_than_the_registry_is_registered_at_its_next_request(client):
    officer = OfficerFactory()
    client.force_login(officer)
    BrowserSession.objects.all().delete()
    session = client.session  # as a session from before the registry: no mark of it
    del session[REGISTERED]
    session.save()
    client.get("/agency/", REMOTE_ADDR="10.9.9.9")
    row = BrowserSession.objects.get(user=officer)
    assert row.session_id == client.cookies[settings.SESSION_COOKIE_NAME].value and row.ip_address == "10.9.9.9"
    with CaptureQueriesContext(connection) as queries:
        client.get("/agency/")
    assert not [q for q in queries if "accounts_browsersession" in q["sql"]]


def test_changing_ones_password_ends_the_other_browsers_and_keeps_this_one_under_a_new_key():
    user = enterprise_user()
    user.set_password(PASSWORD)
    user.save()
    with time_machine.travel(START, tick=False) as clock:
        here, there = Client(), Client()
        old_key = login(here, user)
        login(there, user)
        clock.move_to(START + dt.timedelta(minutes=3))
        new = "Harbour-lantern-4791"
        response = here.post("/account/password/", {"old_password": PASSWORD, "new_password1": new,
                                                    "new_password2": new})
        assert response.status_code == 302
        assert not signed_in(there)
        assert signed_in(here)
    row = BrowserSession.objects.get(user=user)
    assert row.session_id == here.cookies[settings.SESSION_COOKIE_NAME].value != old_key
    assert row.created_at == START  # the same sign-in, under its new key
    assert AuditEntry.objects.get(action="browser_session.end_all").details == {"count": 2,
                                                                                "reason": "password_change"}


def test_a_password_set_by_anyone_else_ends_every_browser_session(client):
    officer = OfficerFactory()
    login(client, officer)
    officer.set_password("a-new-long-password-2026")
    officer.save()
    assert not BrowserSession.objects.filter(user=officer).exists()
    assert not signed_in(client)


def test_ending_all_but_one_keeps_that_one():
    officer = OfficerFactory()
    clients = [Client() for _n in range(3)]
    keys = [login(c, officer) for c in clients]
    assert browser_sessions_end(user=officer, reason="owner", keep_key=keys[0]) == 2
    assert [signed_in(c) for c in clients] == [True, False, False]
    assert list(BrowserSession.objects.values_list("session_id", flat=True)) == [keys[0]]


def test_with_a_cached_store_an_ended_session_is_gone_from_the_cache_too(settings):
    """accounts.sessions reads the session from the cache: a copy left there would keep the browser signed in."""
    settings.SESSION_ENGINE = "accounts.sessions"
    officer = OfficerFactory()
    browser = Client()
    login(browser, officer)
    assert signed_in(browser)  # read from the cache from now on
    browser_sessions_end(user=officer, reason="administrator")
    assert not signed_in(browser)


def test_the_expiry_job_clears_idle_absolute_and_expired_sessions_and_reruns_without_effect():
    officer = OfficerFactory()
    browsers = {name: Client() for name in ("idle", "long", "live")}
    key = {}
    with time_machine.travel(START, tick=False) as clock:
        key["long"] = login(browsers["long"], officer)
        for minutes in range(25, 12 * 60, 25):  # active all day
            clock.move_to(START + dt.timedelta(minutes=minutes))
            assert signed_in(browsers["long"]), minutes
            if minutes == 9 * 60 + 10:
                key["idle"] = login(browsers["idle"], officer)  # and never back
            if minutes == 11 * 60 + 40:
                key["live"] = login(browsers["live"], officer)
        clock.move_to(START + dt.timedelta(hours=12, minutes=6))
        assert [row.session_id for row in browser_sessions_of(user=officer)] == [key["live"]]
        before = Session.objects.count()
        assert browser_sessions_expired_clear() == 2
        assert browser_sessions_expired_clear() == 0
        assert Session.objects.count() == before - 2
    assert [row.session_id for row in BrowserSession.objects.all()] == [key["live"]]
    assert not AuditEntry.objects.filter(action__startswith="browser_session.end").exists()
