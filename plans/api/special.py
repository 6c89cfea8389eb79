"""Special inspection campaigns (专项检查) through the API: the agency requests; the level above decides with its
opinion; the city justice bureau keeps the yearly quotas; anyone reads the approved campaigns (no login)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsJustice, require_officer, require_portal
from accounts.models import Agency, inspecting_agencies_q
from catalogue.selectors import matters_by_code
from yantai_inspect.inputs import query_int

from .. import special
from .yearly import theme_of


class SpecialCampaignSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    basis = serializers.CharField()
    division = serializers.CharField()
    industry = serializers.CharField()
    population = serializers.SerializerMethodField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    status = serializers.CharField()
    approver = serializers.CharField(source="approver.code")
    approver_name = serializers.CharField(source="approver.name")
    decided_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField()
    matters = serializers.SerializerMethodField()

    def get_population(self, c) -> str:
        return special.population_text(c)

    def get_matters(self, c) -> list[str]:
        return sorted(m.code for m in c.matters.all())


class SpecialCampaignDetailSerializer(SpecialCampaignSerializer):
    """What the agency and the approvers see besides the public fields: the quota at the request, who asked
    and who decided."""

    quota = serializers.IntegerField()
    quota_used = serializers.IntegerField()
    requested_by = serializers.CharField(source="requested_by.username")
    requested_at = serializers.DateTimeField()
    decided_by = serializers.SerializerMethodField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = serializers.SerializerMethodField()
    withdrawal_reason = serializers.CharField()

    def get_decided_by(self, c) -> str | None:
        return c.decided_by.username if c.decided_by_id else None

    def get_withdrawn_by(self, c) -> str | None:
        return c.withdrawn_by.username if c.withdrawn_by_id else None


class SpecialRequestInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    basis = serializers.CharField(max_length=4000)
    matters = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=False, max_length=200)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    division = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=1)
    theme = serializers.CharField(required=False, allow_blank=True, max_length=40)


class CampaignDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    opinion = serializers.CharField(max_length=2000)


class SpecialCampaignListApi(generics.ListAPIView):
    """The campaigns the caller sees (GET: an agency its own and those it approves, a justice bureau those it
    approves or supervises); an officer requests one (POST), refused over the yearly quota."""

    serializer_class = SpecialCampaignDetailSerializer

    def get_queryset(self):
        require_portal(self.request.user, "agency", "justice")
        return special.campaigns_for_user(user=self.request.user).prefetch_related("matters")

    @extend_schema(request=SpecialRequestInputSerializer, responses={201: SpecialCampaignDetailSerializer})
    def post(self, request):
        require_officer(request.user)
        body = SpecialRequestInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        found = matters_by_code(data["matters"])
        unknown = sorted(set(data["matters"]) - set(found))
        if unknown:
            raise serializers.ValidationError({"matters": [_("Unknown matter code(s): %(codes)s") % {
                "codes": ", ".join(unknown)}]})
        campaign = special.special_campaign_request(
            actor=request.user, name=data["name"], basis=data["basis"], matters=list(found.values()),
            window_start=data["window_start"], window_end=data["window_end"], division=data.get("division", ""),
            industry=data.get("industry", ""), population_theme=theme_of(data.get("theme", ""), "theme"),
        )
        return Response(SpecialCampaignDetailSerializer(campaign).data, status=status.HTTP_201_CREATED)


class SpecialCampaignDetailApi(APIView):
    @extend_schema(responses=SpecialCampaignDetailSerializer)
    def get(self, request, code):
        require_portal(request.user, "agency", "justice")
        return Response(SpecialCampaignDetailSerializer(special.campaign_for_user(user=request.user, code=code)).data)


class SpecialCampaignDecisionApi(APIView):
    """The level above approves (the campaign is published) or does not, with its opinion."""

    @extend_schema(request=CampaignDecisionInputSerializer, responses=SpecialCampaignDetailSerializer)
    def post(self, request, code):
        require_portal(request.user, "agency", "justice")
        campaign = special.campaign_for_user(user=request.user, code=code)
        body = CampaignDecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = special.special_campaign_decide(actor=request.user, campaign=campaign,
                                                   approve=body.validated_data["decision"] == "approve",
                                                   opinion=body.validated_data["opinion"])
        return Response(SpecialCampaignDetailSerializer(campaign).data)


class WithdrawalInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SpecialCampaignWithdrawalApi(APIView):
    """The agency withdraws its campaign while it awaits approval, or approved before it begins and with no
    plan under it; it then no longer counts against the yearly quota."""

    @extend_schema(request=WithdrawalInputSerializer, responses=SpecialCampaignDetailSerializer)
    def post(self, request, code):
        require_officer(request.user)
        campaign = special.campaign_for_user(user=request.user, code=code)
        body = WithdrawalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = special.special_campaign_withdraw(actor=request.user, campaign=campaign,
                                                     reason=body.validated_data["reason"])
        return Response(SpecialCampaignDetailSerializer(campaign).data)


class QuotaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    agency = serializers.SerializerMethodField()
    quota = serializers.IntegerField()
    note = serializers.CharField()
    set_at = serializers.DateTimeField()

    def get_agency(self, q) -> str | None:
        return q.agency.code if q.agency_id else None


class QuotaInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2199)
    quota = serializers.IntegerField(min_value=0, max_value=special.MAX_QUOTA)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                   help_text=_("An agency's code; empty: the default for every agency"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SpecialQuotaApi(APIView):
    """The quota table of a year, every version newest first (GET, justice bureaus); the city justice bureau
    adds a version (POST)."""

    permission_classes = [IsJustice]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=QuotaSerializer(many=True))
    def get(self, request):
        year = query_int(request.query_params, "year", default=timezone.localdate().year, minimum=2000, maximum=2199)
        return Response(QuotaSerializer(special.quota_table(year=year)[:200], many=True).data)

    @extend_schema(request=QuotaInputSerializer, responses={201: QuotaSerializer})
    def post(self, request):
        body = QuotaInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        agency = None
        if data.get("agency"):
            agency = Agency.objects.filter(inspecting_agencies_q(), code=data["agency"]).first()
            if agency is None:
                raise serializers.ValidationError({"agency": [_("No agency with inspection authority has this code.")]})
        row = special.special_quota_set(actor=request.user, year=data["year"], quota=data["quota"], agency=agency,
                                        note=data.get("note", ""))
        return Response(QuotaSerializer(row).data, status=status.HTTP_201_CREATED)


class PublicSpecialCampaignsApi(generics.ListAPIView):
    """Public (no login): the approved special inspections, newest decision first; no personal data."""

    serializer_class = SpecialCampaignSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return special.published_campaigns().prefetch_related("matters")
