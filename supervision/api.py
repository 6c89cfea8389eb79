"""Supervision opinions through the API (the justice bureau, the officer app): the same services as the pages.
Input serializers parse; ``supervision.services`` decides; ``supervision.access`` finds the objects."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import ADMIN, AGENCY, JUSTICE, IsJustice, IsOfficer, portal_of
from accounts.models import Agency
from complaints.selectors import complaint_for_user
from plans.access import joint_task_for_user, plan_for_user
from yantai_inspect.inputs import INT_MAX

from . import selectors, services
from .access import opinion_for_user
from .models import Opinion, OpinionStep


class OpinionStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionStep
        fields = ["action", "status", "note", "actor_repr", "at"]


class OpinionSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    justice_bureau = serializers.CharField(source="justice_bureau.code")

    class Meta:
        model = Opinion
        fields = ["id", "kind", "subject", "plan", "task", "complaint", "agency", "justice_bureau", "text",
                  "issued_on", "due_workdays", "due_on", "status", "answer", "answered_on", "answers",
                  "review_note", "overdue_since", "created_at"]


class OpinionDetailSerializer(OpinionSerializer):
    steps = OpinionStepSerializer(many=True, read_only=True)

    class Meta(OpinionSerializer.Meta):
        fields = [*OpinionSerializer.Meta.fields, "steps"]


class OpinionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Opinion.Kind.choices)
    plan = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False,
                                    help_text=_("The plan (or green-channel inspection) it is about"))
    task = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False,
                                    help_text=_("The joint visit it is about"))
    complaint = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False,
                                         help_text=_("The upheld complaint it is about"))
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.filter(active=True),
                                          help_text=_("Code of the agency it is addressed to"))
    text = serializers.CharField(max_length=services.TEXT_MAX)
    due_workdays = serializers.IntegerField(min_value=1, max_value=99, required=False)


class OpinionListApi(generics.ListAPIView):
    """The opinions a justice bureau issued or an agency received, newest first (GET, ?overdue=1); the bureau
    issues one about exactly one of plan, task or complaint (POST; a green-channel plan judged unjustified is
    a green-channel opinion)."""

    serializer_class = OpinionSerializer

    def get_queryset(self):
        qs = selectors.opinions_for_user(user=self.request.user)
        if self.request.query_params.get("overdue") == "1":
            qs = qs.filter(overdue_since__isnull=False, status__in=Opinion.AWAITING_ANSWER)
        return qs

    def list(self, request, *args, **kwargs):
        if portal_of(request.user) not in (AGENCY, JUSTICE, ADMIN):
            raise PermissionDenied(_("Only the justice bureau and the agencies see supervision opinions."))
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OpinionInputSerializer, responses={201: OpinionDetailSerializer})
    def post(self, request):
        body = OpinionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if portal_of(request.user) != JUSTICE:
            raise PermissionDenied(_("Only the justice bureau can do this."))
        named = [name for name in ("plan", "task", "complaint") if data.get(name)]
        if len(named) != 1:
            raise serializers.ValidationError({"plan": [_("Name exactly one of plan, task or complaint.")]})
        user, pk = request.user, data[named[0]]
        if named[0] == "plan":
            plan = plan_for_user(user=user, plan_id=pk)
            subject = (Opinion.Subject.GREEN_CHANNEL if plan.urgent and plan.post_review == "unjustified"
                       else Opinion.Subject.PLAN)
            objects = {"plan": plan}
        elif named[0] == "task":
            subject, objects = Opinion.Subject.VISIT, {"task": joint_task_for_user(user=user, task_id=pk)}
        else:
            subject = Opinion.Subject.COMPLAINT
            objects = {"complaint": complaint_for_user(user=user, complaint_id=pk)}
        opinion = services.opinion_issue(actor=user, kind=data["kind"], subject=subject, agency=data["agency"],
                                         text=data["text"], due_workdays=data.get("due_workdays"), **objects)
        return Response(OpinionDetailSerializer(opinion).data, status=status.HTTP_201_CREATED)


class OpinionDetailApi(generics.RetrieveAPIView):
    """One opinion with its steps (the issuing bureau's, the agency's)."""

    serializer_class = OpinionDetailSerializer

    def get_object(self):
        return opinion_for_user(user=self.request.user, opinion_id=self.kwargs["pk"])


class OpinionAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=services.TEXT_MAX)


class OpinionAnswerApi(APIView):
    """An officer of the agency answers the opinion (issued or returned)."""

    permission_classes = [IsOfficer]

    @extend_schema(request=OpinionAnswerInputSerializer, responses={200: OpinionDetailSerializer})
    def post(self, request, pk):
        body = OpinionAnswerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opinion = opinion_for_user(user=request.user, opinion_id=pk)
        opinion = services.opinion_answer(actor=request.user, opinion=opinion, answer=body.validated_data["answer"])
        return Response(OpinionDetailSerializer(opinion).data)


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accept", _("Accept the answer")),
                                                ("return", _("Return for a new answer"))])
    note = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)


class OpinionReviewApi(APIView):
    """The issuing bureau accepts the answer or returns it (``note``: the reason, required to return)."""

    permission_classes = [IsJustice]

    @extend_schema(request=ReviewInputSerializer, responses={200: OpinionDetailSerializer})
    def post(self, request, pk):
        body = ReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opinion = opinion_for_user(user=request.user, opinion_id=pk)
        opinion = services.opinion_review(actor=request.user, opinion=opinion,
                                          accept=body.validated_data["decision"] == "accept",
                                          note=body.validated_data.get("note", ""))
        return Response(OpinionDetailSerializer(opinion).data)


class OpinionCountsApi(APIView):
    """The issuing bureau's opinions counted by agency, kind and state (``selectors.opinion_counts``)."""

    permission_classes = [IsJustice]

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.DictField())})
    def get(self, request):
        return Response(selectors.opinion_counts(justice_bureau=request.user.agency))
