"""On site through the officer app: check-in with the licence QR token, the record and its items (results,
photos, findings), finalising; and the records a reader may see."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOfficer, require_officer
from plans.access import joint_task_for_user
from plans.listing import ListPage

from .. import selectors, services
from ..access import record_for_user, record_item_for_user
from ..models import Finding, InspectionRecord, RecordItem
from .serializers import (
    FindingSerializer,
    PhotoSerializer,
    RecordBriefSerializer,
    RecordItemSerializer,
    RecordSerializer,
)


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

    permission_classes = [IsOfficer]

    @extend_schema(
        request=CheckInSerializer,
        responses=inline_serializer(
            "CheckedIn", {"checked_in": serializers.IntegerField(), "record": serializers.IntegerField(allow_null=True)}
        ),
    )
    def post(self, request, pk):
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


_FINALISED_AT = serializers.DateTimeField()  # RecordBriefSerializer's rendering of the time, for the rows


class RecordListApi(APIView):
    """Records the caller may see (an enterprise: its own; an agency: those of its visits), newest first;
    ``?status=final`` lists the ones awaiting the enterprise's signature."""

    # APIView does not page by itself: the GET uses it, and drf-spectacular documents the list as the page it is.
    pagination_class = ListPage

    @extend_schema(
        parameters=[OpenApiParameter("status", str, description="draft, final, signed or refused")],
        responses=RecordBriefSerializer(many=True),
    )
    def get(self, request):
        # Rows as dicts in RecordBriefSerializer's shape, newest visit first (selectors.records_newest_first).
        qs = selectors.records_newest_first(user=request.user, status=request.query_params.get("status", ""))
        page = self.pagination_class()
        results = [
            {
                "id": row["record_id"],
                "task": row["task_id"],
                "enterprise": row["enterprise_uscc"],
                "enterprise_name": row["enterprise_name"],
                "visit_date": row["visit_date"].isoformat(),
                "status": row["record_status"],
                "finalised_at": _FINALISED_AT.to_representation(row["finalised_at"]) if row["finalised_at"] else None,
            }
            for row in page.paginate_queryset(qs, request, view=self)
        ]
        return page.get_paginated_response(results)


class RecordDetailApi(APIView):
    @extend_schema(responses=RecordSerializer)
    def get(self, request, pk):
        return Response(RecordSerializer(record_for_user(user=request.user, record_id=pk)).data)


def _item_for_officer(request, pk) -> RecordItem:
    item = record_item_for_user(user=request.user, item_id=pk)
    require_officer(request.user)
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
    permission_classes = [IsOfficer]

    @extend_schema(request=SummarySerializer, responses=RecordSerializer)
    def post(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        body = SummarySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.record_finalise(actor=request.user, record=record, **body.validated_data)
        return Response(RecordSerializer(record).data)
