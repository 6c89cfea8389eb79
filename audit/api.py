"""The chain's verification over the API (the page is ``/audit/verify/``): the last verdict, the head and the
newest anchor; POST starts a verification (202). Administrators and the city's justice bureau only."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .anchoring import chain_head, latest_anchor
from .verification import last_verdict
from .verify_views import require_whole_trail

Verification = inline_serializer("AuditVerification", {
    "head_seq": serializers.IntegerField(),
    "head_hash": serializers.CharField(),
    "verdict": inline_serializer("AuditVerdict", {
        "ok": serializers.BooleanField(), "checked": serializers.IntegerField(),
        "last_seq": serializers.IntegerField(), "last_hash": serializers.CharField(),
        "broken_seq": serializers.IntegerField(allow_null=True), "broken_id": serializers.IntegerField(allow_null=True),
        "problem": serializers.CharField(), "verified_at": serializers.CharField(),
        # "full" or "incremental" (the daily job's: from the checkpoint, and the day's slice of the older chain)
        "mode": serializers.CharField(),
        "ranges": serializers.ListField(child=serializers.ListField(child=serializers.IntegerField())),
    }, allow_null=True),
    "anchor": inline_serializer("AuditAnchor", {
        "date": serializers.CharField(), "seq": serializers.IntegerField(), "hash": serializers.CharField(),
        "anchored_at": serializers.CharField(),
    }, allow_null=True),
})


def _anchor(anchor):
    return {k: anchor[k] for k in ("date", "seq", "hash", "anchored_at")} if anchor else None


class AuditVerificationApi(APIView):
    @extend_schema(responses=Verification)
    def get(self, request):
        require_whole_trail(request.user)
        seq, head_hash = chain_head()
        kept = last_verdict()
        verdict = None
        if kept is not None:
            verdict = {k: kept.get(k) for k in ("ok", "checked", "last_seq", "last_hash", "broken_seq", "broken_id",
                                                "problem", "verified_at")}
            # a verdict kept before the modes was a full one
            verdict |= {"mode": kept.get("mode", "full"), "ranges": kept.get("ranges", [])}
        return Response({"head_seq": seq, "head_hash": head_hash, "verdict": verdict,
                         "anchor": _anchor(latest_anchor())})

    @extend_schema(request=None, responses={202: inline_serializer("AuditVerificationStarted",
                                                                   {"started": serializers.BooleanField()})})
    def post(self, request):
        require_whole_trail(request.user)
        from .tasks import audit_verify_now

        audit_verify_now.delay()
        return Response({"started": True}, status=status.HTTP_202_ACCEPTED)
