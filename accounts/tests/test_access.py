"""The role checks, and the page decorators and API permissions built on them, refuse the same people."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.access import (
    ADMIN,
    AGENCY,
    IsJustice,
    IsOfficer,
    agency_required,
    require_enterprise_account,
    require_justice,
    require_officer,
    require_portal,
)
from accounts.models import User
from accounts.tests.factories import AdminUserFactory, JusticeUserFactory, OfficerFactory, UserFactory
from enterprises.access import require_enterprise
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db


def test_require_officer_returns_the_agency_and_refuses_everyone_else():
    officer = OfficerFactory()
    assert require_officer(officer) == officer.agency
    superuser_officer = OfficerFactory(is_superuser=True)  # a platform admin administers, it does not file
    for user in (JusticeUserFactory(), enterprise_user(), AdminUserFactory(), superuser_officer, AnonymousUser()):
        with pytest.raises(PermissionDenied, match="Only enforcement officers"):
            require_officer(user)


def test_require_justice_returns_the_bureau_and_refuses_officers():
    staff = JusticeUserFactory()
    assert require_justice(staff) == staff.agency
    with pytest.raises(PermissionDenied, match="Only the justice bureau"):
        require_justice(OfficerFactory())


def test_the_enterprise_checks_refuse_agencies_and_an_account_not_linked_yet():
    account = enterprise_user()
    assert require_enterprise(account) == account.enterprise_account.enterprise
    assert require_enterprise_account(account) == account
    with pytest.raises(PermissionDenied, match="Only the enterprise"):
        require_enterprise(OfficerFactory())
    with pytest.raises(PermissionDenied, match="not linked"):
        require_enterprise(UserFactory(role=User.Role.ENTERPRISE))


def test_require_portal_names_the_portal():
    assert require_portal(OfficerFactory(), AGENCY, ADMIN) == AGENCY
    assert require_portal(AdminUserFactory(), AGENCY, ADMIN) == ADMIN
    with pytest.raises(PermissionDenied):
        require_portal(JusticeUserFactory(), AGENCY, ADMIN)


def test_the_page_decorator_sends_anonymous_users_to_login_and_refuses_other_roles():
    view = agency_required(lambda request: "ok")
    request = RequestFactory().get("/agency/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = JusticeUserFactory()
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = OfficerFactory()
    assert view(request) == "ok"


def test_the_api_permissions_answer_with_the_role_checks_message():
    request = RequestFactory().get("/")
    request.user = JusticeUserFactory()
    permission = IsOfficer()
    assert permission.has_permission(request, None) is False
    assert permission.message == "Only enforcement officers can do this."
    assert IsJustice().has_permission(request, None) is True


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/plans/campaign/", {}),
        ("/api/v1/invitations/1/decline/", {}),
    ],
)
def test_an_officer_endpoint_refuses_a_justice_user_with_403_and_anonymous_with_401(url, body):
    api = APIClient()
    assert api.post(url, body, format="json").status_code == 401
    api.force_authenticate(JusticeUserFactory())
    response = api.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only enforcement officers can do this."


def test_a_service_refuses_an_actor_of_the_wrong_role_in_the_same_words():
    from plans.services import invitation_decline

    with pytest.raises(PermissionDenied, match="Only enforcement officers"):
        invitation_decline(actor=JusticeUserFactory(), invitation=None)
