"""Per-user API throttles, counted in the cache; a cache that is down never turns a request into a 500."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import OfficerFactory, api_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "2/min"}}


def test_a_user_over_the_rate_gets_429_with_a_retry_hint_and_another_user_does_not(rates):
    from django.core.cache import cache

    users = OfficerFactory(), OfficerFactory()
    cache.delete_many([f"throttle_user_{user.pk}" for user in users])  # primary keys come back between tests
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(users[0])}")
    second.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(users[1])}")
    assert [first.get("/api/v1/plans/").status_code for _n in range(3)] == [200, 200, 200]
    refused = first.get("/api/v1/plans/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert second.get("/api/v1/plans/").status_code == 200


def test_when_the_cache_is_down_requests_go_through(rates, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(OfficerFactory())}")
    assert [api.get("/api/v1/plans/").status_code for _n in range(5)] == [200] * 5
