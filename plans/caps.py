"""检查频次上限 at filing: a routine plan may not take an agency, or all agencies together, past the yearly cap
on on-site visits to one enterprise that the policy in force sets for the enterprise's grade
(``credit.policy``).

What counts, per calendar year of the visit date (a plan not yet on a visit: of its earliest date): the
visits of plans awaiting review, filed, approved or carried out. A visit is *routine* when it serves at
least one plan that is not exempt. Exempt plans are counted (shown beside the count) and never capped:
green-channel plans on a public report or complaint, an accident, an assignment from a higher level or a
State Council tour, re-checks of rectification and special inspections ordered from above
(``Plan.CapExemption``). **Joining a visit that is already planned never counts against the combined
cap**: it adds no visit to the enterprise. It does count against the agency's own cap, unless the agency
already takes part in that visit with a routine plan.

A plan over a cap is refused with a message naming the cap, the count so far and the exemptions, or,
where the rule says so, routed to the justice bureau's review with that message as the reason."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Value
from django.utils.translation import gettext as _

from audit.services import audit_record
from credit.policy import WHITELIST, CapRule, OverCap, cap_limits_for, cap_policy_in_force, cap_rules, cap_tier
from notifications.models import Notification
from yantai_inspect.errors import DomainError
from yantai_inspect.prepared import SENTINEL_DAY, SENTINEL_ID, prepared_queryset

from .matching import enterprise_reschedule
from .models import Invitation, Plan

EXEMPT_URGENT_CATEGORIES = (
    Plan.UrgentCategory.PUBLIC_REPORT,
    Plan.UrgentCategory.ACCIDENT,
    Plan.UrgentCategory.HIGHER_ASSIGNMENT,
    Plan.UrgentCategory.STATE_COUNCIL_TOUR,
)
COUNTED_STATUSES = (Plan.Status.PENDING_REVIEW, Plan.Status.PENDING_APPROVAL, *Plan.SERVED)


def exempt_q() -> Q:
    """The plans the rules exempt from the caps, as a filter (the one definition)."""
    return Q(urgent=True, urgent_category__in=EXEMPT_URGENT_CATEGORIES) | ~Q(cap_exemption="")


def plan_is_exempt(plan: Plan) -> bool:
    return bool(plan.cap_exemption) or (plan.urgent and plan.urgent_category in EXEMPT_URGENT_CATEGORIES)


def exemptions_text() -> str:
    return _(
        "Exempt from the caps (counted, never capped): green-channel inspections on a public report or "
        "complaint, an accident, an assignment from a higher level or a State Council tour; re-checks of "
        "rectification; special inspections ordered from above. Joining a visit already planned adds no "
        "visit to the combined cap."
    )


def _visits(q: Q) -> Count:
    return Count("joint_task", distinct=True, filter=q & Q(joint_task__isnull=False))


def _unmatched(q: Q) -> Count:
    return Count("pk", filter=q & Q(joint_task__isnull=True))


def _counts_queryset(*, enterprise_id: int, start: dt.date, end: dt.date, agency_id: int | None,
                     plan_id: int | None = None, task_id: int | None = None):
    """``cap_counts``' statement: one row of counts over the enterprise's counted plans of the year (the
    aggregates grouped by nothing, i.e. over all rows, as ``aggregate`` would)."""
    routine, exempt = ~exempt_q(), exempt_q()
    mine = Q(agency_id=agency_id)
    aggregates = {
        "all_routine_v": _visits(routine), "all_routine_u": _unmatched(routine),
        "all_exempt_v": _visits(exempt), "all_exempt_u": _unmatched(exempt),
        "agency_routine_v": _visits(mine & routine), "agency_routine_u": _unmatched(mine & routine),
        "agency_exempt_v": _visits(mine & exempt), "agency_exempt_u": _unmatched(mine & exempt),
    }
    if task_id is not None:
        on_visit = Q(joint_task_id=task_id) & ~Q(pk=plan_id)
        aggregates["others_on_visit"] = Count("pk", filter=on_visit)
        aggregates["agency_routine_on_visit"] = Count("pk", filter=on_visit & mine & routine)
    in_year = Q(joint_task__visit_date__range=(start, end)) | Q(
        joint_task__isnull=True, window_start__range=(start, end)
    )
    return (
        Plan.objects.filter(in_year, enterprise_id=enterprise_id, status__in=COUNTED_STATUSES)
        .order_by()
        .annotate(one=Value(1))  # a constant groups nothing: the aggregates run over every row, one row out
        .values("one")
        .annotate(**aggregates)
    )


# The filing's cap check (an agency, a plan on its visit or not): compiled once per process
# (``yantai_inspect.prepared``), the values bound on each filing. Sentinel days: a year's first and last day.
SENTINEL_YEAR = (SENTINEL_DAY, SENTINEL_DAY.replace(month=12, day=31))


def _filing_counts(*, enterprise_id: int, start: dt.date, end: dt.date, agency_id: int, plan: Plan | None):
    values = {"enterprise_id": enterprise_id, "start": start, "end": end, "agency_id": agency_id}
    sentinels = {"enterprise_id": SENTINEL_ID, "start": SENTINEL_YEAR[0], "end": SENTINEL_YEAR[1],
                 "agency_id": SENTINEL_ID - 10}
    key = "plans.caps.cap_counts"
    if plan is not None and plan.joint_task_id:
        values |= {"plan_id": plan.pk, "task_id": plan.joint_task_id}
        sentinels |= {"plan_id": SENTINEL_ID - 20, "task_id": SENTINEL_ID - 30}
        key += ".on_visit"
    return prepared_queryset(key, Plan, _counts_queryset, **sentinels)(**values)


def cap_counts(*, enterprise_id: int, year: int, agency_id: int | None = None, plan: Plan | None = None) -> dict:
    """The enterprise's visits of ``year``, in one statement: routine and exempt, of ``agency_id`` and of
    all agencies. With ``plan`` (already on its visit): whether others share that visit."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if agency_id is not None:
        rows = _filing_counts(enterprise_id=enterprise_id, start=start, end=end, agency_id=agency_id, plan=plan)
    else:
        task_id = plan.joint_task_id if plan is not None else None
        rows = _counts_queryset(enterprise_id=enterprise_id, start=start, end=end, agency_id=None,
                                plan_id=plan.pk if task_id else None, task_id=task_id)
    row = next(iter(rows))
    return {
        "year": year,
        "all_routine": row["all_routine_v"] + row["all_routine_u"],
        "all_exempt": row["all_exempt_v"] + row["all_exempt_u"],
        "agency_routine": row["agency_routine_v"] + row["agency_routine_u"],
        "agency_exempt": row["agency_exempt_v"] + row["agency_exempt_u"],
        "others_on_visit": row.get("others_on_visit", 0),
        "agency_routine_on_visit": row.get("agency_routine_on_visit", 0),
    }


def enterprise_tier(enterprise) -> str:
    profile = getattr(enterprise, "credit", None)
    return cap_tier(grade=getattr(profile, "grade", None), whitelisted=bool(getattr(profile, "whitelisted", False)))


def tier_label(tier: str) -> str:
    return _("whitelisted") if tier == WHITELIST else _("grade %(grade)s") % {"grade": tier}


@dataclass
class CapVerdict:
    scope: str  # CapRule.Scope
    limit: int
    count: int  # routine visits before this plan
    over_cap: str  # OverCap
    message: str


def _over_message(*, scope: str, limit: int, count: int, year: int, tier: str) -> str:
    who = _("your agency") if scope == CapRule.Scope.AGENCY else _("all agencies together")
    return _(
        "Over the yearly cap: for a %(tier)s enterprise, %(who)s may make at most %(limit)d routine on-site "
        "visit(s) in %(year)d, and %(count)d are already planned or made."
    ) % {"tier": tier_label(tier), "who": who, "limit": limit, "year": year, "count": count} + " " + exemptions_text()


def plan_cap_verdict(*, plan: Plan, enterprise, today: dt.date) -> CapVerdict | None:
    """The cap a just-filed plan (saved, on its visit if matched) goes over, or None. The policy is the one in
    force on the filing day. An exempt plan costs no statement; a plan with no cap two."""
    if plan_is_exempt(plan):
        return None
    tier = enterprise_tier(enterprise)
    limits = cap_limits_for(on=today, agency_id=plan.agency_id, tier=tier)
    if limits["agency"] is None and limits["combined"] is None:
        return None
    visit_date = plan.joint_task.visit_date if plan.joint_task_id else plan.window_start
    counts = cap_counts(enterprise_id=enterprise.pk, year=visit_date.year, agency_id=plan.agency_id, plan=plan)
    checks = (
        (CapRule.Scope.AGENCY, limits["agency"], counts["agency_routine"], counts["agency_routine_on_visit"]),
        (CapRule.Scope.COMBINED, limits["combined"], counts["all_routine"], counts["others_on_visit"]),
    )
    for scope, limit, count, shared in checks:
        if limit is None or shared:  # a visit already planned: this plan adds none to that count
            continue
        cap, over = limit
        if count > cap:
            message = _over_message(scope=scope, limit=cap, count=count - 1, year=visit_date.year, tier=tier)
            return CapVerdict(scope=scope, limit=cap, count=count - 1, over_cap=over, message=message)
    return None


def plan_cap_enforce(*, actor, plan: Plan, enterprise, today: dt.date) -> CapVerdict | None:
    """Called by ``plan_file`` once the plan is saved and matched: refuses a plan over a cap (the caller's
    transaction rolls back) or routes it to the justice bureau's review with the reason, off its visit."""
    verdict = plan_cap_verdict(plan=plan, enterprise=enterprise, today=today)
    if verdict is None:
        return None
    if verdict.over_cap == OverCap.REFUSE:
        raise DomainError(verdict.message, field="window_start")
    was_matched = plan.joint_task_id is not None
    plan.cap_note = verdict.message
    if plan.is_live:
        plan.status, plan.joint_task = Plan.Status.PENDING_REVIEW, None
    plan.save(update_fields=["status", "joint_task", "cap_note"])
    audit_record(actor=actor, action="plan.cap_review", obj=plan,
                 details={"scope": verdict.scope, "limit": verdict.limit, "count": verdict.count})
    if was_matched and not plan.urgent:
        # The theme's invitations to join its visit, written by this filing a moment ago, are taken back with
        # their notifications (nobody saw them: same transaction); approval invites again (``plan_review``).
        invitations = list(Invitation.objects.filter(lead_plan=plan).values_list("pk", flat=True))
        if invitations:
            Notification.objects.filter(dedupe_key__in=[f"invitation:{pk}" for pk in invitations]).delete()
            Invitation.objects.filter(pk__in=invitations).delete()
        enterprise_reschedule(actor=actor, enterprise_id=plan.enterprise_id)
    if plan.status == Plan.Status.PENDING_REVIEW:  # a plan awaiting its head is sent on by the head's approval
        from .services.reviews import _notify_justice  # plans.services imports this module

        _notify_justice(plan, key="review", title=_("Plan over the yearly inspection cap awaits review"))
    return verdict


def cap_preview(*, enterprise, agency_id: int | None, visit_date: dt.date, new_visit: bool | None,
                today: dt.date) -> dict:
    """What the filing preview and the enterprise's pages show: the caps in force and the counts of the
    visit date's year; ``adds_combined``: whether a routine plan there would add a visit to the combined
    count (a new visit does; joining a planned one does not)."""
    tier = enterprise_tier(enterprise)
    limits = cap_limits_for(on=today, agency_id=agency_id or 0, tier=tier)
    counts = cap_counts(enterprise_id=enterprise.pk, year=visit_date.year, agency_id=agency_id)
    return {
        "year": visit_date.year,
        "tier": tier,
        "tier_label": tier_label(tier),
        "agency_cap": limits["agency"][0] if limits["agency"] else None,
        "combined_cap": limits["combined"][0] if limits["combined"] else None,
        "agency_routine": counts["agency_routine"] if agency_id else None,
        "agency_exempt": counts["agency_exempt"] if agency_id else None,
        "all_routine": counts["all_routine"],
        "all_exempt": counts["all_exempt"],
        "adds_combined": new_visit,
        "exemptions": exemptions_text(),
    }


def cap_text(info: dict) -> str:
    """The counts and caps in one sentence, for the officer's preview and the enterprise's pages."""
    def of(count, cap):
        return _("%(count)d of at most %(cap)d") % {"count": count, "cap": cap} if cap is not None else _(
            "%(count)d (no cap)") % {"count": count}

    parts = [_("Yearly caps %(year)d, %(tier)s enterprise:") % {"year": info["year"], "tier": info["tier_label"]}]
    if info["agency_routine"] is not None:
        parts.append(_("routine visits of your agency %(n)s;") % {"n": of(info["agency_routine"], info["agency_cap"])})
    parts.append(_("routine visits of all agencies %(n)s;") % {"n": of(info["all_routine"], info["combined_cap"])})
    parts.append(_("exempt visits %(n)d (counted, not capped).") % {"n": info["all_exempt"]})
    if info["adds_combined"] is False:
        parts.append(_("Joining this planned visit adds no visit to the combined cap."))
    elif info["adds_combined"]:
        parts.append(_("A new visit counts against the combined cap: joining a planned visit would not."))
    return " ".join(parts)


def enterprise_caps(*, enterprise, today: dt.date, year: int | None = None) -> dict:
    """What the enterprise sees (its portal and ``GET /api/v1/my-enterprise/caps/``): the caps in force for
    its grade, its visits of the year by all agencies and by each agency, beside each agency's cap. Four
    statements whatever the number of agencies."""
    year = year or today.year
    tier = enterprise_tier(enterprise)
    rules = [r for r in cap_rules(cap_policy_in_force(today)) if r.tier == tier]
    default = next((r.limit for r in rules if r.scope == CapRule.Scope.AGENCY and r.agency_id is None), None)
    own = {r.agency_id: r.limit for r in rules if r.scope == CapRule.Scope.AGENCY and r.agency_id}
    combined = next((r.limit for r in rules if r.scope == CapRule.Scope.COMBINED), None)
    counts = cap_counts(enterprise_id=enterprise.pk, year=year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = Q(joint_task__visit_date__range=(start, end)) | Q(
        joint_task__isnull=True, window_start__range=(start, end)
    )
    routine, exempt = ~exempt_q(), exempt_q()
    rows = (
        Plan.objects.filter(in_year, enterprise_id=enterprise.pk, status__in=COUNTED_STATUSES)
        .values("agency_id", "agency__name")
        .annotate(rv=_visits(routine), ru=_unmatched(routine), ev=_visits(exempt), eu=_unmatched(exempt))
        .order_by("agency__name")
    )
    agencies = [
        {"agency": row["agency__name"], "routine": row["rv"] + row["ru"], "exempt": row["ev"] + row["eu"],
         "cap": own.get(row["agency_id"], default)}
        for row in rows
    ]
    return {
        "year": year, "tier": tier, "tier_label": tier_label(tier),
        "agency_cap": default, "combined_cap": combined,
        "all_routine": counts["all_routine"], "all_exempt": counts["all_exempt"],
        "agencies": agencies, "exemptions": exemptions_text(),
    }
