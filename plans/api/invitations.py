"""Invitations to a theme's joint inspection: the agency's list, and declining one."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOfficer

from .. import selectors, services
from ..access import invitation_for_user
from .serializers import InvitationSerializer, NoteSerializer


class InvitationListApi(generics.ListAPIView):
    serializer_class = InvitationSerializer

    def get_queryset(self):
        return selectors.invitations_for_user(user=self.request.user).prefetch_related("lead_plan__matters")


class InvitationDeclineApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=NoteSerializer, responses=InvitationSerializer)
    def post(self, request, pk):
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_decline(
            actor=request.user,
            invitation=invitation_for_user(user=request.user, invitation_id=pk),
            reason=body.validated_data.get("note", ""),
        )
        return Response(InvitationSerializer(invitation).data)
