"""The figures of the platform over the caller's plans."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import ADMIN, AGENCY, JUSTICE, require_portal
from yantai_inspect.inputs import query_date
from yantai_inspect.replica import replica_reads

from .. import selectors
from ..remote import remote_check_figures
from ..statistics import DIMENSIONS, plan_statistics


class StatisticsApi(APIView):
    """Joint share, visits avoided, 7-day advance filing rate and green-channel counts over the caller's plans."""

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(DIMENSIONS)),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses=inline_serializer("Statistics", {"figures": serializers.DictField(),
                                                   "remote_checks": serializers.DictField()}),
    )
    def get(self, request):
        require_portal(request.user, AGENCY, JUSTICE, ADMIN)
        by = request.query_params.get("by") or None
        if by is not None and by not in DIMENSIONS:
            raise serializers.ValidationError({"by": [_("One of: %(d)s") % {"d": ", ".join(DIMENSIONS)}]})
        date_from = query_date(request.query_params, "from")
        date_to = query_date(request.query_params, "to")
        with replica_reads():
            figures = plan_statistics(
                scope=selectors.plan_scope_q(user=request.user), by=by, date_from=date_from, date_to=date_to
            )
            # 非现场检查, their own figure: never visits, so never in the figures above (plans.remote).
            remote = remote_check_figures(scope=selectors.plan_scope_q(user=request.user), by=by, start=date_from,
                                          end=date_to)
        return Response({"figures": figures, "remote_checks": remote})
