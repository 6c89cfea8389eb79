"""API authentication: ``Authorization: Token <key>`` with the per-device, expiring tokens of accounts.tokens,
the user and the user's agency read in the same single indexed query."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .tokens import key_digest


class TokenAuthentication(authentication.TokenAuthentication):
    """Nearly every API request of an officer or the justice bureau reads the user's agency (scoping,
    ``require_officer``, the services' checks): it comes with the token and the user in one query on the
    digest's unique index. An unknown, expired or revoked key, or an inactive user, is refused with 401."""

    model = ApiToken

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user__agency")
            .filter(digest=key_digest(key), expires_at__gt=timezone.now())
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token: log in again."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
