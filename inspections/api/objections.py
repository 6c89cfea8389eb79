"""Objections to findings and the enterprise's replies through the API (爱山东, 山东通, the justice bureau): the
same services and the same decider rule (``inspections.access.require_objection_decider``) as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsEnterpriseAccount
from yantai_inspect.inputs import INT_MAX

from .. import selectors
from ..access import finding_for_user, objection_for_user, record_for_user
from ..models import Objection
from ..services import objections as services
from .serializers import ObjectionSerializer


class ObjectionInputSerializer(serializers.Serializer):
    finding = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text=_("The finding objected to"))
    text = serializers.CharField(max_length=services.TEXT_MAX)


class ObjectionListApi(generics.ListAPIView):
    """The objections the caller may read, newest first (?pending=1: those awaiting a decision): the
    enterprise's own, those on the findings of an officer's agency, those in a justice bureau's area."""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        qs = selectors.objections_for_user(user=self.request.user)
        if self.request.query_params.get("pending") == "1":
            qs = qs.filter(status=Objection.Status.PENDING)
        return qs


class RecordObjectionsApi(APIView):
    """A record's objections (GET: whoever may read the record); the enterprise objects to one of its findings
    within the window after signing or refusing (POST)."""

    def get_permissions(self):
        extra = [IsEnterpriseAccount()] if self.request.method == "POST" else []
        return [*super().get_permissions(), *extra]

    @extend_schema(responses=ObjectionSerializer(many=True))
    def get(self, request, pk):
        record = record_for_user(user=request.user, record_id=pk)
        return Response(ObjectionSerializer(selectors.objections_of_record(record), many=True).data)

    @extend_schema(request=ObjectionInputSerializer, responses={201: ObjectionSerializer})
    def post(self, request, pk):
        body = ObjectionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = record_for_user(user=request.user, record_id=pk)
        finding = finding_for_user(user=request.user, finding_id=body.validated_data["finding"])
        if finding.record_id != record.pk:
            raise serializers.ValidationError({"finding": [_("This finding is not one of this record's.")]})
        objection = services.objection_file(actor=request.user, finding=finding, text=body.validated_data["text"])
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionDetailApi(generics.RetrieveAPIView):
    serializer_class = ObjectionSerializer

    def get_object(self):
        return objection_for_user(user=self.request.user, objection_id=self.kwargs["pk"])


class DecisionInputSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text=_("True: the finding is withdrawn; false: it stands"))
    decision = serializers.CharField(max_length=services.TEXT_MAX, help_text=_("The reasons"))


class ObjectionDecideApi(APIView):
    """An officer of the finding's agency who took no part in the visit, or the justice bureau of the
    enterprise's area, decides."""

    @extend_schema(request=DecisionInputSerializer, responses={200: ObjectionSerializer})
    def post(self, request, pk):
        body = DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        objection = objection_for_user(user=request.user, objection_id=pk)
        objection = services.objection_decide(actor=request.user, objection=objection,
                                              upheld=body.validated_data["upheld"],
                                              decision=body.validated_data["decision"])
        return Response(ObjectionSerializer(objection).data)


class ReplyInputSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=services.TEXT_MAX)


class ObjectionReplyApi(APIView):
    """The enterprise replies to the decision, once."""

    permission_classes = [IsEnterpriseAccount]

    @extend_schema(request=ReplyInputSerializer, responses={200: ObjectionSerializer})
    def post(self, request, pk):
        body = ReplyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        objection = objection_for_user(user=request.user, objection_id=pk)
        objection = services.objection_reply(actor=request.user, objection=objection,
                                             reply=body.validated_data["reply"])
        return Response(ObjectionSerializer(objection).data)
