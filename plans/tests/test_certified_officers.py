"""One definition of "at least two certified officers": User.is_certified_on / certified_officers_q,
JointTask.MIN_CERTIFIED_OFFICERS and plans.selectors.task_certified_officers, used by the visit pages, the
warning at fixing, plan filing, plan_officers_set and check-in."""

import datetime as dt
import itertools

import pytest
from rest_framework.test import APIClient

from accounts.models import User, certified_officers_q
from accounts.tests.factories import OfficerFactory, UserFactory
from inspections import qrtokens
from inspections.models import CheckIn
from inspections.services import check_in
from notifications.models import Notification
from plans.matching import joint_task_fix
from plans.models import JointTask, Plan
from plans.selectors import task_certified_officers, task_understaffed
from plans.services import plan_file, plan_officers_set
from yantai_inspect.errors import DomainError

from .conftest import days

pytestmark = pytest.mark.django_db

UNDERSTAFFED_ZH = "持证执法人员不足两名"


def routine(city, officer, *, officers=None, day=8):
    return plan_file(
        actor=officer,
        enterprise=city.enterprise,
        matters=[city.matter_of(officer)],
        window_start=days(day),
        window_end=days(day),
        officers=officers,
    )


def green(city, officers):
    return plan_file(
        actor=officers[0],
        enterprise=city.enterprise,
        matters=[city.matter_of(officers[0])],
        window_start=days(0),
        window_end=days(0),
        officers=officers,
        urgent=True,
        urgent_category="public_report",
        urgent_reason="群众举报",
    )


def fix(plan):
    JointTask.objects.filter(pk=plan.joint_task_id).update(fixed=True, status=JointTask.Status.FIXED)
    return Plan.objects.get(pk=plan.pk)


VALIDITY = {  # (valid from, valid until) around the day asked about, 2026-06-15
    "valid": (dt.date(2024, 1, 1), dt.date(2028, 12, 31)),
    "first day": (dt.date(2026, 6, 15), dt.date(2028, 12, 31)),
    "last day": (dt.date(2024, 1, 1), dt.date(2026, 6, 15)),
    "expired": (dt.date(2024, 1, 1), dt.date(2026, 6, 14)),
    "not yet": (dt.date(2026, 6, 16), dt.date(2028, 12, 31)),
    "no dates": (None, None),
}


def test_the_method_and_the_query_agree_on_a_day(city):
    day = dt.date(2026, 6, 15)
    combos = itertools.product(User.Role.values, [True, False], [True, False], VALIDITY)
    for n, (role, active, numbered, validity) in enumerate(combos):
        user = UserFactory(role=role, is_active=active, agency=city.market)
        start, end = VALIDITY[validity]
        User.objects.filter(pk=user.pk).update(certificate_number=f"TEST{n:04d}" if numbered else "",
                                               certificate_valid_from=start, certificate_valid_until=end)
        user.refresh_from_db()
        expected = (role == User.Role.OFFICER and active and numbered
                    and validity in ("valid", "first day", "last day"))
        assert user.is_certified_on(day) == expected, (role, active, numbered, validity)
        assert User.objects.filter(certified_officers_q(on=day), pk=user.pk).exists() == expected


# -- the visit's pages and the warning count the same officers ---------------------------------------------


def test_the_visit_page_counts_only_certified_officers(client, city, frozen):
    # Old code: the template counted every named officer, so a deactivated second officer hid the warning.
    plan = routine(city, city.market_officer, officers=[city.market_officer, city.market_officer2])
    client.force_login(city.market_officer)
    assert UNDERSTAFFED_ZH not in client.get(f"/agency/tasks/{plan.joint_task_id}/").content.decode()
    User.objects.filter(pk=city.market_officer2.pk).update(is_active=False)
    for page in (f"/agency/tasks/{plan.joint_task_id}/", f"/agency/plans/{plan.pk}/"):
        assert UNDERSTAFFED_ZH in client.get(page).content.decode(), page
    assert task_understaffed(plan.joint_task)


def test_the_warning_at_fixing_and_the_page_agree(client, city, frozen):
    plan = routine(city, city.market_officer, officers=[city.market_officer, city.market_officer2])
    User.objects.filter(pk=city.market_officer2.pk).update(is_active=False)
    joint_task_fix(actor=None, task_id=plan.joint_task_id)
    assert Notification.objects.filter(dedupe_key__startswith="joint-task-understaffed", agency=city.market).exists()
    assert [o.pk for o in task_certified_officers(plan.joint_task)] == [city.market_officer.pk]


def test_a_joint_visit_pools_the_officers_of_its_agencies(city, frozen):
    market = routine(city, city.market_officer)
    ecology = routine(city, city.ecology_officer)
    assert market.joint_task_id == ecology.joint_task_id
    assert len(task_certified_officers(market.joint_task)) == 2 and not task_understaffed(market.joint_task)


def test_a_done_visit_is_not_flagged(city, frozen):
    plan = routine(city, city.market_officer)
    JointTask.objects.filter(pk=plan.joint_task_id).update(fixed=True, status=JointTask.Status.DONE)
    assert not task_understaffed(JointTask.objects.get(pk=plan.joint_task_id))


# -- filing and changing the officers ----------------------------------------------------------------------


def test_a_green_channel_plan_needs_two_distinct_officers(city, frozen):
    # Old code counted the list: the same officer named twice passed for two.
    with pytest.raises(DomainError) as exc:
        green(city, [city.market_officer, city.market_officer])
    assert exc.value.field == "officers"


def test_a_green_channel_plan_cannot_be_cut_to_one_officer(city, frozen):
    # Old code: plan_officers_set accepted it, leaving an urgent visit with one officer.
    plan = green(city, [city.market_officer, city.market_officer2])
    with pytest.raises(DomainError) as exc:
        plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer])
    assert exc.value.field == "officers"
    assert set(plan.officers.all()) == {city.market_officer, city.market_officer2}
    third = OfficerFactory(agency=city.market)
    plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer2, third])
    assert plan.officers.count() == 2


def test_a_fixed_visit_cannot_be_cut_below_two_certified_officers(city, frozen):
    # Old code: the filing agency could leave a fixed visit with one officer after the enterprise's notice.
    plan = fix(routine(city, city.market_officer, officers=[city.market_officer, city.market_officer2]))
    with pytest.raises(DomainError):
        plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer2])
    assert plan.officers.count() == 2


def test_a_fixed_joint_visit_may_swap_officers_while_it_keeps_two(city, frozen):
    market = routine(city, city.market_officer)
    routine(city, city.ecology_officer)
    market = fix(market)
    plan_officers_set(actor=city.market_officer, plan=market, officers=[city.market_officer2])
    assert list(market.officers.all()) == [city.market_officer2]


def test_a_fixed_visit_already_short_may_swap_or_add_but_not_lose(city, frozen):
    plan = fix(routine(city, city.market_officer))
    plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer2])
    plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer, city.market_officer2])
    assert plan.officers.count() == 2


def test_a_visit_not_yet_fixed_may_go_down_to_one_officer(city, frozen):
    plan = routine(city, city.market_officer, officers=[city.market_officer, city.market_officer2])
    plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer2])
    assert list(plan.officers.all()) == [city.market_officer2]


def test_the_page_and_the_api_refuse_the_cut_in_the_users_language(client, city, frozen):
    plan = green(city, [city.market_officer, city.market_officer2])
    client.force_login(city.market_officer)
    response = client.post(f"/agency/plans/{plan.pk}/officers/", {"officers": [city.market_officer.pk]}, follow=True)
    assert "持证执法人员" in response.content.decode() and plan.officers.count() == 2
    api = APIClient()
    api.force_authenticate(city.market_officer)
    response = api.post(
        f"/api/v1/plans/{plan.pk}/officers/", {"officers": ["market1"]}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400 and "持证执法人员" in response.json()["officers"][0]
    assert plan.officers.count() == 2


# -- on site -----------------------------------------------------------------------------------------------


def test_a_deactivated_officer_cannot_check_in(city, frozen):
    # Old code looked only at the certificate number.
    plan = routine(city, city.market_officer, officers=[city.market_officer, city.market_officer2])
    joint_task_fix(actor=None, task_id=plan.joint_task_id)
    task = JointTask.objects.get(pk=plan.joint_task_id)
    User.objects.filter(pk=city.market_officer2.pk).update(is_active=False)
    city.market_officer2.refresh_from_db()
    with pytest.raises(DomainError):
        check_in(
            actor=city.market_officer2,
            task=task,
            token=qrtokens.enterprise_token(city.enterprise.uscc),
            today=task.visit_date,
        )
    assert not CheckIn.objects.filter(accepted=True).exists()

