"""Who may inspect on which day (issue 10, item 1): an officer is named, kept on a visit and checked in only
with an enforcement certificate valid on the visit day; an expired certificate takes the officer off the
visits ahead (daily job); only agencies with inspection authority file; only matters in force are planned."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.tests.factories import OfficerFactory
from audit.models import AuditEntry
from catalogue.models import Matter
from notifications.models import Notification
from plans.certificates import expired_officers_off_visits
from plans.fixing import joint_tasks_fix_due
from plans.models import JointTask, Plan
from plans.services import plan_file, plan_officers_set, plans_daily_checks
from yantai_inspect.errors import DomainError

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def expires(officer, day):
    User.objects.filter(pk=officer.pk).update(certificate_valid_until=day)
    officer.refresh_from_db()


def file(city, *, actor=None, officers=None, start=8, end=None, matters=None):
    actor = actor or city.market_officer
    return plan_file(actor=actor, enterprise=city.enterprise, matters=matters or [city.matter_of(actor)],
                     window_start=days(start), window_end=days(end if end is not None else start),
                     officers=officers)


def test_an_officer_without_a_certificate_cannot_be_named(city, frozen):
    trainee = OfficerFactory(agency=city.market, certificate_number="", certificate_valid_from=None,
                             certificate_valid_until=None)
    with pytest.raises(DomainError, match="holds no enforcement certificate") as exc:
        file(city, officers=[city.market_officer, trainee])
    assert exc.value.field == "officers" and not Plan.objects.exists()


def test_an_officer_whose_certificate_expires_within_the_window_cannot_be_named(city, frozen):
    expires(city.market_officer2, days(10))
    with pytest.raises(DomainError, match=f"expires on {days(10).isoformat()}, before {days(12).isoformat()}"):
        file(city, officers=[city.market_officer, city.market_officer2], start=8, end=12)
    plan = file(city, officers=[city.market_officer, city.market_officer2], start=8, end=10)  # valid every day
    assert set(plan.officers.all()) == {city.market_officer, city.market_officer2}


def test_the_filer_with_an_expired_certificate_cannot_file(city, frozen):
    expires(city.market_officer, days(-1))
    with pytest.raises(DomainError, match="expires on"):
        file(city)


def test_a_certificate_not_yet_valid_on_the_visit_day_is_refused(city, frozen):
    User.objects.filter(pk=city.market_officer2.pk).update(certificate_valid_from=days(20))
    city.market_officer2.refresh_from_db()
    with pytest.raises(DomainError, match="valid only from"):
        file(city, officers=[city.market_officer, city.market_officer2])


def test_the_officers_form_checks_the_fixed_visits_day(city, frozen):
    plan = file(city)
    JointTask.objects.filter(pk=plan.joint_task_id).update(fixed=True, status=JointTask.Status.FIXED)
    plan.refresh_from_db()
    expires(city.market_officer2, plan.joint_task.visit_date - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="expires on"):
        plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer,
                                                                          city.market_officer2])
    assert list(plan.officers.all()) == [city.market_officer]


def test_an_agency_without_inspection_authority_cannot_file(city, frozen):
    type(city.market).objects.filter(pk=city.market.pk).update(inspection_authority=False)
    city.market_officer.agency.refresh_from_db()
    with pytest.raises(PermissionDenied, match="no inspection authority"):
        file(city)
    assert not Plan.objects.exists()


# -- matters in force ------------------------------------------------------------------------------------


def test_a_matter_not_in_force_on_the_visit_day_cannot_be_planned(city, frozen):
    Matter.objects.filter(pk=city.market_matter.pk).update(effective_until=days(9), version=2)
    city.market_matter.refresh_from_db()
    with pytest.raises(DomainError, match=r"market-001 \(version 2\) is no longer in force after") as exc:
        file(city, start=8, end=12)
    assert exc.value.field == "matters"
    Matter.objects.filter(pk=city.market_matter.pk).update(effective_until=None, effective_from=days(9))
    city.market_matter.refresh_from_db()
    with pytest.raises(DomainError, match="takes effect only on"):
        file(city, start=8, end=12)
    assert not Plan.objects.exists()
    assert file(city, start=9, end=12).matters.get() == city.market_matter


# -- the expiry job ----------------------------------------------------------------------------------------


def joint_plans(city):
    """A joint visit of the market (two officers) and ecology (one) regulators, fixed."""
    market = file(city, officers=[city.market_officer, city.market_officer2], start=8, end=8)
    ecology = file(city, actor=city.ecology_officer, start=8, end=8)
    assert market.joint_task_id == ecology.joint_task_id
    joint_tasks_fix_due(today=market.joint_task.visit_date - dt.timedelta(days=3))
    return market, ecology


def test_the_daily_job_takes_expired_officers_off_the_visits_ahead_once(city, frozen):
    market, ecology = joint_plans(city)
    task = JointTask.objects.get(pk=market.joint_task_id)
    assert task.fixed
    done_plan = file(city, officers=[city.market_officer, city.market_officer2], start=9, end=9)
    Plan.objects.filter(pk=done_plan.pk).update(status=Plan.Status.DONE)  # no longer editable: left alone
    expires(city.market_officer2, days(2))
    assert expired_officers_off_visits(today=days(2)) == 0  # valid on its last day
    assert plans_daily_checks(today=days(3))["officers_off"] == 1
    assert plans_daily_checks(today=days(3))["officers_off"] == 0
    assert list(market.officers.all()) == [city.market_officer]
    assert city.market_officer2 in done_plan.officers.all()
    entry = AuditEntry.objects.get(action="plan.officers_certificate_expired")
    assert entry.object_id == str(market.pk) and entry.details["officers"] == [city.market_officer2.username]
    notice = Notification.objects.get(dedupe_key__startswith=f"plan-officers-expired:{market.pk}:")
    assert notice.agency == city.market and city.market_officer2.certificate_number in notice.body
    # Two certified officers left (market1, ecology1): no understaffing warning.
    assert not Notification.objects.filter(dedupe_key__startswith=f"joint-task-understaffed:{task.pk}:").exists()


def test_a_fixed_visit_left_short_is_flagged_to_its_agencies_as_at_fixing(city, frozen):
    market, ecology = joint_plans(city)
    expires(city.market_officer2, days(2))
    expires(city.ecology_officer, days(2))
    assert expired_officers_off_visits(today=days(3)) == 2
    flagged = Notification.objects.filter(dedupe_key__startswith=f"joint-task-understaffed:{market.joint_task_id}:")
    assert {n.agency for n in flagged} == {city.market, city.ecology}
    assert not ecology.officers.exists()


def test_an_unmatched_plan_loses_its_expired_officer_too_in_batches(city, frozen):
    city.whitelist(city.enterprise)  # waits for review: on no visit yet
    plans = [file(city, officers=[city.market_officer, city.market_officer2], start=8 + k) for k in range(3)]
    assert all(p.joint_task_id is None for p in plans)
    expires(city.market_officer2, TODAY)
    assert expired_officers_off_visits(today=days(1), batch_size=2) == 3
    assert all(list(p.officers.all()) == [city.market_officer] for p in plans)
