"""The oversight figures in the API: the same dashboard as the pages, for the caller's slice."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yantai_inspect.replica import replica_reads

from .access import reader_for
from .exports import cell
from .figures import DIMENSIONS
from .selectors import dashboard, key_param
from .views import by_of, period_of


def dashboard_json(data: dict) -> dict:
    figures = data["figures"]
    return {
        "by": data["by"],
        "from": data["date_from"].isoformat(),
        "to": data["date_to"].isoformat(),
        "figures": [{"key": f.key, "label": str(f.label), "unit": f.unit} for f in figures],
        "overall": {f.key: cell(data["overall"][f.key], f.unit) for f in figures},
        "groups": [
            {"key": key_param(data["by"], g["key"]), "label": g["label"],
             "values": {f.key: cell(g["values"][f.key], f.unit) for f in figures}}
            for g in data["groups"]
        ],
        "complaints_by_kind": [{**k, "label": str(k["label"])} for k in data["complaints_by_kind"]],
    }


class OversightApi(APIView):
    """The oversight dashboard's figures (percentages as percent), overall and by one dimension."""

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=[*DIMENSIONS, "none"]),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses=inline_serializer(
            "Oversight",
            {
                "by": serializers.CharField(allow_null=True),
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                "figures": serializers.ListField(child=serializers.DictField()),
                "overall": serializers.DictField(),
                "groups": serializers.ListField(child=serializers.DictField()),
                "complaints_by_kind": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        reader = reader_for(request.user)
        by = by_of(request.query_params, default=None)
        date_from, date_to = period_of(request.query_params)
        with replica_reads():
            data = dashboard(reader=reader, by=by, date_from=date_from, date_to=date_to)
        return Response(dashboard_json(data))
