"""After the visit: findings, rectification evidence accepted or returned, re-check plans."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import AGENCY, ENTERPRISE, IsEnterpriseAccount, IsOfficer, require_officer, require_portal
from enterprises.access import require_enterprise
from yantai_inspect.inputs import JSONParser

from .. import selectors, services
from ..access import finding_for_user, rectification_for_agency
from ..models import Rectification
from .serializers import FindingSerializer, PhotoSerializer


class FindingListApi(APIView):
    """An officer's agency's rectification queue, or an enterprise's own findings."""

    @extend_schema(responses=FindingSerializer(many=True))
    def get(self, request):
        if require_portal(request.user, AGENCY, ENTERPRISE) == AGENCY:
            require_officer(request.user)
            qs = selectors.findings_for_agency(user=request.user)
        else:
            qs = selectors.findings_for_enterprise(enterprise=require_enterprise(request.user))
        return Response(FindingSerializer(qs, many=True).data)  # the selectors join what a row shows


class RectificationSubmitSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9)


class RectificationSerializer(serializers.ModelSerializer):
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = ["id", "finding", "note", "status", "submitted_at", "reviewed_at", "review_reason", "photos"]


class RectificationSubmitApi(APIView):
    permission_classes = [IsEnterpriseAccount]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": RectificationSubmitSerializer}, responses={201: RectificationSerializer}
    )
    def post(self, request, pk):
        finding = finding_for_user(user=request.user, finding_id=pk)
        body = RectificationSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rectification = services.rectification_submit(
            actor=request.user,
            finding=finding,
            note=body.validated_data["note"],
            photos=body.validated_data.get("photos", []),
        )
        return Response(RectificationSerializer(rectification).data, status=status.HTTP_201_CREATED)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RectificationDecisionApi(APIView):
    permission_classes = [IsOfficer]
    accept = True

    @extend_schema(request=ReasonSerializer, responses=RectificationSerializer)
    def post(self, request, pk):
        rectification = rectification_for_agency(user=request.user, rectification_id=pk)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if self.accept:
            rectification = services.rectification_accept(actor=request.user, rectification=rectification)
        else:
            rectification = services.rectification_return(
                actor=request.user, rectification=rectification, reason=body.validated_data.get("reason", "")
            )
        return Response(RectificationSerializer(rectification).data)


class RecheckSerializer(serializers.Serializer):
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class FindingRecheckApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(
        request=RecheckSerializer, responses=inline_serializer("RecheckPlanFiled", {"plan": serializers.IntegerField()})
    )
    def post(self, request, pk):
        finding = finding_for_user(user=request.user, finding_id=pk)
        body = RecheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.finding_schedule_recheck(actor=request.user, finding=finding, **body.validated_data)
        return Response({"plan": plan.pk}, status=status.HTTP_201_CREATED)
