"""Issue 12: every account changes its own password (Django's PasswordChangeForm, the configured validators),
audited without the password, and stays signed in."""

import pytest

from accounts.tests.factories import OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db
OLD, NEW = "Old-pass-2026!", "Harbour-lantern-4791"  # 12+ characters, none of the platform's own words


@pytest.fixture(params=["officer", "enterprise"])
def user(request):
    user = OfficerFactory() if request.param == "officer" else enterprise_user()
    user.set_password(OLD)
    user.save()
    return user


def post(client, old, new1, new2=None):
    return client.post(
        "/account/password/",
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_user_changes_their_password_and_stays_signed_in(client, user):
    client.force_login(user)
    response = post(client, OLD, NEW)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.actor_id == user.pk and OLD not in str(entry.details) and NEW not in str(entry.details)
    assert client.get("/account/password/").status_code == 200  # the session survived


@pytest.mark.parametrize("old,new", [("wrong", NEW), (OLD, "12345678"), (OLD, "short")])
def test_a_wrong_current_password_or_a_weak_new_one_is_refused(client, user, old, new):
    client.force_login(user)
    response = post(client, old, new)
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/account/password/")
    assert response.status_code == 302 and "/login/" in response["Location"]
