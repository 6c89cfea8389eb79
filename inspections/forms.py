"""Agency-side forms of the visit: they parse and bound the input; the services decide.
(The enterprise's forms live in forms_enterprise.py.)"""

from django import forms
from django.utils.translation import gettext_lazy as _

from yantai_inspect.widgets import DateInput

from .models import Finding, RecordItem


class CoordinateField(forms.DecimalField):
    """A latitude or longitude from the browser, which reports more decimals than the six the record keeps
    (about 0.1 m, precise enough)."""

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else round(value, 6)


class CheckInForm(forms.Form):
    """The token read from the enterprise's licence QR code; the position is filled by the browser when the
    officer allows it."""

    token = forms.CharField(
        label=_("Code from the enterprise's licence QR"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )
    latitude = CoordinateField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = CoordinateField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )


class RecordItemForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[choice for choice in RecordItem.Result.choices if choice[0]],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PhotoForm(forms.Form):
    # The service decodes and re-encodes the image itself; a FileField keeps the refusal in one place.
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Problem found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices, widget=forms.RadioSelect)
    deadline = forms.DateField(label=_("Rectify by"), widget=DateInput())


class FinaliseForm(forms.Form):
    summary = forms.CharField(
        label=_("Overall remarks"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    # Not required here: the service refuses a blank reason with its own message.
    reason = forms.CharField(
        label=_("Why the evidence is returned"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecheckForm(forms.Form):
    window_start = forms.DateField(label=_("Earliest re-check date"), widget=DateInput())
    window_end = forms.DateField(label=_("Latest re-check date"), widget=DateInput())
