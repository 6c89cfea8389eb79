"""检查频次上限 at filing (``plans.caps``), with the policy of ``credit.policy``."""

import pytest
from django.utils import translation

from accounts.tests.factories import JusticeUserFactory
from credit.policy import cap_limits_for, cap_policy_in_force, cap_policy_seed_defaults, cap_policy_set, cap_rules
from notifications.models import Notification
from plans.caps import cap_counts, cap_preview, cap_text
from plans.models import Plan
from plans.services import plan_file, plan_review
from yantai_inspect.errors import DomainError

from .conftest import TODAY, days
from .specials import approved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def policy(*, agency=None, combined=None, tier="B", over_cap="refuse", effective_from=None):
    rules = [{"scope": "agency", "agency": None, "tier": tier, "limit": agency, "over_cap": over_cap},
             {"scope": "combined", "agency": None, "tier": tier, "limit": combined, "over_cap": over_cap}]
    day = effective_from or days(-1)
    return cap_policy_set(actor=None, effective_from=day, rules=rules, today=day)


def file(city, officer, start, end=None, **kwargs):
    return plan_file(actor=officer, enterprise=city.enterprise, matters=[city.matter_of(officer)],
                     window_start=days(start), window_end=days(end or start + 4), **kwargs)


def test_a_plan_over_the_agency_cap_is_refused_with_the_cap_the_count_and_the_exemptions(city, frozen):
    cap_policy_seed_defaults(effective_from=days(-1))  # B: 2 a year per agency
    file(city, city.market_officer, 10)
    file(city, city.market_officer, 40)
    with pytest.raises(DomainError) as refused:
        file(city, city.market_officer, 80)
    message = str(refused.value.message)
    assert "your agency may make at most 2 routine on-site visit(s) in 2026" in message
    assert "2 are already planned or made" in message
    assert "re-checks of rectification" in message and "public report" in message
    assert Plan.objects.filter(enterprise=city.enterprise).count() == 2  # nothing of the refused plan stays
    # Another agency still has its own two, and next year starts again.
    file(city, city.ecology_officer, 80)
    file(city, city.market_officer, 220)  # 2027-01-07


def test_an_exempt_plan_passes_over_the_cap_and_is_counted(city, frozen):
    policy(agency=1, combined=1)
    file(city, city.market_officer, 10)
    urgent = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                       window_start=days(1), window_end=days(1), urgent=True, urgent_category="public_report",
                       urgent_reason="群众举报", officers=[city.market_officer, city.market_officer2])
    recheck = file(city, city.market_officer, 40, cap_exemption=Plan.CapExemption.RECHECK)
    campaign = approved(city, city.market_officer, days(60), days(90))  # 专项检查 approved by the level above
    special = file(city, city.market_officer, 70, special_campaign=campaign)
    assert (special.cap_exemption, special.special_campaign) == (Plan.CapExemption.SPECIAL, campaign)
    # Claiming the exemption without an approved campaign is refused: the campaign is what makes it one.
    with pytest.raises(DomainError, match="approved special inspection campaign"):
        file(city, city.market_officer, 75, cap_exemption=Plan.CapExemption.SPECIAL)
    assert {urgent.status, recheck.status, special.status} == {Plan.Status.FILED}
    counts = cap_counts(enterprise_id=city.enterprise.pk, year=2026, agency_id=city.market.pk)
    assert (counts["agency_routine"], counts["agency_exempt"], counts["all_routine"], counts["all_exempt"]) == (
        1, 3, 1, 3)
    # An urgent plan of a category the rules do not exempt is capped like a routine one.
    with pytest.raises(DomainError, match="at most 1"):
        plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                  window_start=days(2), window_end=days(2), urgent=True, urgent_category="other",
                  urgent_reason="其他", officers=[city.market_officer, city.market_officer2])


def test_joining_a_planned_visit_does_not_consume_the_combined_cap(city, frozen):
    policy(agency=None, combined=1)
    first = file(city, city.ecology_officer, 10)
    preview = cap_preview(enterprise=city.enterprise, agency_id=city.market.pk, visit_date=days(12),
                          new_visit=False, today=TODAY)
    assert (preview["all_routine"], preview["combined_cap"], preview["adds_combined"]) == (1, 1, False)
    assert "Joining this planned visit adds no visit to the combined cap." in cap_text(preview)
    assert "routine visits of all agencies 1 of at most 1;" in cap_text(preview)
    joined = file(city, city.market_officer, 8, 14)  # overlaps the ecology visit: joins it
    assert joined.joint_task_id == first.joint_task_id
    joined_too = file(city, city.emergency_officer, 10)
    assert joined_too.joint_task_id == first.joint_task_id
    counts = cap_counts(enterprise_id=city.enterprise.pk, year=2026)
    assert counts["all_routine"] == 1
    with pytest.raises(DomainError) as refused:
        file(city, city.market_officer, 60)  # a second visit of the year
    assert "all agencies together may make at most 1" in str(refused.value.message)
    assert "1 are already planned or made" in str(refused.value.message)


def test_a_plan_over_a_cap_is_routed_to_the_justice_bureau_where_the_policy_says_so(city, frozen):
    policy(agency=1, combined=None, over_cap="review")
    first = file(city, city.market_officer, 10)
    routed = file(city, city.market_officer, 40)
    routed.refresh_from_db()
    assert routed.status == Plan.Status.PENDING_REVIEW and routed.joint_task_id is None
    assert "at most 1 routine on-site visit(s) in 2026" in routed.cap_note
    assert Notification.objects.filter(agency=city.justice_bureau, link=f"/justice/plans/{routed.pk}/").exists()
    first.refresh_from_db()
    assert first.joint_task.plans.count() == 1
    approved = plan_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=routed, approve=True)
    assert approved.status == Plan.Status.APPROVED and approved.joint_task_id is not None


def test_the_policy_in_force_on_a_past_day_is_reproduced_after_a_change(city, frozen):
    old = policy(agency=2, combined=4, effective_from=days(-100))
    assert cap_limits_for(on=days(-50), agency_id=city.market.pk, tier="B") == {
        "policy": old.pk, "agency": (2, "refuse"), "combined": (4, "refuse")}
    new = policy(agency=1, combined=None, over_cap="review", effective_from=TODAY)
    own = cap_policy_set(actor=None, effective_from=days(10), today=TODAY, rules=[
        *[{"scope": r.scope, "agency": r.agency, "tier": r.tier, "limit": r.limit, "over_cap": r.over_cap}
          for r in cap_rules(new)],
        {"scope": "agency", "agency": city.market, "tier": "B", "limit": 5},
    ])
    assert cap_policy_in_force(days(-50)) == old
    assert cap_limits_for(on=days(-50), agency_id=city.market.pk, tier="B")["agency"] == (2, "refuse")
    assert cap_limits_for(on=TODAY, agency_id=city.market.pk, tier="B") == {
        "policy": new.pk, "agency": (1, "review"), "combined": None}
    assert cap_limits_for(on=days(10), agency_id=city.market.pk, tier="B")["agency"] == (5, "refuse")
    assert cap_limits_for(on=days(10), agency_id=city.ecology.pk, tier="B")["agency"] == (1, "review")
    assert own.pk != new.pk
    with pytest.raises(DomainError, match="past"):
        cap_policy_set(actor=None, effective_from=days(-1), rules=[], today=TODAY)


def test_a_whitelisted_enterprise_has_the_whitelist_cap_whatever_its_grade(city, frozen):
    cap_policy_seed_defaults(effective_from=days(-1))  # whitelist: 1 a year per agency
    city.whitelist(city.enterprise)
    pending = file(city, city.market_officer, 10)
    assert pending.status == Plan.Status.PENDING_REVIEW
    with pytest.raises(DomainError, match="whitelisted enterprise"):
        file(city, city.market_officer, 40)


def test_a_thematic_plan_routed_to_review_takes_back_its_invitations_and_approval_sends_them(city, frozen):
    from plans.models import Invitation

    policy(agency=1, combined=None, over_cap="review")
    file(city, city.market_officer, 10)
    routed = file(city, city.market_officer, 40, theme=city.theme)
    routed.refresh_from_db()
    assert routed.status == Plan.Status.PENDING_REVIEW
    assert not Invitation.objects.filter(lead_plan=routed).exists()
    assert not Notification.objects.filter(dedupe_key__startswith="invitation:").exists()
    plan_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=routed, approve=True)
    assert set(Invitation.objects.filter(lead_plan=routed).values_list("agency", flat=True)) == {
        city.ecology.pk, city.emergency.pk}


def test_the_filings_cap_counts_are_compiled_once_and_equal_the_counts_compiled_each_time(city, frozen):
    """``cap_counts`` with an agency (the filing's check) binds its values into a statement compiled once per
    process (``yantai_inspect.prepared``); for any enterprise, year, agency and plan it counts what the
    queryset compiled with those values counts."""
    import datetime as dt

    from plans.caps import _counts_queryset
    from yantai_inspect import prepared

    prepared.forget()
    policy(agency=10, combined=10)
    plans = [file(city, city.market_officer, 10), file(city, city.ecology_officer, 12),
             file(city, city.market_officer, 40), file(city, city.market_officer, 215)]  # 215: 2027
    for year in (2026, 2027):
        for agency in (city.market, city.ecology, city.emergency):
            for plan in (None, *plans):
                counts = cap_counts(enterprise_id=city.enterprise.pk, year=year, agency_id=agency.pk, plan=plan)
                task_id = plan.joint_task_id if plan is not None else None
                [row] = _counts_queryset(enterprise_id=city.enterprise.pk, start=dt.date(year, 1, 1),
                                         end=dt.date(year, 12, 31), agency_id=agency.pk,
                                         plan_id=plan.pk if plan is not None else None, task_id=task_id)
                assert counts["agency_routine"] == row["agency_routine_v"] + row["agency_routine_u"]
                assert counts["all_routine"] == row["all_routine_v"] + row["all_routine_u"]
                assert counts["others_on_visit"] == row.get("others_on_visit", 0)
                assert counts["agency_routine_on_visit"] == row.get("agency_routine_on_visit", 0)
    assert cap_counts(enterprise_id=city.enterprise.pk, year=2026, agency_id=city.market.pk)["agency_routine"] == 2
    # the caps in force (credit.policy.cap_limits_for) and the officers' conflicts (plans.recusal) likewise
    assert {key[0] for key in prepared._querysets} >= {"plans.caps.cap_counts", "plans.caps.cap_counts.on_visit",
                                                        "credit.policy.cap_limits_for", "plans.recusal.conflicts.1"}
