"""Random-check campaigns (双随机、一公开) through the API: the agency creates and draws; the justice bureau
reads; anyone replays a draw (public, no login). Input serializers parse codes; ``plans.campaigns`` decides."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOfficer, require_officer, require_portal
from catalogue.selectors import matters_by_code, theme_by_code
from credit.sampling import sampling_rate_set, sampling_rates

from .. import campaigns, draw
from ..models import RandomCheckCampaign


class CampaignSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    seed = serializers.SerializerMethodField()

    class Meta:
        model = RandomCheckCampaign
        fields = ["code", "name", "agency", "division", "industry", "window_start", "window_end", "status",
                  "population_size", "snapshot_sha256", "seed_sha256", "seed", "created_at", "drawn_at",
                  "drawn_count"]

    def get_seed(self, campaign) -> str | None:
        return campaign.seed if campaign.is_drawn else None  # secret until the draw


class RandomCheckInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    matters = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=False)
    theme = serializers.CharField(required=False, allow_blank=True, max_length=40)
    division = serializers.CharField(required=False, allow_blank=True, max_length=6)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=1)
    population_theme = serializers.CharField(required=False, allow_blank=True, max_length=40)
    window_start = serializers.DateField()
    window_end = serializers.DateField()


def _theme(code: str, field: str):
    if not code:
        return None
    theme = theme_by_code(code)
    if theme is None:
        raise serializers.ValidationError({field: [_("Unknown theme.")]})
    return theme


class CampaignListApi(generics.ListAPIView):
    """The campaigns an agency (its own) or a justice bureau (those it supervises) sees; an agency's officer
    creates one (POST): the population is snapshotted and the commitments published."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        require_portal(self.request.user, "agency", "justice", "admin")
        return campaigns.for_listing(campaigns.campaigns_for_user(user=self.request.user))

    @extend_schema(request=RandomCheckInputSerializer, responses={201: CampaignSerializer})
    def post(self, request):
        require_officer(request.user)
        body = RandomCheckInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        found = matters_by_code(data["matters"])
        unknown = sorted(set(data["matters"]) - set(found))
        if unknown:
            raise serializers.ValidationError({"matters": [_("Unknown matter(s): %(codes)s") % {
                "codes": ", ".join(unknown)}]})
        campaign = campaigns.campaign_create(
            actor=request.user, name=data["name"], matters=list(found.values()),
            theme=_theme(data.get("theme", ""), "theme"), division=data.get("division", ""),
            industry=data.get("industry", ""),
            population_theme=_theme(data.get("population_theme", ""), "population_theme"),
            window_start=data["window_start"], window_end=data["window_end"],
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class DrawSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    grade = serializers.CharField()
    officers = serializers.ListField(source="officer_numbers", child=serializers.CharField())
    plan = serializers.IntegerField(source="plan_id", allow_null=True)
    failure = serializers.CharField()


class CampaignDetailApi(generics.ListAPIView):
    """A campaign's drawn enterprises (paged), with their officers and plans, or why none was filed."""

    serializer_class = DrawSerializer

    @extend_schema(operation_id="v1_random_checks_draws_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        require_portal(self.request.user, "agency", "justice", "admin")
        campaign = campaigns.campaign_for_user(user=self.request.user, code=self.kwargs["code"])
        return campaigns.campaign_draws(campaign)


class CampaignDrawApi(APIView):
    """The draw, once: the seed is revealed and the plans are filed in the background."""

    permission_classes = [IsOfficer]

    @extend_schema(request=None, responses=CampaignSerializer)
    def post(self, request, code):
        campaign = campaigns.campaign_for_user(user=request.user, code=code)
        campaign = campaigns.campaign_draw(actor=request.user, campaign=campaign)
        return Response(CampaignSerializer(campaign).data)


class ReplayedSerializer(serializers.Serializer):
    code = serializers.CharField()
    grade = serializers.CharField()
    officers = serializers.ListField(child=serializers.CharField())


class ReplayResultSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    seed = serializers.CharField(allow_null=True)
    seed_matches = serializers.BooleanField(allow_null=True)
    snapshot_matches = serializers.BooleanField(allow_null=True)
    matches_stored = serializers.BooleanField(allow_null=True)
    drawn = ReplayedSerializer(many=True)
    results_public = serializers.BooleanField()


class CampaignReplayApi(APIView):
    """Public (一公开): replays a campaign's draw from a seed (the revealed one by default) and the committed
    snapshot, and says whether the seed and snapshot match the commitments and the replay the stored draw."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("seed", str, required=False, description="64 hex digits")],
                   responses=ReplayResultSerializer)
    def get(self, request, code):
        campaign = campaigns.public_campaign(code)
        seed = None
        if request.query_params.get("seed") is not None:
            try:
                seed = draw.parse_seed(request.query_params["seed"])
            except ValueError:
                raise serializers.ValidationError({"seed": [_("A seed is 64 hexadecimal digits.")]})
        verification = campaigns.campaign_verify(campaign, seed=seed)
        return Response({
            "campaign": CampaignSerializer(campaign).data,
            "seed": verification.seed if verification else None,
            "seed_matches": verification.seed_matches if verification else None,
            "snapshot_matches": verification.snapshot_matches if verification else None,
            "matches_stored": verification.matches_stored if verification else None,
            "drawn": [{"code": d.code, "grade": d.grade, "officers": list(d.officers)}
                      for d in (verification.drawn if verification else [])],
            "results_public": timezone.localdate() >= campaign.results_public_on(),
        })


class SamplingRateSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=["A", "B", "C", "D"])
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1)


class SamplingRatesApi(APIView):
    """The sampling rate of each credit grade in force (GET: agencies and justice bureaus); the city's justice
    bureau sets one (POST). A committed campaign keeps the rates of its snapshot."""

    @extend_schema(responses=SamplingRateSerializer(many=True))
    def get(self, request):
        require_portal(request.user, "agency", "justice", "admin")
        return Response([{"grade": g, "rate": str(r)} for g, r in sampling_rates().items()])

    @extend_schema(request=SamplingRateSerializer, responses=SamplingRateSerializer(many=True))
    def post(self, request):
        body = SamplingRateSerializer(data=request.data)
        require_portal(request.user, "justice", "admin")
        body.is_valid(raise_exception=True)
        sampling_rate_set(actor=request.user, **body.validated_data)
        return Response([{"grade": g, "rate": str(r)} for g, r in sampling_rates().items()])
