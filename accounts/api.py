"""The API's log-in, log-out and devices (accounts.tokens); the same rules as the portal's pages."""

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ApiToken
from .otp import second_factor_check, second_factor_required
from .tokens import api_token_issue, api_token_revoke, api_tokens_of


class TokenObtainInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    device = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                   help_text="A name for this device (one token per device; a new login replaces it)")
    otp_token = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                      help_text="The authenticator app's code or a recovery code, when set up")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    device = serializers.CharField()
    expires_at = serializers.DateTimeField()


class DeviceOutput(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "device", "key_prefix", "created_at", "expires_at", "current"]

    def get_current(self, token) -> bool:
        return token.pk == getattr(self.context["request"].auth, "pk", None)


class TokenObtainApi(APIView):
    """A token for this device, for a username and password (and the second factor's code when the user has
    one). Wrong passwords count towards the lockout (429 with the cool-off once locked)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenObtainInput,
        responses={
            200: TokenOutput,
            # answered by accounts.lockout, throttles or not
            429: OpenApiResponse(
                inline_serializer(
                    "LockedOut", {"detail": serializers.CharField(), "retry_after_seconds": serializers.IntegerField()}
                ),
                description="Locked out after repeated wrong passwords: retry after the cool-off.",
            ),
        },
    )
    def post(self, request):
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # django-axes reads the client from the Django request and flags it when locked out (its middleware then
        # answers 429): hand it the request itself, not DRF's wrapper.
        user = authenticate(request._request, username=values["username"], password=values["password"])
        if user is None:
            raise serializers.ValidationError({"non_field_errors": [_("Unable to log in with provided credentials.")]})
        try:
            device = second_factor_check(request=request._request, user=user, code=values.get("otp_token"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"otp_token": exc.messages})
        if device is None and second_factor_required(user):
            raise serializers.ValidationError({"otp_token": [_("Set up two-factor login on the portal first.")]})
        token, key = api_token_issue(user=user, device=values.get("device"))
        return Response({"token": key, "device": token.device, "expires_at": token.expires_at})


class TokenLogoutApi(APIView):
    """Log this device out: its token stops working."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke(actor=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceListApi(APIView):
    """One's devices (API tokens), newest first."""

    @extend_schema(responses=DeviceOutput(many=True))
    def get(self, request):
        tokens = api_tokens_of(request.user)
        return Response(DeviceOutput(tokens, many=True, context={"request": request}).data)


class DeviceRevokeApi(APIView):
    """Log one of one's devices out."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        api_token_revoke(actor=request.user, token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


