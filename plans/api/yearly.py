"""Yearly inspection plans (年度检查计划) through the API: the agency drafts, adds and removes lines and
publishes; the justice bureau reads who has published; anyone reads the published plans (no login). Input
serializers parse codes; ``plans.yearly`` decides."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsJustice, IsOfficer
from catalogue.selectors import matters_by_code, theme_by_code
from yantai_inspect.inputs import query_int

from .. import yearly
from ..special import population_text


class YearlyLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.CharField(source="matter.code")
    matter_name = serializers.CharField(source="matter.name")
    matter_version = serializers.IntegerField(source="matter.version")
    division = serializers.CharField()
    industry = serializers.CharField()
    theme = serializers.SerializerMethodField()
    population = serializers.SerializerMethodField()
    visits = serializers.IntegerField()
    deadline = serializers.DateField()

    def get_theme(self, line) -> str:
        return line.population_theme.code if line.population_theme_id else ""

    def get_population(self, line) -> str:
        return population_text(line)


class YearlyPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    year = serializers.IntegerField()
    title = serializers.CharField()
    note = serializers.CharField()
    status = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    publish_by = serializers.SerializerMethodField()

    def get_publish_by(self, plan) -> str:
        return yearly.publish_by(plan.year).isoformat()


class YearlyPlanDetailSerializer(YearlyPlanSerializer):
    lines = YearlyLineSerializer(many=True, source="lines.all")


class YearlyPlanInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2199)
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class YearlyLineInputSerializer(serializers.Serializer):
    matter = serializers.CharField(max_length=40)
    visits = serializers.IntegerField(min_value=1, max_value=yearly.MAX_VISITS)
    deadline = serializers.DateField()
    division = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=1)
    theme = serializers.CharField(required=False, allow_blank=True, max_length=40)


def theme_of(code: str, field: str):
    if not code:
        return None
    theme = theme_by_code(code)
    if theme is None:
        raise serializers.ValidationError({field: [_("Unknown theme.")]})
    return theme


class YearlyPlanListApi(generics.ListAPIView):
    """The agency's yearly plans (GET); a new draft (POST)."""

    serializer_class = YearlyPlanSerializer
    permission_classes = [IsOfficer]

    def get_queryset(self):
        return yearly.yearly_plans_of_agency(user=self.request.user)

    @extend_schema(request=YearlyPlanInputSerializer, responses={201: YearlyPlanDetailSerializer})
    def post(self, request):
        body = YearlyPlanInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = yearly.yearly_plan_draft(actor=request.user, **body.validated_data)
        plan = yearly.yearly_plan_for_user(user=request.user, pk=plan.pk)
        return Response(YearlyPlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class YearlyPlanDetailApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(responses=YearlyPlanDetailSerializer)
    def get(self, request, pk):
        return Response(YearlyPlanDetailSerializer(yearly.yearly_plan_for_user(user=request.user, pk=pk)).data)


class YearlyLineAddApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=YearlyLineInputSerializer, responses={201: YearlyPlanDetailSerializer})
    def post(self, request, pk):
        plan = yearly.yearly_plan_for_user(user=request.user, pk=pk)
        body = YearlyLineInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        matter = matters_by_code([data["matter"]]).get(data["matter"])
        if matter is None:
            raise serializers.ValidationError({"matter": [_("Unknown matter code(s): %(codes)s") % {
                "codes": data["matter"]}]})
        yearly.yearly_plan_line_add(
            actor=request.user, plan=plan, matter=matter, visits=data["visits"], deadline=data["deadline"],
            division=data.get("division", ""), industry=data.get("industry", ""),
            population_theme=theme_of(data.get("theme", ""), "theme"),
        )
        plan = yearly.yearly_plan_for_user(user=request.user, pk=pk)
        return Response(YearlyPlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class YearlyLineRemoveApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk):
        yearly.yearly_plan_line_remove(actor=request.user, line=yearly.line_for_user(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class YearlyPlanPublishApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=None, responses=YearlyPlanDetailSerializer)
    def post(self, request, pk):
        plan = yearly.yearly_plan_for_user(user=request.user, pk=pk)
        plan = yearly.yearly_plan_publish(actor=request.user, plan=plan)
        return Response(YearlyPlanDetailSerializer(yearly.yearly_plan_for_user(user=request.user, pk=plan.pk)).data)


class YearlyOverviewRowSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    plan = serializers.IntegerField(source="plan_id", allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    missing = serializers.BooleanField()
    overdue = serializers.BooleanField()
    reminded_due = serializers.DateTimeField(allow_null=True, help_text=_(
        "When the platform told the agency that the deadline approaches (from 1 March)"))
    reminded_overdue = serializers.DateTimeField(allow_null=True, help_text=_(
        "When the platform told the agency that the deadline has passed"))


def _year(request) -> int:
    return query_int(request.query_params, "year", default=timezone.localdate().year, minimum=2000, maximum=2199)


class YearlyOverviewApi(APIView):
    """The justice bureau: each inspecting agency it supervises and whether its plan of the year is published
    (late or on time), or missing (overdue after 31 March)."""

    permission_classes = [IsJustice]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=YearlyOverviewRowSerializer(many=True))
    def get(self, request):
        rows = yearly.yearly_overview(user=request.user, year=_year(request))
        return Response(YearlyOverviewRowSerializer(rows, many=True).data)


class PublicYearlyPlansApi(generics.ListAPIView):
    """Public (no login): the published yearly plans of a year with their lines; no personal data."""

    serializer_class = YearlyPlanDetailSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return yearly.published_plans(year=_year(self.request)).prefetch_related(
            "lines__matter", "lines__population_theme"
        )
