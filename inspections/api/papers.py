"""The enforcement papers of a record (执法文书): listed for whoever may see the record, downloaded through the
same check, and verified publicly by their QR token."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import qrtokens, selectors
from ..access import paper_for_user, record_for_user
from ..models import Paper
from ..uploads import private_file
from .files import RETRY_AFTER_SECONDS

TOKEN_MAX_CHARS = 500


class PaperSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    pdf = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Paper
        fields = [
            "id",
            "kind",
            "number",
            "agency",
            "year",
            "sequence",
            "issued_at",
            "content_hash",
            "pdf",
            "verify_url",
        ]

    def get_pdf(self, paper) -> str:
        return f"/api/v1/papers/{paper.pk}/pdf/"

    def get_verify_url(self, paper) -> str:
        from ..paper_pdf import paper_verify_url

        return paper_verify_url(paper)


class RecordPapersApi(APIView):
    """The papers issued on a record, oldest first."""

    @extend_schema(responses=PaperSerializer(many=True))
    def get(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        return Response(
            PaperSerializer(selectors.papers_of_record(user=request.user, record_id=record.pk), many=True).data
        )


class PaperPdfApi(APIView):
    """A paper's PDF, once rendered (202 while the worker is still rendering it)."""

    @extend_schema(
        responses={
            (200, "application/pdf"): bytes,
            202: inline_serializer("PaperPdfPending", {"detail": serializers.CharField()}),
        }
    )
    def get(self, request, pk):
        paper = paper_for_user(user=request.user, paper_id=pk)
        if not paper.pdf_path:
            response = Response({"detail": _("The PDF is being generated.")}, status=status.HTTP_202_ACCEPTED)
            response["Retry-After"] = RETRY_AFTER_SECONDS
            return response
        return FileResponse(
            private_file(paper.pdf_path).open("rb"), content_type="application/pdf", filename=f"paper-{paper.pk}.pdf"
        )


class PaperVerifyApi(APIView):
    """Public: did the platform issue this paper, and is it unchanged?"""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer(
            "PaperVerification",
            {
                "found": serializers.BooleanField(),
                "unchanged": serializers.BooleanField(required=False),
                "kind": serializers.CharField(required=False),
                "number": serializers.CharField(required=False),
                "enterprise": serializers.CharField(required=False),
                "agency": serializers.CharField(required=False),
                "issued_on": serializers.CharField(required=False),
            },
        )
    )
    def get(self, request, token):
        result = {"found": False}
        if len(token) <= TOKEN_MAX_CHARS:
            try:
                paper_id, token_hash = qrtokens.read_paper_token(token)
            except qrtokens.TokenError:
                pass
            else:
                result = selectors.paper_verify(paper_id=paper_id, token_hash=token_hash)
        if not result["found"]:
            return Response({"found": False})
        paper = result["paper"]
        return Response(
            {
                "found": True,
                "unchanged": result["unchanged"],
                "kind": paper.kind,
                "number": paper.number,
                "enterprise": paper.content.get("enterprise", {}).get("name", ""),
                "agency": paper.agency.name,
                "issued_on": paper.content.get("issued_on", ""),
            }
        )
