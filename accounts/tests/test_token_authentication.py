import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_a_token_brings_its_user_and_the_users_agency_in_one_query():
    """Fails with DRF's TokenAuthentication: the agency was a second query on nearly every API request."""
    token = Token.objects.create(user=OfficerFactory())
    with CaptureQueriesContext(connection) as queries:
        user, found = TokenAuthentication().authenticate_credentials(token.key)
        assert user.agency.name and found == token
    assert len(queries) == 1


def test_an_unknown_key_or_an_inactive_user_is_refused_as_drf_refuses_it():
    token = Token.objects.create(user=OfficerFactory(is_active=False))
    for key in ("0" * 40, token.key):
        with pytest.raises(exceptions.AuthenticationFailed):
            TokenAuthentication().authenticate_credentials(key)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/plans/").status_code == 401


def test_the_api_uses_it():
    token = Token.objects.create(user=OfficerFactory())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/plans/").status_code == 200
