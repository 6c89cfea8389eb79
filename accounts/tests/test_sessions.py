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
