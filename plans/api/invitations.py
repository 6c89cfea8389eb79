"""Invitations to a theme's joint inspection: the agency's list, and declining one."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOfficer

from .. import listing, selectors, services
from ..access import invitation_for_user
from .serializers import InvitationSerializer, NoteSerializer


class InvitationListApi(generics.ListAPIView):
    """The agency's invitations, by deadline, 20 a page (``?limit=`` up to 200, as the plan lists): rows read as
    dicts (``plans.listing``), the shape of ``InvitationSerializer``."""

    serializer_class = InvitationSerializer  # the shape (schema); the rows are ``plans.listing``'s dicts
    pagination_class = listing.ListPage

    def get_queryset(self):
        return selectors.invitations_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(listing.late_rows(self.get_queryset(), listing.invitation_values))
        rows = listing.invitation_details(rows)
        return self.get_paginated_response([listing.invitation_api(row) for row in rows])


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
