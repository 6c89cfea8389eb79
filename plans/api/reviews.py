"""The justice bureau's reviews through the API: whitelist reviews, green-channel reviews after the fact, the queue."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsJustice

from .. import listing, selectors, services
from ..access import plan_for_user
from .serializers import NoteSerializer, PlanSerializer

# A review's decision: the justice bureau's on a whitelist plan, the agency head's on its officer's plan
# (plans.api.approval).
REVIEW_DECISIONS = [("approve", _("Approve")), ("reject", _("Reject"))]


class ReviewSerializer(NoteSerializer):
    decision = serializers.ChoiceField(choices=REVIEW_DECISIONS)


class PostReviewSerializer(NoteSerializer):
    decision = serializers.ChoiceField(choices=[("justified", _("Justified")), ("unjustified", _("Not justified"))])


class PlanReviewApi(APIView):
    """The justice bureau approves or rejects a plan on a whitelisted enterprise."""

    permission_classes = [IsJustice]

    @extend_schema(request=ReviewSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_review(
            actor=request.user,
            plan=plan_for_user(user=request.user, plan_id=pk),
            approve=body.validated_data["decision"] == "approve",
            note=body.validated_data.get("note", ""),
        )
        return Response(PlanSerializer(plan).data)


class PlanPostReviewApi(APIView):
    """The justice bureau marks a green-channel inspection justified or not, after the fact."""

    permission_classes = [IsJustice]

    @extend_schema(request=PostReviewSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        body = PostReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_post_review(
            actor=request.user,
            plan=plan_for_user(user=request.user, plan_id=pk),
            justified=body.validated_data["decision"] == "justified",
            note=body.validated_data.get("note", ""),
        )
        return Response(PlanSerializer(plan).data)


class ReviewQueueApi(generics.ListAPIView):
    """Plans waiting for this justice bureau: ``?queue=whitelist`` (default) or ``?queue=green_channel``."""

    permission_classes = [IsJustice]
    serializer_class = PlanSerializer  # the shape (schema); the rows are ``plans.listing``'s dicts
    pagination_class = listing.ListPage

    @extend_schema(parameters=[OpenApiParameter("queue", str, enum=["whitelist", "green_channel"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.request.query_params.get("queue") == "green_channel":
            return selectors.post_review_queue(user=self.request.user)
        return selectors.review_queue(user=self.request.user)

    def list(self, request, *args, **kwargs):
        rows = listing.plan_details(self.paginate_queryset(listing.late_rows(self.get_queryset(), listing.plan_values)))
        return self.get_paginated_response([listing.plan_api(row) for row in rows])
