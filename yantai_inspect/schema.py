"""The API schema's error answers, in one place: drf-spectacular documents what a view returns when it
succeeds; every operation also answers with the errors of ``yantai_inspect.api_errors`` (a JSON object: field
messages for 400, ``detail`` otherwise), and the schema says which, from the operation itself."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi

ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    # 400: the messages by field ({"field": ["message"]}, "non_field_errors" for the whole request)
    "additionalProperties": {},
}


def _error(description) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        takes_input = bool(parameters) or "requestBody" in operation
        names_objects = any(p["in"] == "path" for p in parameters) or "requestBody" in operation
        public = {} in operation.get("security", [{}])
        errors = {
            # every parameter and body is parsed (yantai_inspect.inputs): anything it refuses is a 400
            "400": (takes_input, _("Invalid input: the messages by field.")),
            # an unknown, expired or revoked token is refused even where anonymous readers are welcome
            "401": (bool(self.view.get_authenticators()), _("Not signed in, or the token is invalid or expired.")),
            "403": (not public, _("Signed in, but this role or account may not do this.")),
            # objects named in the path or the body are looked up within the caller's scope
            "404": (names_objects, _("No such object, or not within the caller's scope.")),
            "429": (bool(self.view.get_throttles()), _("Too many requests: retry after the Retry-After header.")),
        }
        for code, (applies, description) in errors.items():
            if applies and code not in responses:
                responses[code] = _error(description)
        return operation
