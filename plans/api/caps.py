"""The enterprise's yearly caps (检查频次上限) through the API: its visits of the year beside the caps."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsEnterpriseAccount
from enterprises.access import require_enterprise
from yantai_inspect.inputs import query_int

from ..caps import enterprise_caps


class EnterpriseCapsApi(APIView):
    """The visits of ``?year=`` (default this year) by all agencies and by each, the caps for the enterprise's
    grade, and what is exempt."""

    permission_classes = [IsEnterpriseAccount]

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=OpenApiTypes.OBJECT,
        description="year, tier and tier_label, agency_cap and combined_cap (null: no cap), all_routine and "
        "all_exempt (the year's visits), agencies (per agency: agency, routine, exempt, cap), exemptions (text)",
    )
    def get(self, request):
        enterprise = require_enterprise(request.user)
        today = timezone.localdate()
        year = query_int(request.query_params, "year", default=today.year, minimum=today.year - 5,
                         maximum=today.year + 1)
        return Response(enterprise_caps(enterprise=enterprise, today=today, year=year))
