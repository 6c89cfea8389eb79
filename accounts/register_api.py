"""The public register's API (no login): is this enforcement certificate valid today, and an inspection
body's certified officers. Only what the rules require to be public (``accounts.selectors``)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import certificate_lookup, certificate_status, register_agency, register_officers


class CertificateStatusSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    valid = serializers.BooleanField(help_text="the holder may inspect today: certificate valid, agency authorised")
    certificate_valid = serializers.BooleanField(required=False)
    agency_may_inspect = serializers.BooleanField(required=False)
    name = serializers.CharField(required=False)
    certificate_number = serializers.CharField(required=False)
    issuer = serializers.CharField(required=False)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    agency = serializers.CharField(required=False)
    agency_code = serializers.CharField(required=False)
    on = serializers.DateField(required=False)


class CertificateCheckApi(APIView):
    """Public: is the enforcement certificate with this number valid today, and whose is it?"""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=CertificateStatusSerializer)
    def get(self, request, number):
        status = certificate_status(certificate_lookup(number), today=timezone.localdate())
        return Response(CertificateStatusSerializer(status).data if status["found"] else status)


class RegisterOfficerSerializer(serializers.Serializer):
    name = serializers.CharField(source="full_name")
    certificate_number = serializers.CharField()
    issuer = serializers.CharField(source="certificate_issuer")
    valid_from = serializers.DateField(source="certificate_valid_from")
    valid_until = serializers.DateField(source="certificate_valid_until")
    valid_today = serializers.SerializerMethodField()
    agency = serializers.CharField(source="agency.name")

    def get_valid_today(self, officer) -> bool:
        return officer.is_certified_on(self.context["today"])


class RegisterOfficersApi(generics.ListAPIView):
    """Public: an inspection body's officers holding an enforcement certificate, by name (paged, no total)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = RegisterOfficerSerializer

    def get_queryset(self):
        agency = register_agency(self.kwargs["code"][:60])
        if agency is None:
            raise NotFound()
        return register_officers(agency=agency)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
