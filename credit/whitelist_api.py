"""Credit through the API: the justice bureau's whitelist candidates and decisions, the enterprise's own
credit, and the public whitelist (no login)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsEnterpriseAccount, IsJustice
from enterprises.access import require_enterprise

from . import selectors
from .access import candidate_for_user
from .models import WhitelistEntry
from .whitelist import REASON_MAX_CHARS, whitelist_decide

# The justice bureau's decision on a candidate (its own words: "decline" is not an invitation's 不参加).
WHITELIST_DECISIONS = [("confirm", _("Confirm the listing")), ("decline", _("Decline the listing"))]


class CandidateSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    division = serializers.CharField(source="enterprise.division")

    class Meta:
        model = WhitelistEntry
        fields = ["id", "enterprise", "enterprise_name", "division", "status", "proposed_on", "listed_on",
                  "reason", "decided_on"]


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=WHITELIST_DECISIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_CHARS)


class PublicWhitelistSerializer(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()
    division = serializers.CharField()
    division_name = serializers.CharField()
    since = serializers.DateField()


class WhitelistCandidateListApi(generics.ListAPIView):
    """Whitelist candidates waiting for this justice bureau (its divisions), oldest first."""

    permission_classes = [IsJustice]
    serializer_class = CandidateSerializer

    def get_queryset(self):
        return selectors.whitelist_candidates(user=self.request.user)


class WhitelistDecideApi(APIView):
    """The justice bureau confirms a candidate onto the whitelist or declines it (a reason is required)."""

    permission_classes = [IsJustice]

    @extend_schema(request=DecisionSerializer, responses=CandidateSerializer)
    def post(self, request, pk):
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = whitelist_decide(
            actor=request.user,
            entry=candidate_for_user(user=request.user, entry_id=pk),
            confirm=body.validated_data["decision"] == "confirm",
            reason=body.validated_data.get("reason", ""),
        )
        return Response(CandidateSerializer(entry).data)


class PublicWhitelistApi(generics.ListAPIView):
    """The published whitelist: name, credit code, division and since when, newest first. No login."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicWhitelistSerializer

    def get_queryset(self):
        return selectors.whitelist_public()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([selectors.public_row(e) for e in page])


class MyCreditApi(APIView):
    """The enterprise's own credit: current grade, its source and validity, whitelist state."""

    permission_classes = [IsEnterpriseAccount]

    @extend_schema(responses=inline_serializer("Credit", {
        "grade": serializers.CharField(allow_null=True), "grade_label": serializers.CharField(allow_null=True),
        "source": serializers.CharField(allow_null=True), "valid_from": serializers.DateField(allow_null=True),
        "valid_to": serializers.DateField(allow_null=True), "whitelisted": serializers.BooleanField(),
        "whitelisted_since": serializers.DateField(allow_null=True),
    }))
    def get(self, request):
        enterprise = require_enterprise(request.user)
        return Response(selectors.credit_summary(enterprise_id=enterprise.pk))


urlpatterns_api = [
    ("whitelist/", PublicWhitelistApi, "api-public-whitelist"),
    ("whitelist/candidates/", WhitelistCandidateListApi, "api-whitelist-candidates"),
    ("whitelist/candidates/<int:pk>/decide/", WhitelistDecideApi, "api-whitelist-decide"),
    ("my-enterprise/credit/", MyCreditApi, "api-my-credit"),
]
