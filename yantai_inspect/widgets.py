"""Form widgets shared by every app's forms."""

from django import forms


class DateInput(forms.DateInput):
    """A native date picker (<input type="date">). The browser takes its value only as yyyy-mm-dd (HTML's
    "valid date string"), whatever the language; Django would render an initial date in the language's first
    DATE_INPUT_FORMATS (zh-hans: 2026/12/13), which the browser drops, leaving the field empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
