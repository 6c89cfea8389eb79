"""The officer app's API for plans, joint visits, reviews and statistics (thin: services do the work)."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from catalogue.models import Matter, Theme
from enterprises.access import enterprise_for_user
from enterprises.models import BusyPeriod
from enterprises.selectors import enterprise_of_user
from yantai_inspect.errors import DomainError

from . import selectors, services
from .access import invitation_for_user, joint_task_for_user, plan_for_user
from .busy import busy_period_declare, busy_period_delete
from .models import Invitation, JointTask, Plan
from .refile import plan_refile
from .statistics import DIMENSIONS, plan_statistics


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

    def validate(self, data):
        user = self.context["request"].user
        errors = {}
        try:
            data["enterprise"] = enterprise_for_user(user=user, uscc=data["enterprise"])
        except Exception:
            errors["enterprise"] = [_("No enterprise with this credit code in your area.")]
        codes = list(dict.fromkeys(data["matters"]))
        matters = list(Matter.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {m.code for m in matters})
        if missing:
            errors["matters"] = [_("Unknown matter code(s): %(codes)s") % {"codes": ", ".join(missing)}]
        data["matters"] = matters
        if data.get("theme"):
            data["theme"] = Theme.objects.filter(code=data["theme"]).first()
            if data["theme"] is None:
                errors["theme"] = [_("Unknown theme code.")]
        else:
            data["theme"] = None
        if data.get("officers"):
            names = data["officers"]
            officers = list(User.objects.filter(username__in=names))
            unknown = sorted(set(names) - {o.username for o in officers})
            if unknown:
                errors["officers"] = [_("Unknown officer(s): %(names)s") % {"names": ", ".join(unknown)}]
            data["officers"] = officers
        if data.get("invitation"):
            try:
                data["invitation"] = invitation_for_user(user=user, invitation_id=data["invitation"])
            except Exception:
                errors["invitation"] = [_("No such invitation for your agency.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class CampaignInputSerializer(PlanInputSerializer):
    """A campaign: the same plan for a batch of enterprises, one plan each; all or none are filed."""

    enterprise = None
    enterprises = serializers.ListField(
        child=serializers.CharField(max_length=18),
        allow_empty=False,
        help_text=_("Unified social credit codes (at most CAMPAIGN_MAX_ENTERPRISES distinct ones, 500 by default)"),
    )
    invitation = None

    def validate(self, data):
        user = self.context["request"].user
        codes = list(dict.fromkeys(c.strip().upper() for c in data["enterprises"]))
        try:
            services.campaign_size_check(len(codes))  # the service's rule, before any code is looked up
        except DomainError as exc:
            raise serializers.ValidationError(exc.as_dict()) from exc
        found, unknown = [], []
        for code in codes:
            try:
                found.append(enterprise_for_user(user=user, uscc=code))
            except Exception:
                unknown.append(code)
        data["enterprise"] = found[0] if found else None
        try:
            data = super().validate({**data, "enterprise": found[0].uscc if found else ""})
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
            errors.pop("enterprise", None)
            if errors:
                raise
        if unknown:
            raise serializers.ValidationError(
                {
                    "enterprises": [
                        _("No enterprise with these credit codes in your area: %(codes)s")
                        % {"codes": ", ".join(unknown)}
                    ]
                }
            )
        data.pop("enterprise", None)
        data["enterprises"] = found
        return data


class AgencyBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlanSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer()
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    matters = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    visit_date = serializers.DateField(source="joint_task.visit_date", default=None)
    editable = serializers.BooleanField(
        source="is_editable", read_only=True, help_text=_("The filing agency may still change the officers")
    )
    can_withdraw = serializers.BooleanField(read_only=True, help_text=_("The filing agency may still withdraw it"))
    filed_ahead = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=_("Whether the visit counts as filed 7 days ahead (none until matched)"),
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "status",
            "agency",
            "enterprise",
            "enterprise_name",
            "theme",
            "matters",
            "window_start",
            "window_end",
            "filed_on",
            "urgent",
            "urgent_category",
            "urgent_reason",
            "review_note",
            "post_review",
            "post_review_note",
            "joint_task",
            "visit_date",
            "ahead_from",
            "filed_ahead",
            "campaign",
            "editable",
            "can_withdraw",
        ]


class OfficerBriefSerializer(serializers.Serializer):
    name = serializers.CharField(source="__str__")
    certificate_number = serializers.CharField()
    agency = serializers.CharField(source="agency.name")


class MatterBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    standard = serializers.CharField()
    legal_basis = serializers.CharField()


class JointTaskSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    lead_agency = AgencyBriefSerializer()
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agencies = serializers.SerializerMethodField()
    plans = serializers.SerializerMethodField()
    officers = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    has_notice = serializers.BooleanField(
        read_only=True, help_text=_("The enterprise has the inspection notice of this visit (fixed, not cancelled)")
    )

    class Meta:
        model = JointTask
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "visit_date",
            "fixed",
            "has_notice",
            "status",
            "urgent",
            "lead_agency",
            "theme",
            "agencies",
            "plans",
            "officers",
            "checklist",
        ]

    def get_agencies(self, task) -> list[dict]:
        return AgencyBriefSerializer(selectors.task_agencies(task), many=True).data

    def get_plans(self, task) -> list[int]:
        return [p.pk for p in task.live_plans]

    def get_officers(self, task) -> list[dict]:
        return OfficerBriefSerializer(selectors.task_officers(task), many=True).data

    def get_checklist(self, task) -> list[dict]:
        return MatterBriefSerializer(selectors.task_checklist(task), many=True).data


def _officer_only(request):
    if not request.user.is_officer:
        raise PermissionDenied(_("Only enforcement officers can do this."))


class PlanListCreateApi(APIView):
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
        page = generics.GenericAPIView.pagination_class()
        items = page.paginate_queryset(qs, request, view=self)
        return page.get_paginated_response(PlanSerializer(items, many=True).data)

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
                },
            )
        },
    )
    def post(self, request):
        _officer_only(request)
        data = PlanInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        plan = services.plan_file(actor=request.user, **data.validated_data)
        plan = plan_for_user(user=request.user, plan_id=plan.pk)
        return Response(
            {
                "id": plan.pk,
                "status": plan.status,
                "joint_task": plan.joint_task_id,
                "visit_date": plan.joint_task.visit_date if plan.joint_task_id else None,
                "earlier_records": selectors.earlier_records(enterprise_id=plan.enterprise_id),
                "plan": PlanSerializer(plan).data,
            },
            status=status.HTTP_201_CREATED,
        )


class PlanCampaignApi(APIView):
    @extend_schema(request=CampaignInputSerializer, responses={201: PlanSerializer(many=True)})
    def post(self, request):
        _officer_only(request)
        data = CampaignInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        plans = services.plan_file_campaign(actor=request.user, **data.validated_data)
        return Response(PlanSerializer(plans, many=True).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(APIView):
    @extend_schema(responses=PlanSerializer)
    def get(self, request, pk):
        return Response(PlanSerializer(plan_for_user(user=request.user, plan_id=pk)).data)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReviewSerializer(NoteSerializer):
    decision = serializers.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class PostReviewSerializer(NoteSerializer):
    decision = serializers.ChoiceField(choices=[("justified", _("Justified")), ("unjustified", _("Not justified"))])


class PlanWithdrawApi(APIView):
    @extend_schema(request=NoteSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        _officer_only(request)
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

    @extend_schema(request=RefileSerializer, responses={201: PlanSerializer})
    def post(self, request, pk):
        _officer_only(request)
        body = RefileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = plan_refile(actor=request.user, plan=plan_for_user(user=request.user, plan_id=pk), **body.validated_data)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


def _justice_only(request):
    if not request.user.is_justice:
        raise PermissionDenied(_("Only the justice bureau can review plans."))


class OfficersSerializer(serializers.Serializer):
    officers = serializers.ListField(child=serializers.CharField(max_length=150), allow_empty=False)


class PlanOfficersApi(APIView):
    """The filing agency names the officers of its plan (usernames of its certified officers)."""

    @extend_schema(request=OfficersSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        _officer_only(request)
        plan = plan_for_user(user=request.user, plan_id=pk)
        body = OfficersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        names = body.validated_data["officers"]
        officers = list(User.objects.filter(username__in=names, agency_id=request.user.agency_id))
        unknown = sorted(set(names) - {o.username for o in officers})
        if unknown:
            raise serializers.ValidationError(
                {"officers": [_("Unknown officer(s): %(names)s") % {"names": ", ".join(unknown)}]}
            )
        plan = services.plan_officers_set(actor=request.user, plan=plan, officers=officers)
        return Response(PlanSerializer(plan).data)


class PlanReviewApi(APIView):
    """The justice bureau approves or rejects a plan on a whitelisted enterprise."""

    @extend_schema(request=ReviewSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        _justice_only(request)
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_review(
            actor=request.user,
            plan=plan_for_user(user=request.user, plan_id=pk),
            approve=body.validated_data["decision"] == "approve",
            note=body.validated_data.get("note", ""),
        )
        return Response(PlanSerializer(plan).data)


class PlanPostReviewApi(APIView):
    """The justice bureau marks a green-channel inspection justified or not, after the fact."""

    @extend_schema(request=PostReviewSerializer, responses=PlanSerializer)
    def post(self, request, pk):
        _justice_only(request)
        body = PostReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_post_review(
            actor=request.user,
            plan=plan_for_user(user=request.user, plan_id=pk),
            justified=body.validated_data["decision"] == "justified",
            note=body.validated_data.get("note", ""),
        )
        return Response(PlanSerializer(plan).data)


class ReviewQueueApi(generics.ListAPIView):
    """Plans waiting for this justice bureau: ``?queue=whitelist`` (default) or ``?queue=green_channel``."""

    serializer_class = PlanSerializer

    @extend_schema(parameters=[OpenApiParameter("queue", str, enum=["whitelist", "green_channel"])])
    def get(self, request, *args, **kwargs):
        _justice_only(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.request.query_params.get("queue") == "green_channel":
            return selectors.post_review_queue(user=self.request.user)
        return selectors.review_queue(user=self.request.user)


class JointTaskListApi(generics.ListAPIView):
    """Joint visits within the caller's scope, ``?enterprise=<credit code>`` for one enterprise."""

    serializer_class = JointTaskSerializer

    @extend_schema(parameters=[OpenApiParameter("enterprise", str), OpenApiParameter("upcoming", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.joint_tasks_for_user(user=self.request.user)
        code = self.request.query_params.get("enterprise")
        if code:
            qs = qs.filter(enterprise__uscc=code.upper())
        if self.request.query_params.get("upcoming") in ("true", "1"):
            qs = qs.filter(visit_date__gte=timezone.localdate())
        return selectors.with_task_details(qs.exclude(status=JointTask.Status.CANCELLED)).order_by("visit_date", "id")


class JointTaskDetailApi(APIView):
    @extend_schema(responses=JointTaskSerializer)
    def get(self, request, pk):
        task = joint_task_for_user(user=request.user, task_id=pk)
        task = selectors.task_with_details(task.pk)
        return Response(JointTaskSerializer(task).data)


class InvitationSerializer(serializers.ModelSerializer):
    lead_plan = PlanSerializer()

    class Meta:
        model = Invitation
        fields = ["id", "status", "deadline", "lead_plan"]


class InvitationListApi(generics.ListAPIView):
    serializer_class = InvitationSerializer

    def get_queryset(self):
        return selectors.invitations_for_user(user=self.request.user).prefetch_related("lead_plan__matters")


class InvitationDeclineApi(APIView):
    @extend_schema(request=NoteSerializer, responses=InvitationSerializer)
    def post(self, request, pk):
        _officer_only(request)
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_decline(
            actor=request.user,
            invitation=invitation_for_user(user=request.user, invitation_id=pk),
            reason=body.validated_data.get("note", ""),
        )
        return Response(InvitationSerializer(invitation).data)


class StatisticsApi(APIView):
    """Joint share, visits avoided, 7-day advance filing rate and green-channel counts over the caller's plans."""

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(DIMENSIONS)),
            OpenApiParameter("from", str),
            OpenApiParameter("to", str),
        ],
        responses=inline_serializer("Statistics", {"figures": serializers.DictField()}),
    )
    def get(self, request):
        if not (request.user.is_justice or request.user.is_officer or request.user.is_platform_admin):
            raise PermissionDenied
        by = request.query_params.get("by") or None
        if by is not None and by not in DIMENSIONS:
            raise serializers.ValidationError({"by": [_("One of: %(d)s") % {"d": ", ".join(DIMENSIONS)}]})
        dates = serializers.DateField(required=False)
        date_from = dates.run_validation(request.query_params["from"]) if request.query_params.get("from") else None
        date_to = dates.run_validation(request.query_params["to"]) if request.query_params.get("to") else None
        figures = plan_statistics(
            plans_qs=selectors.plans_for_user(user=request.user), by=by, date_from=date_from, date_to=date_to
        )
        return Response({"figures": figures})


class PlanPreviewApi(APIView):
    """The visit a plan would join, without filing it: for the live preview on the filing page."""

    @extend_schema(
        parameters=[
            OpenApiParameter("enterprise", str, required=True),
            OpenApiParameter("window_start", str, required=True),
            OpenApiParameter("window_end", str, required=True),
        ],
        responses=inline_serializer("PlanPreview", {"joins": serializers.DictField(allow_null=True)}),
    )
    def get(self, request):
        _officer_only(request)
        from .preview import plan_preview

        params = request.query_params
        dates = serializers.DateField()
        try:
            start = dates.run_validation(params.get("window_start"))
            end = dates.run_validation(params.get("window_end"))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"window": exc.detail})
        enterprise = enterprise_for_user(user=request.user, uscc=params.get("enterprise", ""))
        return Response(plan_preview(user=request.user, enterprise=enterprise, window_start=start, window_end=end))


# -- the enterprise app: busy periods ---------------------------------------------------------------------


class BusyPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusyPeriod
        fields = ["id", "start", "end", "reason"]


def _own_enterprise(request):
    enterprise = enterprise_of_user(user=request.user)
    if enterprise is None:
        raise PermissionDenied
    return enterprise


class BusyPeriodListApi(APIView):
    """The enterprise's declared busy periods (dates it asks not to be visited); unfixed visits avoid them."""

    @extend_schema(responses=BusyPeriodSerializer(many=True))
    def get(self, request):
        enterprise = _own_enterprise(request)
        return Response(BusyPeriodSerializer(BusyPeriod.objects.filter(enterprise=enterprise), many=True).data)

    @extend_schema(request=BusyPeriodSerializer, responses={201: BusyPeriodSerializer})
    def post(self, request):
        enterprise = _own_enterprise(request)
        body = BusyPeriodSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = busy_period_declare(actor=request.user, enterprise=enterprise, **body.validated_data)
        return Response(BusyPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class BusyPeriodDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        period = BusyPeriod.objects.filter(pk=pk, enterprise=_own_enterprise(request)).first()
        if period is None:
            raise Http404
        busy_period_delete(actor=request.user, period=period)
        return Response(status=status.HTTP_204_NO_CONTENT)
