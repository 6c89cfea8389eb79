"""Per-user API throttles counted in the cache (Redis in production). The count is a guard, not a record: when
the cache cannot be reached the request is let through and the failure logged, never turned into a 500."""

import logging

from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)


class _CacheFailureTolerant:
    def get_rate(self):
        # Read from the settings at each request (not frozen at import), so tests and operators can change it.
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend's own error types vary (redis, memcached, database)
            logger.warning("API throttle skipped: the cache is unavailable", exc_info=True)
            return True


class UserRateThrottle(_CacheFailureTolerant, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_CacheFailureTolerant, throttling.AnonRateThrottle):
    pass
