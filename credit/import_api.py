"""Credit-grade imports through the API (the city justice bureau, platform administrators): upload a CSV (its
import runs in the background), list the imports, read one's progress and bad rows, run one again. The portal's
page polls the detail for its progress bar."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import api_permission

from .access import grade_import_for_user
from .grade_imports import grade_import_rerun, grade_import_start, require_grade_importer
from .models import CreditGradeImport
from .selectors import grade_imports_newest

IsGradeImporter = api_permission(require_grade_importer, "IsGradeImporter")


class GradeImportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    percent = serializers.IntegerField()
    uploaded_by = serializers.CharField(source="uploaded_by.username", allow_null=True, default=None)
    bad_rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("The first bad rows: [line, credit code, reason]"),
    )

    class Meta:
        model = CreditGradeImport
        fields = ["id", "file_name", "status", "status_label", "percent", "runs", "total_lines", "done_lines",
                  "created", "updated", "unchanged", "bad", "bad_rows", "error", "uploaded_by", "uploaded_at",
                  "started_at", "finished_at"]


class GradeImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV, UTF-8: uscc,grade,source,valid_from,valid_to"))


class GradeImportListApi(generics.ListAPIView):
    """GET: the imports, newest first. POST: upload a CSV of grades; its import runs in the background (202)."""

    permission_classes = [IsGradeImporter]
    serializer_class = GradeImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return grade_imports_newest()

    @extend_schema(request={"multipart/form-data": GradeImportUploadSerializer},
                   responses={202: GradeImportSerializer})
    def post(self, request):
        body = GradeImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = grade_import_start(actor=request.user, upload=body.validated_data["file"])
        return Response(GradeImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class GradeImportDetailApi(APIView):
    """One import: its status, progress, counts and first bad rows."""

    permission_classes = [IsGradeImporter]

    @extend_schema(responses=GradeImportSerializer)
    def get(self, request, pk):
        return Response(GradeImportSerializer(grade_import_for_user(user=request.user, import_id=pk)).data)


class GradeImportRerunApi(APIView):
    """Run a finished or failed import again (or one whose worker stopped midway): 202."""

    permission_classes = [IsGradeImporter]

    @extend_schema(request=None, responses={202: GradeImportSerializer})
    def post(self, request, pk):
        job = grade_import_rerun(actor=request.user, job=grade_import_for_user(user=request.user, import_id=pk))
        return Response(GradeImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)


urlpatterns_api = [
    ("credit-grade-imports/", GradeImportListApi, "api-credit-grade-imports"),
    ("credit-grade-imports/<int:pk>/", GradeImportDetailApi, "api-credit-grade-import"),
    ("credit-grade-imports/<int:pk>/rerun/", GradeImportRerunApi, "api-credit-grade-import-rerun"),
]
