"""The officer app's and the enterprise app's API for the visit itself and what follows it."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.selectors import enterprise_of_user
from plans.access import joint_task_for_user
from plans.api import JointTaskSerializer
from plans.selectors import task_with_details
from yantai_inspect.pagination import LimitOffsetWithoutCount

from . import qrtokens, selectors, services
from .access import finding_for_user, photo_for_user, record_for_user, rectification_for_agency
from .models import Finding, InspectionRecord, Photo, RecordItem, Rectification, Signature
from .uploads import private_file
from .verification import inspection_code


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "url", "width", "height", "size", "sha256", "uploaded_at"]

    def get_url(self, photo) -> str:
        return f"/api/v1/photos/{photo.pk}/"


class FindingSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="item.matter.code", read_only=True)
    matter_name = serializers.CharField(source="item.matter.name", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    enterprise = serializers.CharField(source="record.task.enterprise.uscc", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "record",
            "item",
            "matter",
            "matter_name",
            "agency",
            "enterprise",
            "description",
            "severity",
            "deadline",
            "status",
            "recheck_plan",
            "overdue_flagged_on",
        ]


class RecordItemSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="matter.code")
    matter_name = serializers.CharField(source="matter.name")
    standard = serializers.CharField(source="matter.standard")
    photos = PhotoSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = RecordItem
        fields = ["id", "matter", "matter_name", "standard", "result", "note", "photos", "findings"]


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.__str__")

    class Meta:
        model = Signature
        fields = ["signer", "signed_at", "refused", "objection", "method", "typed_name", "content_hash"]


class RecordBriefSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="task.enterprise.uscc")
    enterprise_name = serializers.CharField(source="task.enterprise.name")
    visit_date = serializers.DateField(source="task.visit_date")

    class Meta:
        model = InspectionRecord
        fields = ["id", "task", "enterprise", "enterprise_name", "visit_date", "status", "finalised_at"]


class RecordSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="task.enterprise.uscc")
    enterprise_name = serializers.CharField(source="task.enterprise.name")
    visit_date = serializers.DateField(source="task.visit_date")
    items = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRecord
        fields = [
            "id",
            "task",
            "enterprise",
            "enterprise_name",
            "visit_date",
            "status",
            "summary",
            "finalised_at",
            "content_hash",
            "items",
            "signature",
            "verify_url",
        ]

    def get_items(self, record) -> list[dict]:
        return RecordItemSerializer(selectors.record_items(record), many=True).data

    def get_signature(self, record) -> dict | None:
        signature = Signature.objects.filter(record=record).select_related("signer").first()
        return SignatureSerializer(signature).data if signature else None

    def get_verify_url(self, record) -> str | None:
        if not record.content_hash:
            return None
        return f"/verify/record/{qrtokens.record_token(record.pk, record.content_hash)}/"


def _officer(request):
    if not request.user.is_officer:
        raise PermissionDenied(_("Only enforcement officers can do this."))


def _enterprise(request):
    if not request.user.is_enterprise:
        raise PermissionDenied(_("Only the enterprise can do this."))


class CheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-180, max_value=180
    )


class CheckInApi(APIView):
    """扫码入企: post the token scanned from the enterprise's licence QR code."""

    @extend_schema(
        request=CheckInSerializer,
        responses=inline_serializer(
            "CheckedIn", {"checked_in": serializers.IntegerField(), "record": serializers.IntegerField(allow_null=True)}
        ),
    )
    def post(self, request, pk):
        _officer(request)
        task = joint_task_for_user(user=request.user, task_id=pk)
        body = CheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.check_in(actor=request.user, task=task, **body.validated_data)
        record = InspectionRecord.objects.filter(task=task).first()
        return Response(
            {"checked_in": services.checked_in_count(task), "record": record.pk if record else None},
            status=status.HTTP_201_CREATED,
        )


class TaskRecordApi(APIView):
    @extend_schema(responses=RecordSerializer)
    def get(self, request, pk):
        task = joint_task_for_user(user=request.user, task_id=pk)
        record = InspectionRecord.objects.filter(task=task).first()
        if record is None:
            return Response(
                {
                    "detail": _("The record opens when two certified officers have checked in."),
                    "checked_in": services.checked_in_count(task),
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(RecordSerializer(record).data)


class RecordListApi(APIView):
    """Records the caller may see (an enterprise: its own; an agency: those of its visits), newest first;
    ``?status=final`` lists the ones awaiting the enterprise's signature."""

    @extend_schema(
        parameters=[OpenApiParameter("status", str, description="draft, final, signed or refused")],
        responses=RecordBriefSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.records_for_user(user=request.user).order_by("-started_at")
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        page = LimitOffsetWithoutCount()
        items = page.paginate_queryset(qs, request, view=self)
        return page.get_paginated_response(RecordBriefSerializer(items, many=True).data)


class RecordDetailApi(APIView):
    @extend_schema(responses=RecordSerializer)
    def get(self, request, pk):
        return Response(RecordSerializer(record_for_user(user=request.user, record_id=pk)).data)


def _item_for_officer(request, pk) -> RecordItem:
    item = RecordItem.objects.select_related("record").filter(pk=pk).first()
    if item is None:
        raise Http404
    record_for_user(user=request.user, record_id=item.record_id)
    _officer(request)
    return item


class ItemSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[c for c in RecordItem.Result.choices if c[0]])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RecordItemApi(APIView):
    @extend_schema(request=ItemSerializer, responses=RecordItemSerializer)
    def patch(self, request, pk):
        item = _item_for_officer(request, pk)
        body = ItemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.record_item_set(actor=request.user, item=item, **body.validated_data)
        return Response(RecordItemSerializer(item).data)


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()


class RecordItemPhotoApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer})
    def post(self, request, pk):
        item = _item_for_officer(request, pk)
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.photo_add(actor=request.user, item=item, upload=body.validated_data["photo"])
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class FindingInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    severity = serializers.ChoiceField(choices=Finding.Severity.choices)
    deadline = serializers.DateField()


class RecordItemFindingApi(APIView):
    @extend_schema(request=FindingInputSerializer, responses={201: FindingSerializer})
    def post(self, request, pk):
        item = _item_for_officer(request, pk)
        body = FindingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.finding_add(actor=request.user, item=item, **body.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class RecordFinaliseApi(APIView):
    @extend_schema(request=SummarySerializer, responses=RecordSerializer)
    def post(self, request, pk):
        _officer(request)
        record = record_for_user(user=request.user, record_id=pk)
        body = SummarySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.record_finalise(actor=request.user, record=record, **body.validated_data)
        return Response(RecordSerializer(record).data)


class SignSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Signature.Method.choices)
    typed_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    confirmed = serializers.BooleanField(required=False, default=False)
    signature = serializers.FileField(required=False, help_text=_("PNG of the drawn signature"))


class RecordSignApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=SignSerializer, responses=SignatureSerializer)
    def post(self, request, pk):
        _enterprise(request)
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


class ObjectionSerializer(serializers.Serializer):
    objection = serializers.CharField(max_length=4000)


class RecordRefuseApi(APIView):
    @extend_schema(request=ObjectionSerializer, responses=SignatureSerializer)
    def post(self, request, pk):
        _enterprise(request)
        record = record_for_user(user=request.user, record_id=pk)
        body = ObjectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signature = services.record_refuse(actor=request.user, record=record, **body.validated_data)
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class RecordPdfApi(APIView):
    """The PDF of the record, once rendered (202 while the worker is still rendering it)."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        if not record.pdf_path:
            return Response({"detail": _("The PDF is being generated.")}, status=status.HTTP_202_ACCEPTED)
        return FileResponse(
            private_file(record.pdf_path).open("rb"),
            content_type="application/pdf",
            filename=f"inspection-record-{record.pk}.pdf",
        )


class PhotoFileApi(APIView):
    """A stored photo, only to those who may see its record."""

    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, pk):
        photo = photo_for_user(user=request.user, photo_id=pk)
        response = FileResponse(private_file(photo.path).open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class FindingListApi(APIView):
    """An officer's agency's rectification queue, or an enterprise's own findings."""

    @extend_schema(responses=FindingSerializer(many=True))
    def get(self, request):
        if request.user.is_officer:
            qs = selectors.findings_for_agency(user=request.user)
        elif request.user.is_enterprise:
            enterprise = enterprise_of_user(user=request.user)
            qs = selectors.findings_for_enterprise(enterprise=enterprise) if enterprise else Finding.objects.none()
        else:
            raise PermissionDenied
        return Response(
            FindingSerializer(qs.select_related("item__matter", "agency", "record__task__enterprise"), many=True).data
        )


class RectificationSubmitSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9)


class RectificationSerializer(serializers.ModelSerializer):
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = ["id", "finding", "note", "status", "submitted_at", "reviewed_at", "review_reason", "photos"]


class RectificationSubmitApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": RectificationSubmitSerializer}, responses={201: RectificationSerializer}
    )
    def post(self, request, pk):
        _enterprise(request)
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
    accept = True

    @extend_schema(request=ReasonSerializer, responses=RectificationSerializer)
    def post(self, request, pk):
        _officer(request)
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
    @extend_schema(
        request=RecheckSerializer, responses=inline_serializer("RecheckPlanFiled", {"plan": serializers.IntegerField()})
    )
    def post(self, request, pk):
        _officer(request)
        finding = finding_for_user(user=request.user, finding_id=pk)
        body = RecheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.finding_schedule_recheck(actor=request.user, finding=finding, **body.validated_data)
        return Response({"plan": plan.pk}, status=status.HTTP_201_CREATED)


class EnterpriseQrApi(APIView):
    """The enterprise's own electronic-licence QR token, for the enterprise app to display."""

    @extend_schema(
        responses=inline_serializer("EnterpriseQr", {"token": serializers.CharField(), "uscc": serializers.CharField()})
    )
    def get(self, request):
        _enterprise(request)
        enterprise = enterprise_of_user(user=request.user)
        if enterprise is None:
            raise PermissionDenied
        return Response({"uscc": enterprise.uscc, "token": qrtokens.enterprise_token(enterprise.uscc)})


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

    @extend_schema(responses=VisitNoticeSerializer)
    def get(self, request, pk):
        _enterprise(request)
        task = joint_task_for_user(user=request.user, task_id=pk)
        if not task.has_notice:
            raise Http404
        return Response(VisitNoticeSerializer(task_with_details(task.pk)).data)


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
        from .verification import inspection_verification

        return Response(inspection_verification(token))
