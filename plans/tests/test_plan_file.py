import datetime as dt

import pytest

from audit.models import AuditEntry
from plans.models import JointTask, Plan
from plans.services import plan_file
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, TODAY, days, freeze

pytestmark = pytest.mark.django_db


def file(city, officer, start, end=None, **kwargs):
    if "matters" not in kwargs:
        kwargs["matters"] = [city.matter_of(officer)]
    kwargs.setdefault("enterprise", city.enterprise)
    return plan_file(actor=officer, window_start=start, window_end=end or start, **kwargs)


def test_a_window_starting_six_days_ahead_is_refused_with_the_earliest_date(city, frozen):
    with pytest.raises(DomainError) as exc:
        file(city, city.market_officer, days(6), days(10))
    assert exc.value.field == "window_start"
    assert days(7).isoformat() in str(exc.value.message)
    assert not Plan.objects.exists() and not AuditEntry.objects.filter(action="plan.file").exists()


def test_a_window_starting_seven_days_ahead_is_accepted(city, frozen):
    plan = file(city, city.market_officer, days(7), days(10))
    assert plan.status == "filed"
    assert plan.joint_task is not None
    assert AuditEntry.objects.filter(action="plan.file", object_id=str(plan.pk)).exists()


def test_the_seven_days_count_from_the_filing_day_in_shanghai(city):
    # 23:30 on 1 June in Shanghai is still 1 June there, though already 15:30 UTC.
    with freeze(dt.datetime(2026, 6, 1, 23, 30, tzinfo=SHANGHAI)):
        plan = file(city, city.market_officer, days(7))
        assert plan.filed_on == TODAY
    # 00:30 on 2 June in Shanghai is 1 June in UTC, but day 7 now means 9 June.
    with freeze(dt.datetime(2026, 6, 2, 0, 30, tzinfo=SHANGHAI)), pytest.raises(DomainError):
        file(city, city.ecology_officer, days(7))


def test_a_green_channel_plan_without_a_reason_is_refused(city, frozen):
    with pytest.raises(DomainError) as exc:
        file(city, city.market_officer, TODAY, urgent=True, urgent_category="public_report", urgent_reason="  ")
    assert exc.value.field == "urgent_reason"
    with pytest.raises(DomainError) as exc:
        file(city, city.market_officer, TODAY, urgent=True, urgent_reason="群众举报后厨卫生问题")
    assert exc.value.field == "urgent_category"
    assert not Plan.objects.exists()


def test_a_green_channel_plan_is_accepted_at_once_even_on_a_sunday(city):
    sunday = dt.date(2026, 6, 7)
    with freeze(dt.datetime(2026, 6, 7, 9, 0, tzinfo=SHANGHAI)):
        with pytest.raises(DomainError) as alone:
            file(city, city.market_officer, sunday, urgent=True, urgent_category="public_report", urgent_reason="举报")
        assert alone.value.field == "officers"  # nobody joins a green-channel visit: two officers are needed
        plan = file(
            city,
            city.market_officer,
            sunday,
            officers=[city.market_officer, city.market_officer2],
            urgent=True,
            urgent_category="public_report",
            urgent_reason="群众举报后厨卫生问题",
        )
    assert plan.status == "filed" and plan.post_review == "pending"
    assert plan.joint_task.visit_date == sunday and plan.joint_task.fixed and plan.joint_task.urgent


def test_a_plan_on_a_whitelisted_enterprise_waits_for_review_and_stays_out_of_matching(city, frozen):
    city.whitelist(city.enterprise)
    plan = file(city, city.market_officer, days(8), days(12))
    assert plan.status == "pending_review"
    assert plan.joint_task is None
    assert not JointTask.objects.exists()
    from accounts.tests.factories import JusticeUserFactory
    from plans.services import plan_review

    approved = plan_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=plan, approve=True)
    assert approved.status == "approved"
    assert list(approved.joint_task.plans.all()) == [approved]


def test_three_agencies_with_overlapping_windows_get_one_visit(city, frozen):
    a = file(city, city.market_officer, days(8), days(20))
    b = file(city, city.ecology_officer, days(10), days(15))
    c = file(city, city.emergency_officer, days(14), days(30))
    tasks = JointTask.objects.filter(enterprise=city.enterprise)
    assert tasks.count() == 1
    task = tasks.get()
    assert {p.pk for p in task.plans.all()} == {a.pk, b.pk, c.pk}
    assert days(14) <= task.visit_date <= days(15)


def test_plans_of_the_same_agency_merge_too(city, frozen):
    file(city, city.market_officer, days(8), days(20))
    file(city, city.market_officer2, days(9), days(12))
    assert JointTask.objects.filter(enterprise=city.enterprise).count() == 1


def test_a_window_with_only_blocked_days_is_refused_naming_them(city):
    with freeze(dt.datetime(2026, 9, 20, 10, 0, tzinfo=SHANGHAI)), pytest.raises(DomainError) as exc:
        file(city, city.market_officer, dt.date(2026, 10, 1), dt.date(2026, 10, 4))
    message = str(exc.value.message)
    assert "2026-10-01" in message and "2026-10-04" in message and "节假日" in message


def test_busy_days_and_holidays_are_never_chosen(city):
    from plans.busy import busy_period_declare

    busy_period_declare(actor=None, enterprise=city.enterprise, start=dt.date(2026, 10, 8), end=dt.date(2026, 10, 9))
    with freeze(dt.datetime(2026, 9, 20, 10, 0, tzinfo=SHANGHAI)):
        plan = file(city, city.market_officer, dt.date(2026, 9, 30), dt.date(2026, 10, 11))
        # 1-7 Oct are the National Day holiday and 8-9 Oct declared busy: only 30 Sep and 10 Oct (a make-up
        # working Saturday) remain, and the scheduler picks the latest allowed day.
        assert plan.joint_task.visit_date == dt.date(2026, 10, 10)
        with pytest.raises(DomainError):
            file(city, city.ecology_officer, dt.date(2026, 10, 1), dt.date(2026, 10, 9))


def test_a_matter_of_another_department_off_the_theme_is_refused(city, frozen):
    with pytest.raises(DomainError) as exc:
        file(city, city.market_officer, days(8), matters=[city.ecology_matter])
    assert exc.value.field == "matters"


def test_an_enterprise_outside_a_district_agency_area_is_refused(city, frozen):
    from accounts.tests.factories import AgencyFactory, OfficerFactory
    from enterprises.tests.factories import EnterpriseFactory

    laizhou_officer = OfficerFactory(
        agency=AgencyFactory(level="district", division="370683", department=city.market_dept)
    )
    with pytest.raises(DomainError) as exc:
        file(
            city,
            laizhou_officer,
            days(8),
            enterprise=EnterpriseFactory(division="370611"),
            matters=[city.market_matter],
        )
    assert exc.value.field == "enterprise"


def test_an_officer_without_a_certificate_cannot_be_named(city, frozen):
    from accounts.tests.factories import OfficerFactory

    trainee = OfficerFactory(agency=city.market, certificate_number="")
    with pytest.raises(DomainError) as exc:
        file(city, city.market_officer, days(8), officers=[city.market_officer, trainee])
    assert exc.value.field == "officers"
