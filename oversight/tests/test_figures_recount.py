"""Every oversight figure equals a count recomputed independently from the rows of a generated data set.

The data set is the statistics' recount simulation (``tests/test_statistics_recount.py``: a seeded random mix of
filings, thematic plans, invitation responses, green-channel plans, withdrawals, reviews, reviews after the
fact, re-matches, visits carried out and missed, refiles, through the real services), then findings on a
random share of the finalised records, complaints of every kind (decided on time, late, open past their
deadline) about enterprises of two districts, a whitelist, remote checks filed through ``plan_file`` by city and
district agencies (then concluded compliant, with problems, closed overdue or left open, requested over several
months), and supervision opinions and correction notices of the city's and a district's bureau (issued,
answered on time or late, returned, accepted, overdue). The recount loads the rows into Python and
counts them there, with no code of ``oversight`` or ``plans.statistics``: served plans, the visits' plans and
agencies counted afresh, the reader's scope from the agencies' and enterprises' divisions. It is compared
with the dashboard for five readers (an administrator, the city's justice bureau, a district bureau, two
agencies), overall and by every dimension, over the whole span and a range with edge months; and every
drill-down lists exactly the rows counted in its figure's numerator.
"""

import datetime as dt
import random
from collections import defaultdict

import pytest

from accounts.models import Agency
from accounts.selectors import divisions_supervised_by
from accounts.tests.factories import (
    AdminUserFactory,
    AgencyFactory,
    JusticeBureauFactory,
    JusticeUserFactory,
    OfficerFactory,
)
from catalogue.tests.factories import MatterFactory
from complaints.models import Complaint
from credit.models import CreditProfile
from enterprises.tests.factories import EnterpriseFactory
from inspections.models import Finding, InspectionRecord, RecordItem
from oversight.access import PUBLIC, reader_for
from oversight.figures import DIMENSIONS, FIGURE_OF
from oversight.selectors import dashboard, drill_rows
from plans.models import JointTask, Plan, RemoteCheck
from plans.services import plan_file, plans_daily_checks
from plans.statistics import cells_compact
from plans.tests.conftest import SHANGHAI, TODAY, freeze
from supervision.models import Opinion
from tests.test_statistics_recount import Simulation

pytestmark = pytest.mark.django_db

FINAL = {"final", "signed", "refused"}
ALL = "all"  # the overall figures' key in the recount


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class Recount:
    """The figures from the rows, in Python."""

    def __init__(self, user):
        self.user = user
        agencies = {a.pk: a for a in Agency.objects.all()}
        if user.is_platform_admin:
            self.agencies, self.divisions, self.complaints = set(agencies), None, True
        elif user.is_justice:
            divisions = set(divisions_supervised_by(user.agency))
            self.agencies = {pk for pk, a in agencies.items() if a.division in divisions}
            self.divisions, self.complaints = divisions, True
        else:
            self.agencies = {user.agency_id}
            self.divisions = None if user.agency.division == "370600" else {user.agency.division}
            self.complaints = False
        tasks = {t["pk"]: t for t in JointTask.objects.values("pk", "visit_date", "division", "status")}
        plans = list(
            Plan.objects.values(
                "pk", "agency_id", "theme_id", "status", "joint_task_id", "ahead_from", "urgent", "post_review"
            )
        )
        served = [p for p in plans if p["status"] in Plan.SERVED and p["joint_task_id"]]
        on_task = defaultdict(list)
        for p in served:
            on_task[p["joint_task_id"]].append(p)
        for p in plans:
            task = tasks.get(p["joint_task_id"])
            p["task"] = task
            if task:
                p["k"] = len(on_task[task["pk"]])
                p["n_agencies"] = len({q["agency_id"] for q in on_task[task["pk"]]})
        self.plans, self.served = plans, served
        records = {r["task_id"]: r for r in InspectionRecord.objects.values("pk", "task_id", "status")}
        self.final_tasks = {t for t, r in records.items() if r["status"] in FINAL}
        self.findings = set(Finding.objects.values_list("record__task_id", "agency_id"))
        self.whitelist = list(
            CreditProfile.objects.filter(whitelisted=True).values_list("enterprise__division", flat=True)
        )
        self.remote_checks = list(RemoteCheck.objects.values("agency_id", "division", "status", "requested_on"))
        if user.is_platform_admin:
            mine = {}
        elif user.is_justice:
            mine = {"justice_bureau_id": user.agency_id}
        else:
            mine = {"agency_id": user.agency_id}
        self.opinions = [
            o for o in Opinion.objects.values("agency_id", "justice_bureau_id", "kind", "status", "issued_on",
                                             "overdue_since")
            if all(o[k] == v for k, v in mine.items())
        ]
        self.all_complaints = list(
            Complaint.objects.values("pk", "kind", "received_on", "decided_on", "reply_due", "overdue_since",
                                     "enterprise__division")
        )

    def key(self, by, plan):
        task = plan["task"]
        return {"agency": plan["agency_id"], "theme": plan["theme_id"], "district": task["division"],
                "month": _month(task["visit_date"])}[by]

    def in_range(self, day, date_from, date_to):
        return date_from <= day <= date_to

    def figures(self, by, date_from, date_to):
        """{group key (or ALL overall; None is the group of the plans without a theme): {figure: value}}."""
        groups = defaultdict(lambda: defaultdict(float))
        missed = defaultdict(set)

        def add(plan, name, amount=1):
            groups[ALL][name] += amount
            if by:
                groups[self.key(by, plan)][name] += amount

        for p in self.served:
            if p["agency_id"] not in self.agencies or not self.in_range(p["task"]["visit_date"], date_from, date_to):
                continue
            add(p, "plans")
            add(p, "visits_avoided", (p["k"] - 1) / p["k"])
            add(p, "visits", 1 / p["k"])
            if p["n_agencies"] >= 2:
                add(p, "joint")
            if p["ahead_from"] and p["task"]["visit_date"] >= p["ahead_from"]:
                add(p, "ahead")
            if p["urgent"]:
                add(p, "urgent")
                add(p, p["post_review"])
            if p["joint_task_id"] in self.final_tasks:
                add(p, "inspected")
                if (p["joint_task_id"], p["agency_id"]) in self.findings:
                    add(p, "found")
        for p in self.plans:  # missed visits: any plan of the reader on them
            task = p["task"]
            if task and task["status"] == "missed" and p["agency_id"] in self.agencies and self.in_range(
                task["visit_date"], date_from, date_to
            ):
                missed[ALL].add(task["pk"])
                if by:
                    missed[self.key(by, p)].add(task["pk"])
        last = defaultdict(int)
        lo, hi = _year_before(date_from), _year_before(date_to)
        for p in self.served:
            day = p["task"]["visit_date"]
            if p["agency_id"] in self.agencies and lo <= day <= hi:
                last[ALL] += 1
                if by:
                    key = self.key(by, p)
                    last[key.replace(year=key.year + 1) if by == "month" else key] += 1
        result = {}
        for key in set(groups) | set(missed) | set(last) | {ALL}:
            g = groups.get(key, {})
            n = g.get("plans", 0)
            result[key] = {
                "plans": int(n),
                "plans_last_year": last.get(key, 0),
                "joint_share": round(g.get("joint", 0) / n, 4) if n else None,
                "visits_avoided": round(g.get("visits_avoided", 0), 2),
                "visits": round(g.get("visits", 0), 2),
                "filed_ahead_rate": round(g.get("ahead", 0) / n, 4) if n else None,
                "green_channel_share": round(g.get("urgent", 0) / n, 4) if n else None,
                "green_channel_justified": int(g.get("justified", 0)),
                "green_channel_unjustified": int(g.get("unjustified", 0)),
                "missed": len(missed.get(key, ())),
                "inspected": int(g.get("inspected", 0)),
                "problem_share": round(g.get("found", 0) / g["inspected"], 4) if g.get("inspected") else None,
            }
            before = result[key]["plans_last_year"]
            result[key]["volume_change"] = round(n / before - 1, 4) if before else None
        # the whitelist by district, the complaints by month and district
        for division in self.whitelist:
            if self.divisions is None or division in self.divisions:
                result[ALL]["whitelist"] = result[ALL].get("whitelist", 0) + 1
                if by == "district":
                    row = result.setdefault(division, {})
                    row["whitelist"] = row.get("whitelist", 0) + 1
        if self.complaints:
            counted = defaultdict(lambda: defaultdict(int))
            for c in self.all_complaints:
                if self.divisions is not None and c["enterprise__division"] not in self.divisions:
                    continue
                if not self.in_range(c["received_on"], date_from, date_to):
                    continue
                keys = [ALL]
                if by == "district":
                    keys.append(c["enterprise__division"])
                elif by == "month":
                    keys.append(_month(c["received_on"]))
                for key in keys:
                    counted[key]["complaints"] += 1
                    if c["decided_on"]:
                        counted[key]["decided"] += 1
                        counted[key]["on_time"] += c["decided_on"] <= c["reply_due"]
                    elif c["overdue_since"]:
                        counted[key]["open_overdue"] += 1
            for key, c in counted.items():
                row = result.setdefault(key, {})
                row["complaints"] = c["complaints"]
                row["complaints_on_time"] = round(c["on_time"] / c["decided"], 4) if c["decided"] else None
                row["complaints_open_overdue"] = c["open_overdue"]
        # the remote checks by month of the request, agency and district
        for check in self.remote_checks:
            if check["agency_id"] not in self.agencies or not self.in_range(check["requested_on"], date_from, date_to):
                continue
            if check["status"] == "withdrawn":  # withdrawn before it was concluded: it did not take place
                continue
            keys = [ALL]
            if by in ("month", "agency", "district"):
                keys.append({"month": _month(check["requested_on"]), "agency": check["agency_id"],
                             "district": check["division"]}[by])
            for key in keys:
                row = result.setdefault(key, {})
                row["remote_requested"] = row.get("remote_requested", 0) + 1
                if check["status"] in ("compliant", "problems", "overdue"):
                    name = f"remote_{check['status']}"
                    row[name] = row.get(name, 0) + 1
        # the opinions of the reader (issued by its bureau, addressed to its agency), by agency
        counted = defaultdict(lambda: defaultdict(int))
        for o in self.opinions:
            if not self.in_range(o["issued_on"], date_from, date_to):
                continue
            for key in [ALL, o["agency_id"]] if by == "agency" else [ALL]:
                c = counted[key]
                c["opinions"] += 1
                c[f"opinions_{o['kind']}"] += 1
                if o["status"] in ("answered", "accepted"):
                    c["answered"] += 1
                    c["on_time"] += o["overdue_since"] is None
                elif o["overdue_since"] is not None:
                    c["opinions_overdue"] += 1
        for key, c in counted.items():
            row = result.setdefault(key, {})
            row.update({name: c[name] for name in ("opinions", "opinions_opinion", "opinions_correction",
                                                    "opinions_overdue")})
            row["opinions_on_time"] = round(c["on_time"] / c["answered"], 4) if c["answered"] else None
        return result


ZERO = {"plans": 0, "plans_last_year": 0, "visits_avoided": 0, "visits": 0, "green_channel_justified": 0,
        "green_channel_unjustified": 0, "missed": 0, "inspected": 0, "whitelist": 0, "complaints": 0,
        "complaints_open_overdue": 0, "remote_requested": 0, "remote_compliant": 0, "remote_problems": 0,
        "remote_overdue": 0, "opinions": 0, "opinions_opinion": 0, "opinions_correction": 0, "opinions_overdue": 0}


def assert_equal(shown: dict, recounted: dict, where):
    for name, value in shown.items():
        if value is None and name not in recounted:
            continue  # a figure not broken down this way
        expected = recounted.get(name, ZERO.get(name))
        if isinstance(expected, float) and isinstance(value, (int, float)):
            assert abs(value - expected) < 0.011, (where, name, value, expected)
        else:
            assert value == expected, (where, name, value, expected)


def build(seed):
    sim = Simulation(seed)
    for n in range(16):
        day = TODAY + dt.timedelta(days=n)
        with freeze(dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI)):
            plans_daily_checks(today=day)
            for _ in range(sim.rng.randint(2, 6)):
                sim.step(day)
            sim.carry_out_visits(day)
    rng = random.Random(seed * 31)
    # findings by some of the agencies of a random share of the finalised records
    for record in InspectionRecord.objects.filter(status__in=FINAL).select_related("task"):
        if rng.random() < 0.5:
            continue
        agencies = sorted({p.agency_id for p in record.task.plans.all()})
        item = RecordItem.objects.filter(record=record).first()
        for agency_id in agencies:
            if rng.random() < 0.6:
                Finding.objects.create(record=record, item=item, enterprise_id=record.task.enterprise_id,
                                       matter_id=item.matter_id, agency_id=agency_id, description="消防通道堵塞",
                                       severity=rng.choice(["minor", "serious"]), deadline=TODAY + dt.timedelta(30))
    # a district with its own justice bureau, and enterprises there and in the city's other district
    fushan_bureau = JusticeBureauFactory(code="fs-justice", division="370611")
    others = [EnterpriseFactory(division="370602") for _ in range(3)]
    enterprises = [*sim.enterprises, *others]
    for enterprise in enterprises:
        if rng.random() < 0.5:
            CreditProfile.objects.update_or_create(enterprise=enterprise, defaults={"grade": "A", "whitelisted": True})
    for n in range(40):
        enterprise = rng.choice(enterprises)
        received = TODAY + dt.timedelta(days=rng.randint(-40, 20))
        reply_due = received + dt.timedelta(days=7)
        decided = received + dt.timedelta(days=rng.randint(1, 12)) if rng.random() < 0.6 else None
        Complaint.objects.create(
            enterprise=enterprise, filed_by=sim.justice, kind=rng.choice(Complaint.Kind.values), text="反映",
            justice_bureau=fushan_bureau if enterprise.division == "370611" else sim.city.justice_bureau,
            received_on=received, routed_on=received, accept_due=received + dt.timedelta(days=1),
            reply_due=reply_due, decided_on=decided,
            status="upheld" if decided else "received",
            overdue_since=None if decided or rng.random() < 0.5 else reply_due,
            hotline_key=f"k{seed}-{n}",
        )
    _remote_checks(sim, rng)
    _opinions(sim, rng, fushan_bureau)
    if rng.random() < 0.5:
        cells_compact()
    readers = [
        AdminUserFactory(),
        sim.justice,
        JusticeUserFactory(agency=fushan_bureau),
        sim.city.market_officer,
        sim.city.ecology_officer,
    ]
    return sim, readers


def _remote_checks(sim, rng):
    """Remote checks filed through ``plan_file`` by two city agencies and a Fushan agency, then concluded,
    closed overdue or left open, their requests spread over several months."""
    c = sim.city
    fushan = AgencyFactory(code="fs-market", name="福山区市场监督管理局", department=c.market_dept, division="370611")
    filers = [
        (c.market_officer, MatterFactory(code="market-remote", department=c.market_dept, remote_checkable=True)),
        (c.ecology_officer, MatterFactory(code="ecology-remote", department=c.ecology_dept, remote_checkable=True)),
        (OfficerFactory(agency=fushan, username="fs-market1"),
         MatterFactory(code="market-remote-2", department=c.market_dept, remote_checkable=True)),
    ]
    enterprises = [*sim.enterprises, EnterpriseFactory(division="370602")]
    with freeze(dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=SHANGHAI)):
        for n in range(18):
            officer, matter = filers[n % len(filers)]
            area = [e for e in enterprises if officer.agency.division == "370600" or e.division == "370611"]
            plan_file(actor=officer, enterprise=rng.choice(area), matters=[matter], remote=True,
                      window_start=TODAY + dt.timedelta(days=10), window_end=TODAY + dt.timedelta(days=20),
                      today=TODAY)
    for check in RemoteCheck.objects.order_by("pk"):
        check.requested_on = TODAY + dt.timedelta(days=rng.randint(-45, 25))
        check.status = rng.choice(RemoteCheck.Status.values)
        check.save(update_fields=["requested_on", "status"])
    assert RemoteCheck.objects.values("agency").distinct().count() == 3


def _opinions(sim, rng, fushan_bureau):
    """Opinions and correction notices of the city's bureau to the city agencies about their plans, and of the
    Fushan bureau to the Fushan agency about complaints, in every state."""
    c = sim.city
    fushan = Agency.objects.get(code="fs-market")
    plans = list(Plan.objects.filter(agency__in=[c.market, c.ecology]).order_by("pk"))
    complaints = list(Complaint.objects.order_by("pk"))
    for n in range(30):
        issued = TODAY + dt.timedelta(days=rng.randint(-40, 20))
        status = rng.choice(Opinion.Status.values)
        flagged = issued + dt.timedelta(days=10) if rng.random() < 0.4 else None
        subject = {"subject": "plan", "plan": rng.choice(plans)} if n % 3 else {
            "subject": "complaint", "complaint": rng.choice(complaints)}
        agency = subject["plan"].agency if n % 3 else fushan
        Opinion.objects.create(
            kind=rng.choice(Opinion.Kind.values), agency=agency, text="请说明",
            justice_bureau=c.justice_bureau if n % 3 else fushan_bureau, issued_by=sim.justice, issued_on=issued,
            due_workdays=5, due_on=issued + dt.timedelta(days=7), status=status,
            answered_on=issued + dt.timedelta(days=3) if status != "issued" else None, overdue_since=flagged,
            **subject,
        )


@pytest.mark.parametrize("seed", [5, 11])
def test_every_figure_equals_a_recount_and_every_drill_down_lists_its_rows(seed):
    sim, readers = build(seed)
    assert Finding.objects.exists() and Complaint.objects.filter(decided_on__isnull=False).exists()
    assert JointTask.objects.filter(n_agencies__gte=2).exists()
    spans = [(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), (TODAY + dt.timedelta(days=9), dt.date(2026, 7, 3))]
    checked = defaultdict(int)
    for user in readers:
        reader = reader_for(user)
        recount = Recount(user)
        for date_from, date_to in spans:
            expected = recount.figures(None, date_from, date_to)
            data = dashboard(reader=reader, by=None, date_from=date_from, date_to=date_to)
            assert_equal(data["overall"], expected[ALL], (user.username, "overall"))
            for by in DIMENSIONS:
                expected = recount.figures(by, date_from, date_to)
                data = dashboard(reader=reader, by=by, date_from=date_from, date_to=date_to)
                assert_equal(data["overall"], expected[ALL], (user.username, by, "overall"))
                shown = {g["key"]: g["values"] for g in data["groups"]}
                for key, values in shown.items():
                    assert_equal(values, expected.get(key, {}), (user.username, by, key))
                # every group with something to show is on the dashboard
                for key, row in expected.items():
                    if key is not ALL and any(row.get(name) for name in (
                            "plans", "complaints", "whitelist", "remote_requested", "opinions")):
                        assert key in shown, (user.username, by, key)
                for key, values in shown.items():
                    checked[by] += 1
                    _assert_drill_downs(reader, by, key, values, date_from, date_to)
    assert all(checked[by] for by in DIMENSIONS), checked


def _assert_drill_downs(reader, by, key, values, date_from, date_to):
    """Each drill-down lists exactly its figure's numerator: the plans served, the joint ones, the ones
    filed ahead, the green-channel ones, the inspected ones and those that found a problem, the complaints."""
    def rows(figure):
        return drill_rows(reader=reader, figure=figure, by=by, key=key, date_from=date_from, date_to=date_to).count()

    plans = values["plans"]
    assert rows("plans") == plans
    if plans:
        assert rows("joint_share") == round(values["joint_share"] * plans)
        assert rows("filed_ahead_rate") == round(values["filed_ahead_rate"] * plans)
        assert rows("green_channel_share") == round(values["green_channel_share"] * plans)
    assert rows("green_channel_justified") == values["green_channel_justified"]
    assert rows("plans_last_year") == values["plans_last_year"]
    assert rows("inspected") == values["inspected"]
    if values["inspected"]:
        assert rows("problem_share") == round(values["problem_share"] * values["inspected"])
    for name in ("remote_requested", "remote_compliant", "remote_problems", "remote_overdue", "opinions",
                 "opinions_opinion", "opinions_correction", "opinions_overdue"):
        if values.get(name) is not None:
            assert rows(name) == values[name], (by, key, name)
    if values.get("opinions_on_time"):
        answered = drill_rows(reader=reader, figure="opinions", by=by, key=key, date_from=date_from,
                              date_to=date_to).filter(status__in=("answered", "accepted")).count()
        assert rows("opinions_on_time") == round(values["opinions_on_time"] * answered)
    if reader.complaints and values.get("complaints") is not None:
        assert rows("complaints") == values["complaints"]
        assert rows("complaints_open_overdue") == values["complaints_open_overdue"]


def test_an_agency_never_sees_the_complaint_figures():
    sim, readers = build(3)
    data = dashboard(reader=reader_for(sim.city.market_officer), by="month", date_from=dt.date(2026, 1, 1),
                     date_to=dt.date(2026, 12, 31))
    assert "complaints" not in data["overall"] and data["complaints_by_kind"] == []
    assert FIGURE_OF["complaints"] not in data["figures"]


def test_an_agency_sees_the_opinions_addressed_to_it_and_a_bureau_those_it_issued():
    sim, readers = build(7)
    c = sim.city
    span = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 12, 31)}
    for user, mine in ((c.market_officer, {"agency": c.market}), (sim.justice, {"justice_bureau": c.justice_bureau}),
                       (readers[2], {"justice_bureau": readers[2].agency})):
        data = dashboard(reader=reader_for(user), by=None, **span)
        assert data["overall"]["opinions"] == Opinion.objects.filter(**mine).count() > 0, user.username
    public = dashboard(reader=PUBLIC, by=None, public=True, **span)
    assert "opinions" not in public["overall"] and public["overall"]["remote_requested"] == RemoteCheck.objects.exclude(
        status="withdrawn").count()
