"""What the plans API answers with: plans, joint visits, invitations (read-only), and the note that several
writes take."""

import copy

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..models import Invitation, JointTask, Plan


class AgencyBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BuiltFieldsOnce:
    # A ModelSerializer builds its fields by introspecting the model on every instance: about 80 % of
    # serialising one plan. Build them once per class and hand each instance copies, as DRF does for the
    # fields a serializer declares. Only for serializers whose fields do not depend on the instance or the
    # context. (A comment, not a docstring: the API schema would show a docstring as the serializer's.)

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


class PlanSerializer(BuiltFieldsOnce, serializers.ModelSerializer):
    agency = AgencyBriefSerializer()
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    matters = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    visit_date = serializers.DateField(source="joint_task.visit_date", default=None, allow_null=True)
    filed_ahead = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=_("Whether the visit counts as filed 7 days ahead (none until matched)"),
    )
    editable = serializers.BooleanField(
        source="is_editable", read_only=True, help_text=_("The filing agency may still change the officers")
    )
    can_withdraw = serializers.BooleanField(read_only=True, help_text=_("The filing agency may still withdraw it"))

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
            "cap_exemption",
            "cap_note",
            "head_approval",
            "head_approval_at",
            "head_approval_note",
            "editable",
            "can_withdraw",
        ]


def _day(value):
    return value.isoformat() if value is not None else None


def plan_data(plan: Plan) -> dict:
    """``PlanSerializer(plan).data`` without the serializer: the filing's answer (one plan, on every filing;
    the serializer's fields cost more Python than the filing's writes). ``plan`` has its agency, enterprise,
    theme, visit and matters loaded. ``plans/tests/test_plans_api.py`` holds the two equal."""
    task = plan.joint_task if plan.joint_task_id else None
    return {
        "id": plan.pk,
        "status": plan.status,
        "agency": {"code": plan.agency.code, "name": plan.agency.name},
        "enterprise": plan.enterprise.uscc,
        "enterprise_name": plan.enterprise.name,
        "theme": plan.theme.code if plan.theme_id else None,
        "matters": [m.code for m in plan.matters.all()],
        "window_start": _day(plan.window_start),
        "window_end": _day(plan.window_end),
        "filed_on": _day(plan.filed_on),
        "urgent": plan.urgent,
        "urgent_category": plan.urgent_category,
        "urgent_reason": plan.urgent_reason,
        "review_note": plan.review_note,
        "post_review": plan.post_review,
        "post_review_note": plan.post_review_note,
        "joint_task": plan.joint_task_id,
        "visit_date": _day(task.visit_date) if task is not None else None,
        "ahead_from": _day(plan.ahead_from),
        "filed_ahead": plan.filed_ahead,
        "campaign": plan.campaign,
        "cap_exemption": plan.cap_exemption,
        "cap_note": plan.cap_note,
        "head_approval": plan.head_approval,
        "head_approval_at": serializers.DateTimeField().to_representation(plan.head_approval_at)
        if plan.head_approval_at else None,
        "head_approval_note": plan.head_approval_note,
        "editable": plan.is_editable,
        "can_withdraw": plan.can_withdraw,
    }


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

    # The nested parts are built as plain dicts with the brief serializers' fields: a list of 50 visits
    # instantiated some 150 serializers (each deep-copying its fields), half of the request's Python time.

    @extend_schema_field(AgencyBriefSerializer(many=True))
    def get_agencies(self, task) -> list[dict]:
        return [{"code": a.code, "name": a.name} for a in selectors.task_agencies(task)]

    def get_plans(self, task) -> list[int]:
        return [p.pk for p in task.live_plans]

    @extend_schema_field(OfficerBriefSerializer(many=True))
    def get_officers(self, task) -> list[dict]:
        return [
            {"name": str(o), "certificate_number": o.certificate_number, "agency": o.agency.name}
            for o in selectors.task_officers(task)
        ]

    @extend_schema_field(MatterBriefSerializer(many=True))
    def get_checklist(self, task) -> list[dict]:
        return [
            {"code": m.code, "name": m.name, "standard": m.standard, "legal_basis": m.legal_basis}
            for m in selectors.task_checklist(task)
        ]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class InvitationSerializer(serializers.ModelSerializer):
    lead_plan = PlanSerializer()

    class Meta:
        model = Invitation
        fields = ["id", "status", "deadline", "lead_plan"]
