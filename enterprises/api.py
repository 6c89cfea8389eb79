from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import enterprise_for_user
from .models import Enterprise, Licence
from .selectors import SUGGESTIONS, enterprise_search, enterprise_suggestions


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = ["licence_type", "number", "issuing_agency", "valid_from", "valid_to"]


class EnterpriseSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="get_division_display", read_only=True)
    industry_name = serializers.CharField(source="get_industry_display", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    credit_grade = serializers.SerializerMethodField()
    whitelisted = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "legal_representative",
            "address",
            "division",
            "division_name",
            "industry",
            "industry_name",
            "themes",
            "credit_grade",
            "whitelisted",
        ]

    def get_credit_grade(self, obj) -> str | None:
        credit = getattr(obj, "credit", None)
        return credit.grade if credit else None

    def get_whitelisted(self, obj) -> bool:
        credit = getattr(obj, "credit", None)
        return bool(credit and credit.whitelisted)


class EnterpriseDetailSerializer(EnterpriseSerializer):
    licences = LicenceSerializer(many=True, read_only=True)

    class Meta(EnterpriseSerializer.Meta):
        fields = EnterpriseSerializer.Meta.fields + ["licences"]


def _parse_bool(value):
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    from rest_framework.exceptions import ValidationError

    raise ValidationError({"whitelisted": ["true or false"]})


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="name fragment or credit code"),
        OpenApiParameter("division", str),
        OpenApiParameter("theme", str),
        OpenApiParameter("whitelisted", bool),
    ]
)
class EnterpriseListApi(generics.ListAPIView):
    """Enterprises within the caller's scope."""

    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        params = self.request.query_params
        return enterprise_search(
            user=self.request.user,
            query=params.get("q", ""),
            division=params.get("division", ""),
            theme=params.get("theme", ""),
            whitelisted=_parse_bool(params.get("whitelisted")),
        ).prefetch_related("themes")


def _whitelisted(enterprise) -> bool:
    credit = getattr(enterprise, "credit", None)
    return bool(credit and credit.whitelisted)


class EnterpriseSuggestionSerializer(serializers.ModelSerializer):
    # The typeahead's row, for the API schema; the selector reads the same four fields as a dict
    # (``enterprises.selectors.enterprise_suggestions``: no model instance nor serializer per row).
    whitelisted = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "division", "whitelisted"]

    def get_whitelisted(self, obj) -> bool:
        return _whitelisted(obj)


class EnterpriseSuggestionsApi(APIView):
    """The filing form's typeahead: up to ``limit`` (at most 20) enterprises in the caller's scope whose name
    contains ``q`` (two characters or more) or whose credit code starts with it, sorted by code, and
    ``more`` when there are others (type more to narrow). Never counts."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="name fragment (2+ characters) or code prefix"),
            OpenApiParameter("limit", int, description=f"1-{SUGGESTIONS}, default {SUGGESTIONS}"),
        ],
        responses=inline_serializer(
            "EnterpriseSuggestions",
            {"results": EnterpriseSuggestionSerializer(many=True), "more": serializers.BooleanField()},
        ),
    )
    def get(self, request):
        try:
            limit = min(max(int(request.query_params.get("limit", SUGGESTIONS)), 1), SUGGESTIONS)
        except ValueError:
            limit = SUGGESTIONS
        rows, more = enterprise_suggestions(user=request.user, query=request.query_params.get("q", ""), limit=limit)
        return Response({"results": rows, "more": more})


class EnterpriseDetailApi(generics.RetrieveAPIView):
    """One enterprise by its unified social credit code, if within the caller's scope (else 404)."""

    serializer_class = EnterpriseDetailSerializer
    lookup_url_kwarg = "uscc"

    def get_object(self):
        return enterprise_for_user(user=self.request.user, uscc=self.kwargs["uscc"])
