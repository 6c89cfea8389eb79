"""Errors as JSON with field messages, in one place for the whole API."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # The role checks (accounts.access) say who may do this; keep their message.
        exc = exceptions.PermissionDenied(str(exc) if exc.args else None)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        # a bare ``ValidationError("...")`` renders as a list: every error body is an object (yantai_inspect.schema)
        response.data = {"non_field_errors": response.data}
    return response
