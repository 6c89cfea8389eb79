"""检查审批 through the API: the agency head's queue and decision (``plans.services.approval``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsAgencyHead

from .. import services
from ..access import plan_for_user
from ..approval import approval_queue
from .reviews import REVIEW_DECISIONS
from .serializers import NoteSerializer, PlanSerializer


class HeadDecisionSerializer(NoteSerializer):
    decision = serializers.ChoiceField(choices=REVIEW_DECISIONS)


class ApprovalQueueApi(generics.ListAPIView):
    """The plans waiting for the head of the caller's agency, oldest first."""

    permission_classes = [IsAgencyHead]
    serializer_class = PlanSerializer

    def get_queryset(self):
        return approval_queue(user=self.request.user)


class PlanHeadApprovalApi(APIView):
    """The agency head approves (``decision=approve``) or rejects with an opinion (``decision=reject``,
    ``note`` required) a plan waiting for it."""

    permission_classes = [IsAgencyHead]

    @extend_schema(request=HeadDecisionSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        body = HeadDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_head_decide(
            actor=request.user,
            plan=plan_for_user(user=request.user, plan_id=pk),
            approve=body.validated_data["decision"] == "approve",
            note=body.validated_data.get("note", ""),
        )
        return Response(PlanSerializer(plan).data)
