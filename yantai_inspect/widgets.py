"""Form widgets shared by every app's forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class DateInput(forms.DateInput):
    """A native date picker (<input type="date">). The browser takes its value only as yyyy-mm-dd (HTML's
    "valid date string"), whatever the language; Django would render an initial date in the language's first
    DATE_INPUT_FORMATS (zh-hans: 2026/12/13), which the browser drops, leaving the field empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class Select(forms.Select):
    """``forms.Select`` rendered in Python, for the filter forms at the top of list pages: Django renders a
    template per option (the plan list's filter, 14 options: about 2,300 of the page's 17,000 Python calls at
    city size). The same HTML as Django's templates (``tests/test_widgets.py``); a select with option groups
    is rendered by Django's templates as before."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if any(group_name is not None for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "\n", '<option value="{}"{}>{}</option>',
            ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for _g, opts, _i in groups for o in opts),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', widget["name"], flatatt(widget["attrs"]), options)
