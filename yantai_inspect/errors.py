"""The one domain error type. Services raise it; views and the API turn it into a response."""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A business rule refused the request.

    ``message`` is user-facing (already translated); ``field`` names the input that broke
    the rule when there is one, so forms and serializers can attach it to that field.
    """

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self) -> dict:
        return {self.field or "non_field_errors": [str(self.message)]}


def domain_error_from_validation(exc: ValidationError) -> DomainError:
    """Turn a model ``full_clean`` error into the domain error, keeping the first field."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return DomainError(errors[0].messages[0], field=None if field == "__all__" else field)
    return DomainError(exc.messages[0])
