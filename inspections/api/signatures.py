"""The enterprise app signs the finalised record, or refuses with a written objection."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsEnterpriseAccount
from yantai_inspect.inputs import JSONParser

from .. import services
from ..access import record_for_user
from ..models import Signature
from .serializers import SignatureSerializer


class SignSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Signature.Method.choices)
    typed_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    confirmed = serializers.BooleanField(required=False, default=False)
    signature = serializers.FileField(required=False, help_text=_("PNG of the drawn signature"))


class RecordSignApi(APIView):
    permission_classes = [IsEnterpriseAccount]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=SignSerializer, responses=SignatureSerializer)
    def post(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        signature = services.record_sign(
            actor=request.user,
            record=record,
            method=data["method"],
            typed_name=data.get("typed_name", ""),
            confirmed=data.get("confirmed"),
            drawn_png=data.get("signature"),
        )
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class RefusalInputSerializer(serializers.Serializer):
    objection = serializers.CharField(max_length=4000)


class RecordRefuseApi(APIView):
    permission_classes = [IsEnterpriseAccount]

    @extend_schema(request=RefusalInputSerializer, responses=SignatureSerializer)
    def post(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        body = RefusalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signature = services.record_refuse(actor=request.user, record=record, **body.validated_data)
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)
