"""The second factor (django-otp): a TOTP authenticator app, with single-use recovery codes (stored as digests).

Officers, the justice bureau and administrators must have one where ``OTP_REQUIRED`` (production by default);
enterprises may. Whoever has a confirmed device gives a code at every login, on the portal and for an API token.
A TOTP code works once (django-otp keeps the last time step used); a recovery code is deleted when used, and
only its digest is ever stored (accounts.models.RecoveryCodeDevice).
"""

import base64
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .models import RecoveryCode, RecoveryCodeDevice, User, recovery_code_digest

ROLES_REQUIRING_SECOND_FACTOR = {User.Role.OFFICER, User.Role.JUSTICE, User.Role.ADMIN}
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def second_factor_required(user) -> bool:
    """Must this user pass a second factor before doing anything? Officials, where OTP_REQUIRED."""
    return bool(settings.OTP_REQUIRED) and (
        user.role in ROLES_REQUIRING_SECOND_FACTOR or user.is_staff or user.is_superuser
    )


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_check(*, request, user, code: str | None):
    """At a login whose password was right: the device that accepts ``code`` (recorded on ``user.otp_device``,
    so django.contrib.auth.login marks the session verified), or None for a user without a second factor. A
    missing or wrong code is refused and counted as a failed login (django-axes), so codes cannot be guessed
    faster than passwords."""
    if not any(True for _device in devices_for_user(user, confirmed=True)):
        return None
    code = (code or "").strip()
    device = _device_for_code(user, code) if code else None
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
        raise ValidationError(
            _("Enter the current 6-digit code of your authenticator app, or one of your recovery codes."),
            code="otp_invalid",
        )
    user.otp_device = device
    return device


@transaction.atomic
def _device_for_code(user, code: str):
    """The one device the code's shape names (6 digits: the app; else a recovery code), locked and verified
    there only: a recovery code never counts as a failure of the app's device (django-otp's throttling)."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else RecoveryCodeDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    return device if device is not None and device.verify_token(code) else None


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """The user's authenticator-to-be: an unconfirmed TOTP device (the same one until it is confirmed, so a
    reload shows the same secret)."""
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed (base32)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no external request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@transaction.atomic
def totp_enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """The first code from the app confirms the device; any earlier authenticator of the user is replaced.
    Returns fresh recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This set-up has expired: start again."), code="otp_stale")
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationError(_("That code is not right: check the time on your phone and try the next one."),
                              code="otp_invalid")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action="second_factor.enrol", obj=user, details={"device": device.name})
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user, password: str) -> list[str]:
    """New recovery codes; the old ones stop working. The current password is asked again (ASVS 5.0 7.5.1:
    a session left open, or taken over, cannot replace the second factor's fallback on its own)."""
    if not has_second_factor(user):
        raise ValidationError(_("Set up an authenticator app first."), code="otp_missing")
    if not password or not user.check_password(password):
        raise ValidationError(_("Your current password is not right."), code="password_incorrect")
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action="second_factor.recovery_codes", obj=user, details={"count": len(codes)})
    return codes


def _recovery_code() -> str:
    """120 random bits as 24 base32 letters and digits, in groups of four (the hyphens are optional when typed)."""
    letters = base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()
    return "-".join(letters[i:i + 4] for i in range(0, 24, 4))


def _recovery_codes_replace(user) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                                defaults={"confirmed": True})
    device.codes.all().delete()
    codes = [_recovery_code() for _i in range(settings.OTP_RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(device=device, digest=recovery_code_digest(c)) for c in codes])
    return codes


class SecondFactorRequiredMiddleware:
    """Where the second factor is required, an official's session that has not passed one (no device yet) may
    only set one up or log out; the API answers 403 with the reason. Token requests never reach here
    unverified: tokens are issued only after the second factor."""

    ALLOWED_PREFIXES = ("/account/two-factor/", "/logout/", "/static/", "/i18n/", "/healthz/", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.OTP_REQUIRED and not request.path.startswith(self.ALLOWED_PREFIXES):
            user = request.user
            if user.is_authenticated and second_factor_required(user) and not user.is_verified():
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Set up two-factor login on the portal first.")}, status=403)
                return redirect(reverse("two-factor"))
        return self.get_response(request)
