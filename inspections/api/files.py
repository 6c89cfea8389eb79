"""Stored files, only to those who may see their record: the record's PDF and the photos."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import photo_for_user, record_for_user
from ..uploads import private_file

RETRY_AFTER_SECONDS = 5  # a record renders in about a second once the worker takes it


class RecordPdfApi(APIView):
    """The PDF of the record, once rendered (202 while the worker is still rendering it)."""

    @extend_schema(
        responses={
            (200, "application/pdf"): bytes,
            202: inline_serializer("PdfPending", {"detail": serializers.CharField()}),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After", int, OpenApiParameter.HEADER, response=[202], description="seconds to wait"
            )
        ],
    )
    def get(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        if not record.pdf_is_current:
            # Not yet rendered, or rendered before the signature: never hand out the unsigned copy as final.
            response = Response({"detail": _("The PDF is being generated.")}, status=status.HTTP_202_ACCEPTED)
            response["Retry-After"] = RETRY_AFTER_SECONDS
            return response
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
