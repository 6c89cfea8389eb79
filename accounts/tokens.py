"""API tokens: issued per device at login, expiring, revocable (accounts.models.ApiToken).

The key is shown once, to the device that logged in; the database keeps its SHA-256 digest. Every write
here is audited in its transaction like any other service.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import ApiToken, User

DEFAULT_DEVICE = "api"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _device_name(device: str | None) -> str:
    device = (device or "").strip()[: ApiToken._meta.get_field("device").max_length]
    return device or DEFAULT_DEVICE


@transaction.atomic
def api_token_issue(*, user: User, device: str | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` on ``device`` (one per device: the device's earlier token stops working),
    valid for ``API_TOKEN_LIFETIME_HOURS``. Returns the row and the key, which is never stored."""
    device = _device_name(device)
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.filter(user=user, device=device).delete()
    # Bounded per user: beyond API_TOKEN_MAX_DEVICES the oldest devices are logged out.
    keep = settings.API_TOKEN_MAX_DEVICES - 1
    old = list(ApiToken.objects.filter(user=user).order_by("-created_at").values_list("pk", flat=True)[keep:])
    if old:
        ApiToken.objects.filter(pk__in=old).delete()
    token = ApiToken.objects.create(
        user=user, device=device, digest=key_digest(key), key_prefix=key[:8], created_at=now,
        expires_at=now + timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS),
    )
    audit_record(actor=user, action="api_token.issue", obj=token,
                 details={"device": device, "expires_at": token.expires_at.isoformat()})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """The owner ends one of its devices' tokens (an administrator may end anyone's). Another user's token is
    answered as missing, never as someone else's."""
    query = ApiToken.objects.select_for_update()
    if not actor.is_platform_admin:
        query = query.filter(user=actor)
    token = query.filter(pk=token_id).first()
    if token is None:
        raise Http404(_("No such device."))
    audit_record(actor=actor, action="api_token.revoke", obj=token, details={"device": token.device})
    token.delete()
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, actor: User | None = None, reason: str) -> int:
    """Every token of ``user`` ends (a password change, an administrator's decision). One audit entry for the
    user, naming how many ended and why."""
    count, _rows = ApiToken.objects.filter(user=user).delete()
    if count:
        audit_record(actor=actor or user, action="api_token.revoke_all", obj=user,
                     details={"count": count, "reason": reason})
    return count


def api_tokens_of(user: User):
    """The user's devices, newest first, expired ones included until they are cleared (they no longer work)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_tokens_expired_delete() -> int:
    """Clears expired tokens (a periodic job; expired ones are refused whether or not they are cleared)."""
    count, _rows = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return count


def revoke_tokens_on_password_change(sender, user, **kwargs):
    """accounts.signals.password_changed: a new password logs every device out (other browser sessions end by
    Django's own session hash; the one that changed it is kept by update_session_auth_hash)."""
    api_tokens_revoke_all(user=user, reason="password_change")
