"""Issue 13: administrators end a user's browser sessions and API tokens from the admin (ASVS 5.0 7.4.5): an
action on users, a deactivation, and the read-only list of browser sessions."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, BrowserSession
from accounts.tests.factories import AdminUserFactory, OfficerFactory, api_key_for
from audit.models import AuditEntry
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db
PASSWORD = "pass-12345"


def browser(user) -> Client:
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/account/devices/").status_code == 200


def token_works(key) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/auth/devices/").status_code == 200


@pytest.fixture
def root():
    return AdminUserFactory(username="root")


@pytest.fixture
def admin_client(root):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(root)
    return client


def test_the_admin_action_ends_every_browser_session_and_token_of_the_chosen_users_and_audits_it(admin_client, root):
    chosen, spared = OfficerFactory(), OfficerFactory()
    browsers = [browser(chosen), browser(chosen)]
    keys = [api_key_for(chosen, "phone")]
    bystander, bystander_key = browser(spared), api_key_for(spared, "phone")
    response = admin_client.post(reverse("admin:accounts_user_changelist"),
                                 {"action": "end_sessions", "_selected_action": [chosen.pk]}, follow=True)
    assert "1 user: 2 browser sessions and 1 app tokens ended." in response.content.decode()
    assert not any(signed_in(c) for c in browsers) and not token_works(keys[0])
    assert signed_in(bystander) and token_works(bystander_key)
    assert signed_in(admin_client)
    entries = {e.action: e for e in AuditEntry.objects.filter(object_id=str(chosen.pk),
                                                             action__in=["browser_session.end_all",
                                                                         "api_token.revoke_all"])}
    assert entries["browser_session.end_all"].actor_id == root.pk
    assert entries["browser_session.end_all"].details == {"count": 2, "reason": "administrator"}
    assert entries["api_token.revoke_all"].details == {"count": 1, "reason": "administrator"}


def test_the_action_is_the_administrators_only():
    """Officers and enterprises never reach the admin (is_staff); a staff user without the change permission on
    users is not offered the action."""
    user = OfficerFactory()
    victim_browser = browser(user)
    staff = OfficerFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "end_sessions", "_selected_action": [user.pk]})
    assert response.status_code == 403
    assert signed_in(victim_browser)


def test_deactivating_a_user_in_the_admin_ends_its_sessions_and_tokens(admin_client, root):
    user = enterprise_user()
    user.set_password(PASSWORD)
    user.save()
    there, key = browser(user), api_key_for(user, "phone")
    data = {"username": user.username, "role": user.role, "agency": "", "full_name": user.full_name,
            "certificate_number": "", "certificate_issuer": "", "certificate_valid_from": "",
            "certificate_valid_until": "", "phone": "", "first_name": "", "last_name": "", "email": "",
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)  # is_active unticked
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert not user.is_active
    assert not BrowserSession.objects.filter(user=user).exists() and not ApiToken.objects.filter(user=user).exists()
    assert not signed_in(there) and not token_works(key)
    assert AuditEntry.objects.get(action="browser_session.end_all").details == {"count": 1, "reason": "deactivated"}


def test_the_browser_sessions_list_shows_no_key_and_a_deletion_signs_the_browser_out(admin_client, root):
    user = OfficerFactory()
    there = browser(user)
    row = BrowserSession.objects.get(user=user)
    page = admin_client.get(reverse("admin:accounts_browsersession_changelist")).content.decode()
    assert str(user) in page and row.browser in page and row.session_id not in page
    detail = admin_client.get(reverse("admin:accounts_browsersession_change", args=[row.pk])).content.decode()
    assert row.session_id not in detail
    response = admin_client.post(reverse("admin:accounts_browsersession_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not signed_in(there)
    assert AuditEntry.objects.get(action="browser_session.end").actor_id == root.pk
    assert signed_in(admin_client)
