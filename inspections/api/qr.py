"""The two QR codes: the enterprise's licence token for its app, and the public check of an inspection code."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.access import require_enterprise

from .. import qrtokens
from ..verification import inspection_verification


class EnterpriseQrApi(APIView):
    """The enterprise's own electronic-licence QR token, for the enterprise app to display."""

    @extend_schema(
        responses=inline_serializer("EnterpriseQr", {"token": serializers.CharField(), "uscc": serializers.CharField()})
    )
    def get(self, request):
        enterprise = require_enterprise(request.user)
        return Response({"uscc": enterprise.uscc, "token": qrtokens.enterprise_token(enterprise.uscc)})


class InspectionVerifyApi(APIView):
    """Public: is this inspection registered? (the task's inspection code, scanned at the door)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer(
            "InspectionVerification",
            {
                "registered": serializers.BooleanField(),
                "visit_date": serializers.DateField(required=False),
                "enterprise": serializers.CharField(required=False),
                "agencies": serializers.ListField(required=False),
                "officers": serializers.ListField(required=False),
            },
        )
    )
    def get(self, request, token):
        return Response(inspection_verification(token))
