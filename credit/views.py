"""The justice bureau's page of the cap policy (检查频次上限): the version in force, its history, a new version."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import agency_required, justice_required
from accounts.models import Agency
from yantai_inspect.errors import DomainError

from .forms import CapPolicyForm, initial_from_rules
from .policy import (
    CapPolicy,
    cap_policy_in_force,
    cap_policy_set,
    cap_rules,
    default_cap_rules,
    require_cap_policy_editor,
    rule_dicts,
)

HISTORY_SIZE = 50


@justice_required
def cap_policy(request):
    """Every justice bureau reads the policy; the city's bureau sets a new version."""
    today = timezone.localdate()
    in_force = cap_policy_in_force(today)
    rules = cap_rules(in_force)
    may_edit = _may_edit(request.user)
    form = CapPolicyForm(
        request.POST or None,
        initial={"effective_from": today, **initial_from_rules(rule_dicts(rules) if in_force else default_cap_rules())},
    )
    if request.method == "POST":
        require_cap_policy_editor(request.user)
        if form.is_valid():
            codes = {code for _n, code, *_rest in form.cleaned_data["overrides"]}
            agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
            unknown = sorted(codes - set(agencies))
            if unknown:
                form.add_error("overrides", _("Unknown agency code(s): %(codes)s") % {"codes": ", ".join(unknown)})
            else:
                try:
                    cap_policy_set(actor=request.user, effective_from=form.cleaned_data["effective_from"],
                                   rules=form.rules(agencies), note=form.cleaned_data["note"])
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                else:
                    messages.success(request, _("New cap policy saved."))
                    return redirect("justice-cap-policy")
    history = list(CapPolicy.objects.select_related("created_by").order_by("-effective_from", "-id")[:HISTORY_SIZE])
    return render(request, "credit/cap_policy.html", {
        "in_force": in_force, "rules": rules, "form": form, "may_edit": may_edit, "history": history,
        "upcoming": [p for p in history if p.effective_from > today],
    })


def _may_edit(user) -> bool:
    try:
        require_cap_policy_editor(user)
    except PermissionDenied:  # other justice bureaus read only
        return False
    return True


@agency_required
def agency_cap_policy(request):
    """Officers read the caps in force (per agency, their own lines among them, and combined) and the versions
    to come: the filing preview counts against these."""
    today = timezone.localdate()
    in_force = cap_policy_in_force(today)
    upcoming = list(CapPolicy.objects.filter(effective_from__gt=today).order_by("effective_from", "id")[:HISTORY_SIZE])
    return render(request, "credit/agency_caps.html", {
        "in_force": in_force, "rules": cap_rules(in_force), "upcoming": upcoming,
        "agency": request.user.agency,
    })
