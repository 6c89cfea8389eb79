"""Untrusted input, checked in one place before any view or serializer sees it.

Every query string and form field passes ``InputMiddleware``, every JSON body passes ``JSONParser`` (the
API's only JSON parser), and both apply ``value_check`` to each value: no NUL byte (PostgreSQL refuses them
in text, so they surfaced as server errors), a value shaped like a date is a date the platform can compute
with (``DATE_MIN``..``DATE_MAX``: ``date.max`` plus a day overflows), a value shaped like an integer, and
every JSON number, fits a 64-bit column. JSON is nested at most ``MAX_JSON_DEPTH`` levels (a 100,000-deep
document made the parser recurse out of stack). Views that read a number or a date from the query string use
``query_int`` and ``query_date``.

A refusal is a ``DomainError`` naming the field; the API's exception handler and this middleware turn an
unhandled one into a 400 (JSON under /api/, a page elsewhere), so a bad input is never a server error.
"""

import datetime as dt
import re

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .errors import DomainError

# The dates any date in a request may carry: wide enough for any real record, far enough from date.min /
# date.max that a year of arithmetic (horizons, calendars, month ends) never overflows.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
INT_MAX = 2**63 - 1  # a signed 64-bit column (ids are BigAutoField)
MAX_JSON_DEPTH = 32

_DATE_SHAPED = re.compile(r"^\s*(?P<year>[+-]?\d{4,})-\d{1,2}-\d{1,2}(?:[T ].*)?$", re.DOTALL)
_INT_SHAPED = re.compile(r"^\s*[+-]?\d+\s*$")


def _nul_message() -> str:
    return _("This value contains a NUL character, which is not allowed.")


def _date_message() -> str:
    return _("Enter a date between %(min)s and %(max)s.") % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}


def value_check(field: str, value: str) -> None:
    """Refuse a value no field of the platform can take (see the module docstring)."""
    if "\x00" in value:
        raise DomainError(_nul_message(), field=field)
    shaped = _DATE_SHAPED.match(value)
    if shaped and not DATE_MIN.year <= int(shaped["year"]) <= DATE_MAX.year:
        raise DomainError(_date_message(), field=field)
    if len(value) < 64 and _INT_SHAPED.match(value) and abs(int(value)) > INT_MAX:
        raise DomainError(_("This number is out of range."), field=field)


def query_int(params, name: str, *, default: int | None = None, minimum: int, maximum: int) -> int | None:
    """The integer ``name`` of a query string (``request.GET`` / ``query_params``) within [minimum, maximum],
    ``default`` when absent or empty; anything else is a DomainError on that field."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise DomainError(_("Enter a whole number."), field=name) from None
    if not minimum <= number <= maximum:
        raise DomainError(
            _("Enter a whole number between %(min)d and %(max)d.") % {"min": minimum, "max": maximum}, field=name
        )
    return number


def query_date(params, name: str) -> dt.date | None:
    """The date ``name`` (YYYY-MM-DD) of a query string within ``DATE_MIN``..``DATE_MAX``, None when absent
    or empty; anything else is a DomainError on that field."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise DomainError(_("Enter a valid date."), field=name) from None
    return date_in_range(day, field=name)


def date_in_range(day: dt.date, *, field: str) -> dt.date:
    """``day`` when within ``DATE_MIN``..``DATE_MAX``, else a DomainError on ``field``."""
    if not DATE_MIN <= day <= DATE_MAX:
        raise DomainError(_date_message(), field=field)
    return day


def _walk_json(data) -> None:
    """Depth and value checks over a parsed JSON document, without recursion."""
    stack = [(data, "non_field_errors", 1)]
    while stack:
        node, field, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise DomainError(
                _("The request body is nested more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH}, field=field
            )
        # Pushed in reverse, so the first bad value in document order is the one named.
        if isinstance(node, dict):
            for key in node:
                value_check(field, key)
            stack.extend((value, key if depth == 1 else field, depth + 1) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((value, field, depth + 1) for value in reversed(node))
        elif isinstance(node, str):
            value_check(field, node)
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > INT_MAX:
            # a JSON number, not only a string shaped like one (an id list of 2**64 overflowed the column)
            raise DomainError(_("This number is out of range."), field=field)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the checks above (the API's default; views that name their parsers use it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                _("The request body is nested more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH}
            ) from None
        try:
            _walk_json(data)
        except DomainError as exc:
            raise ParseError(exc.as_dict()) from exc
        return data


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def bad_request(request, exc: DomainError):
    if request.path.startswith("/api/"):
        return JsonResponse(exc.as_dict(), status=400)
    return render(request, "400.html", {"field": exc.field, "message": exc.message}, status=400)


class InputMiddleware:
    """Checks every query-string and form value (``value_check``) before the view runs, and answers a
    DomainError a view let through with a 400 instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._check(request.GET)
            if request.method == "POST" and request.content_type in FORM_TYPES:
                self._check(request.POST)
        except DomainError as exc:
            return bad_request(request, exc)
        return self.get_response(request)

    @staticmethod
    def _check(params) -> None:
        for name, values in params.lists():
            value_check(name, name)
            for value in values:
                value_check(name, value)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return bad_request(request, exception)
        return None
