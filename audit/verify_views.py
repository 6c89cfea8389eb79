"""The chain's verification page (``/audit/verify/``), for those who read the whole trail (administrators, the
city's justice bureau): the last verdict with the first broken link, the anchors, and "verify now" (a
background task: a city's chain takes longer than a request)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .anchoring import anchors, chain_head
from .scope import audit_scope_for
from .verification import last_verdict


def require_whole_trail(user) -> None:
    scope = audit_scope_for(user)
    if scope is None or not scope.everything:
        raise PermissionDenied(_("Only the city's justice bureau and administrators verify the audit trail."))


@login_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    require_whole_trail(request.user)
    if request.method == "POST":
        from .tasks import audit_verify_now

        audit_verify_now.delay()
        messages.success(request, _("The verification has started; reload this page for its verdict."))
        return redirect("audit-verify")
    head_seq, head_hash = chain_head()
    return render(request, "audit/audit_verify.html", {
        "verdict": _shown(last_verdict()), "anchors": anchors()[:30], "head_seq": head_seq, "head_hash": head_hash,
    })


def _moment(text):
    """A kept ISO timestamp as a datetime, which the page shows in Yantai's time (the text itself if it is not
    one)."""
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text


def _shown(verdict: dict | None) -> dict | None:
    if not verdict:
        return verdict
    shown = verdict | {"verified_at": _moment(verdict.get("verified_at"))}
    if isinstance(verdict.get("checkpoint"), dict):
        shown["checkpoint"] = verdict["checkpoint"] | {"verified_at": _moment(verdict["checkpoint"].get("verified_at"))}
    return shown
