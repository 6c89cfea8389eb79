"""Filing through the API: a plan, a campaign, the live preview, withdrawal and the officers of a plan.
The input serializers parse codes; the access functions and selectors turn them into objects here, and the
services decide."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsOfficer, require_officer
from accounts.selectors import users_by_username
from catalogue.selectors import matters_by_code, theme_by_code
from enterprises.access import enterprise_for_user
from enterprises.selectors import enterprises_for_user
from yantai_inspect.errors import DomainError

from .. import listing, selectors, services
from ..access import invitation_for_user, plan_for_user
from ..models import Plan
from ..preview import plan_preview
from ..refile import plan_refile
from ..special import campaign_for_filing
from .serializers import NoteSerializer, PlanSerializer, plan_data

# What a filing may claim as exempt from the yearly caps (a re-check is set by the platform, never claimed).
CAP_EXEMPTION_INPUT_CHOICES = [("", _("Not exempt")), (Plan.CapExemption.SPECIAL, Plan.CapExemption.SPECIAL.label)]


class PlanInputSerializer(serializers.Serializer):
    enterprise = serializers.CharField(max_length=18, help_text=_("Unified social credit code"))
    matters = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=False)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    theme = serializers.CharField(required=False, allow_blank=True, max_length=40)
    officers = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        help_text=_("Usernames of the officers of your agency who will inspect"),
    )
    urgent = serializers.BooleanField(required=False, default=False)
    urgent_category = serializers.ChoiceField(choices=Plan.UrgentCategory.choices, required=False, allow_blank=True)
    urgent_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    invitation = serializers.IntegerField(required=False, help_text=_("The invitation this plan responds to"))
    cap_exemption = serializers.ChoiceField(
        choices=CAP_EXEMPTION_INPUT_CHOICES,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("special: a special inspection ordered from above, exempt from the yearly caps"),
    )
    special_campaign = serializers.CharField(
        required=False, allow_blank=True, max_length=12,
        help_text=_("The code of the agency's approved special inspection campaign (专项检查) the plan is filed under"),
    )
    # 能非现场的不进企业 (plans.remote)
    remote = serializers.BooleanField(
        required=False, default=False,
        help_text=_("A remote check: the enterprise is asked for documents or photos, nobody visits (every matter "
                    "must be checkable remotely)"),
    )
    visit_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000,
        help_text=_("Why a visit is needed: required when every matter is checkable remotely and remote is false"),
    )


class CampaignInputSerializer(PlanInputSerializer):
    """A campaign: the same plan for a batch of enterprises, one plan each; all or none are filed."""

    enterprise = None
    enterprises = serializers.ListField(
        child=serializers.CharField(max_length=18),
        allow_empty=False,
        help_text=_("Unified social credit codes (at most CAMPAIGN_MAX_ENTERPRISES distinct ones, 500 by default)"),
    )
    invitation = None


def _unknown(codes, found) -> str:
    return ", ".join(sorted(set(codes) - set(found)))


def _filing_arguments(*, user, data: dict) -> dict:
    """``plan_file``'s arguments from the parsed codes. The enterprise and the invitation come through the
    access functions, so one the officer may not see reads as unknown (a 404 would tell it exists); matters,
    theme and officers by code. Every unknown code is a field error, all of them at once; the service then
    checks the rules (whose matters, which officers, the window)."""
    errors, args = {}, dict(data)
    if "enterprise" in data:
        try:
            args["enterprise"] = enterprise_for_user(user=user, uscc=data["enterprise"])
        except Http404:
            errors["enterprise"] = [_("No enterprise with this credit code in your area.")]
    codes = list(dict.fromkeys(data["matters"]))
    matters = matters_by_code(codes)
    if len(matters) < len(codes):
        errors["matters"] = [_("Unknown matter code(s): %(codes)s") % {"codes": _unknown(codes, matters)}]
    args["matters"] = list(matters.values())
    args["theme"] = theme_by_code(data["theme"]) if data.get("theme") else None
    if data.get("theme") and args["theme"] is None:
        errors["theme"] = [_("Unknown theme code.")]
    if data.get("officers"):
        officers = users_by_username(data["officers"])
        if len(officers) < len(set(data["officers"])):
            errors["officers"] = [_("Unknown officer(s): %(names)s") % {"names": _unknown(data["officers"], officers)}]
        args["officers"] = list(officers.values())
    args["invitation"] = None
    if data.get("invitation"):
        try:
            args["invitation"] = invitation_for_user(user=user, invitation_id=data["invitation"])
        except Http404:
            errors["invitation"] = [_("No such invitation for your agency.")]
    args["special_campaign"] = None
    if data.get("special_campaign"):
        args["special_campaign"] = campaign_for_filing(agency=user.agency, code=data["special_campaign"])
        if args["special_campaign"] is None:
            errors["special_campaign"] = [_("No such special inspection campaign of your agency.")]
    if "enterprises" in data:
        codes = list(dict.fromkeys(c.strip().upper() for c in data["enterprises"]))
        try:
            services.campaign_size_check(len(codes))  # the service's rule, before any code is looked up
        except DomainError as exc:
            raise serializers.ValidationError(exc.as_dict()) from exc
        found = enterprises_for_user(user=user).filter(uscc__in=codes).in_bulk(field_name="uscc")
        if len(found) < len(codes):
            errors["enterprises"] = [
                _("No enterprise with these credit codes in your area: %(codes)s") % {"codes": _unknown(codes, found)}
            ]
        args["enterprises"] = [found[c] for c in codes if c in found]
        del args["invitation"]
    if errors:
        raise serializers.ValidationError(errors)
    return args


class PlanListCreateApi(APIView):
    # APIView does not page by itself: the GET uses it, and drf-spectacular documents the list as the page it is.
    pagination_class = listing.ListPage

    @extend_schema(
        parameters=[OpenApiParameter("status", str), OpenApiParameter("enterprise", str)],
        responses=PlanSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.plan_list(
            user=request.user,
            status=request.query_params.get("status", ""),
            enterprise=request.query_params.get("enterprise", ""),
        )
        page = self.pagination_class()  # rows as dicts, in PlanSerializer's shape (plans.listing)
        rows = page.paginate_queryset(listing.late_rows(qs, listing.plan_values), request, view=self)
        rows = listing.plan_details(rows)
        return page.get_paginated_response([listing.plan_api(row) for row in rows])

    @extend_schema(
        request=PlanInputSerializer,
        responses={
            201: inline_serializer(
                "PlanFiled",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "joint_task": serializers.IntegerField(allow_null=True),
                    "visit_date": serializers.DateField(allow_null=True),
                    "earlier_records": serializers.ListField(child=serializers.DictField()),
                    "plan": PlanSerializer(),
                    "remote_check": serializers.IntegerField(allow_null=True),
                    "visit_reason": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request):
        require_officer(request.user)
        body = PlanInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_file(actor=request.user, **_filing_arguments(user=request.user, data=body.validated_data))
        # The service's plan carries its agency, enterprise, theme, visit and matters: the filer's agency sees its
        # own plan, so it is not read again.
        return Response(
            {
                "id": plan.pk,
                "status": plan.status,
                "joint_task": plan.joint_task_id,
                "visit_date": plan.joint_task.visit_date if plan.joint_task_id else None,
                "earlier_records": selectors.earlier_records(enterprise_id=plan.enterprise_id),
                "plan": plan_data(plan),
                # 能非现场的不进企业 (plans.remote): the request a remote check opened, the reason a plan visits.
                "remote_check": plan.remote_check.pk if plan.status == Plan.Status.REMOTE else None,
                "visit_reason": plan.visit_reason,
            },
            status=status.HTTP_201_CREATED,
        )


class PlanCampaignApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=CampaignInputSerializer, responses={201: PlanSerializer(many=True)})
    def post(self, request):
        body = CampaignInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        arguments = _filing_arguments(user=request.user, data=body.validated_data)
        plans = services.plan_file_campaign(actor=request.user, **arguments)
        return Response(PlanSerializer(plans, many=True).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(APIView):
    @extend_schema(responses=PlanSerializer)
    def get(self, request, pk):
        return Response(PlanSerializer(plan_for_user(user=request.user, plan_id=pk)).data)


class PlanWithdrawApi(APIView):
    permission_classes = [IsOfficer]

    @extend_schema(request=NoteSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_withdraw(
            actor=request.user,
            plan=plan_for_user(user=request.user, plan_id=pk),
            reason=body.validated_data.get("note", ""),
        )
        return Response(PlanSerializer(plan).data)


class RefileSerializer(serializers.Serializer):
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class PlanRefileApi(APIView):
    """A plan not carried out (its visit missed, or its window passed) filed again with a new window."""

    permission_classes = [IsOfficer]

    @extend_schema(request=RefileSerializer, responses={201: PlanSerializer})
    def post(self, request, pk):
        body = RefileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = plan_refile(actor=request.user, plan=plan_for_user(user=request.user, plan_id=pk), **body.validated_data)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class OfficersSerializer(serializers.Serializer):
    officers = serializers.ListField(child=serializers.CharField(max_length=150), allow_empty=False)


class PlanOfficersApi(APIView):
    """The filing agency names the officers of its plan (usernames of its certified officers)."""

    permission_classes = [IsOfficer]

    @extend_schema(request=OfficersSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        plan = plan_for_user(user=request.user, plan_id=pk)
        body = OfficersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        names = body.validated_data["officers"]
        officers = users_by_username(names, agency_id=request.user.agency_id)
        if len(officers) < len(set(names)):
            raise serializers.ValidationError(
                {"officers": [_("Unknown officer(s): %(names)s") % {"names": _unknown(names, officers)}]}
            )
        plan = services.plan_officers_set(actor=request.user, plan=plan, officers=list(officers.values()))
        return Response(PlanSerializer(plan).data)


class PlanPreviewApi(APIView):
    """The visit a plan would join, without filing it: for the live preview on the filing page."""

    permission_classes = [IsOfficer]

    @extend_schema(
        parameters=[
            OpenApiParameter("enterprise", str, required=True),
            OpenApiParameter("window_start", str, required=True),
            OpenApiParameter("window_end", str, required=True),
            OpenApiParameter(
                "matters", str, many=True, description="The matters ticked so far (codes): flags a duplicate plan."
            ),
        ],
        responses=inline_serializer("PlanPreview", {"joins": serializers.DictField(allow_null=True)}),
    )
    def get(self, request):
        params = request.query_params
        dates = serializers.DateField()
        try:
            start = dates.run_validation(params.get("window_start"))
            end = dates.run_validation(params.get("window_end"))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"window": exc.detail})
        enterprise = enterprise_for_user(user=request.user, uscc=params.get("enterprise", ""))
        matters = [code for code in params.getlist("matters") if code][:200]
        return Response(
            plan_preview(
                user=request.user, enterprise=enterprise, window_start=start, window_end=end, matter_codes=matters
            )
        )
