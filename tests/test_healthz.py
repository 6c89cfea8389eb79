"""GET /healthz/: public, one query, no session, 503 when the database fails."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_an_anonymous_probe_gets_ok_with_one_query_and_no_session(client):
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert len(captured.captured_queries) == 1
    assert "accounts_agency" in captured.captured_queries[0]["sql"]
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_a_logged_in_user_gets_the_same_answer(client):
    from accounts.tests.factories import OfficerFactory

    client.force_login(OfficerFactory())
    assert client.get("/healthz/").json()["status"] == "ok"


def test_head_works_and_writes_are_refused(client):
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


def test_a_database_error_answers_503():
    from django.test import Client

    with mock.patch("yantai_inspect.health.Agency.objects.order_by", side_effect=DatabaseError("down")):
        response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
