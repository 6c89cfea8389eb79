"""Stored files, only to those who may see their record: the record's PDF and the photos."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import photo_for_user, record_for_user
from ..uploads import private_file


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
