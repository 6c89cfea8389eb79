"""The cap policy (检查频次上限) through the API: the version in force on a day and its history (every justice
bureau), a new version (the city's justice bureau)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import IsJustice, IsOfficer
from accounts.models import Agency
from yantai_inspect.inputs import query_date

from .policy import (
    CapPolicy,
    CapRule,
    CapTier,
    OverCap,
    cap_policy_in_force,
    cap_policy_set,
    cap_rules,
    require_cap_policy_editor,
)

HISTORY_SIZE = 50


class CapRuleSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=CapRule.Scope.choices)
    agency = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True,
                                   help_text=_("Agency code; empty: every agency without its own cap"))
    tier = serializers.ChoiceField(choices=CapTier.choices)
    limit = serializers.IntegerField(min_value=0, max_value=366, allow_null=True,
                                     help_text=_("Most visits a calendar year; null: no cap"))
    over_cap = serializers.ChoiceField(choices=OverCap.choices, default=OverCap.REFUSE)


class CapPolicyInputSerializer(serializers.Serializer):
    effective_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    rules = serializers.ListField(child=CapRuleSerializer(), max_length=2000)


class CapPolicyRuleOutput(serializers.Serializer):
    scope = serializers.ChoiceField(choices=CapRule.Scope.choices)
    agency = serializers.CharField(allow_null=True)
    tier = serializers.ChoiceField(choices=CapTier.choices)
    limit = serializers.IntegerField(allow_null=True)
    over_cap = serializers.ChoiceField(choices=OverCap.choices)


class CapPolicyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    effective_from = serializers.DateField()
    note = serializers.CharField()
    set_by = serializers.CharField(allow_null=True)
    set_at = serializers.DateTimeField()
    rules = CapPolicyRuleOutput(many=True)


class CapPolicyVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    effective_from = serializers.DateField()
    note = serializers.CharField()
    set_by = serializers.CharField(allow_null=True)


class CapPolicyStateOutput(serializers.Serializer):
    on = serializers.DateField()
    in_force = CapPolicyOutput(allow_null=True)
    history = CapPolicyVersionOutput(many=True)


def _policy_data(policy: CapPolicy | None) -> dict | None:
    if policy is None:
        return None
    return {
        "id": policy.pk,
        "effective_from": policy.effective_from.isoformat(),
        "note": policy.note,
        "set_by": policy.created_by.username if policy.created_by_id else None,
        "set_at": policy.created_at.isoformat(),
        "rules": [{"scope": r.scope, "agency": r.agency.code if r.agency_id else None, "tier": r.tier,
                   "limit": r.limit, "over_cap": r.over_cap} for r in cap_rules(policy)],
    }


class CapPolicyApi(APIView):
    """GET: the policy in force on ``?on=`` (default today) and the versions' history (every justice bureau and
    every officer: the filing counts against it); POST: a new version (the city's justice bureau)."""

    permission_classes = [IsJustice | IsOfficer]

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="YYYY-MM-DD")],
                   responses=CapPolicyStateOutput)
    def get(self, request):
        on = query_date(request.query_params, "on") or timezone.localdate()
        history = CapPolicy.objects.select_related("created_by").order_by("-effective_from", "-id")[:HISTORY_SIZE]
        return Response({
            "on": on.isoformat(),
            "in_force": _policy_data(cap_policy_in_force(on)),
            "history": [{"id": p.pk, "effective_from": p.effective_from.isoformat(), "note": p.note,
                         "set_by": p.created_by.username if p.created_by_id else None} for p in history],
        })

    @extend_schema(request=CapPolicyInputSerializer, responses={201: CapPolicyOutput})
    def post(self, request):
        require_cap_policy_editor(request.user)
        body = CapPolicyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        codes = {r["agency"] for r in data["rules"] if r.get("agency")}
        agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        unknown = sorted(codes - set(agencies))
        if unknown:
            raise serializers.ValidationError({"rules": [_("Unknown agency code(s): %(codes)s")
                                                         % {"codes": ", ".join(unknown)}]})
        rules = [{**r, "agency": agencies.get(r.get("agency") or "")} for r in data["rules"]]
        policy = cap_policy_set(actor=request.user, effective_from=data["effective_from"], rules=rules,
                                note=data.get("note", ""))
        return Response(_policy_data(policy), status=status.HTTP_201_CREATED)
