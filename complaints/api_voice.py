"""Ratings, visit burden and service requests through the API (the enterprise app 爱山东, the officer app, the
justice bureau): the same services and selectors as the pages. Input serializers parse; the services decide."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import AGENCY, ENTERPRISE, JUSTICE, IsEnterpriseAccount, IsJustice, IsOfficer, portal_of
from accounts.models import Agency
from accounts.selectors import divisions_supervised_by
from enterprises.access import require_enterprise
from enterprises.models import Enterprise
from plans import burden
from plans.access import joint_task_for_user
from plans.models import BurdenAlert
from yantai_inspect.inputs import INT_MAX, query_int

from . import selectors, services_ratings, services_requests
from .models import ServiceRequest, ServiceRequestReroute, VisitRating

# -- ratings -------------------------------------------------------------------------------------------


class RatingSerializer(serializers.ModelSerializer):
    """A rating as its enterprise and the justice bureau read it (an agency never does)."""

    enterprise = serializers.CharField(source="enterprise.uscc")
    visit_date = serializers.DateField(source="task.visit_date")
    rated_by = serializers.CharField(source="rated_by.username")

    class Meta:
        model = VisitRating
        fields = ["id", "task", "visit_date", "enterprise", "score", "comment", "rated_on", "rated_by"]


class RatingInputSerializer(serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=INT_MAX, help_text=_("The visit rated (done)"))
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=services_ratings.COMMENT_MAX, required=False, allow_blank=True)


class RatingListApi(generics.ListAPIView):
    """The enterprise's own ratings, or every rating of a justice bureau's area (GET); the enterprise rates a
    visit it had (POST). Agencies read only ``ratings/summary/``."""

    serializer_class = RatingSerializer

    def get_queryset(self):
        portal = portal_of(self.request.user)
        if portal == ENTERPRISE:
            return selectors.ratings_for_enterprise(enterprise=require_enterprise(self.request.user))
        if portal == JUSTICE and self.request.user.agency_id:
            return selectors.ratings_for_bureau(bureau=self.request.user.agency)
        raise PermissionDenied(_("Agencies see only aggregates of at least 5 ratings."))

    @extend_schema(request=RatingInputSerializer, responses={201: RatingSerializer})
    def post(self, request):
        body = RatingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if portal_of(request.user) != ENTERPRISE:
            raise PermissionDenied(_("Only the enterprise can do this."))
        task = joint_task_for_user(user=request.user, task_id=body.validated_data["task"])
        rating = services_ratings.visit_rate(actor=request.user, task=task, score=body.validated_data["score"],
                                             comment=body.validated_data.get("comment", ""))
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class SummaryRow(serializers.Serializer):
    month = serializers.DateField(required=False)
    ratings = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    satisfied = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)


class RatingSummaryApi(APIView):
    """满意度 in aggregate: an agency its visits' months that are over with at least 5 ratings (no rater, no
    comment); a justice bureau its area's months of ``?year=`` and the city's figure."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)],
        responses={200: inline_serializer("RatingSummary", {
            "satisfied_from": serializers.IntegerField(), "min_group": serializers.IntegerField(),
            "months": SummaryRow(many=True), "total": SummaryRow(allow_null=True),
            "city": SummaryRow(required=False),
        })},
    )
    def get(self, request):
        portal = portal_of(request.user)
        today = timezone.localdate()
        if portal == AGENCY and request.user.agency_id:
            view = selectors.agency_rating_view(agency=request.user.agency, today=today)
            return Response({"satisfied_from": services_ratings.SATISFIED_FROM, "min_group": view["min_group"],
                             "months": view["months"], "total": view["total"]})
        if portal == JUSTICE and request.user.agency_id:
            year = query_int(request.query_params, "year", default=today.year, minimum=2000, maximum=2100)
            months = selectors.rating_summary(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), by=("month",),
                                              divisions=divisions_supervised_by(request.user.agency))
            return Response({"satisfied_from": services_ratings.SATISFIED_FROM, "min_group": 1, "months": months,
                             "total": None, "city": selectors.city_satisfaction(year=year)})
        raise PermissionDenied(_("Only agencies and the justice bureau read the satisfaction figures."))


# -- visit burden --------------------------------------------------------------------------------------


class BurdenSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    threshold = serializers.IntegerField()
    over = serializers.BooleanField()
    visits = serializers.IntegerField()
    joint = serializers.IntegerField()
    urgent = serializers.IntegerField()
    missed = serializers.IntegerField()
    recheck = serializers.IntegerField()
    random = serializers.IntegerField()
    year_visits = serializers.IntegerField()


class MyBurdenApi(APIView):
    """The enterprise's own visit count in the current period, by kind, and this year's."""

    permission_classes = [IsEnterpriseAccount]

    @extend_schema(responses={200: BurdenSerializer})
    def get(self, request):
        figures = burden.enterprise_burden(enterprise=require_enterprise(request.user), today=timezone.localdate())
        return Response(BurdenSerializer(figures).data)


class MostVisitedApi(APIView):
    """The most-visited enterprises of the justice bureau's area in the current period."""

    permission_classes = [IsJustice]

    @extend_schema(responses={200: inline_serializer("MostVisited", {
        "period_start": serializers.DateField(), "period_end": serializers.DateField(),
        "threshold": serializers.IntegerField(),
        "results": inline_serializer("MostVisitedRow", {
            "uscc": serializers.CharField(), "name": serializers.CharField(), "visits": serializers.IntegerField(),
            "last_visit": serializers.DateField()}, many=True),
    })})
    def get(self, request):
        start, end = burden.period_of(timezone.localdate())
        rows = burden.most_visited(divisions=divisions_supervised_by(request.user.agency), start=start, end=end)
        names = Enterprise.objects.in_bulk([r["enterprise_id"] for r in rows])
        return Response({"period_start": start, "period_end": end, "threshold": settings.BURDEN_ALERT_VISITS,
                         "results": [{"uscc": names[r["enterprise_id"]].uscc, "name": names[r["enterprise_id"]].name,
                                      "visits": r["visits"], "last_visit": r["last_visit"]} for r in rows]})


class BurdenAlertSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    agency = serializers.CharField(source="agency.code", default=None, allow_null=True)

    class Meta:
        model = BurdenAlert
        fields = ["id", "kind", "enterprise", "agency", "period_start", "period_end", "visits", "created_at"]


class BurdenAlertListApi(generics.ListAPIView):
    """The visit-burden alerts of the justice bureau's area, newest first."""

    permission_classes = [IsJustice]
    serializer_class = BurdenAlertSerializer

    def get_queryset(self):
        return burden.burden_alerts_for(divisions=divisions_supervised_by(self.request.user.agency))


# -- service requests ----------------------------------------------------------------------------------


class ServiceRequestSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    agency = serializers.CharField(source="agency.code")
    visit_date = serializers.DateField(source="task.visit_date", default=None, allow_null=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "enterprise", "task", "visit_date", "category", "text", "agency", "status", "answer",
                  "answered_at", "closed_at", "filed_on", "created_at"]


class RerouteSerializer(serializers.ModelSerializer):
    from_agency = serializers.CharField(source="from_agency.code")
    to_agency = serializers.CharField(source="to_agency.code")
    by_agency = serializers.CharField(source="by_agency.code")

    class Meta:
        model = ServiceRequestReroute
        fields = ["from_agency", "to_agency", "by_agency", "reason", "at"]


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    reroutes = serializers.SerializerMethodField()

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "reroutes"]

    @extend_schema_field(RerouteSerializer(many=True))
    def get_reroutes(self, obj):
        return RerouteSerializer(selectors.service_request_reroutes(obj), many=True).data


class ServiceRequestInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ServiceRequest.Category.choices)
    text = serializers.CharField(max_length=services_requests.TEXT_MAX)
    task = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False,
                                    help_text=_("The visit it is asked during or after"))


class ServiceRequestListApi(generics.ListAPIView):
    """An enterprise's requests, or those routed to an officer's agency (GET); the enterprise asks (POST)."""

    serializer_class = ServiceRequestSerializer

    def get_queryset(self):
        return selectors.service_requests_for_user(user=self.request.user)

    @extend_schema(request=ServiceRequestInputSerializer, responses={201: ServiceRequestSerializer})
    def post(self, request):
        body = ServiceRequestInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if portal_of(request.user) != ENTERPRISE:
            raise PermissionDenied(_("Only the enterprise can do this."))
        task = joint_task_for_user(user=request.user, task_id=data["task"]) if data.get("task") else None
        created = services_requests.service_request_file(actor=request.user, category=data["category"],
                                                         text=data["text"], task=task)
        return Response(ServiceRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class ServiceRequestDetailApi(generics.RetrieveAPIView):
    """One request with its answer and its re-routes (the enterprise's own, the agency's routed, the justice
    bureau's area)."""

    serializer_class = ServiceRequestDetailSerializer

    def get_object(self):
        return selectors.service_request_for_user(user=self.request.user, request_id=self.kwargs["pk"])


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=services_requests.TEXT_MAX)


class ServiceRequestAnswerApi(APIView):
    """The agency the request is routed to answers it."""

    permission_classes = [IsOfficer]

    @extend_schema(request=AnswerInputSerializer, responses={200: ServiceRequestSerializer})
    def post(self, request, pk):
        body = AnswerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = selectors.service_request_for_user(user=request.user, request_id=pk)
        found = services_requests.service_request_answer(actor=request.user, request=found,
                                                         answer=body.validated_data["answer"])
        return Response(ServiceRequestSerializer(found).data)


class CloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=services_requests.TEXT_MAX, required=False, allow_blank=True)


class ServiceRequestCloseApi(APIView):
    """Closed by the enterprise, or by the agency once answered."""

    @extend_schema(request=CloseInputSerializer, responses={200: ServiceRequestSerializer})
    def post(self, request, pk):
        body = CloseInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = selectors.service_request_for_user(user=request.user, request_id=pk)
        found = services_requests.service_request_close(actor=request.user, request=found,
                                                        note=body.validated_data.get("note", ""))
        return Response(ServiceRequestSerializer(found).data)


class RerouteInputSerializer(serializers.Serializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.filter(active=True),
                                          help_text=_("Code of the agency that should answer it"))
    reason = serializers.CharField(max_length=services_requests.TEXT_MAX)


class ServiceRequestRerouteApi(APIView):
    """改派: the agency the request is routed to, or the justice bureau of the enterprise's division, sends a
    request still waiting for an answer on to another agency of the enterprise's area, with the reason."""

    @extend_schema(request=RerouteInputSerializer, responses={200: ServiceRequestDetailSerializer})
    def post(self, request, pk):
        if portal_of(request.user) not in (AGENCY, JUSTICE):
            raise PermissionDenied(_("Only the agency handling the request or the justice bureau can re-route it."))
        found = selectors.service_request_for_user(user=request.user, request_id=pk)
        body = RerouteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = services_requests.service_request_reroute(actor=request.user, request=found,
                                                          agency=body.validated_data["agency"],
                                                          reason=body.validated_data["reason"])
        return Response(ServiceRequestDetailSerializer(found).data)
