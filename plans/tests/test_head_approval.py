"""检查审批: a routine plan of an agency that requires it waits for its head's approval, out of matching; the
approval puts it in (onto a visit already planned for the enterprise); a rejection needs an opinion; a
green-channel inspection without its approval after the set working days is flagged to the justice bureau,
once. Who may decide: only the head of the filing agency."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts.heads import agency_head_approval_set, agency_head_set
from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory, UserFactory
from audit.models import AuditEntry
from notifications.models import Notification
from plans.approval import (
    approval_of,
    approval_queue,
    green_channel_approval_due,
    green_channel_approvals_flag_overdue,
    overdue_filed_on_or_before,
)
from plans.models import JointTask, Plan
from plans.services import plan_file, plan_head_decide, plans_daily_checks
from plans.workdays import default_calendar
from yantai_inspect.errors import DomainError

from .conftest import TODAY, days, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(city):
    agency_head_approval_set(actor=None, agency=city.market, required=True)
    city.market.refresh_from_db()
    for officer in (city.market_officer, city.market_officer2):
        officer.agency.refresh_from_db()
    user = OfficerFactory(agency=city.market, username="market-head")
    return agency_head_set(actor=None, user=user, is_head=True)


def file_market(city, **kwargs):
    kwargs.setdefault("window_start", days(8))
    kwargs.setdefault("window_end", days(14))
    return plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                     officers=[city.market_officer, city.market_officer2], **kwargs)


def test_a_plan_awaiting_its_head_takes_no_part_in_matching_and_the_approval_puts_it_on_the_planned_visit(
    city, head, frozen
):
    ecology = plan_file(actor=city.ecology_officer, enterprise=city.enterprise, matters=[city.ecology_matter],
                        window_start=days(9), window_end=days(14))
    visit = ecology.joint_task
    assert visit is not None

    plan = file_market(city)
    assert plan.status == Plan.Status.PENDING_APPROVAL and plan.joint_task_id is None
    assert plan.head_approval == Plan.HeadApproval.PENDING
    assert not plan.is_live
    assert list(approval_queue(user=head)) == [plan]
    notice = Notification.objects.get(dedupe_key=f"plan-head-approval:{plan.pk}", agency=city.market)
    assert notice.link == f"/agency/plans/{plan.pk}/"  # every officer of the agency may open it, not only the head
    # The daily job and any reschedule leave it out: the visit serves the ecology plan alone.
    plans_daily_checks(today=TODAY)
    visit.refresh_from_db()
    assert visit.n_plans == 1 and Plan.objects.get(pk=plan.pk).joint_task_id is None

    plan = plan_head_decide(actor=head, plan=plan, approve=True, note="同意")
    assert plan.status == Plan.Status.FILED and plan.joint_task_id == visit.pk
    visit.refresh_from_db()
    assert visit.n_plans == 2 and visit.n_agencies == 2
    step = approval_of(plan)
    assert step.approved and step.by == head and step.opinion == "同意" and step.at is not None
    assert not step.after_the_fact
    entry = AuditEntry.objects.get(action="plan.head_approve")
    assert entry.actor == head and entry.details["note"] == "同意"
    assert list(approval_queue(user=head)) == []
    assert Notification.objects.get(dedupe_key=f"plan-head-approval:{plan.pk}").read_at is not None  # resolved


def test_a_rejection_needs_an_opinion_and_rejects_the_plan(city, head, frozen):
    plan = file_market(city)
    with pytest.raises(DomainError) as exc:
        plan_head_decide(actor=head, plan=plan, approve=False, note="  ")
    assert exc.value.field == "note"
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PENDING_APPROVAL
    plan = plan_head_decide(actor=head, plan=plan, approve=False, note="事项不在年度计划内")
    assert plan.status == Plan.Status.REJECTED and plan.joint_task_id is None
    assert approval_of(plan).opinion == "事项不在年度计划内"
    with pytest.raises(DomainError):  # decided once
        plan_head_decide(actor=head, plan=plan, approve=True)


def test_a_plan_withdrawn_while_it_waited_leaves_the_queue_and_cannot_be_approved(city, head, frozen):
    from plans.services import plan_withdraw

    plan = plan_withdraw(actor=city.market_officer, plan=file_market(city), reason="企业已停业")
    assert list(approval_queue(user=head)) == []
    with pytest.raises(DomainError):
        plan_head_decide(actor=head, plan=plan, approve=True)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.WITHDRAWN


def test_the_head_first_then_the_justice_bureau_for_a_whitelisted_enterprise(city, head, frozen):
    city.whitelist(city.enterprise)
    plan = file_market(city)
    assert plan.status == Plan.Status.PENDING_APPROVAL
    assert not Notification.objects.filter(dedupe_key=f"plan-review:{plan.pk}").exists()
    plan = plan_head_decide(actor=head, plan=plan, approve=True)
    assert plan.status == Plan.Status.PENDING_REVIEW and plan.joint_task_id is None
    assert Notification.objects.filter(dedupe_key=f"plan-review:{plan.pk}", agency=city.justice_bureau).exists()


def test_agencies_without_the_setting_and_the_heads_own_plans_are_matched_at_once(city, head, frozen):
    ecology = plan_file(actor=city.ecology_officer, enterprise=city.enterprise, matters=[city.ecology_matter],
                        window_start=days(9), window_end=days(14))
    assert ecology.is_live and ecology.head_approval == "" and approval_of(ecology) is None
    own = plan_file(actor=head, enterprise=city.enterprise, matters=[city.market_matter],
                    officers=[city.market_officer], window_start=days(8), window_end=days(14))
    assert own.is_live and own.head_approval == ""


@pytest.mark.parametrize("who", ["officer", "other_head", "justice", "enterprise"])
def test_only_the_head_of_the_filing_agency_decides(city, head, frozen, who):
    plan = file_market(city)
    other = AgencyFactory(code="other-market", department=city.market_dept)
    actor = {
        "officer": lambda: city.market_officer2,
        "other_head": lambda: agency_head_set(actor=None, user=OfficerFactory(agency=other), is_head=True),
        "justice": lambda: JusticeUserFactory(agency=city.justice_bureau),
        "enterprise": lambda: UserFactory(role="enterprise"),
    }[who]()
    with pytest.raises((PermissionDenied, DomainError)):
        plan_head_decide(actor=actor, plan=plan, approve=True)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PENDING_APPROVAL


def test_an_officer_cannot_be_made_head_of_nothing(city):
    with pytest.raises(DomainError):
        agency_head_set(actor=None, user=JusticeUserFactory(agency=city.justice_bureau), is_head=True)


def green(city):
    return plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                     officers=[city.market_officer, city.market_officer2], window_start=TODAY, window_end=TODAY,
                     urgent=True, urgent_category=Plan.UrgentCategory.ACCIDENT, urgent_reason="泄漏")


def test_the_due_day_is_the_set_working_days_after_filing(settings):
    settings.GREEN_CHANNEL_APPROVAL_WORKDAYS = 3
    # Friday 2026-06-05: Monday 8, Tuesday 9, Wednesday 10.
    assert green_channel_approval_due(dt.date(2026, 6, 5)) == dt.date(2026, 6, 10)
    calendar = default_calendar()
    for today in (dt.date(2026, 6, 1) + dt.timedelta(days=k) for k in range(0, 140, 3)):
        cutoff = overdue_filed_on_or_before(today)
        assert green_channel_approval_due(cutoff, calendar=calendar) < today
        assert green_channel_approval_due(cutoff + dt.timedelta(days=1), calendar=calendar) >= today


def test_a_green_channel_inspection_without_its_approval_after_the_set_days_is_flagged_once(city, head, frozen,
                                                                                            settings):
    settings.GREEN_CHANNEL_APPROVAL_WORKDAYS = 3
    plan = green(city)
    assert plan.joint_task.status == JointTask.Status.FIXED  # carried out at once
    assert plan.head_approval == Plan.HeadApproval.PENDING and list(approval_queue(user=head)) == [plan]
    due = green_channel_approval_due(TODAY)  # Thursday 2026-06-04
    assert due == dt.date(2026, 6, 4)
    assert green_channel_approvals_flag_overdue(today=due) == 0  # still within the days
    with freeze(dt.datetime(2026, 6, 5, 2, 0, tzinfo=dt.UTC)):
        assert plans_daily_checks(today=dt.date(2026, 6, 5))["approvals_missing"] == 1
        assert green_channel_approvals_flag_overdue(today=dt.date(2026, 6, 8)) == 0  # rerun: once
    flagged = Notification.objects.filter(dedupe_key=f"plan-head-approval-missing:{plan.pk}")
    assert flagged.count() == 1 and flagged.get().agency == city.justice_bureau
    assert AuditEntry.objects.filter(action="plan.head_approval_missing", object_id=str(plan.pk)).count() == 1
    # Approved late: the approval is recorded after the fact; the visit (missed, here: nobody checked in) stays.
    task_id = plan.joint_task_id
    plan = plan_head_decide(actor=head, plan=plan, approve=True, note="补批")
    assert plan.head_approval == Plan.HeadApproval.APPROVED and plan.joint_task_id == task_id
    step = approval_of(plan)
    assert step.after_the_fact and step.flagged_at is not None and step.due == due


def test_a_green_channel_inspection_approved_in_time_is_not_flagged(city, head, frozen):
    plan = green(city)
    plan_head_decide(actor=head, plan=plan, approve=True)
    assert green_channel_approvals_flag_overdue(today=days(30)) == 0


# Filing a plan that waits for its head: the filing's statements (test_filing_queries.FILING_STATEMENTS: 20 on
# PostgreSQL, 26 elsewhere) less the matching's writes, plus the agency's notice (one INSERT): 18 and 20, fixed
# whatever the enterprise has. (The enterprise's plans, visits and busy periods are still read once under the
# lock, as for any routine plan not on a whitelisted enterprise: the window check uses the busy periods.)
PENDING_FILING_STATEMENTS = 18 if connection.vendor == "postgresql" else 20


def test_filing_a_plan_for_its_head_runs_a_fixed_number_of_statements(city, head, frozen):
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from enterprises.tests.factories import EnterpriseFactory

    from .test_filing_queries import history

    counts = []
    for n in (1, 5):
        enterprise = EnterpriseFactory()
        history(city, enterprise, n)
        api = APIClient()
        api.force_authenticate(city.market_officer)
        body = {"enterprise": enterprise.uscc, "matters": [city.market_matter.code],
                "window_start": days(9).isoformat(), "window_end": days(15).isoformat()}
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/plans/", body, format="json")
        assert response.status_code == 201 and response.json()["plan"]["status"] == "pending_approval"
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= PENDING_FILING_STATEMENTS, counts
