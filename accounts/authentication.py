"""API authentication: ``Authorization: Token <key>`` with the per-device, expiring tokens of accounts.tokens,
the user and the user's agency read in the same single indexed query."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from yantai_inspect.prepared import prepared_queryset

from .models import ApiToken
from .tokens import key_digest

SENTINEL_DIGEST = "\x01 prepared digest"  # no digest looks like this (64 hexadecimal digits)
SENTINEL_TIME = dt.datetime(1901, 2, 3, tzinfo=dt.UTC)


def _token_with_user(*, digest: str, now: dt.datetime):
    return ApiToken.objects.select_related("user__agency").filter(digest=digest, expires_at__gt=now)[:1]


class TokenAuthentication(authentication.TokenAuthentication):
    """Nearly every API request of an officer or the justice bureau reads the user's agency (scoping,
    ``require_officer``, the services' checks): it comes with the token and the user in one query on the
    digest's unique index. An unknown, expired or revoked key, or an inactive user, is refused with 401."""

    model = ApiToken

    def authenticate_credentials(self, key):
        bind = prepared_queryset(  # on every API request: compiled once per process
            "accounts.authentication.token", ApiToken, _token_with_user, digest=SENTINEL_DIGEST, now=SENTINEL_TIME
        )
        token = next(iter(bind(digest=key_digest(key), now=timezone.now())), None)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token: log in again."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
