import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.models import ApiToken
from accounts.tests.factories import OfficerFactory, UserFactory, api_key_for
from accounts.tokens import api_token_issue, key_digest
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def api_with(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_token_brings_its_user_and_the_users_agency_in_one_indexed_query():
    """Fails with DRF's TokenAuthentication: the agency was a second query on nearly every API request."""
    key = api_key_for(OfficerFactory())
    with CaptureQueriesContext(connection) as queries:
        user, found = TokenAuthentication().authenticate_credentials(key)
        assert user.agency.name and found.digest == key_digest(key)
    assert len(queries) == 1
    assert '"digest" =' in queries[0]["sql"]  # the unique index, never a scan


def test_only_the_digest_is_stored():
    key = api_key_for(OfficerFactory())
    assert not ApiToken.objects.filter(digest=key).exists()
    assert ApiToken.objects.filter(digest=key_digest(key)).exists()


def test_an_unknown_key_or_an_inactive_user_is_refused():
    key = api_key_for(OfficerFactory(is_active=False))
    for candidate in ("0" * 43, key):
        with pytest.raises(exceptions.AuthenticationFailed):
            TokenAuthentication().authenticate_credentials(candidate)
    assert api_with(key).get("/api/v1/plans/").status_code == 401


def test_the_api_uses_it():
    assert api_with(api_key_for(OfficerFactory())).get("/api/v1/plans/").status_code == 200


def test_a_token_expires():
    key = api_key_for(OfficerFactory())
    token = ApiToken.objects.get(digest=key_digest(key))
    assert token.expires_at - token.created_at == dt.timedelta(hours=7 * 24)
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1), tick=False):
        assert api_with(key).get("/api/v1/plans/").status_code == 401


def test_one_token_per_device_a_new_login_replaces_the_devices_old_one():
    officer = OfficerFactory()
    _token, first = api_token_issue(user=officer, device="phone")
    _token, tablet = api_token_issue(user=officer, device="tablet")
    _token, second = api_token_issue(user=officer, device="phone")
    assert first != second
    assert api_with(first).get("/api/v1/plans/").status_code == 401
    assert api_with(second).get("/api/v1/plans/").status_code == 200
    assert api_with(tablet).get("/api/v1/plans/").status_code == 200
    assert ApiToken.objects.filter(user=officer).count() == 2


def test_devices_are_bounded_per_user(settings):
    settings.API_TOKEN_MAX_DEVICES = 3
    officer = OfficerFactory()
    for n in range(5):
        api_token_issue(user=officer, device=f"d{n}")
    assert sorted(ApiToken.objects.filter(user=officer).values_list("device", flat=True)) == ["d2", "d3", "d4"]


def test_the_token_endpoint_issues_a_new_token_at_each_login_never_the_old_one():
    OfficerFactory(username="li.si")
    api = APIClient()
    body = {"username": "li.si", "password": "pass-12345", "device": "phone"}
    first = api.post("/api/v1/auth/token/", body, format="json").json()
    second = api.post("/api/v1/auth/token/", body, format="json").json()
    assert first["token"] != second["token"] and second["device"] == "phone" and second["expires_at"]
    assert api_with(first["token"]).get("/api/v1/plans/").status_code == 401


def test_logout_revokes_the_devices_token_only():
    officer = OfficerFactory()
    phone, tablet = api_key_for(officer, "phone"), api_key_for(officer, "tablet")
    assert api_with(phone).post("/api/v1/auth/logout/").status_code == 204
    assert api_with(phone).get("/api/v1/plans/").status_code == 401
    assert api_with(tablet).get("/api/v1/plans/").status_code == 200
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_a_password_change_revokes_every_token():
    officer = OfficerFactory()
    keys = [api_key_for(officer, "phone"), api_key_for(officer, "tablet")]
    officer.set_password("a-new-long-password-2026")
    officer.save()
    assert all(api_with(key).get("/api/v1/plans/").status_code == 401 for key in keys)
    entry = AuditEntry.objects.get(action="api_token.revoke_all")
    assert entry.details == {"count": 2, "reason": "password_change"}


def test_saving_a_user_without_a_new_password_keeps_the_tokens():
    officer = OfficerFactory()
    key = api_key_for(officer)
    officer.full_name = "李四"
    officer.save()
    assert api_with(key).get("/api/v1/plans/").status_code == 200


def test_the_devices_api_lists_ones_own_and_revokes_them_but_not_anothers():
    officer, other = OfficerFactory(), UserFactory()
    key = api_key_for(officer, "phone")
    api_key_for(officer, "tablet")
    others = ApiToken.objects.get(pk=api_token_issue(user=other, device="x")[0].pk)
    api = api_with(key)
    listed = api.get("/api/v1/auth/devices/").json()
    assert [d["device"] for d in listed] == ["tablet", "phone"] and [d["current"] for d in listed] == [False, True]
    assert api.post(f"/api/v1/auth/devices/{others.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=others.pk).exists()
    tablet = next(d for d in listed if d["device"] == "tablet")
    assert api.post(f"/api/v1/auth/devices/{tablet['id']}/revoke/").status_code == 204
    assert list(ApiToken.objects.filter(user=officer).values_list("device", flat=True)) == ["phone"]
    assert APIClient().get("/api/v1/auth/devices/").status_code == 401


def test_the_devices_page_shows_and_revokes_ones_own(client):
    officer, other = OfficerFactory(), OfficerFactory()
    api_key_for(officer, "手机")
    others = api_token_issue(user=other, device="x")[0]
    client.force_login(officer)
    page = client.get("/account/devices/")
    assert page.status_code == 200 and "手机" in page.content.decode()
    assert client.post(f"/account/devices/{others.pk}/revoke/").status_code == 404
    mine = ApiToken.objects.get(user=officer)
    assert client.post(f"/account/devices/{mine.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(user=officer).exists()
