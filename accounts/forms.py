"""The login form: the password, then the second factor when the user has one (accounts.otp)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .otp import second_factor_check


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label=_("Verification code"), required=False, max_length=40,
        help_text=_("Only if you have set up two-factor login: the 6-digit code of your authenticator app, or a "
                    "recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean(self):
        cleaned = super().clean()  # the password (django-axes refuses a locked-out account or address first)
        if self.user_cache is not None:
            second_factor_check(request=self.request, user=self.user_cache, code=cleaned.get("otp_token"))
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the app"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
