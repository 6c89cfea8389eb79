"""检查频次上限: the yearly caps on routine on-site visits to one enterprise, by credit grade.

A policy is a version (``CapPolicy``) in force from its ``effective_from`` day until the next version's:
versions are never edited, a change is a new version (``cap_policy_set``), so the policy in force on any
day is reproducible (``cap_policy_in_force``). A version holds its rules (``CapRule``): for each grade tier
(whitelisted, A, B, C, D) the most routine visits an agency makes to one enterprise in a calendar year (a
default row for all agencies, and rows for named agencies that override it), and a combined cap for all
agencies together; each rule says whether a plan over it is refused or routed to the justice bureau.
No version in force means no cap. The check at filing is ``plans.caps``."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.access import require_justice
from accounts.divisions import CITY_CODE
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import date_in_range
from yantai_inspect.prepared import SENTINEL_DAY, SENTINEL_ID, prepared_queryset

WHITELIST = "whitelist"


class CapTier(models.TextChoices):
    """The grade a cap applies to: the whitelist (白名单) first, whatever the grade, then the credit grade."""

    WHITELIST = WHITELIST, _("Whitelisted")
    A = "A", _("Grade A")
    B = "B", _("Grade B")
    C = "C", _("Grade C")
    D = "D", _("Grade D")


class OverCap(models.TextChoices):
    REFUSE = "refuse", _("Refuse the plan")
    REVIEW = "review", _("Route the plan to the justice bureau for review")


class CapPolicy(models.Model):
    """A version of the cap policy (检查频次上限), in force from ``effective_from``. Never edited."""

    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("reason for the change"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        app_label = "credit"
        verbose_name = _("inspection cap policy")
        verbose_name_plural = _("inspection cap policies")
        ordering = ["-effective_from", "-id"]
        indexes = [models.Index(fields=["effective_from", "id"], name="cappolicy_in_force")]

    def __str__(self):
        return f"{self.effective_from:%Y-%m-%d} #{self.pk}"


class CapRule(models.Model):
    """One cap of a policy version: per agency (``agency`` empty: every agency without its own row) or
    combined (all agencies together), for one grade tier. ``limit`` empty: no cap."""

    class Scope(models.TextChoices):
        AGENCY = "agency", _("per agency")
        COMBINED = "combined", _("all agencies together")

    policy = models.ForeignKey(CapPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="rules")
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    tier = models.CharField(_("grade"), max_length=9, choices=CapTier.choices)
    limit = models.PositiveSmallIntegerField(_("visits a year at most"), null=True, blank=True)
    over_cap = models.CharField(_("over the cap"), max_length=6, choices=OverCap.choices, default=OverCap.REFUSE)

    class Meta:
        app_label = "credit"
        verbose_name = _("inspection cap")
        verbose_name_plural = _("inspection caps")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "scope", "agency", "tier"], name="caprule_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="combined", agency__isnull=False), name="caprule_combined_no_agency"
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.agency_id or '*'} {self.tier}: {self.limit}"


# The demo's defaults (and the form's starting point when no policy is in force): per agency whitelist 1,
# A 1, B 2, C 3, D no cap; all agencies together twice that (the local example in domain.md: 2 per level and
# 4 for city and county together).
DEFAULT_AGENCY_CAPS = {WHITELIST: 1, "A": 1, "B": 2, "C": 3, "D": None}
DEFAULT_COMBINED_CAPS = {WHITELIST: 2, "A": 2, "B": 4, "C": 6, "D": None}


def cap_tier(*, grade: str | None, whitelisted: bool) -> str:
    """The tier of an enterprise: whitelisted first; an enterprise with no credit profile counts as B (the
    profile's default grade)."""
    return WHITELIST if whitelisted else (grade or "B")


# -- reads


def cap_policy_in_force(on: dt.date) -> CapPolicy | None:
    """The version in force on ``on``: the latest ``effective_from`` on or before it (the later one set
    wins between two of the same day)."""
    return CapPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()


TIER_ORDER = {tier: i for i, tier in enumerate(CapTier.values)}


def cap_rules(policy: CapPolicy | None) -> list[CapRule]:
    """A version's rules: per agency (the default row first, then named agencies), then combined; by tier."""
    if policy is None:
        return []
    rules = policy.rules.select_related("agency")
    return sorted(rules, key=lambda r: (r.scope != CapRule.Scope.AGENCY, r.agency_id is not None,
                                        r.agency.code if r.agency_id else "", TIER_ORDER.get(r.tier, 9)))


def _limits_queryset(*, on: dt.date, agency_id: int, tier: str):
    in_force = CapPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id").values("pk")[:1]
    return (
        CapRule.objects.filter(policy_id=models.Subquery(in_force), tier=tier)
        .filter(models.Q(agency_id=agency_id) | models.Q(agency__isnull=True))
        .values_list("policy_id", "scope", "agency_id", "limit", "over_cap")
    )


SENTINEL_TIER = "\x01 prepared tier"  # no tier looks like this


def cap_limits_for(*, on: dt.date, agency_id: int, tier: str) -> dict:
    """The caps that apply to one agency and tier on a day, in one query: ``{"policy": id or None,
    "agency": (limit, over_cap) or None, "combined": (limit, over_cap) or None}``. An agency's own row
    overrides the default row for all agencies."""
    bind = prepared_queryset(  # on every filing: compiled once per process
        "credit.policy.cap_limits_for", CapRule, _limits_queryset,
        on=SENTINEL_DAY, agency_id=SENTINEL_ID, tier=SENTINEL_TIER,
    )
    rows = list(bind(on=on, agency_id=agency_id, tier=tier))
    found = {"policy": rows[0][0] if rows else None, "agency": None, "combined": None}
    for _policy, scope, _agency, limit, over in sorted(rows, key=lambda r: r[2] is not None):
        found[scope] = (limit, over) if limit is not None else None  # own row (sorted last) wins
    return found


# -- writes


def require_cap_policy_editor(user):
    """The city's justice bureau (the bureau responsible for the city division, see
    ``accounts.selectors.justice_bureau_for_division``) sets the city's caps; returns it."""
    bureau = require_justice(user)
    if justice_bureau_for_division(CITY_CODE) != bureau:
        raise PermissionDenied(gettext("Only the city justice bureau sets the inspection caps."))
    return bureau


@transaction.atomic
def cap_policy_set(*, actor, effective_from: dt.date, rules: list[dict], note: str = "",
                   today: dt.date | None = None) -> CapPolicy:
    """A new version of the cap policy, in force from ``effective_from`` (today or later: the past stays as
    it was). ``rules``: dicts of ``scope``, ``agency`` (an Agency or None), ``tier``, ``limit`` (None: no
    cap), ``over_cap``. Versions are never edited; the change is audited with the whole new table."""
    if actor is not None:
        require_cap_policy_editor(actor)
    today = today or timezone.localdate()
    date_in_range(effective_from, field="effective_from")
    if effective_from < today:
        raise DomainError(gettext("A cap policy takes effect today or later; the past is not rewritten."),
                          field="effective_from")
    seen = set()
    for rule in rules:
        if rule["scope"] not in CapRule.Scope.values or rule["tier"] not in CapTier.values:
            raise DomainError(gettext("Unknown scope or grade in the cap table."), field="rules")
        if rule.get("over_cap", OverCap.REFUSE) not in OverCap.values:
            raise DomainError(gettext("Unknown choice for a plan over the cap."), field="rules")
        agency = rule.get("agency")
        if rule["scope"] == CapRule.Scope.COMBINED and agency is not None:
            raise DomainError(gettext("The combined cap is for all agencies together: name no agency."), field="rules")
        if agency is not None and agency.is_justice_bureau:
            raise DomainError(gettext("A justice bureau does not inspect: it has no cap."), field="rules")
        limit = rule.get("limit")
        if limit is not None and not (0 <= limit <= 366):
            raise DomainError(gettext("A cap is a number of visits from 0 to 366, or empty for no cap."), field="rules")
        key = (rule["scope"], agency.pk if agency else None, rule["tier"])
        if key in seen:
            raise DomainError(gettext("The cap table names the same cap twice."), field="rules")
        seen.add(key)
    policy = CapPolicy.objects.create(effective_from=effective_from, note=(note or "").strip(), created_by=actor)
    CapRule.objects.bulk_create(
        CapRule(policy=policy, scope=r["scope"], agency=r.get("agency"), tier=r["tier"], limit=r.get("limit"),
                over_cap=r.get("over_cap") or OverCap.REFUSE)
        for r in rules
    )
    audit_record(actor=actor, action="cap_policy.set", obj=policy, details={
        "effective_from": effective_from, "note": policy.note,
        "rules": [{"scope": r["scope"], "agency": r["agency"].code if r.get("agency") else None, "tier": r["tier"],
                   "limit": r.get("limit"), "over_cap": r.get("over_cap") or OverCap.REFUSE} for r in rules],
    })
    return policy


def default_cap_rules() -> list[dict]:
    return [
        *({"scope": "agency", "agency": None, "tier": t, "limit": n, "over_cap": OverCap.REFUSE}
          for t, n in DEFAULT_AGENCY_CAPS.items()),
        *({"scope": "combined", "agency": None, "tier": t, "limit": n, "over_cap": OverCap.REFUSE}
          for t, n in DEFAULT_COMBINED_CAPS.items()),
    ]


def cap_policy_seed_defaults(*, effective_from: dt.date) -> CapPolicy | None:
    """The demo's defaults, once: nothing is written when a version exists (``seed_demo``)."""
    if CapPolicy.objects.exists():
        return None
    return cap_policy_set(actor=None, effective_from=effective_from, rules=default_cap_rules(),
                          note="默认上限(演示)", today=effective_from)


def rule_dicts(rules) -> list[dict]:
    """A version's rules as ``cap_policy_set`` takes them (to start a new version from one)."""
    return [{"scope": r.scope, "agency": r.agency, "tier": r.tier, "limit": r.limit, "over_cap": r.over_cap}
            for r in rules]
