"""回避 through the API: the officer's declared conflicts, the enterprise's recusal requests, the agency's
decision. Input serializers parse; ``plans.recusal`` decides."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOfficer, portal_of
from enterprises.access import enterprise_for_user, require_enterprise

from .. import recusal
from ..models import OfficerConflict, RecusalRequest


class ConflictSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = OfficerConflict
        fields = ["id", "enterprise", "enterprise_name", "source", "reason", "created_at"]


class ConflictInputSerializer(serializers.Serializer):
    enterprise = serializers.CharField(max_length=18, help_text=_("Unified social credit code"))
    reason = serializers.CharField(max_length=recusal.REASON_MAX)


class ConflictListApi(generics.ListCreateAPIView):
    """The officer's own conflicts of interest (GET) and a new declaration (POST)."""

    permission_classes = [IsOfficer]
    serializer_class = ConflictSerializer

    def get_queryset(self):
        return recusal.conflicts_of_officer(officer=self.request.user)

    @extend_schema(request=ConflictInputSerializer, responses={201: ConflictSerializer})
    def post(self, request):
        body = ConflictInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise = enterprise_for_user(user=request.user, uscc=body.validated_data["enterprise"].upper())
        conflict = recusal.conflict_declare(actor=request.user, enterprise=enterprise,
                                            reason=body.validated_data["reason"])
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


class RecusalSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    agency = serializers.CharField(source="agency.code")
    officer = serializers.CharField(source="officer.username")
    officer_name = serializers.CharField(source="officer.__str__")
    visit_date = serializers.DateField(source="plan.joint_task.visit_date", default=None, allow_null=True)

    class Meta:
        model = RecusalRequest
        fields = ["id", "enterprise", "agency", "plan", "visit_date", "officer", "officer_name", "reason", "status",
                  "requested_at", "decided_at", "decision_reason"]


class RecusalInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    officer = serializers.CharField(max_length=150, help_text=_("Username of an officer named on the plan"))
    reason = serializers.CharField(max_length=recusal.REASON_MAX)


class RecusalListApi(generics.ListAPIView):
    """Recusal requests: an agency's officers see the agency's, an enterprise its own; an enterprise asks
    (POST) that an officer named on one of its planned visits step aside."""

    serializer_class = RecusalSerializer

    def get_queryset(self):
        user = self.request.user
        if portal_of(user) == "agency" and user.agency_id:
            return recusal.recusals_for_agency(agency=user.agency)
        if portal_of(user) == "enterprise":
            return recusal.recusals_for_enterprise(enterprise=require_enterprise(user))
        raise PermissionDenied(_("Only agencies and enterprises have recusal requests."))

    @extend_schema(request=RecusalInputSerializer, responses={201: RecusalSerializer})
    def post(self, request):
        enterprise = require_enterprise(request.user)
        body = RecusalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = recusal.plan_of_enterprise(enterprise=enterprise, plan_id=body.validated_data["plan"])
        officer = plan.officers.filter(username=body.validated_data["officer"]).first()
        if officer is None:
            raise serializers.ValidationError({"officer": [_("This officer is not named on the plan.")]})
        item = recusal.recusal_request(actor=request.user, plan=plan, officer=officer,
                                       reason=body.validated_data["reason"])
        return Response(RecusalSerializer(item).data, status=status.HTTP_201_CREATED)


class RecusalDecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    reason = serializers.CharField(max_length=recusal.REASON_MAX, required=False, allow_blank=True,
                                   help_text=_("Required to refuse"))


class RecusalDecideApi(APIView):
    """The officer's agency grants (the officer steps aside) or refuses (with a reason) a recusal request."""

    permission_classes = [IsOfficer]

    @extend_schema(request=RecusalDecisionSerializer, responses=RecusalSerializer)
    def post(self, request, pk):
        body = RecusalDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = recusal.recusal_for_user(user=request.user, request_id=pk)
        item = recusal.recusal_decide(actor=request.user, request=item, grant=body.validated_data["grant"],
                                      reason=body.validated_data.get("reason", ""))
        return Response(RecusalSerializer(item).data)
