"""专项检查 (special inspection campaigns): an agency asks the level above to approve a campaign (its matters,
population and dates, with the reason and legal basis); once approved it is published on the public pages and
the agency files its plans under it: those plans are the "special inspections ordered from above" that the
yearly caps exempt (``Plan.CapExemption.SPECIAL``, ``plans.caps.exempt_q``: the one exemption, not a second).

**The level above** (``approver_for``): a district agency's parent (``Agency.parent``, the city agency of its
department, the superior department the rules name), approved by that agency's head (负责人); a city agency has no
superior department on the platform (the province is not on it), so the approval is the city government's,
recorded by the city justice bureau, which oversees administrative enforcement for the government
(行政执法监督). An agency without a parent is treated like a city agency.

**The quota** (``SpecialQuota``): the city justice bureau sets, per year, how many special campaigns an agency
may have (a default for all and an agency's own); rows are never edited, so the quota in force at any moment is
reproducible (``quota_in_force(at=...)``). A campaign counts from its request while it awaits approval or is
approved (a rejected one frees its place); a request over the quota is refused with the numbers, and the
approval checks again against the quota then in force. Requests and approvals of one agency are serialised by
its row lock, so two requests at once cannot both take the last place.

**Withdrawal** (``special_campaign_withdraw``): the agency may give a campaign up while it awaits approval, or
once approved as long as it has not begun: before its first day and with no plan filed under it (the model
has no "started" state; the first day and the plans are what starting is). Until then nothing has happened
at any enterprise, and an approved campaign the agency will not run would otherwise hold a place in the
year's quota for nothing. A withdrawn campaign frees its place (``COUNTED``) and leaves the public pages (it
will not take place); its request, decision and withdrawal stay in its history and the audit log. Once it has
begun, or has plans, it is being carried out and stands: its plans are withdrawn one by one, as any plan."""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_inspecting_officer, require_justice, require_officer, require_portal
from accounts.divisions import CITY_CODE, DIVISION_CODES, division_name
from accounts.models import Agency
from accounts.selectors import divisions_supervised_by, justice_bureau_for_division
from audit.services import audit_record
from catalogue.models import Theme
from credit.policy import require_cap_policy_editor
from enterprises.industries import INDUSTRIES, INDUSTRY_CODES
from notifications.services import notification_send, notifications_resolve
from yantai_inspect.errors import DomainError

from .models import Plan, SpecialCampaign, SpecialQuota

COUNTED = (SpecialCampaign.Status.PENDING, SpecialCampaign.Status.APPROVED)
# The plans under a campaign that mean it has begun: any not rejected or withdrawn.
PLANS_GIVEN_UP = (Plan.Status.REJECTED, Plan.Status.WITHDRAWN)
MAX_QUOTA = 100


def population_check(*, agency: Agency, division: str, industry: str) -> None:
    """A population (a district, an industry) an agency may name: a known division inside its area (a district
    agency: its own district), a known industry. Shared with ``plans.yearly``."""
    if division and division not in DIVISION_CODES:
        raise DomainError(_("Unknown division."), field="division")
    if division and agency.division != CITY_CODE and division != agency.division:
        raise DomainError(_("This division is outside your agency's area."), field="division")
    if industry and industry not in INDUSTRY_CODES:
        raise DomainError(_("Unknown industry."), field="industry")


def population_text(obj) -> str:
    """A population (of a yearly plan's line or a special campaign) in words, the same on every page, export
    and open data file."""
    parts = [division_name(obj.division) if obj.division else _("All of the agency's area")]
    if obj.industry:
        parts.append(str(dict(INDUSTRIES).get(obj.industry, obj.industry)))
    if obj.population_theme_id:
        parts.append(obj.population_theme.name)
    return " · ".join(parts)


def approver_for(agency: Agency) -> Agency | None:
    """The level above an agency for a special campaign (see the module's docstring)."""
    parent = agency.parent
    if parent is not None and parent.may_inspect:
        return parent
    return justice_bureau_for_division(CITY_CODE)


def require_approver(user, campaign: SpecialCampaign) -> Agency:
    """Who may decide a campaign: the head of the approving agency, or the staff of the approving justice
    bureau. Anyone else is refused."""
    approver = campaign.approver
    if approver.is_justice_bureau:
        bureau = require_justice(user)
        if bureau.pk != approver.pk:
            raise PermissionDenied(_("Only %(agency)s approves this special inspection.") % {"agency": approver.name})
        return bureau
    agency = require_officer(user)
    if agency.pk != approver.pk or not user.is_agency_head:
        raise PermissionDenied(
            _("Only the head of %(agency)s approves this special inspection.") % {"agency": approver.name}
        )
    return agency


# -- the quota


def quota_in_force(*, agency: Agency, year: int, at: dt.datetime | None = None) -> SpecialQuota | None:
    """The quota row in force for ``agency`` in ``year`` at the moment ``at`` (now): the newest row set for
    the agency itself by then, else the newest default (an agency's own quota is its exception to the
    default). At most two statements."""
    at = at or timezone.now()
    rows = SpecialQuota.objects.filter(year=year, set_at__lte=at).order_by("-set_at", "-id")
    return rows.filter(agency=agency).first() or rows.filter(agency__isnull=True).first()


def quota_used(*, agency: Agency, year: int, exclude_pk: int | None = None) -> dict:
    qs = SpecialCampaign.objects.filter(agency=agency, year=year, status__in=COUNTED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    statuses = list(qs.values_list("status", flat=True))
    approved = sum(1 for s in statuses if s == SpecialCampaign.Status.APPROVED)
    return {"approved": approved, "pending": len(statuses) - approved, "used": len(statuses)}


def _over_quota_message(*, agency: Agency, year: int, quota: int, used: dict) -> str:
    return _(
        "Over the yearly quota of special inspections: %(agency)s may have at most %(quota)d special inspection "
        "campaign(s) in %(year)d, and %(used)d already count (%(approved)d approved, %(pending)d awaiting "
        "approval)."
    ) % {"agency": agency.name, "quota": quota, "year": year, "used": used["used"], "approved": used["approved"],
         "pending": used["pending"]}


def _quota_check(*, agency: Agency, year: int, exclude_pk: int | None = None) -> tuple[int, dict]:
    row = quota_in_force(agency=agency, year=year)
    used = quota_used(agency=agency, year=year, exclude_pk=exclude_pk)
    if row is None:
        raise DomainError(
            _("No quota of special inspections is set for %(year)d: the city justice bureau sets it first.")
            % {"year": year}, field="window_start",
        )
    if used["used"] >= row.quota:
        raise DomainError(_over_quota_message(agency=agency, year=year, quota=row.quota, used=used),
                          field="window_start")
    return row.quota, used


@transaction.atomic
def special_quota_set(*, actor, year: int, quota: int, agency: Agency | None = None, note: str = "",
                      today: dt.date | None = None) -> SpecialQuota:
    """The city justice bureau sets the quota of a year (for one agency, or the default). A new row: the
    earlier ones stay, so what was in force when a campaign was requested can be read again. Campaigns already
    counted are not undone by a lower quota; only new requests and approvals are refused."""
    if actor is not None:  # the demo's seed and the admin's shell set it as the system
        require_cap_policy_editor(actor)  # the city's justice bureau sets the city's inspection policy
    today = today or timezone.localdate()
    if not (today.year <= year <= today.year + 1):
        raise DomainError(_("A quota is set for this year or the next: %(this)d or %(next)d.")
                          % {"this": today.year, "next": today.year + 1}, field="year")
    if not (0 <= quota <= MAX_QUOTA):
        raise DomainError(_("A quota is from 0 to %(n)d campaigns.") % {"n": MAX_QUOTA}, field="quota")
    if agency is not None and not agency.may_inspect:
        raise DomainError(_("Only an agency with inspection authority has a quota."), field="agency")
    row = SpecialQuota.objects.create(year=year, agency=agency, quota=quota, note=(note or "").strip(), set_by=actor,
                                      set_at=timezone.now())
    audit_record(actor=actor, action="special_quota.set", obj=row, details={
        "year": year, "agencies": [agency.code] if agency else [], "quota": quota, "note": row.note,
    })
    return row


def quota_table(*, year: int):
    """Every quota row of a year, newest first (the history), with who set it."""
    return SpecialQuota.objects.filter(year=year).select_related("agency", "set_by").order_by("-set_at", "-id")


# -- requests and decisions


@transaction.atomic
def special_campaign_request(
    *, actor, name: str, basis: str, matters, window_start: dt.date, window_end: dt.date, division: str = "",
    industry: str = "", population_theme: Theme | None = None, today: dt.date | None = None,
) -> SpecialCampaign:
    """An agency asks the level above to approve a special campaign. Refused over the yearly quota (with the
    numbers), without a reason, with matters not in force over its dates, or dates outside one year."""
    agency = require_inspecting_officer(actor)
    today = today or timezone.localdate()
    name, basis = (name or "").strip(), (basis or "").strip()
    if not name:
        raise DomainError(_("Give the campaign a name."), field="name")
    if not basis:
        raise DomainError(_("A special inspection needs its reason and legal basis."), field="basis")
    if window_end < window_start:
        raise DomainError(_("The latest visit date is before the earliest."), field="window_end")
    if window_start < today:
        raise DomainError(_("A special inspection cannot start in the past."), field="window_start")
    if window_end.year != window_start.year:
        raise DomainError(_("A special inspection lies within one year."), field="window_end")
    if window_start.year > today.year + 1:
        raise DomainError(_("A special inspection is requested for this year or the next."), field="window_start")
    from .services.filing import _check_matters  # plans.services.filing imports this module (the filing check)

    matters = _check_matters(agency=agency, theme=None, matters=matters, days=(window_start, window_end))
    population_check(agency=agency, division=division, industry=industry)
    approver = approver_for(agency)
    if approver is None:
        raise DomainError(_("No level above is registered to approve a special inspection."))
    year = window_start.year
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # one request at a time per agency
    quota, used = _quota_check(agency=agency, year=year)
    campaign = SpecialCampaign.objects.create(
        code=uuid.uuid4().hex[:12], agency=agency, year=year, name=name[:200], basis=basis, division=division,
        industry=industry, population_theme=population_theme, window_start=window_start, window_end=window_end,
        approver=approver, requested_by=actor, quota=quota, quota_used=used["used"],
    )
    campaign.matters.add(*matters)
    audit_record(actor=actor, action="special_campaign.request", obj=campaign, details={
        "code": campaign.code, "year": year, "regulator": approver.code, "matters": [m.code for m in matters],
        "window": [window_start, window_end], "quota": quota, "used": used["used"],
    })
    link = reverse("justice-special-detail" if approver.is_justice_bureau else "agency-special-detail",
                   kwargs={"code": campaign.code})
    notification_send(
        dedupe_key=f"special:{campaign.pk}:request", agency=approver, link=link,
        title=_("Special inspection awaits your approval: %(name)s (%(agency)s)") % {
            "name": campaign.name, "agency": agency.name},
    )
    return campaign


@transaction.atomic
def special_campaign_decide(*, actor, campaign: SpecialCampaign, approve: bool, opinion: str) -> SpecialCampaign:
    """The level above approves (the campaign is published) or does not, with its written opinion, a step in
    the campaign's history. An approval is checked again against the quota in force now."""
    require_approver(actor, campaign)
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(_("Write the opinion of the approval."), field="opinion")
    Agency.objects.select_for_update().filter(pk=campaign.agency_id).first()
    campaign = SpecialCampaign.objects.select_for_update().select_related("agency", "approver").get(pk=campaign.pk)
    if campaign.status == SpecialCampaign.Status.WITHDRAWN:
        raise DomainError(_("This special inspection was withdrawn by its agency."))
    if campaign.status != SpecialCampaign.Status.PENDING:
        raise DomainError(_("This special inspection has already been decided."))
    if approve:
        _quota_check(agency=campaign.agency, year=campaign.year, exclude_pk=campaign.pk)
    campaign.status = SpecialCampaign.Status.APPROVED if approve else SpecialCampaign.Status.REJECTED
    campaign.decided_by, campaign.decided_at, campaign.opinion = actor, timezone.now(), opinion
    campaign.save(update_fields=["status", "decided_by", "decided_at", "opinion"])
    audit_record(actor=actor, action="special_campaign.approve" if approve else "special_campaign.reject",
                 obj=campaign, details={"code": campaign.code, "opinion": opinion})
    notifications_resolve(keys=[f"special:{campaign.pk}:request"])
    notification_send(
        dedupe_key=f"special:{campaign.pk}:decision", agency=campaign.agency,
        link=reverse("agency-special-detail", kwargs={"code": campaign.code}),
        title=(_("Special inspection approved and published: %(name)s") if approve
               else _("Special inspection not approved: %(name)s")) % {"name": campaign.name},
    )
    return campaign


def withdrawal_refusal(campaign: SpecialCampaign, *, today: dt.date) -> str | None:
    """Why the agency can no longer withdraw ``campaign`` (None: it can). The one rule, for the service and
    the page that offers the form (see the module's docstring); one query for an approved campaign."""
    if campaign.status == SpecialCampaign.Status.PENDING:
        return None
    if campaign.status != SpecialCampaign.Status.APPROVED:
        return _("Only a special inspection awaiting approval, or approved and not yet begun, can be withdrawn.")
    if today >= campaign.window_start:
        return _("This special inspection began on %(date)s: it can no longer be withdrawn.") % {
            "date": campaign.window_start.isoformat()}
    if campaign.plans.exclude(status__in=PLANS_GIVEN_UP).exists():
        return _("Plans are filed under this special inspection: withdraw them first.")
    return None


@transaction.atomic
def special_campaign_withdraw(*, actor, campaign: SpecialCampaign, reason: str,
                              today: dt.date | None = None) -> SpecialCampaign:
    """The agency withdraws its campaign while it awaits approval, or approved before it begins
    (``withdrawal_refusal``), with its reason: it frees its place in the year's quota, the approver's request
    is resolved and the level above is told."""
    agency = require_inspecting_officer(actor)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if campaign.agency_id != agency.pk:
        raise PermissionDenied(_("Only the agency that requested a special inspection can withdraw it."))
    if not reason:
        raise DomainError(_("Say why the special inspection is withdrawn."), field="reason")
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # the quota's lock, as requests take it
    campaign = SpecialCampaign.objects.select_for_update().select_related("agency", "approver").get(pk=campaign.pk)
    refusal = withdrawal_refusal(campaign, today=today)
    if refusal:
        raise DomainError(refusal)
    before = campaign.status
    campaign.status, campaign.withdrawal_reason = SpecialCampaign.Status.WITHDRAWN, reason
    campaign.withdrawn_by, campaign.withdrawn_at = actor, timezone.now()
    campaign.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    audit_record(actor=actor, action="special_campaign.withdraw", obj=campaign,
                 details={"code": campaign.code, "before": before, "reason": reason})
    notifications_resolve(keys=[f"special:{campaign.pk}:request"])
    approver = campaign.approver
    notification_send(
        dedupe_key=f"special:{campaign.pk}:withdrawn", agency=approver,
        link=reverse("justice-special-detail" if approver.is_justice_bureau else "agency-special-detail",
                     kwargs={"code": campaign.code}),
        title=_("Special inspection withdrawn by %(agency)s: %(name)s") % {
            "agency": campaign.agency.name, "name": campaign.name},
        body=reason[:200],
    )
    return campaign


# -- filing under a campaign (called by ``plans.services.filing.plan_file``)


def special_filing_check(*, campaign: SpecialCampaign, agency: Agency, enterprise, window_start: dt.date,
                         window_end: dt.date, matters) -> None:
    """A plan filed under a special campaign: the agency's own approved campaign, a window within its dates,
    an enterprise of its population, matters of its list."""
    if campaign.agency_id != agency.pk:
        raise DomainError(_("This special inspection is another agency's."), field="special_campaign")
    if not campaign.is_approved:
        raise DomainError(_("This special inspection is not approved: plans cannot be filed under it yet."),
                          field="special_campaign")
    if window_start < campaign.window_start or window_end > campaign.window_end:
        raise DomainError(
            _("A plan of this special inspection is visited from %(start)s to %(end)s.")
            % {"start": campaign.window_start.isoformat(), "end": campaign.window_end.isoformat()},
            field="window_start",
        )
    if (campaign.division and campaign.division != CITY_CODE and enterprise.division != campaign.division) or (
        campaign.industry and enterprise.industry != campaign.industry
    ) or (campaign.population_theme_id and not enterprise.themes.filter(pk=campaign.population_theme_id).exists()):
        raise DomainError(_("This enterprise is not in the special inspection's population."), field="enterprise")
    allowed = set(campaign.matters.values_list("pk", flat=True))
    outside = sorted(m.code for m in matters if m.pk not in allowed)
    if outside:
        raise DomainError(_("Not a matter of this special inspection: %(codes)s") % {"codes": ", ".join(outside)},
                          field="matters")


def special_required_message() -> str:
    return _("A special inspection ordered from above is filed under an approved special inspection campaign: "
             "choose it.")


# -- reads


def _listing(qs):
    return qs.select_related("agency", "approver", "requested_by", "decided_by", "withdrawn_by").order_by(
        "-requested_at", "-id")


def campaigns_for_user(*, user):
    """An agency's own campaigns and those it approves (its head's queue); a justice bureau's: those it approves
    and those of the agencies it supervises."""
    portal = require_portal(user, "agency", "justice")
    if portal == "agency":
        return _listing(SpecialCampaign.objects.filter(Q(agency_id=user.agency_id) | Q(approver_id=user.agency_id)))
    bureau = user.agency
    return _listing(SpecialCampaign.objects.filter(
        Q(approver_id=bureau.pk) | Q(agency__division__in=divisions_supervised_by(bureau))
    ))


def campaign_for_user(*, user, code: str) -> SpecialCampaign:
    campaign = campaigns_for_user(user=user).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def open_campaigns_for_filing(*, agency: Agency, today: dt.date):
    """The agency's approved campaigns whose dates are not over: what the filing form offers."""
    return SpecialCampaign.objects.filter(
        agency=agency, status=SpecialCampaign.Status.APPROVED, window_end__gte=today
    ).order_by("window_start", "id")


def campaign_for_filing(*, agency: Agency, code: str) -> SpecialCampaign | None:
    return SpecialCampaign.objects.filter(agency=agency, code=code).first()


def published_campaigns(*, year: int | None = None):
    """Public (no login): approved campaigns, newest decision first; no personal data (no names of people)."""
    qs = SpecialCampaign.objects.filter(status=SpecialCampaign.Status.APPROVED)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("agency", "approver", "population_theme").order_by("-decided_at", "-id")


def published_campaign(code: str) -> SpecialCampaign:
    campaign = published_campaigns().filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign
