"""Forms of the enterprise's pages: they parse what the browser sends; the services decide."""

import base64
import binascii

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from .models import Signature

# A signature drawn on a phone screen is a few tens of kilobytes; anything near this is not a signature.
DRAWN_MAX_BYTES = 512 * 1024
DRAWN_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# base64 grows data by 4/3; the field refuses longer text before anything is decoded.
DRAWN_MAX_CHARS = len(DRAWN_PREFIX) + 4 * ((DRAWN_MAX_BYTES + 2) // 3)
EVIDENCE_MAX_PHOTOS = 9


class SignForm(forms.Form):
    """Both ways of signing: a signature drawn on the page (sent as a PNG data URL by signature.js), or the
    signer's typed name with an explicit confirmation. The rules (what each method needs) are the service's."""

    method = forms.ChoiceField(choices=Signature.Method.choices, widget=forms.HiddenInput)
    typed_name = forms.CharField(label=_("Signer's name"), max_length=60, required=False)
    confirmed = forms.BooleanField(
        label=_("I have read the record above and sign it on behalf of the enterprise."), required=False
    )
    signature_data = forms.CharField(required=False, max_length=DRAWN_MAX_CHARS, widget=forms.HiddenInput)

    def clean_signature_data(self):
        """The drawn signature as an uploaded PNG file (re-encoded again by the service), or None."""
        text = (self.cleaned_data.get("signature_data") or "").strip()
        if not text:
            return None
        if text.startswith(DRAWN_PREFIX):
            text = text[len(DRAWN_PREFIX) :]
        elif text.startswith("data:"):
            raise forms.ValidationError(_("The drawn signature must be a PNG image."))
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise forms.ValidationError(_("The drawn signature could not be read; draw it again.")) from exc
        if not data:
            return None
        if len(data) > DRAWN_MAX_BYTES:
            raise forms.ValidationError(_("The drawn signature is too large; clear it and draw it again."))
        if not data.startswith(PNG_MAGIC):
            raise forms.ValidationError(_("The drawn signature must be a PNG image."))
        return SimpleUploadedFile("signature.png", data, content_type="image/png")


class RefuseForm(forms.Form):
    objection = forms.CharField(
        label=_("Your objection"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say what in the record you do not accept and why. It is kept with the record and sent to the "
            "justice bureau."
        ),
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files under one name (Django's documented pattern for ``<input type=file multiple>``)."""

    def __init__(self, *args, max_files: int, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": self.max_files})
        single = super().clean
        return [single(f, initial) for f in files]


class RectificationForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photos = MultipleImageField(
        label=_("Photos of the result"),
        required=False,
        max_files=EVIDENCE_MAX_PHOTOS,
        help_text=_("JPEG, PNG or WebP; up to 9 photos."),
    )
