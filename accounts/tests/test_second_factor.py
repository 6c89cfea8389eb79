"""TOTP for officials where OTP_REQUIRED (production), optional for enterprises; a code works once; recovery
codes work once each."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import otp
from accounts.models import RecoveryCode, recovery_code_digest
from accounts.tests.factories import OfficerFactory, UserFactory
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "pass-12345"


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user):
    device = otp.totp_enrolment_start(user=user)
    codes = otp.totp_enrolment_confirm(user=user, device=device, code=code_of(device))
    device.refresh_from_db()
    device.last_t = -1  # the confirming code may be reused by the test's next step in the same 30 s
    device.save()
    return device, codes


def login(client, username, code=""):
    return client.post("/login/", {"username": username, "password": PASSWORD, "otp_token": code})


@pytest.fixture
def production(settings):
    settings.OTP_REQUIRED = True


def test_an_official_without_a_device_is_sent_to_set_one_up_before_anything_else(client, production):
    OfficerFactory(username="li.si")
    assert login(client, "li.si").status_code == 302
    response = client.get("/agency/")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/"
    assert client.get("/api/v1/plans/").status_code == 403
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_setting_it_up_confirms_with_a_code_shows_recovery_codes_once_and_opens_the_portal(client, production):
    officer = OfficerFactory(username="li.si")
    login(client, "li.si")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/account/two-factor/", {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    done = client.post("/account/two-factor/", {"code": code_of(device)})
    body = done.content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}(?:-[a-z2-7]{4}){5})</code>", body)
    assert len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(device__user=officer).values_list("digest", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes} and not stored & set(codes)
    assert client.get("/agency/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.enrol", object_id=str(officer.pk)).exists()


def test_with_a_device_the_login_needs_a_code_and_each_code_works_once(client):
    officer = OfficerFactory(username="li.si")
    device, _codes = enrolled(officer)
    assert login(client, "li.si").status_code == 200  # the password alone is not enough
    assert "_auth_user_id" not in client.session
    code = code_of(device)
    assert login(client, "li.si", code).status_code == 302
    client.logout()
    assert login(client, "li.si", code).status_code == 200  # replayed
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client):
    officer = UserFactory(username="qiye")  # an enterprise account that chose to set one up
    _device, codes = enrolled(officer)
    assert login(client, "qiye", codes[0].upper().replace("-", " ")).status_code == 302  # as typed
    client.logout()
    assert login(client, "qiye", codes[0]).status_code == 200
    # django-otp waits a second after a failure before it checks again
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        assert login(client, "qiye", codes[1]).status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    officer = OfficerFactory(username="li.si")
    device, _codes = enrolled(officer)
    for _n in range(3):
        login(client, "li.si", "123456" if code_of(device) != "123456" else "654321")
    assert login(client, "li.si", code_of(device)).status_code == 429


def test_the_api_token_needs_the_code_too(production):
    officer = OfficerFactory(username="li.si")
    api = APIClient()
    body = {"username": "li.si", "password": PASSWORD}
    refused = api.post("/api/v1/auth/token/", body, format="json")
    assert refused.status_code == 400 and "otp_token" in refused.json()  # no device: set one up first
    device, _codes = enrolled(officer)
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 400
    ok = api.post("/api/v1/auth/token/", {**body, "otp_token": code_of(device)}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]


def test_outside_production_enterprises_and_officials_log_in_with_the_password_alone(client):
    """The demo and the browser tests: OTP_REQUIRED is off outside production, and a banner says so."""
    OfficerFactory(username="li.si")
    assert login(client, "li.si").status_code == 302
    page = client.get("/agency/")
    assert page.status_code == 200 and "security-banner" in page.content.decode()


def test_enterprises_are_not_required_even_in_production(client, production):
    user = UserFactory(username="qiye")
    assert not otp.second_factor_required(user)
    assert otp.second_factor_required(OfficerFactory())


def test_new_recovery_codes_need_the_current_password(client):
    officer = OfficerFactory(username="li.si")
    device, old = enrolled(officer)
    assert login(client, "li.si", code_of(device)).status_code == 302

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    refused = client.post("/account/two-factor/", {"action": "recovery", "password": "not-my-password"})
    assert refused.status_code == 200 and "current password is not right" in refused.content.decode()
    assert set(RecoveryCode.objects.values_list("digest", flat=True)) == {recovery_code_digest(c) for c in old}
    assert not AuditEntry.objects.filter(action="second_factor.recovery_codes").exists()

    made = client.post("/account/two-factor/", {"action": "recovery", "password": PASSWORD})
    new = re.findall(r"<code>([a-z0-9-]{29})</code>", made.content.decode())
    assert len(new) == len(old) and not set(new) & set(old)
    assert set(RecoveryCode.objects.values_list("digest", flat=True)) == {recovery_code_digest(c) for c in new}
    assert AuditEntry.objects.filter(action="second_factor.recovery_codes").count() == 1
