"""Signals of the accounts app and the receivers that keep sessions and tokens honest."""

from django.dispatch import Signal

# Sent after a user's new password is saved, by whatever changed it (the change-password page, the admin,
# ``changepassword``, a reset): ``user``. Receivers: the user's API tokens are revoked (accounts.tokens) and
# its browser sessions ended (accounts.browser_sessions).
password_changed = Signal()
