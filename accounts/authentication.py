"""API authentication: DRF's token scheme, with the user's agency read in the same query."""

from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's. Nearly every API request of an officer or the justice bureau
    reads the user's agency (scoping, ``require_officer``, the services' checks): it comes with the token and
    the user in one query instead of a second one. A refused key goes to DRF's own check (and its message)."""

    def authenticate_credentials(self, key):
        token = self.get_model().objects.select_related("user__agency").filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)
        return (token.user, token)
