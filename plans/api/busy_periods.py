"""The enterprise app's busy periods (dates it asks not to be visited): declared and removed through the plans
app's services, which re-match the enterprise's unfixed visits."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.access import require_enterprise
from enterprises.models import BusyPeriod

from ..busy import busy_days_left, busy_period_declare, busy_period_delete


class BusyPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusyPeriod
        fields = ["id", "start", "end", "reason"]


ALLOWANCE_HEADERS = [
    OpenApiParameter(
        "Busy-Days-Left",
        int,
        OpenApiParameter.HEADER,
        response=True,
        description="busy days the enterprise may still declare in a 365-day window that includes today",
    ),
    OpenApiParameter("Busy-Days-Cap", int, OpenApiParameter.HEADER, response=True, description="per 365 days"),
]


class BusyPeriodListApi(APIView):
    """The enterprise's declared busy periods (dates it asks not to be visited); unfixed visits avoid them.
    The allowance left (at most ``BUSY_DAYS_MAX_PER_YEAR`` days in any 365) is in the response headers."""

    @extend_schema(responses=BusyPeriodSerializer(many=True), parameters=ALLOWANCE_HEADERS)
    def get(self, request):
        enterprise = require_enterprise(request.user)
        response = Response(BusyPeriodSerializer(BusyPeriod.objects.filter(enterprise=enterprise), many=True).data)
        response["Busy-Days-Left"] = busy_days_left(enterprise_id=enterprise.pk, start=timezone.localdate())
        response["Busy-Days-Cap"] = settings.BUSY_DAYS_MAX_PER_YEAR
        return response

    @extend_schema(request=BusyPeriodSerializer, responses={201: BusyPeriodSerializer})
    def post(self, request):
        enterprise = require_enterprise(request.user)
        body = BusyPeriodSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = busy_period_declare(actor=request.user, enterprise=enterprise, **body.validated_data)
        return Response(BusyPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class BusyPeriodDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        period = BusyPeriod.objects.filter(pk=pk, enterprise=require_enterprise(request.user)).first()
        if period is None:
            raise Http404
        busy_period_delete(actor=request.user, period=period)
        return Response(status=status.HTTP_204_NO_CONTENT)
