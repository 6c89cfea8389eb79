"""Account pages: log in, the second factor's set-up, one's devices (browser sessions and API tokens)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from yantai_inspect.errors import DomainError

from . import otp
from .browser_sessions import browser_session_end, browser_sessions_end, browser_sessions_of
from .forms import CodeForm, LoginForm
from .services import user_password_change
from .tokens import api_token_revoke, api_tokens_of, api_tokens_revoke_all


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def admin_login_redirect(request):
    """The admin logs in through the portal's login page (its lockout and its second factor)."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


@login_required
def two_factor(request):
    """Set up the authenticator app (scan or type the secret, confirm with a code), then see the recovery codes
    once; with one set up, make new recovery codes."""
    user = request.user
    if otp.has_second_factor(user) and not user.is_verified():
        # A session that did not pass the second factor the user has: log in again, with it.
        logout(request)
        return redirect(f"{reverse('login')}?{urlencode({'next': reverse('two-factor')})}")
    codes = None
    form = CodeForm(request.POST or None)
    device = None if otp.has_second_factor(user) else otp.totp_enrolment_start(user=user)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "recovery":
                codes = otp.recovery_codes_regenerate(user=user, password=request.POST.get("password", ""))
            elif device is not None and form.is_valid():
                codes = otp.totp_enrolment_confirm(user=user, device=device, code=form.cleaned_data["code"])
                user.otp_device = device
                otp_login(request, device)
                device = None
        except ValidationError as exc:
            form.add_error(None, exc)
        if codes is not None:
            messages.success(request, _("Two-factor login is on. Keep the recovery codes below somewhere safe: "
                                        "each works once, and they are shown only now."))
    context = {
        "device": device,
        "secret": otp.totp_secret(device) if device else "",
        "qr_svg": otp.totp_qr_svg(device) if device else "",
        "form": form,
        "codes": codes,
        "required": otp.second_factor_required(user),
        "enabled": otp.has_second_factor(user),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
def devices(request):
    """One's devices: the browsers signed in as oneself (this one marked), then the API tokens of the apps one has
    logged in with; each can be ended."""
    context = {
        "browsers": browser_sessions_of(user=request.user, current_key=request.session.session_key),
        "tokens": api_tokens_of(request.user),
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
    }
    return render(request, "accounts/devices.html", context)


@login_required
@require_POST
def browser_session_end_view(request, pk: int):
    """End one of one's other browser sessions: that browser is signed out at its next request."""
    try:
        row = browser_session_end(actor=request.user, session_id=pk, current_key=request.session.session_key)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The session in %(browser)s (signed in %(when)s) is ended.")
                         % {"browser": row.browser, "when": localtime(row.created_at).strftime("%Y-%m-%d %H:%M")})
    return redirect("devices")


@login_required
@require_POST
def browser_sessions_end_others(request):
    count = browser_sessions_end(user=request.user, actor=request.user, reason="owner",
                                 keep_key=request.session.session_key)
    messages.success(request, ngettext("%(count)d other browser signed out.", "%(count)d other browsers signed out.",
                                       count) % {"count": count})
    return redirect("devices")


@login_required
@require_POST
def device_revoke(request, pk: int):
    token = api_token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("The device “%(device)s” is logged out.") % {"device": token.device})
    return redirect("devices")


@login_required
@require_POST
def devices_revoke_all(request):
    count = api_tokens_revoke_all(user=request.user, reason="owner")
    messages.success(request, ngettext("%(count)d device logged out.", "%(count)d devices logged out.", count)
                     % {"count": count})
    return redirect("devices")


@login_required
def password_change(request):
    """Django's PasswordChangeForm parses and checks (current password, the configured validators); the
    service changes and audits; the session stays signed in."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
