"""能非现场的不进企业 (``plans.remote``): a plan whose matters are all remote-checkable says why a visit is needed
or becomes a remote check, which never becomes a visit, is never capped and counts as its own figure."""

import datetime as dt

import pytest

from audit.models import AuditEntry
from catalogue.tests.factories import MatterFactory
from credit.policy import cap_policy_set
from notifications.models import Notification
from plans.caps import cap_counts, enterprise_caps
from plans.matching import enterprise_reschedule
from plans.models import JointTask, Plan, RemoteCheck
from plans.remote import remote_check_counts, remote_check_figures, remote_checks_overdue_close
from plans.selectors import plan_scope_q
from plans.services import plan_file, plans_daily_checks
from yantai_inspect.errors import DomainError

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(city):
    """Two market matters checked on documents (a licence, a record)."""
    licence = MatterFactory(code="market-licence", department=city.market_dept, remote_checkable=True)
    record = MatterFactory(code="market-record", department=city.market_dept, remote_checkable=True)
    return [licence, record]


def file(city, matters, **kwargs):
    kwargs.setdefault("window_start", days(10))
    kwargs.setdefault("window_end", days(20))
    actor, enterprise = kwargs.pop("actor", city.market_officer), kwargs.pop("enterprise", city.enterprise)
    return plan_file(actor=actor, enterprise=enterprise, matters=matters, today=TODAY, **kwargs)


def test_an_all_remote_plan_without_a_choice_is_refused_and_nothing_is_written(city, docs, frozen):
    with pytest.raises(DomainError) as exc:
        file(city, docs)

    assert exc.value.field == "visit_reason"
    assert not Plan.objects.exists() and not RemoteCheck.objects.exists()


def test_a_blank_reason_is_no_reason(city, docs, frozen):
    with pytest.raises(DomainError):
        file(city, docs, visit_reason="   ")


def test_an_all_remote_plan_that_says_why_it_visits_is_matched_and_keeps_its_reason_in_its_history(city, docs,
                                                                                                  frozen):
    plan = file(city, docs, visit_reason="举报称许可证与实际经营地址不符，需现场核实。")

    assert plan.status == Plan.Status.FILED and plan.joint_task_id is not None
    assert plan.visit_reason == "举报称许可证与实际经营地址不符，需现场核实。"
    entry = AuditEntry.objects.get(action="plan.file", object_id=str(plan.pk))
    assert entry.details["visit_reason"] == plan.visit_reason


def test_a_plan_with_one_matter_to_see_on_site_needs_no_reason_and_stores_none(city, docs, frozen):
    plan = file(city, [docs[0], city.market_matter], visit_reason="不需要")

    assert plan.status == Plan.Status.FILED and plan.visit_reason == ""


def test_a_remote_check_is_refused_when_a_matter_needs_a_visit(city, docs, frozen):
    with pytest.raises(DomainError) as exc:
        file(city, [docs[0], city.market_matter], remote=True)

    assert exc.value.field == "remote" and "market-001" in exc.value.message
    assert not Plan.objects.exists()


def test_a_green_channel_inspection_cannot_be_a_remote_check_and_needs_no_other_reason(city, docs, frozen):
    with pytest.raises(DomainError):
        file(city, docs, remote=True, urgent=True, urgent_category="public_report", urgent_reason="举报",
             window_start=TODAY, window_end=TODAY, officers=[city.market_officer, city.market_officer2])
    plan = file(city, docs, urgent=True, urgent_category="public_report", urgent_reason="举报",
                window_start=TODAY, window_end=TODAY, officers=[city.market_officer, city.market_officer2])
    assert plan.joint_task.urgent and plan.visit_reason == ""


def test_a_remote_check_is_requested_with_a_deadline_in_working_days_and_the_enterprise_is_told(city, docs, frozen):
    plan = file(city, docs, remote=True)

    check = plan.remote_check
    assert plan.status == Plan.Status.REMOTE
    assert check.status == RemoteCheck.Status.REQUESTED and check.requested_on == TODAY
    # Monday 2026-06-01 + 5 working days: Monday 2026-06-08.
    assert check.deadline == dt.date(2026, 6, 8)
    assert (check.agency_id, check.enterprise_id, check.division) == (city.market.pk, city.enterprise.pk, "370611")
    note = Notification.objects.get(dedupe_key=f"remote-check-requested:{check.pk}")
    assert note.enterprise_id == city.enterprise.pk and "2026-06-08" in note.body
    assert AuditEntry.objects.filter(action="remote_check.request", object_id=str(check.pk)).exists()
    assert AuditEntry.objects.get(action="plan.file").details["remote"] is True


def test_the_deadline_skips_a_statutory_holiday(city, docs):
    # Filed on Friday 2026-09-25, before the National Day holiday week: the deadline is the 5th working day
    # after it by the official calendar (WorkdayCalendar), not five weekdays.
    from plans.workdays import default_calendar

    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=docs, remote=True,
                     window_start=dt.date(2026, 10, 9), window_end=dt.date(2026, 10, 20), today=dt.date(2026, 9, 25))
    expected = default_calendar().add_workdays(dt.date(2026, 9, 25), 5)
    assert plan.remote_check.deadline == expected
    assert expected > dt.date(2026, 10, 2)  # the holiday week is not counted


def test_a_remote_check_never_becomes_a_visit(city, docs, frozen):
    """The rule the issue asks to show: filed, matched again, with other agencies' plans on the enterprise, by the
    daily job over the days of its window, a remote check is never on a visit and never creates one."""
    remote = file(city, docs, remote=True)
    other = file(city, [city.ecology_matter], actor=city.ecology_officer)  # a visit for the same enterprise
    enterprise_reschedule(actor=None, enterprise_id=city.enterprise.pk, today=TODAY)
    for n in range(0, 25):
        plans_daily_checks(today=days(n))

    remote.refresh_from_db()
    assert remote.joint_task_id is None and remote.status == Plan.Status.REMOTE
    other.refresh_from_db()
    assert other.joint_task_id is not None
    assert not JointTask.objects.filter(plans=remote).exists()
    assert set(JointTask.objects.values_list("plans", flat=True)) == {other.pk}


def test_a_remote_check_creates_no_visit_of_its_own(city, docs, frozen):
    file(city, docs, remote=True)

    assert not JointTask.objects.exists()


def _cap_of_one():
    rules = [{"scope": scope, "agency": None, "tier": "B", "limit": 1, "over_cap": "refuse"}
             for scope in ("agency", "combined")]
    cap_policy_set(actor=None, effective_from=days(-1), rules=rules, today=days(-1))


def test_a_remote_check_is_never_capped_nor_counted_in_the_visit_burden(city, docs, frozen):
    """With a cap of one visit a year reached, remote checks are still filed, and the caps' own counting
    (``plans.caps.cap_counts``, the enterprise's burden page's ``enterprise_caps``) does not move."""
    _cap_of_one()
    visit = file(city, [city.market_matter])
    with pytest.raises(DomainError):  # the cap is reached for visits
        file(city, [city.market_matter], window_start=days(40), window_end=days(44))
    counts = cap_counts(enterprise_id=city.enterprise.pk, year=2026, agency_id=city.market.pk)
    burden = enterprise_caps(enterprise=city.enterprise, today=TODAY)

    remote = [file(city, docs, remote=True) for _ in range(3)]

    assert all(p.status == Plan.Status.REMOTE and p.cap_note == "" for p in remote)
    assert cap_counts(enterprise_id=city.enterprise.pk, year=2026, agency_id=city.market.pk) == counts
    assert enterprise_caps(enterprise=city.enterprise, today=TODAY) == burden
    assert visit.joint_task_id is not None


def test_a_response_to_an_invitation_cannot_be_remote(city, docs, frozen):
    from plans.models import Invitation

    lead = file(city, [city.market_matter], theme=city.theme)
    invitation = Invitation.objects.filter(lead_plan=lead, agency=city.ecology).first()
    if invitation is None:
        pytest.skip("the theme sends no invitation in this city")
    eco_docs = MatterFactory(code="eco-docs", department=city.ecology_dept, remote_checkable=True)
    with pytest.raises(DomainError) as exc:
        plan_file(actor=city.ecology_officer, enterprise=city.enterprise, matters=[eco_docs], remote=True,
                  invitation=invitation, window_start=days(10), window_end=days(20), today=TODAY)
    assert exc.value.field == "remote"


def test_a_request_not_answered_by_its_deadline_is_closed_as_overdue_once(city, docs, frozen):
    check = file(city, docs, remote=True).remote_check

    assert remote_checks_overdue_close(today=check.deadline) == 0  # the deadline day itself is still in time
    assert remote_checks_overdue_close(today=check.deadline + dt.timedelta(days=1)) == 1
    assert remote_checks_overdue_close(today=check.deadline + dt.timedelta(days=2)) == 0

    check.refresh_from_db()
    assert check.status == RemoteCheck.Status.OVERDUE and check.concluded_at is not None
    assert Notification.objects.filter(dedupe_key=f"remote-check-overdue:{check.pk}", agency=city.market).exists()
    assert Notification.objects.filter(dedupe_key=f"remote-check-overdue-enterprise:{check.pk}",
                                       enterprise=city.enterprise).exists()
    assert AuditEntry.objects.filter(action="remote_check.overdue", object_id=str(check.pk)).count() == 1
    assert check.plan.joint_task_id is None


def test_the_daily_job_runs_the_overdue_step(city, docs, frozen):
    check = file(city, docs, remote=True).remote_check

    result = plans_daily_checks(today=check.deadline + dt.timedelta(days=1))

    assert result["remote_overdue"] == 1


def test_the_statistics_count_remote_checks_by_month_agency_and_district_in_their_scope(city, docs, frozen):
    file(city, docs, remote=True)
    file(city, docs, remote=True, enterprise=city.enterprise.__class__.objects.create(
        uscc="91370602MA3C000007", name="芝罘企业", division="370602", industry="C"))
    eco_docs = MatterFactory(code="eco-docs", department=city.ecology_dept, remote_checkable=True)
    file(city, [eco_docs], remote=True, actor=city.ecology_officer)
    file(city, [city.market_matter])  # a visit: not a remote check

    total = remote_check_counts()[0]
    assert total["requested"] == 3 and total["open"] == 3 and total["compliant"] == 0
    by_agency = {r["agency"]["code"]: r["requested"] for r in remote_check_counts(by=("agency",))}
    assert by_agency == {"yt-market": 2, "yt-ecology": 1}
    by_district = {r["district"]: r["requested"] for r in remote_check_counts(by=("district",))}
    assert by_district == {"370611": 2, "370602": 1}
    assert remote_check_counts(by=("month",)) == [
        {"month": "2026-06", "requested": 3, "compliant": 0, "problems": 0, "overdue": 0, "open": 3}]
    assert remote_check_counts(start=days(1))[0]["requested"] == 0
    scoped = remote_check_figures(scope=plan_scope_q(user=city.market_officer), by="agency")
    assert scoped["overall"]["requested"] == 2 and [g["agency"]["code"] for g in scoped["groups"]] == ["yt-market"]
    assert remote_check_figures(scope=plan_scope_q(user=city.market_officer), by="theme")["groups"] is None


def test_the_statistics_take_a_fixed_number_of_queries(city, docs, frozen, django_assert_num_queries):
    for _ in range(2):
        file(city, docs, remote=True)
    with django_assert_num_queries(1):
        remote_check_figures(scope=None, by="agency")
    for _ in range(5):
        file(city, docs, remote=True)
    with django_assert_num_queries(1):
        remote_check_figures(scope=None, by="agency")
