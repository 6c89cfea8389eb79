"""The notice of a fixed visit for the enterprise app: date, agencies, officers, matters and the inspection code."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsEnterpriseAccount
from plans.access import joint_task_for_user
from plans.api.serializers import JointTaskSerializer
from plans.selectors import task_with_details

from ..verification import inspection_code


class InspectionCodeSerializer(serializers.Serializer):
    token = serializers.CharField()
    verify_url = serializers.URLField()
    qr_png = serializers.CharField(help_text=_("The QR code as a data: URI (PNG)"))


class VisitNoticeSerializer(JointTaskSerializer):
    inspection_code = serializers.SerializerMethodField()

    class Meta(JointTaskSerializer.Meta):
        fields = [*JointTaskSerializer.Meta.fields, "inspection_code"]

    @extend_schema_field(InspectionCodeSerializer)
    def get_inspection_code(self, task) -> dict:
        code = inspection_code(task)
        return {"token": code.token, "verify_url": code.verify_url, "qr_png": code.qr_png_data_uri()}


class VisitNoticeApi(APIView):
    """检查告知书 for the enterprise app: what the portal's notice page and PDF show, the visit's inspection code
    included. Only the visited enterprise reads it, and only once the visit is fixed (else 404)."""

    permission_classes = [IsEnterpriseAccount]

    @extend_schema(responses=VisitNoticeSerializer)
    def get(self, request, pk):
        task = joint_task_for_user(user=request.user, task_id=pk)
        if not task.has_notice:
            raise Http404
        return Response(VisitNoticeSerializer(task_with_details(task.pk)).data)
