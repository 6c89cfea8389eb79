"""Complaints through the API (the enterprise app 爱山东, the justice bureau): the same services as the pages.
Input serializers parse; ``complaints.services`` decides."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import ADMIN, ENTERPRISE, JUSTICE, IsJustice, portal_of
from accounts.models import Agency, User
from plans.access import joint_task_for_user

from . import selectors, services
from .models import Complaint, ComplaintStep

INT_MAX = 2**63 - 1


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintStep
        fields = ["action", "status", "note", "actor_repr", "at"]


class ComplaintSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    justice_bureau = serializers.CharField(source="justice_bureau.code")
    officer = serializers.CharField(source="officer.username", default=None, allow_null=True)
    visit_date = serializers.DateField(source="task.visit_date", default=None, allow_null=True)

    class Meta:
        model = Complaint
        fields = ["id", "enterprise", "kind", "source", "text", "task", "visit_date", "officer", "inspection_code",
                  "justice_bureau", "status", "received_on", "accept_due", "reply_due", "extension_workdays",
                  "extension_reason", "outcome", "decided_on", "overdue_since", "hotline_delivery", "hotline_ticket",
                  "hotline_attempts", "created_at"]


class ComplaintDetailSerializer(ComplaintSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "steps"]


class ComplaintInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Complaint.Kind.choices)
    text = serializers.CharField(max_length=services.TEXT_MAX)
    task = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False,
                                    help_text=_("The visit complained about"))
    officer = serializers.CharField(max_length=150, required=False, help_text=_("Username of an officer of it"))
    inspection_code = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ComplaintListApi(generics.ListAPIView):
    """An enterprise's complaints or a justice bureau's (GET); an enterprise complains (POST)."""

    serializer_class = ComplaintSerializer

    def get_queryset(self):
        return selectors.complaints_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        if portal_of(request.user) not in (ENTERPRISE, JUSTICE, ADMIN):
            raise PermissionDenied(_("Only the enterprise and the justice bureau see complaints."))
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ComplaintInputSerializer, responses={201: ComplaintDetailSerializer})
    def post(self, request):
        body = ComplaintInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if portal_of(request.user) != ENTERPRISE:
            raise PermissionDenied(_("Only the enterprise can do this."))
        task = joint_task_for_user(user=request.user, task_id=data["task"]) if data.get("task") else None
        officer = None
        if data.get("officer"):
            officer = User.objects.filter(username=data["officer"], plans__joint_task=task).first() if task else None
            if officer is None:
                raise serializers.ValidationError({"officer": [_("No such officer on this visit.")]})
        complaint = services.complaint_file(actor=request.user, kind=data["kind"], text=data["text"], task=task,
                                            officer=officer, inspection_code=data.get("inspection_code", ""),
                                            source=Complaint.Source.API)
        return Response(ComplaintDetailSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetailApi(generics.RetrieveAPIView):
    """One complaint with its steps (the enterprise's own, the bureau's)."""

    serializer_class = ComplaintDetailSerializer

    def get_object(self):
        return selectors.complaint_for_user(user=self.request.user, complaint_id=self.kwargs["pk"])


class ActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["accept", "investigate", "uphold", "dismiss", "close", "extend",
                                              "return"])
    note = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)
    workdays = serializers.IntegerField(min_value=1, max_value=99, required=False)
    to_bureau = serializers.SlugRelatedField(slug_field="code", required=False,
                                             queryset=Agency.objects.filter(is_justice_bureau=True, active=True))


class ComplaintActionApi(APIView):
    """The justice bureau's step: accept, investigate, uphold / dismiss (with the outcome in ``note``), close,
    extend (``workdays`` and the reason in ``note``), return (``to_bureau`` and the reason)."""

    permission_classes = [IsJustice]

    @extend_schema(request=ActionInputSerializer, responses={200: ComplaintDetailSerializer})
    def post(self, request, pk):
        body = ActionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        complaint = selectors.complaint_for_user(user=request.user, complaint_id=pk)
        complaint = services.complaint_act(actor=request.user, complaint=complaint, data=body.validated_data)
        return Response(ComplaintDetailSerializer(complaint).data)
