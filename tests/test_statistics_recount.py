"""The stored per-visit figures (``JointTask.n_plans``, ``n_agencies``), the statistics' cells
(``StatisticsCell``) and the statistics read from them equal a recount from scratch, after a seeded random
mix of filings (routine, thematic, invitation responses, green channel, whitelisted), withdrawals, reviews,
reviews after the fact, re-matches, visits carried out (check-in, record finalised), visits missed (the daily
job) and refiles of the plans not carried out. The recount is the statistics' former implementation: every
served plan loaded into Python. After every single write the cells the readers sum
(the stored ones, the dirty division-days' from the plans) are compared with the recount, so a writer that
forgets to log its days (``plans.statistics.cells_refresh_for_visits``) fails here with its name; the
statistics are compared with the day's writes pending, and after the compaction the stored cells themselves
equal the recount, the dirty log is empty and a rerun does nothing.

The month grain (``StatisticsMonthCell``) equals the stored day cells summed by month after every write and
the recount after the compaction, and the statistics are compared over whole months (read from it, the dirty
months from their day cells) as well as over days: a compaction or rebuild that leaves a month cell stale
fails here. The (agency, month) grain (``StatisticsAgencyMonth``) likewise equals the month cells summed over
divisions and themes, after every write, the compaction and the rebuild; the statistics grouped by nothing,
agency or month read it for the whole months without a dirty day.

It also holds the invariant that made the short-notice flag dead: every served routine plan is filed ahead.
"""

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory
from inspections import qrtokens
from inspections.models import Finding, InspectionRecord
from inspections.services import check_in, finding_add, record_finalise, record_item_set
from plans.models import (
    Invitation,
    JointTask,
    Plan,
    StatisticsAgencyMonth,
    StatisticsCell,
    StatisticsDirty,
    StatisticsMonthCell,
)
from plans.refile import plan_refile
from plans.rematch import rematch_all
from plans.selectors import plan_scope_q
from plans.services import plan_file, plan_post_review, plan_review, plan_withdraw, plans_daily_checks
from plans.statistics import (
    COUNTS,
    DIMENSIONS,
    _pairs_q,
    _plans_q,
    cells_compact,
    cells_rebuild,
    cells_source,
    plan_statistics,
)
from plans.tests.conftest import SHANGHAI, TODAY, City, freeze
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def recount_tasks() -> dict:
    served = defaultdict(list)
    for task_id, agency_id in Plan.objects.filter(status__in=Plan.SERVED, joint_task__isnull=False).values_list(
        "joint_task_id", "agency_id"
    ):
        served[task_id].append(agency_id)
    return {pk: (len(served[pk]), len(set(served[pk]))) for pk in JointTask.objects.values_list("pk", flat=True)}


def recount_cells() -> dict:
    """The cells from scratch, plan by plan: (agency, theme, day, enterprise's division) -> the figures."""
    per_task = defaultdict(list)
    for p in Plan.objects.filter(joint_task__isnull=False, status__in=Plan.SERVED):
        per_task[p.joint_task_id].append(p.agency_id)
    cells = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    final, findings = finalised_and_findings()
    for p in Plan.objects.filter(joint_task__isnull=False, status__in=Plan.SERVED).select_related(
        "enterprise", "joint_task"
    ):
        cell = cells[(p.agency_id, p.theme_id, p.joint_task.visit_date, p.enterprise.division)]
        cell["plans"] += 1
        cell["visit_share"] += 1 / len(per_task[p.joint_task_id])
        cell["joint_plans"] += len(set(per_task[p.joint_task_id])) >= 2
        cell["filed_ahead"] += bool(p.ahead_from and p.joint_task.visit_date >= p.ahead_from)
        if p.urgent:
            cell["green_channel"] += 1
            cell[f"green_channel_{p.post_review}"] += 1
        if p.joint_task_id in final:
            cell["inspected"] += 1
            cell["found_problem"] += (p.joint_task_id, p.agency_id) in findings
    return {key: {**c, "visit_share": round(c["visit_share"], 9)} for key, c in cells.items()}


def finalised_and_findings():
    """The visits with a finalised record, and the (visit, agency) pairs with a finding on it (a finding withdrawn
    on an upheld objection is none)."""
    final = set(InspectionRecord.objects.filter(status__in=("final", "signed", "refused")).values_list("task_id",
                                                                                                       flat=True))
    return final, set(Finding.objects.exclude(status=Finding.Status.WITHDRAWN).values_list("record__task_id",
                                                                                          "agency_id"))


def stored_cells() -> dict:
    rows = list(StatisticsCell.objects.values("agency_id", "theme_id", "day", "division", *COUNTS))
    cells = {(r.pop("agency_id"), r.pop("theme_id"), r.pop("day"), r.pop("division")): r for r in rows}
    assert len(cells) == len(rows), "two cells with one key"
    return {key: {**c, "visit_share": round(c["visit_share"], 9)} for key, c in cells.items()}


def stored_month_cells() -> dict:
    rows = list(StatisticsMonthCell.objects.values("agency_id", "theme_id", "month", "division", *COUNTS))
    cells = {(r.pop("agency_id"), r.pop("theme_id"), r.pop("month"), r.pop("division")): r for r in rows}
    assert len(cells) == len(rows), "two month cells with one key"
    return {key: {**c, "visit_share": round(c["visit_share"], 6)} for key, c in cells.items()}


def by_month(cells: dict) -> dict:
    """Day cells summed into month cells: (agency, theme, first of the month, division) -> the figures (the
    visit share to 6 decimals, as ``stored_month_cells``: sums of shares rounded to 9 differ in the last)."""
    months = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for (agency, theme, day, division), figures in cells.items():
        into = months[(agency, theme, day.replace(day=1), division)]
        for name in COUNTS:
            into[name] += figures[name]
    return {key: {**c, "visit_share": round(c["visit_share"], 6)} for key, c in months.items()}


def stored_agency_months() -> dict:
    rows = list(StatisticsAgencyMonth.objects.values("agency_id", "month", *COUNTS))
    cells = {(r.pop("agency_id"), r.pop("month")): r for r in rows}
    assert len(cells) == len(rows), "two agency months with one key"
    return {key: {**c, "visit_share": round(c["visit_share"], 5)} for key, c in cells.items()}


def by_agency_month(cells: dict) -> dict:
    """Day cells summed into (agency, month) rows (the visit share to 5 decimals: the stored rows are sums of
    sums)."""
    rows = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for (agency, _theme, day, _division), figures in cells.items():
        into = rows[(agency, day.replace(day=1))]
        for name in COUNTS:
            into[name] += figures[name]
    return {key: {**c, "visit_share": round(c["visit_share"], 5)} for key, c in rows.items()}


def assert_the_month_grain_equals_its_days(after: str):
    assert stored_month_cells() == by_month(stored_cells()), f"a month cell differs from its day cells: {after}"
    assert stored_agency_months() == by_agency_month(stored_cells()), (
        f"an (agency, month) row differs from its month cells: {after}"
    )


def current_cells() -> dict:
    """What the readers sum: the stored cells of the division-days not logged dirty, and the cells of the
    dirty ones computed from the plans (``plans.statistics.plan_statistics``)."""
    dirty = set(StatisticsDirty.objects.values_list("division", "day"))
    cells = {key: c for key, c in stored_cells().items() if (key[3], key[2]) not in dirty}
    if dirty:
        days = _pairs_q(dirty)
        for row in cells_source(_plans_q(days)):
            key = tuple(row.pop(k) for k in ("agency_id", "theme_id", "day", "division"))
            cells[key] = {**row, "visit_share": round(row["visit_share"], 9)}
    return cells


def assert_cells_equal_a_recount(after: str):
    """The writer logged every division-day it changed (a pending pair is read from the plans)."""
    assert current_cells() == recount_cells(), f"a division-day changed without being logged dirty: {after}"


def assert_compaction_makes_the_cells_exact():
    cells_compact()
    assert not StatisticsDirty.objects.exists()
    assert stored_cells() == recount_cells(), "the cells are stale after the compaction"
    assert stored_month_cells() == by_month(recount_cells()), "the month cells are stale after the compaction"
    assert stored_agency_months() == by_agency_month(recount_cells()), (
        "the (agency, month) rows are stale after the compaction"
    )
    with CaptureQueriesContext(connection) as queries:  # rerun: a no-op, one look at the dirty table
        assert cells_compact() == 0
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("SELECT"), statements


def recount_statistics(by=None, date_from=None, date_to=None, scope=None):
    """The figures from scratch, plan by plan (the statistics' former implementation; "visits" the visit share
    Σ 1/k since issue 8)."""
    from accounts.divisions import division_name

    rows = list(
        Plan.objects.filter(scope or Q(), joint_task__isnull=False).select_related(
            "agency", "theme", "enterprise", "joint_task"
        )
    )
    if date_from:
        rows = [p for p in rows if p.joint_task.visit_date >= date_from]
    if date_to:
        rows = [p for p in rows if p.joint_task.visit_date <= date_to]
    per_task = defaultdict(list)
    for p in Plan.objects.filter(joint_task__isnull=False, status__in=Plan.SERVED):
        per_task[p.joint_task_id].append(p.agency_id)
    key = {
        None: lambda p: "all",
        "agency": lambda p: p.agency.name,
        "theme": lambda p: p.theme.name if p.theme_id else "—",
        "district": lambda p: division_name(p.enterprise.division),
        "month": lambda p: p.joint_task.visit_date.strftime("%Y-%m"),
    }[by]
    groups = defaultdict(list)
    for p in rows:
        groups[key(p)].append(p)

    final, findings = finalised_and_findings()

    def figures(all_plans):
        missed = len({p.joint_task_id for p in all_plans if p.joint_task.status == JointTask.Status.MISSED})
        plans = [p for p in all_plans if p.status in Plan.SERVED]
        n = len(plans)
        ahead = sum(1 for p in plans if p.ahead_from and p.joint_task.visit_date >= p.ahead_from)
        joint = sum(1 for p in plans if len(set(per_task[p.joint_task_id])) >= 2)
        urgent = Counter(p.post_review for p in plans if p.urgent)
        return {
            "plans": n,
            "visits": sum(1 / len(per_task[p.joint_task_id]) for p in plans),
            "visits_avoided": sum((len(per_task[p.joint_task_id]) - 1) / len(per_task[p.joint_task_id]) for p in plans),
            "joint_plans": joint,
            "joint_share": round(joint / n, 4) if n else None,
            "filed_ahead": ahead,
            "filed_ahead_rate": round(ahead / n, 4) if n else None,
            "green_channel": sum(urgent.values()),
            "green_channel_justified": urgent["justified"],
            "green_channel_unjustified": urgent["unjustified"],
            "green_channel_pending": urgent["pending"],
            "missed": missed,
            "inspected": (inspected := sum(1 for p in plans if p.joint_task_id in final)),
            "found_problem": (found := sum(1 for p in plans if p.joint_task_id in final
                                           and (p.joint_task_id, p.agency_id) in findings)),
            "problem_share": round(found / inspected, 4) if inspected else None,
        }

    if by is None:
        return figures(rows)
    groups = [{"key": k, **figures(v)} for k, v in sorted(groups.items(), key=lambda kv: kv[0])]
    return {"by": by, "groups": [g for g in groups if g["plans"] or g["missed"]]}


def assert_equal_figures(stored, recounted):
    for two_decimals in ("visits", "visits_avoided"):  # rounded half up: at most 0.005 off, and the float's ulp
        assert stored.pop(two_decimals) == pytest.approx(recounted.pop(two_decimals), abs=0.0051)
    assert stored == recounted


def assert_statistics_equal_a_recount(day, sim):
    assert {t.pk: (t.n_plans, t.n_agencies) for t in JointTask.objects.all()} == recount_tasks()
    assert_cells_equal_a_recount(f"day {day}")
    assert_the_month_grain_equals_its_days(f"day {day}")
    window = {"date_from": day, "date_to": day + dt.timedelta(days=10)}
    # whole months (June, read from the month grain) and a range of an edge month's days and a whole month
    june = {"date_from": dt.date(2026, 6, 1), "date_to": dt.date(2026, 6, 30)}
    edges = {"date_from": day, "date_to": dt.date(2026, 7, 31)}
    for scope in sim.scopes():
        for kwargs in ({}, window, june, edges, {"date_from": dt.date(2026, 7, 1)}):
            stored, recounted = plan_statistics(scope=scope, **kwargs), recount_statistics(scope=scope, **kwargs)
            assert_equal_figures(stored, recounted)
            overall = plan_statistics(scope=scope, **kwargs)
            for by in DIMENSIONS:
                stored = plan_statistics(scope=scope, by=by, **kwargs)
                # the groups add up to the overall figures (a page showing both reads the cells once)
                assert_equal_figures(stored.pop("overall"), dict(overall))
                recounted = recount_statistics(by, scope=scope, **kwargs)
                assert [g["key"] for g in stored["groups"]] == [g["key"] for g in recounted["groups"]]
                for s, r in zip(stored["groups"], recounted["groups"], strict=True):
                    assert_equal_figures(s, r)
    # The short-notice flag could never fire: a served routine plan is always filed ahead.
    assert (
        not Plan.objects.filter(status__in=Plan.SERVED, urgent=False, joint_task__isnull=False)
        .exclude(Plan.filed_ahead_q())
        .exists()
    )


class Simulation:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.findings = random.Random(seed + 1000)
        self.city = City()
        c = self.city
        self.officers = {
            c.market: [c.market_officer, c.market_officer2],
            c.ecology: [c.ecology_officer, OfficerFactory(agency=c.ecology, username="ecology2")],
            c.emergency: [c.emergency_officer, OfficerFactory(agency=c.emergency, username="emergency2")],
        }
        self.justice = JusticeUserFactory(agency=c.justice_bureau)
        self.enterprises = [c.enterprise, *(EnterpriseFactory() for _ in range(3))]
        c.whitelist(self.enterprises[3])
        self.done = Counter()

    def officer(self, agency=None):
        agency = agency or self.rng.choice(list(self.officers))
        return self.rng.choice(self.officers[agency])

    def scopes(self):
        """Everything (an administrator), the city's justice bureau, two agencies' officers."""
        c = self.city
        return [Q(), *(plan_scope_q(user=u) for u in (self.justice, c.market_officer, c.ecology_officer))]

    def pick(self, qs):
        """One row of ``qs`` drawn by the seeded generator (the database's random order is not seeded)."""
        rows = list(qs.order_by("pk"))
        return self.rng.choice(rows) if rows else None

    def attempt(self, kind, action):
        try:
            action()
        except DomainError:
            self.done[f"{kind} refused"] += 1
        else:
            self.done[kind] += 1
        assert_cells_equal_a_recount(kind)

    def step(self, day):
        rng, c = self.rng, self.city
        kind = rng.choices(
            ["file", "theme", "respond", "urgent", "withdraw", "review", "post_review", "rematch", "refile"],
            weights=[8, 3, 3, 1, 2, 2, 1, 2, 2],
        )[0]
        if kind in ("file", "theme"):
            officer = c.market_officer if kind == "theme" else self.officer()
            start = day + dt.timedelta(days=rng.randint(7, 16))
            self.attempt(
                kind,
                lambda: plan_file(
                    actor=officer,
                    enterprise=rng.choice(self.enterprises),
                    matters=[c.matter_of(officer)],
                    theme=c.theme if kind == "theme" else None,
                    window_start=start,
                    window_end=start + dt.timedelta(days=rng.randint(0, 6)),
                    officers=self.officers[officer.agency],
                ),
            )
        elif kind == "respond":
            invitation = self.pick(Invitation.objects.filter(status="open", deadline__gte=day))
            if invitation is not None:
                officer = self.officer(invitation.agency)
                lead = invitation.lead_plan
                self.attempt(
                    kind,
                    lambda: plan_file(
                        actor=officer,
                        enterprise=lead.enterprise,
                        matters=[c.matter_of(officer)],
                        window_start=lead.window_start,
                        window_end=lead.window_end,
                        invitation=invitation,
                        officers=self.officers[officer.agency],
                    ),
                )
        elif kind == "urgent":
            officer = self.officer()
            self.attempt(
                kind,
                lambda: plan_file(
                    actor=officer,
                    enterprise=rng.choice(self.enterprises),
                    matters=[c.matter_of(officer)],
                    window_start=day,
                    window_end=day,
                    urgent=True,
                    urgent_category="public_report",
                    urgent_reason="群众举报",
                    officers=self.officers[officer.agency],
                ),
            )
        elif kind == "withdraw":
            plan = self.pick(Plan.objects.filter(status__in=Plan.LIVE, urgent=False))
            if plan is not None:
                self.attempt(kind, lambda: plan_withdraw(actor=self.officer(plan.agency), plan=plan))
        elif kind == "review":
            plan = self.pick(Plan.objects.filter(status="pending_review"))
            if plan is not None:
                approve = rng.random() < 0.7
                self.attempt(
                    kind,
                    lambda: plan_review(actor=self.justice, plan=plan, approve=approve, note="" if approve else "否"),
                )
        elif kind == "post_review":
            plan = self.pick(Plan.objects.filter(urgent=True, post_review="pending"))
            if plan is not None:
                justified = rng.random() < 0.7
                self.attempt(
                    kind,
                    lambda: plan_post_review(
                        actor=self.justice, plan=plan, justified=justified, note="" if justified else "不紧急"
                    ),
                )
        elif kind == "refile":
            plan = self.pick(Plan.objects.filter(status="not_carried_out", refiled_as__isnull=True))
            if plan is not None:
                start = day + dt.timedelta(days=rng.randint(7, 12))
                self.attempt(
                    kind,
                    lambda: plan_refile(
                        actor=self.officer(plan.agency),
                        plan=plan,
                        window_start=start,
                        window_end=start + dt.timedelta(days=3),
                        today=day,
                    ),
                )
        else:
            self.attempt(kind, lambda: rematch_all(today=day, batch_size=2))

    def carry_out_visits(self, day):
        """Two certified officers of every agency on the visit check in; the record is filled and finalised."""
        for task in JointTask.objects.filter(visit_date=day, status="fixed"):
            if self.rng.random() < 0.3:
                continue
            officers = [o for p in task.plans.filter(status__in=Plan.LIVE) for o in p.officers.all()]
            for officer in dict.fromkeys(officers):
                check_in(actor=officer, task=task, token=qrtokens.enterprise_token(task.enterprise.uscc), today=day)
            assert_cells_equal_a_recount("check-in")
            record = InspectionRecord.objects.get(task=task)
            for item in record.items.all():
                # a share of the matters not compliant, with a minor finding (the problem share's input), drawn
                # apart from the mix's generator so that the mix of writes stays what it was
                if self.findings.random() < 0.3:
                    record_item_set(actor=officers[0], item=item, result="non_compliant")
                    finding_add(actor=officers[0], item=item, description="台账缺失", severity="minor",
                                deadline=day + dt.timedelta(days=15))
                else:
                    record_item_set(actor=officers[0], item=item, result="compliant")
            record_finalise(actor=officers[0], record=record)
            assert_cells_equal_a_recount("record finalised")
            self.done["visit"] += 1


@pytest.mark.parametrize("seed", [7, 11])
def test_the_stored_visit_figures_and_the_statistics_equal_a_recount(seed):
    sim = Simulation(seed)
    compactions = random.Random(seed)  # apart from the simulation's draws, so the mix of writes is unchanged
    for n in range(24):
        day = TODAY + dt.timedelta(days=n)
        with freeze(dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI)):
            plans_daily_checks(today=day)
            assert_cells_equal_a_recount("the daily checks (missed visits, stranded plans, fixing)")
            for _ in range(sim.rng.randint(2, 6)):
                sim.step(day)
            sim.carry_out_visits(day)
            # the writes since the last compaction pending (their days read from the plans), the others compacted
            assert_statistics_equal_a_recount(day, sim)
            if compactions.random() < 0.6:
                assert_compaction_makes_the_cells_exact()
    kinds = ("file", "theme", "respond", "urgent", "withdraw", "review", "post_review", "rematch", "visit", "refile")
    for kind in kinds:
        assert sim.done[kind] >= 1, (kind, sim.done)
    assert JointTask.objects.filter(n_agencies__gte=2).exists()
    assert JointTask.objects.filter(status=JointTask.Status.MISSED).exists()
    assert_compaction_makes_the_cells_exact()
    assert_statistics_equal_a_recount(day, sim)
    assert StatisticsCell.objects.filter(green_channel_pending=0, green_channel__gt=0).exists()
    assert StatisticsMonthCell.objects.filter(month=dt.date(2026, 6, 1)).exists()
    assert StatisticsMonthCell.objects.filter(month=dt.date(2026, 7, 1)).exists()
    # a rebuild from scratch (a week a batch, across the month's end) leaves the same month grain
    assert StatisticsAgencyMonth.objects.filter(month=dt.date(2026, 7, 1)).exists()
    StatisticsMonthCell.objects.update(plans=0)
    StatisticsAgencyMonth.objects.update(plans=0)
    cells_rebuild(batch_days=7)
    assert stored_month_cells() == by_month(recount_cells())
    assert stored_agency_months() == by_agency_month(recount_cells())
    assert_statistics_equal_a_recount(day, sim)
