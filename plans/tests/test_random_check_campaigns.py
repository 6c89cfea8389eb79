"""Random-check campaigns in the database: the commitment before the draw, the draw stored as replayed, the
drawn plans filed through the normal filing (and refusals kept), conflicted officers never drawn or named,
set-based statements whatever the population, and the roles refused."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from credit.models import CreditProfile
from credit.sampling import SamplingRate
from enterprises.models import BusyPeriod, Enterprise
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans import draw
from plans.campaigns import campaign_create, campaign_draw, campaign_file_plans
from plans.models import OfficerConflict, Plan, RandomCheckDraw
from yantai_inspect.errors import DomainError

from .conftest import days

pytestmark = pytest.mark.django_db


def make_population(n, grade=None):
    enterprises = EnterpriseFactory.create_batch(n, division="370613")
    if grade:
        CreditProfile.objects.bulk_create([CreditProfile(enterprise=e, grade=grade) for e in enterprises])
    return enterprises


def create(city, actor=None, **kwargs):
    kwargs.setdefault("division", "370613")
    return campaign_create(actor=actor or city.market_officer, name="2026年双随机抽查", matters=[city.market_matter],
                           window_start=days(10), window_end=days(30), **kwargs)


def test_the_commitment_is_published_before_the_draw_and_the_draw_replays(city, frozen):
    make_population(30, grade="D")  # D: 100 %, every one drawn
    campaign = create(city)
    assert campaign.status == "committed" and campaign.population_size == 30
    assert campaign.snapshot_sha256 == draw.sha256_hex(campaign.snapshot)
    assert campaign.seed_sha256 == draw.sha256_hex(campaign.seed)
    assert not RandomCheckDraw.objects.exists()
    campaign = campaign_draw(actor=city.market_officer, campaign=campaign)
    assert campaign.drawn_count == 30
    stored = [(d.enterprise.uscc, tuple(d.officer_numbers)) for d in campaign.draws.select_related("enterprise")]
    replayed = [(d.code, d.officers) for d in draw.replay(seed=campaign.seed, snapshot=campaign.snapshot)]
    assert stored == replayed
    with pytest.raises(DomainError):
        campaign_draw(actor=city.market_officer, campaign=campaign)  # never redrawn
    assert AuditEntry.objects.filter(action__in=["random_check.commit", "random_check.draw"]).count() == 2


def test_the_grade_comes_from_the_credit_profile_default_b_and_the_rates_from_the_policy(city, frozen):
    graded = make_population(3, grade="A")
    make_population(2)
    SamplingRate.objects.create(grade="A", rate=Decimal("0.5"))
    campaign = create(city)
    assert '"A":"0.5"' in campaign.snapshot and '"B":"0.1"' in campaign.snapshot
    assert f'["{graded[0].uscc}","A"]' in campaign.snapshot
    grades = dict(json.loads(campaign.snapshot)["enterprises"])
    assert sorted(grades.values()) == ["A", "A", "A", "B", "B"]


def test_drawn_plans_go_through_the_normal_filing_and_refusals_are_kept(city, frozen):
    ok, busy = make_population(2, grade="D")
    BusyPeriod.objects.create(enterprise=busy, start=days(10), end=days(30), reason="生产旺季")
    campaign = campaign_draw(actor=city.market_officer, campaign=create(city))
    assert campaign_file_plans(campaign=campaign, today=frozen) == 2
    assert campaign_file_plans(campaign=campaign, today=frozen) == 0  # rerun: nothing twice
    good = RandomCheckDraw.objects.get(enterprise=ok)
    assert good.plan is not None and good.plan.campaign == campaign.code and good.plan.joint_task_id
    assert {o.certificate_number for o in good.plan.officers.all()} == set(good.officer_numbers)
    failed = RandomCheckDraw.objects.get(enterprise=busy)
    assert failed.plan is None and failed.failure
    assert Plan.objects.count() == 1


def test_a_drawn_enterprise_joins_a_visit_already_planned(city, frozen):
    (enterprise,) = make_population(1, grade="D")
    from plans.services import plan_file

    earlier = plan_file(actor=city.ecology_officer, enterprise=enterprise, matters=[city.ecology_matter],
                        window_start=days(10), window_end=days(30))
    campaign = campaign_draw(actor=city.market_officer, campaign=create(city))
    campaign_file_plans(campaign=campaign, today=frozen)
    drawn = RandomCheckDraw.objects.get().plan
    assert drawn.joint_task_id == Plan.objects.get(pk=earlier.pk).joint_task_id


def test_conflicted_officers_are_never_drawn_or_named(city, frozen):
    enterprises = make_population(20, grade="D")
    third = OfficerFactory(agency=city.market)
    for e in enterprises[::2]:
        OfficerConflict.objects.create(officer=city.market_officer, enterprise=e, reason="亲属")
    campaign = campaign_draw(actor=city.market_officer2, campaign=create(city, actor=city.market_officer2))
    campaign_file_plans(campaign=campaign, today=frozen)
    banned = set(enterprises[::2])
    for item in campaign.draws.select_related("enterprise", "plan"):
        if item.enterprise in banned:
            assert city.market_officer.certificate_number not in item.officer_numbers
            assert city.market_officer not in item.plan.officers.all()
    loads = [sum(o in d.officer_numbers for d in campaign.draws.all())
             for o in (city.market_officer.certificate_number, city.market_officer2.certificate_number,
                       third.certificate_number)]
    assert sum(loads) == 40


def test_other_roles_and_agencies_are_refused(city, frozen):
    make_population(3)
    for actor in (JusticeUserFactory(agency=city.justice_bureau), enterprise_user(city.enterprise)):
        with pytest.raises(PermissionDenied):
            create(city, actor=actor)
    campaign = create(city)
    with pytest.raises(DomainError):
        campaign_draw(actor=city.ecology_officer, campaign=campaign)
    with pytest.raises(PermissionDenied):
        campaign_draw(actor=JusticeUserFactory(agency=city.justice_bureau), campaign=campaign)


def test_a_campaign_needs_a_population_and_a_window_filed_ahead(city, frozen):
    with pytest.raises(DomainError) as exc:
        create(city, division="370614")
    assert exc.value.field == "division"
    make_population(1)
    with pytest.raises(DomainError) as exc:
        campaign_create(actor=city.market_officer, name="x", matters=[city.market_matter], window_start=days(3),
                        window_end=days(20), division="370613")
    assert exc.value.field == "window_start"


def test_snapshot_and_draw_take_the_same_statements_for_any_population(city, frozen):
    def statements(n):
        RandomCheckDraw.objects.all().delete()
        Enterprise.objects.filter(division="370613").delete()
        make_population(n, grade="D")
        with CaptureQueriesContext(connection) as create_q:
            campaign = create(city)
        with CaptureQueriesContext(connection) as draw_q:
            campaign_draw(actor=city.market_officer, campaign=campaign)
        return len(create_q), len(draw_q)

    assert statements(5) == statements(60)


def test_the_worker_files_batch_by_batch_and_reruns_file_nothing_twice(city, frozen, monkeypatch):
    from outbox.models import OutboxMessage
    from plans import campaigns as module
    from plans.handlers import random_check_file

    make_population(3, grade="D")
    campaign = campaign_draw(actor=city.market_officer, campaign=create(city))
    assert OutboxMessage.objects.filter(dedupe_key=f"random-check-file:{campaign.pk}:0").exists()
    monkeypatch.setattr(module, "FILE_BATCH", 2)
    random_check_file(campaign_id=campaign.pk, batch=0)
    assert Plan.objects.count() == 2
    assert OutboxMessage.objects.filter(dedupe_key=f"random-check-file:{campaign.pk}:1").exists()
    random_check_file(campaign_id=campaign.pk, batch=1)
    random_check_file(campaign_id=campaign.pk, batch=1)  # a rerun
    assert Plan.objects.count() == 3
    assert not OutboxMessage.objects.filter(dedupe_key=f"random-check-file:{campaign.pk}:2").exists()
