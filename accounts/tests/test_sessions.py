"""Sessions end after 30 minutes without a request and 12 hours after the login, whatever happens between."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _lifetimes(settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60


def test_the_production_defaults_are_30_minutes_idle_and_12_hours_in_all():
    from yantai_inspect import settings as base

    assert base.SESSION_IDLE_SECONDS == 1800 and base.SESSION_ABSOLUTE_SECONDS == 43200
    assert base.SESSION_COOKIE_AGE == 43200


def test_an_idle_session_ends_after_30_minutes(client):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(OfficerFactory())
        clock.move_to(START + dt.timedelta(minutes=29))
        assert client.get("/agency/").status_code == 200
        clock.move_to(START + dt.timedelta(minutes=29 + 31))
        response = client.get("/agency/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_active_session_ends_12_hours_after_the_login(client):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(OfficerFactory())
        for minutes in range(20, 12 * 60, 20):
            clock.move_to(START + dt.timedelta(minutes=minutes))
            assert client.get("/agency/").status_code == 200, minutes
        clock.move_to(START + dt.timedelta(hours=12, minutes=1))
        assert client.get("/agency/").status_code == 302


def test_the_last_seen_time_is_written_at_most_once_a_minute(client):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(OfficerFactory())
        client.get("/agency/")
        clock.move_to(START + dt.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as quiet:
            client.get("/agency/")
        clock.move_to(START + dt.timedelta(seconds=90))
        with CaptureQueriesContext(connection) as refreshed:
            client.get("/agency/")
    writes = [q["sql"] for q in quiet if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    assert writes == []
    assert any(q["sql"].startswith("UPDATE") and "django_session" in q["sql"] for q in refreshed)


# -- where sessions are kept (settings.SESSION_ENGINE) -----------------------------------------------------


def _session_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


def test_with_redis_sessions_are_read_from_the_cache_and_kept_in_the_database(settings, client):
    """The engine the settings choose with REDIS_URL (a cache every process shares): the session row is written
    at login and read from the cache afterwards; the database still holds it (a flushed cache logs nobody
    out)."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    settings.SESSION_ENGINE = "accounts.sessions"
    with time_machine.travel(START, tick=False):
        client.force_login(OfficerFactory())
        assert client.get("/agency/").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/agency/").status_code == 200
        assert _session_reads(queries) == []
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert Session.objects.filter(session_key=key).exists()
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/agency/").status_code == 200
        assert len(_session_reads(queries)) == 1  # read back from the database, then cached again
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/agency/").status_code == 200
        assert _session_reads(queries) == []


def test_a_logout_ends_the_cached_session_in_the_database_and_the_cache(settings, client):
    from django.contrib.sessions.models import Session

    settings.SESSION_ENGINE = "accounts.sessions"
    client.force_login(OfficerFactory())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/agency/").status_code == 200
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    response = client.get("/agency/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_cache_that_is_down_serves_the_session_from_the_database(settings, client, caplog):
    """Fails on Django's cached_db, whose write-back after a miss raises: every page would be a 500."""
    from unittest import mock

    from django.core.cache import caches

    settings.SESSION_ENGINE = "accounts.sessions"
    client.force_login(OfficerFactory())
    cache = caches[settings.SESSION_CACHE_ALIAS]  # the store's (one instance per thread)
    cache.clear()
    down = ConnectionError("cache down")
    with mock.patch.object(cache, "get", side_effect=down), mock.patch.object(cache, "set", side_effect=down):
        assert client.get("/agency/").status_code == 200
    assert "the cache is unavailable" in caplog.text


@pytest.mark.parametrize("redis_url,engine", [("", "django.contrib.sessions.backends.db"),
                                               ("redis://127.0.0.1:6379/0", "accounts.sessions")])
def test_sessions_are_cached_only_in_a_cache_every_process_shares(monkeypatch, redis_url, engine):
    """Without Redis the local-memory cache is per process: a cached session would outlive its logout in the
    other workers, so sessions stay in the database. (The test settings keep them there on every run.)"""
    import importlib

    from yantai_inspect import settings as base

    monkeypatch.setenv("REDIS_URL", redis_url)
    try:
        assert engine == importlib.reload(base).SESSION_ENGINE
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_a_signed_in_request_reads_the_user_and_the_agency_in_one_query(client):
    """Fails on Django's ModelBackend: the user, then the agency apart."""
    officer = OfficerFactory()
    client.force_login(officer)
    client.get("/agency/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/agency/").status_code == 200
    by_pk = f'"accounts_user"."id" = {officer.pk} '
    user_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "accounts_user"."id"') and by_pk in q["sql"]]
    agency_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "accounts_agency"."id"')
                    and f'"accounts_agency"."id" = {officer.agency_id} ' in q["sql"]]
    assert len(user_reads) == 1 and '"accounts_agency"' in user_reads[0], user_reads
    assert agency_reads == [], agency_reads
