"""非现场检查 in the API: each side's list and a check's detail with its files, the enterprise's submission
(documents as PDF, or photos), the agency's conclusion, and a file, only to those who may see its check."""

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsEnterpriseAccount, IsOfficer
from catalogue.selectors import matters_by_code
from plans.models import RemoteCheck, RemoteEvidence
from plans.remote import (
    remote_check_evidence,
    remote_check_for_user,
    remote_check_list,
    remote_check_withdraw,
    remote_evidence_for_user,
)
from yantai_inspect.inputs import JSONParser
from yantai_inspect.pagination import LimitOffsetWithoutCount

from ..models import Finding
from ..services.remote import remote_check_conclude, remote_check_submit
from ..uploads import private_file
from .serializers import FindingSerializer


class RemoteEvidenceSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="matter.code", default=None, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = RemoteEvidence
        fields = ["id", "kind", "matter", "content_type", "size", "pages", "sha256", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return f"/api/v1/remote-checks/evidence/{obj.pk}/"


class RemoteCheckSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RemoteCheck
        fields = ["id", "plan", "agency", "enterprise", "enterprise_name", "status", "status_label", "requested_on",
                  "deadline", "submitted_at", "enterprise_note", "concluded_at", "conclusion", "rectify_by",
                  "withdrawal_reason"]


class RemoteCheckDetailSerializer(RemoteCheckSerializer):
    matters = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta(RemoteCheckSerializer.Meta):
        fields = [*RemoteCheckSerializer.Meta.fields, "matters", "evidence", "findings"]

    def get_findings(self, obj) -> list[dict]:
        """The problems found, rectified as on site (``GET /api/v1/findings/``, ``…/rectifications/``)."""
        return FindingSerializer(obj.findings.select_related("matter", "agency", "enterprise").order_by("id"),
                                 many=True).data

    def get_matters(self, obj) -> list[dict]:
        return [{"code": m.code, "name": m.name, "version": m.version, "standard": m.standard}
                for m in obj.plan.matters.order_by("code")]

    def get_evidence(self, obj) -> list[dict]:
        return RemoteEvidenceSerializer(remote_check_evidence(obj), many=True).data


class RemoteCheckListApi(APIView):
    """An officer's agency's remote checks, a justice bureau's in its scope, or an enterprise's own."""

    pagination_class = LimitOffsetWithoutCount

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=RemoteCheck.Status.values)],
                   responses=RemoteCheckSerializer(many=True))
    def get(self, request):
        qs = remote_check_list(user=request.user, status=request.query_params.get("status", ""))
        page = self.pagination_class()
        rows = page.paginate_queryset(qs, request, view=self)
        return page.get_paginated_response(RemoteCheckSerializer(rows, many=True).data)


class RemoteCheckDetailApi(APIView):
    @extend_schema(responses=RemoteCheckDetailSerializer)
    def get(self, request, pk):
        check = remote_check_for_user(user=request.user, remote_check_id=pk)
        return Response(RemoteCheckDetailSerializer(check).data)


class RemoteCheckSubmitSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), max_length=settings.REMOTE_EVIDENCE_MAX_FILES,
                                  help_text=_("PDF documents or photos (JPEG, PNG, WebP)"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    matter = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                   help_text=_("The matter the files are for (optional)"))


class RemoteCheckSubmitApi(APIView):
    permission_classes = [IsEnterpriseAccount]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request={"multipart/form-data": RemoteCheckSubmitSerializer},
                   responses={201: RemoteCheckDetailSerializer})
    def post(self, request, pk):
        check = remote_check_for_user(user=request.user, remote_check_id=pk)
        body = RemoteCheckSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        matter = None
        if body.validated_data.get("matter"):
            matter = matters_by_code([body.validated_data["matter"]]).get(body.validated_data["matter"])
            if matter is None:
                raise serializers.ValidationError({"matter": [_("Unknown matter code.")]})
        check = remote_check_submit(actor=request.user, remote_check=check, files=body.validated_data["files"],
                                    note=body.validated_data.get("note", ""), matter=matter)
        return Response(RemoteCheckDetailSerializer(check).data, status=status.HTTP_201_CREATED)


class RemoteProblemSerializer(serializers.Serializer):
    matter = serializers.CharField(max_length=40, help_text=_("The code of one of the remote check's matters"))
    description = serializers.CharField(max_length=4000)
    severity = serializers.ChoiceField(choices=Finding.Severity.choices, default=Finding.Severity.MINOR)


class RemoteCheckConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s, s.label) for s in RemoteCheck.CONCLUSIONS])
    conclusion = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    problems = RemoteProblemSerializer(many=True, required=False, max_length=50, help_text=_(
        "With problems found: each problem, on one of the check's matters; each becomes a finding to rectify"))


class RemoteCheckConcludeApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=RemoteCheckConcludeSerializer, responses=RemoteCheckDetailSerializer)
    def post(self, request, pk):
        check = remote_check_for_user(user=request.user, remote_check_id=pk)
        body = RemoteCheckConcludeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        problems = data.get("problems", [])
        found = matters_by_code([p["matter"] for p in problems]) if problems else {}
        unknown = sorted({p["matter"] for p in problems} - set(found))
        if unknown:
            raise serializers.ValidationError({"problems": [_("Unknown matter code(s): %(codes)s") % {
                "codes": ", ".join(unknown)}]})
        check = remote_check_conclude(
            actor=request.user, remote_check=check, outcome=data["outcome"], conclusion=data.get("conclusion", ""),
            problems=[{**p, "matter": found[p["matter"]]} for p in problems],
        )
        return Response(RemoteCheckDetailSerializer(check).data)


class RemoteCheckWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RemoteCheckWithdrawalApi(APIView):
    """The check's agency withdraws it before concluding; the enterprise is told and has nothing more to send."""

    permission_classes = [IsOfficer]

    @extend_schema(request=RemoteCheckWithdrawSerializer, responses=RemoteCheckDetailSerializer)
    def post(self, request, pk):
        check = remote_check_for_user(user=request.user, remote_check_id=pk)
        body = RemoteCheckWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = remote_check_withdraw(actor=request.user, remote_check=check, reason=body.validated_data["reason"])
        return Response(RemoteCheckDetailSerializer(check).data)


class RemoteEvidenceFileApi(APIView):
    """A file sent for a remote check, only to those who may see the check."""

    @extend_schema(responses={(200, "application/pdf"): bytes, (200, "image/*"): bytes})
    def get(self, request, pk):
        return remote_evidence_response(remote_evidence_for_user(user=request.user, evidence_id=pk))


def remote_evidence_response(evidence: RemoteEvidence) -> FileResponse:
    ext = "pdf" if evidence.kind == RemoteEvidence.Kind.DOCUMENT else evidence.path.rsplit(".", 1)[-1]
    response = FileResponse(private_file(evidence.path).open("rb"), content_type=evidence.content_type,
                            filename=f"remote-check-{evidence.remote_check_id}-{evidence.pk}.{ext}")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
