"""Benchmark of plan filing and re-matching at city scale (930,000 enterprises, 1,000,000 plans).

Filing (``plans.services.plan_file``) re-matches one enterprise under its row lock, so its latency must
not grow with the tables. This script builds a city of the given size, then prints, step by step:

1. reference data: departments, ~15 city-level agencies with 2 certified officers each, a justice
   bureau, 7 themes, a few matters per department (ORM, small);
2. N enterprises with valid credit codes, loaded with COPY;
3. M filed plans over them (most enterprises 0-2, ~5 % of the plans on "busy" enterprises with 5-20),
   each with one matter and one officer, loaded with COPY;
4. ``plans.rematch.rematch_all`` from scratch, then once more on the matched database;
5. ``--samples`` filings timed one by one (median, p95, p99, max), then the queries of one filing with
   EXPLAIN ANALYZE, flagging any sequential scan over the big tables;
6. a summary block.

Steps 2 and 3 are skipped when the tables already hold enough rows: the first run is slow, later runs
reuse the data (``--skip-rematch`` then measures filing alone). A database filled with smaller numbers
is topped up, not rebuilt, so give each size its own database. Every run files ``--samples`` more plans.
The generated plans fix "today" (their filing day), so a rerun on a later day sees the same windows.
The database is CREATED if missing, never dropped; its name must contain "bench":

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_plans \\
        .venv/bin/python bench/plan_filing.py --enterprises 930000 --plans 1000000 --samples 500

SQLite is refused unless ``--allow-sqlite`` (a smoke run with small numbers; its figures mean nothing).
"""

import argparse
import datetime as dt
import io
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

CHUNK_ROWS = 100_000
BUSY_SHARE = 0.05  # of the plans, on the few "busy" enterprises
BUSY_PLANS = (5, 20)
# Plans per ordinary enterprise: most have 0-2 (weights tuned so the mean is ~1).
ORDINARY_PLANS = (0, 1, 2, 3, 4)
ORDINARY_WEIGHTS = (36, 37, 19, 6, 2)
THEMED_SHARE = 0.2
# Big tables: a sequential scan over one of them during a filing is a bug.
BIG_TABLES = {"enterprises_enterprise", "plans_plan", "plans_jointtask", "plans_plan_matters",
              "plans_plan_officers", "audit_auditentry"}

DEPARTMENTS = [("market", "市场监督管理局"), ("ecology", "生态环境局"), ("emergency", "应急管理局"),
               ("housing", "住房和城乡建设局"), ("health", "卫生健康委员会")]
AGENCY_SUFFIXES = ["", "执法一支队", "执法二支队"]  # 5 departments x 3 = 15 city-level agencies
THEMES = [("catering", "餐饮"), ("education", "教育"), ("industry", "工业"), ("construction", "建筑"),
          ("medical", "医疗"), ("transport", "交通"), ("culture-tourism", "文旅")]
MATTERS_PER_DEPARTMENT = 4
WORDS = ["海洋", "金港", "鲁东", "蓬莱", "芝罘", "福山", "龙口", "莱州", "招远", "栖霞", "海阳", "黄渤海", "仙境"]
TRADES = ["食品", "机械", "贸易", "建筑", "医药", "物流", "文化旅游", "电子", "化工", "餐饮管理"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"

RESULTS: dict[str, str] = {}


def load() -> str:
    """The load average: this machine is shared, and a busy neighbour shows in the latencies."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def step(label: str, key: str | None = None):
    print(f"\n== {label} ({load()})", flush=True)
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    print(f"   {label}: {seconds:.1f} s", flush=True)
    if key:
        RESULTS[key] = f"{seconds:.1f} s"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


# -- database -------------------------------------------------------------------------------------------


def ensure_database(database_url: str, *, allow_sqlite: bool) -> dict:
    import dj_database_url

    db = dj_database_url.parse(database_url)
    if "bench" not in str(db["NAME"]):
        sys.exit(f"refusing to load a million rows into {db['NAME']!r}: a bench database name must contain 'bench'")
    if db["ENGINE"].endswith("sqlite3"):
        if not allow_sqlite:
            sys.exit("this benchmark is for PostgreSQL; pass --allow-sqlite for a smoke run with small numbers")
    elif db["ENGINE"].endswith("postgresql"):
        where = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
        done = subprocess.run(["createdb", *where, db["NAME"]], capture_output=True, text=True)
        if done.returncode and "already exists" not in done.stderr:
            sys.exit(f"createdb failed: {done.stderr.strip()}")
        print(f"database {db['NAME']}: {'created' if done.returncode == 0 else 'exists'}")
    else:
        sys.exit(f"unsupported database {db['ENGINE']}")
    return db


def load_rows(table: str, columns: list[str], rows) -> None:
    """Insert ``rows`` (tuples) in one statement per call: COPY on PostgreSQL, executemany on SQLite.
    The caller chunks; a chunk is a few MB of text at most."""
    from django.db import connection

    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_text(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    else:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               [tuple(_sqlite_value(v) for v in row) for row in rows])


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)  # generated text holds no tab, newline or backslash


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def run_sql(sql: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else None


# -- 1. reference data ----------------------------------------------------------------------------------


def reference_data():
    from accounts.models import Agency, Department, User
    from catalogue.models import Matter, Theme

    departments = []
    for code, name in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(code=f"bench-{code}", defaults={"name": name})
        departments.append(department)
    officers = []
    for d, department in enumerate(departments):
        for s, suffix in enumerate(AGENCY_SUFFIXES):
            agency, _ = Agency.objects.get_or_create(
                code=f"bench-{DEPARTMENTS[d][0]}-{s}",
                defaults={"name": f"烟台市{department.name}{suffix}", "department": department,
                          "level": Agency.Level.CITY, "division": "370600"},
            )
            for k in range(2):
                officer, created = User.objects.get_or_create(
                    username=f"bench-{agency.code}-{k}",
                    defaults={"role": User.Role.OFFICER, "agency": agency, "full_name": f"执法员{d}{s}{k}",
                              "certificate_number": f"BENCH{d:02d}{s:02d}{k}"},
                )
                if created:
                    officer.set_unusable_password()
                    officer.save(update_fields=["password"])
                officers.append(officer)
    justice, _ = Department.objects.get_or_create(code="bench-justice", defaults={"name": "司法局"})
    if not Agency.objects.filter(is_justice_bureau=True, division="370600").exists():
        Agency.objects.create(code="bench-justice", name="烟台市司法局", department=justice,
                              level=Agency.Level.CITY, division="370600", is_justice_bureau=True)
    themes = []
    for order, (code, name) in enumerate(THEMES):
        lead = departments[order % len(departments)]
        theme, created = Theme.objects.get_or_create(
            code=f"bench-{code}", defaults={"name": name, "lead_department": lead, "order": order}
        )
        if created:
            theme.participating_departments.set(
                [departments[(order + 1) % len(departments)], departments[(order + 2) % len(departments)]]
            )
        themes.append(theme)
    matters = {}
    for department in departments:
        matters[department.pk] = [
            Matter.objects.get_or_create(
                code=f"{department.code}-{i:02d}",
                defaults={"name": f"{department.name}检查事项{i}", "department": department,
                          "standard": "按照公布的检查标准逐项核查。", "legal_basis": "《优化营商环境条例》"},
            )[0]
            for i in range(1, MATTERS_PER_DEPARTMENT + 1)
        ]
    # The themes an agency's plan may carry: led or joined by its department.
    themes_of = {
        department.pk: [t for t in themes if t.lead_department_id == department.pk
                        or t.participating_departments.filter(pk=department.pk).exists()]
        for department in departments
    }
    print(f"   {len(departments)} departments, {len(officers) // 2} agencies, {len(officers)} officers, "
          f"{len(themes)} themes, {sum(len(m) for m in matters.values())} matters, 1 justice bureau")
    return officers, matters, themes_of


# -- 2. enterprises -------------------------------------------------------------------------------------


def load_enterprises(target: int) -> None:
    from django.utils import timezone

    from accounts.divisions import DIVISIONS
    from enterprises.industries import INDUSTRIES
    from enterprises.models import Enterprise
    from enterprises.uscc import make_uscc

    have = Enterprise.objects.count()
    if have >= target:
        print(f"   {have:,} enterprises already there: generation skipped")
        return
    rng = random.Random(930 + have)
    divisions = [code for code, _label in DIVISIONS]
    industries = [code for code, _label in INDUSTRIES] + [""]
    now = timezone.now()
    columns = ["uscc", "name", "legal_representative", "address", "division", "industry", "created_at",
               "updated_at"]
    for first in range(have, target, CHUNK_ROWS):
        rows = []
        for n in range(first, min(first + CHUNK_ROWS, target)):
            division = divisions[n % len(divisions)]
            rows.append((
                make_uscc(f"91{division}{n:09d}"),
                f"烟台{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司第{n}号",
                rng.choice(SURNAMES) + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰"),
                f"山东省烟台市测试路{n % 500 + 1}号",
                division,
                rng.choice(industries),
                now,
                now,
            ))
        load_rows("enterprises_enterprise", columns, rows)
        print(f"   {first + len(rows):,} / {target:,}", flush=True)


# -- 3. plans -------------------------------------------------------------------------------------------


def plans_per_enterprise(ids: list[int], total: int, rng: random.Random) -> list[int]:
    """Exactly ``total`` enterprise ids, one per plan, shuffled (plans are filed in no enterprise order)."""
    busy_target = round(total * BUSY_SHARE)
    order = ids[:]
    rng.shuffle(order)
    counts: dict[int, int] = {}
    placed = 0
    while placed < busy_target:
        n = min(rng.randint(*BUSY_PLANS), busy_target - placed)
        counts[order[len(counts)]] = n
        placed += n
    ordinary = order[len(counts):]
    rest = total - placed
    drawn = rng.choices(ORDINARY_PLANS, weights=ORDINARY_WEIGHTS, k=len(ordinary))
    cap = max(ORDINARY_PLANS[-1], -(-rest // max(1, len(ordinary))) + 2)
    surplus = sum(drawn) - rest
    while surplus:  # nudge random ordinary enterprises until the total is exact
        i = rng.randrange(len(ordinary))
        if surplus > 0 and drawn[i] > 0:
            drawn[i] -= 1
            surplus -= 1
        elif surplus < 0 and drawn[i] < cap:
            drawn[i] += 1
            surplus += 1
    counts.update(zip(ordinary, drawn, strict=True))
    per_plan = [eid for eid, n in counts.items() for _ in range(n)]
    rng.shuffle(per_plan)
    return per_plan


def window_ends(today: dt.date) -> dict[tuple[int, int], int]:
    """(start offset, length) -> length, widened until the window holds a working day: plan_file refuses
    windows with no allowed day, so the generated plans keep that invariant too."""
    from plans.workdays import default_calendar

    calendar = default_calendar()
    table = {}
    for offset in range(8, 61):
        for length in range(1, 16):
            days = length
            start = today + dt.timedelta(days=offset)
            while not any(calendar.is_workday(start + dt.timedelta(days=k)) for k in range(days)):
                days += 1
            table[offset, length] = days
    return table


def load_plans(target: int, *, today: dt.date, officers, matters, themes_of) -> None:
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from enterprises.models import Enterprise
    from plans.models import Plan

    have = Plan.objects.count()
    if have >= target:
        print(f"   {have:,} plans already there: generation skipped")
        return
    rng = random.Random(2025 + have)
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    per_plan = plans_per_enterprise(ids, target - have, rng)
    del ids
    lengths = window_ends(today)
    by_agency: dict[int, list] = {}
    for officer in officers:
        by_agency.setdefault(officer.agency_id, []).append(officer)
    agencies = [(agency_id, staff, staff[0].agency.department_id) for agency_id, staff in by_agency.items()]
    next_id = (Plan.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    now = timezone.now()
    ahead_from = Plan.ahead_from_for(filed_on=today, urgent=False)
    plan_columns = ["id", "window_start", "window_end", "filed_at", "filed_on", "campaign", "urgent",
                    "urgent_category", "urgent_reason", "status", "review_note", "post_review", "post_review_note",
                    "ahead_from", "agency_id", "enterprise_id", "filed_by_id", "theme_id"]
    for first in range(0, len(per_plan), CHUNK_ROWS):
        plan_rows, matter_rows, officer_rows = [], [], []
        for enterprise_id in per_plan[first:first + CHUNK_ROWS]:
            agency_id, staff, department_id = rng.choice(agencies)
            officer = rng.choice(staff)
            offset, length = rng.randint(8, 60), rng.randint(1, 15)
            start = today + dt.timedelta(days=offset)
            end = start + dt.timedelta(days=lengths[offset, length] - 1)
            theme = rng.choice(themes_of[department_id]) if rng.random() < THEMED_SHARE else None
            plan_rows.append((next_id, start, end, now, today, "", False, "", "", Plan.Status.FILED.value, "", "",
                              "", ahead_from, agency_id, enterprise_id, officer.pk, theme.pk if theme else None))
            matter_rows.append((next_id, rng.choice(matters[department_id]).pk))
            officer_rows.append((next_id, officer.pk))
            next_id += 1
        # One transaction per chunk: a plan never lands without its matter and officer.
        with transaction.atomic():
            load_rows("plans_plan", plan_columns, plan_rows)
            load_rows("plans_plan_matters", ["plan_id", "matter_id"], matter_rows)
            load_rows("plans_plan_officers", ["plan_id", "user_id"], officer_rows)
        print(f"   {have + first + len(plan_rows):,} / {target:,}", flush=True)
    if connection.vendor == "postgresql":
        run_sql("SELECT setval(pg_get_serial_sequence('plans_plan', 'id'), (SELECT MAX(id) FROM plans_plan))")


def analyze(label: str) -> None:
    with step(label):
        run_sql("ANALYZE")


# -- 4. re-matching -------------------------------------------------------------------------------------


def rematch(label: str, key: str, *, today: dt.date, batch_size: int, enterprises_total: int) -> None:
    from plans.rematch import rematch_all

    started = time.perf_counter()
    done = [0, 0]

    def progress(n: int) -> None:
        done[0] += n
        done[1] += 1
        if done[1] % 50 == 0:
            seconds = time.perf_counter() - started
            print(f"   ... {done[0]:,} / {enterprises_total:,} enterprises in {seconds:.0f} s "
                  f"({done[0] / seconds:,.0f} enterprises/s)", flush=True)

    with step(label):
        totals = rematch_all(batch_size=batch_size, today=today, progress=progress)
    seconds = time.perf_counter() - started
    print(f"   enterprises {totals['enterprises']:,}, plans {totals['plans']:,}, visits {totals['visits']:,}, "
          f"unschedulable {totals['unschedulable']:,}; {seconds:.1f} s, {totals['plans'] / seconds:,.0f} plans/s")
    RESULTS[key] = (f"{seconds:.1f} s ({totals['plans'] / seconds:,.0f} plans/s; {totals['enterprises']:,} "
                    f"enterprises, {totals['plans']:,} plans -> {totals['visits']:,} visits, "
                    f"{totals['unschedulable']:,} unschedulable)")


# -- 5. filing ------------------------------------------------------------------------------------------


class QueryTimer:
    """An execute wrapper: the wall time of each statement, finer than the debug log's milliseconds."""

    def __init__(self):
        self.times: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append(time.perf_counter() - started)


class Filing:
    """Random filings like the portal's: a fresh user and enterprise per call, as a request would load them."""

    def __init__(self, *, today, officers, matters, seed):
        from django.db.models import Count

        from enterprises.models import Enterprise
        from plans.models import Plan

        self.today, self.matters, self.rng = today, matters, random.Random(seed)
        # Known up front so that the actor's agency is first loaded inside the service, as in a request.
        self.department_of = {o.pk: o.agency.department_id for o in officers}
        self.lengths = window_ends(today)
        ids = Enterprise.objects.order_by("pk").values_list("pk", flat=True)
        self.first_id, self.last_id = ids.first(), ids.last()
        self.busy = list(
            Plan.objects.filter(status__in=Plan.LIVE).values("enterprise_id").annotate(n=Count("id"))
            .filter(n__gte=BUSY_PLANS[0]).values_list("enterprise_id", flat=True)
        )
        print(f"   {len(self.busy):,} busy enterprises (>= {BUSY_PLANS[0]} live plans); half the samples go there")

    def arguments(self, *, busy: bool) -> dict:
        from accounts.models import User
        from enterprises.models import Enterprise

        rng = self.rng
        enterprise_id = rng.choice(self.busy) if busy and self.busy else rng.randint(self.first_id, self.last_id)
        actor = User.objects.get(pk=rng.choice(list(self.department_of)))
        offset, length = rng.randint(8, 40), rng.randint(1, 15)
        start = self.today + dt.timedelta(days=offset)
        return {
            "actor": actor,
            "enterprise": Enterprise.objects.get(pk=enterprise_id),
            "matters": [rng.choice(self.matters[self.department_of[actor.pk]])],
            "window_start": start,
            "window_end": start + dt.timedelta(days=self.lengths[offset, length] - 1),
            "today": self.today,
        }


def filing_latency(filing: Filing, *, samples: int, warmup: int) -> None:
    """Each call is the service alone (its own transaction, commit included); loading the user and the
    enterprise, as a request would, happens before the clock starts."""
    from django.db import connection

    from plans.services import plan_file
    from yantai_inspect.errors import DomainError

    timer = QueryTimer()
    times, busy_times, db_times, query_counts, refused = [], [], [], [], []
    for i in range(warmup + samples):
        busy = i % 2 == 0
        kwargs = filing.arguments(busy=busy)
        timer.times.clear()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            try:
                plan_file(**kwargs)
            except DomainError as exc:
                refused.append(str(exc))
                continue
            ms = (time.perf_counter() - started) * 1000
        if i < warmup:
            continue
        times.append(ms)
        db_times.append(sum(timer.times) * 1000)
        query_counts.append(len(timer.times))
        if busy:
            busy_times.append(ms)
    if refused:
        print(f"   {len(refused)} filings refused (not timed), e.g. {refused[0]}")
    if not times:
        sys.exit("every filing was refused")
    figures = (f"median {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
               f"p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms over {len(times)} filings")
    busy_figures = (f"median {statistics.median(busy_times):.1f} ms, p95 {percentile(busy_times, 95):.1f} ms "
                    f"over {len(busy_times)}")
    inside = (f"median {statistics.median(db_times):.1f} ms waiting on {statistics.median(query_counts):.0f} "
              f"statements (range {min(query_counts)}-{max(query_counts)}); the rest is Python and the commit")
    print(f"   all:        {figures} ({load()} after)")
    print(f"   busy only:  {busy_figures}")
    print(f"   inside:     {inside}")
    RESULTS["filing"], RESULTS["filing_busy"], RESULTS["filing_db"] = figures, busy_figures, inside


TRANSACTION_LOG = ("BEGIN", "COMMIT", "ROLLBACK")


def explain_one_filing(filing: Filing) -> None:
    from django.db import DatabaseError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    from plans.services import plan_file

    kwargs = filing.arguments(busy=True)
    print(f"   filing on enterprise {kwargs['enterprise'].pk} "
          f"({kwargs['enterprise'].plans.count()} plans before), actor {kwargs['actor'].username}")
    timer = QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        started = time.perf_counter()
        plan_file(**kwargs)
        total = time.perf_counter() - started
    # The debug log also holds BEGIN and COMMIT (not cursor statements, so not seen by the wrapper).
    statements = [dict(q) for q in captured.captured_queries if q["sql"] not in TRANSACTION_LOG]
    if len(statements) == len(timer.times):
        for q, seconds in zip(statements, timer.times, strict=True):
            q["time"] = seconds
    commit = sum(float(q["time"]) for q in captured.captured_queries if q["sql"] == "COMMIT")  # 1 ms resolution
    queries = [q for q in statements if not re.match(r"\s*(SAVEPOINT|RELEASE)", q["sql"], re.I)]
    in_db = sum(float(q["time"]) for q in statements)
    print(f"   {total * 1000:.1f} ms: {len(statements)} statements ({len(queries)} queries, "
          f"{len(statements) - len(queries)} savepoints) {in_db * 1000:.1f} ms, commit {commit * 1000:.0f} ms "
          "(debug log, 1 ms resolution); the rest is Python")
    RESULTS["queries"] = (f"{len(queries)} queries + {len(statements) - len(queries)} savepoint statements "
                          f"(one filing on an enterprise with {kwargs['enterprise'].plans.count() - 1} plans)")
    print("   every statement, in order (ms):")
    for q in statements:
        print(f"   {float(q['time']) * 1000:6.2f}  {_short(q['sql'], 130)}")
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:5]
    print("   the slowest 5:")
    for q in slowest:
        print(f"   {float(q['time']) * 1000:6.2f}  {_short(q['sql'])}")

    postgres = connection.vendor == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    scans, plans = [], {}
    for q in queries:
        try:
            with transaction.atomic():  # EXPLAIN ANALYZE runs the statement: always rolled back
                rows = run_sql(prefix + q["sql"])
                transaction.set_rollback(True)
        except DatabaseError as exc:
            print(f"   (could not explain {_short(q['sql'])}: {exc})")
            continue
        text = "\n".join(str(r[0] if postgres else r[-1]) for r in rows)
        plans[q["sql"]] = text
        pattern = r"Seq Scan on (\w+)" if postgres else r"SCAN (\w+)(?! USING)"
        for table in re.findall(pattern, text):
            if table in BIG_TABLES:
                scans.append((table, q["sql"], text))
    if postgres:
        print("\n   how each query reaches the big tables (scan nodes of its plan):")
        node = re.compile(r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?"
                          r"(?: using (\w+))? on (\w+)")
        for q in queries:
            nodes = [" ".join(filter(None, (kind, index, "on", table)))
                     for kind, index, table in node.findall(plans.get(q["sql"], ""))
                     if (index or table).startswith(tuple(BIG_TABLES))]  # a bitmap index scan names the index
            if nodes:
                print(f"   {_short(q['sql'], 70):70}  {'; '.join(dict.fromkeys(nodes))}")
    selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    print(f"\n   {'EXPLAIN ANALYZE' if postgres else 'EXPLAIN QUERY PLAN'} of the slowest 5 SELECTs:")
    for q in sorted(selects, key=lambda q: float(q["time"]), reverse=True)[:5]:
        print(f"\n   -- {float(q['time']) * 1000:.2f} ms: {_short(q['sql'], 400)}")
        for line in plans.get(q["sql"], "(not explained)").splitlines():
            print(f"      {line}")
    if scans:
        print("\n   SEQUENTIAL SCANS over big tables:")
        for table, sql, text in scans:
            print(f"\n   !! {table}: {sql}\n{text}")
        RESULTS["scans"] = "; ".join(sorted({f"{t} in {_short(s, 120)}" for t, s, _ in scans}))
    else:
        print(f"\n   no sequential scan over {', '.join(sorted(BIG_TABLES))} in any of the {len(queries)} queries")
        RESULTS["scans"] = "none"


def _short(sql: str, width: int = 160) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


# -- main -----------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=930_000)
    parser.add_argument("--plans", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=500, help="timed filings")
    parser.add_argument("--warmup", type=int, default=5, help="filings before timing starts (not counted)")
    parser.add_argument("--batch-size", type=int, default=2000, help="enterprises per re-matching transaction")
    parser.add_argument("--skip-rematch", action="store_true", help="only the filing latency (data matched)")
    parser.add_argument("--allow-sqlite", action="store_true", help="a smoke run on SQLite, small numbers only")
    options = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/yantai_bench_plans")
    os.environ.update({"DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "yantai_inspect.settings"
    db = ensure_database(database_url, allow_sqlite=options.allow_sqlite)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from plans.models import Plan

    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}")
    if connection.vendor == "postgresql":
        version = run_sql("SHOW server_version")[0][0]
        settings = {name: run_sql(f"SHOW {name}")[0][0] for name in
                    ("shared_buffers", "work_mem", "synchronous_commit", "autovacuum")}
        print(f"PostgreSQL {version}: " + ", ".join(f"{k} {v}" for k, v in settings.items()))
        RESULTS["database"] = f"PostgreSQL {version} ({db['NAME']})"
    else:
        RESULTS["database"] = f"SQLite {db['NAME']} (smoke run)"
    total_started = time.perf_counter()

    with step("migrate", "migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    with step("1. reference data", "reference"):
        officers, matters, themes_of = reference_data()
    # Plans already there fix "today": a rerun on a later day sees the same windows, none passed.
    first = Plan.objects.order_by("pk").values_list("filed_on", flat=True).first()
    today = first or timezone.localdate()
    print(f"\ntoday (the filing day of the generated plans): {today}")
    with step(f"2. enterprises ({options.enterprises:,})", "enterprises"):
        load_enterprises(options.enterprises)
    with step(f"3. plans ({options.plans:,})", "plans"):
        load_plans(options.plans, today=today, officers=officers, matters=matters, themes_of=themes_of)
    analyze("ANALYZE (autovacuum is off on this server)")

    if not options.skip_rematch:
        enterprises_total = (Plan.objects.filter(status__in=Plan.LIVE, urgent=False)
                             .values("enterprise_id").distinct().count())
        rematch("4a. re-match from scratch", "rematch_first", today=today, batch_size=options.batch_size,
                enterprises_total=enterprises_total)
        analyze("ANALYZE")
        rematch("4b. re-match again (already matched)", "rematch_second", today=today,
                batch_size=options.batch_size, enterprises_total=enterprises_total)
        if connection.vendor == "postgresql":
            # Two full re-matches leave two dead versions of every plan; autovacuum would clear them.
            with step("VACUUM ANALYZE (what autovacuum would do)", "vacuum"):
                run_sql("VACUUM ANALYZE")

    with step(f"5. filing latency ({options.samples} samples, {options.warmup} warm-up)"):
        filing = Filing(today=today, officers=officers, matters=matters, seed=options.samples)
        filing_latency(filing, samples=options.samples, warmup=options.warmup)
    with step("5b. the queries of one filing"):
        explain_one_filing(filing)

    from enterprises.models import Enterprise
    from plans.models import JointTask

    counts = (f"{Enterprise.objects.count():,} enterprises, {Plan.objects.count():,} plans, "
              f"{JointTask.objects.count():,} joint tasks")
    print("\n== 6. summary")
    print(f"   database:            {RESULTS['database']}")
    print(f"   machine:             {os.cpu_count()} CPUs, Python {platform.python_version()}, now {load()}")
    print(f"   rows now:            {counts}")
    print(f"   reference data:      {RESULTS['reference']}")
    print(f"   enterprises (load):  {RESULTS['enterprises']}")
    print(f"   plans (load):        {RESULTS['plans']}")
    if not options.skip_rematch:
        print(f"   re-match, first:     {RESULTS['rematch_first']}")
        print(f"   re-match, second:    {RESULTS['rematch_second']}")
    print(f"   filing:              {RESULTS['filing']}")
    print(f"   filing, busy only:   {RESULTS['filing_busy']}")
    print(f"   filing, inside:      {RESULTS['filing_db']}")
    print(f"   queries per filing:  {RESULTS['queries']}")
    print(f"   seq scans (big):     {RESULTS['scans']}")
    print(f"   total:               {time.perf_counter() - total_started:.0f} s")


if __name__ == "__main__":
    main()
