"""Login throttling (django-axes): who the client is, and how a locked-out login is answered."""

import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies that each append to
    X-Forwarded-For, the address the outermost trusted proxy saw (anything further left is the client's word)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    return _(
        "Too many failed logins for this account or from this address. Logins are refused for %(minutes)d "
        "minutes after the last failed attempt; try again after that, or ask your administrator."
    ) % {"minutes": settings.AXES_COOLOFF_MINUTES}


def lockout_response(request, original_response=None, credentials=None):
    """429 with the cool-off stated: JSON for the API, the login page with the message for a browser."""
    retry_after = str(settings.AXES_COOLOFF_MINUTES * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message(), "retry_after_seconds": int(retry_after)}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = retry_after
    return response


# -- the cheap refusal of a locked-out address -------------------------------------------------------------
# django-axes refuses a locked-out login before the password hash, but only after the request has gone through
# the middleware, the view and a few queries (~10-20 ms of a worker). A flood from one address would still hold
# the workers. Once axes has locked an address, the address is remembered in the cache until its cool-off ends
# (counted from the lockout, never extended), and its login POSTs are answered at the top of the middleware
# stack, with no database at all. A cache that is down only means the slower, still correct, refusal by axes.

LOGIN_PATHS = frozenset({"/login/", "/api/v1/auth/token/", "/admin/login/"})
LOCKED_ADDRESS_KEY = "accounts:locked-address:{}"
logger = logging.getLogger(__name__)


def _address_failures(ip_address: str) -> int:
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return (AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=threshold)
            .aggregate(n=Sum("failures_since_start"))["n"] or 0)


def remember_locked_address(sender, request=None, username=None, ip_address=None, **kwargs):
    """axes' user_locked_out: when the address itself is over the limit (not only the account), remember it."""
    if not ip_address:
        return
    key = LOCKED_ADDRESS_KEY.format(ip_address)
    try:
        if cache.get(key) is None and _address_failures(ip_address) >= settings.AXES_FAILURE_LIMIT:
            cache.add(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    except Exception:  # the cache's own error types vary; axes keeps refusing without it
        logger.warning("locked address not cached: the cache is unavailable", exc_info=True)


class LockedAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in LOGIN_PATHS:
            try:
                locked = cache.get(LOCKED_ADDRESS_KEY.format(client_ip(request)))
            except Exception:
                locked = None
            if locked:
                return lockout_response(request)
        return self.get_response(request)
