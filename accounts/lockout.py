"""Login throttling (django-axes): who the client is, and how a locked-out login is answered."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
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
