"""Benchmark of the statistics at city scale: the figures of the whole city, the city justice bureau, a district
bureau and one officer.

Runs on a database filled by ``bench/city.py`` (or ``bench/plan_filing.py``), migrated to the current code, and
prints, for each reader, the time of ``plans.statistics.plan_statistics`` overall and by each dimension (median of
``--repeat`` runs), for the whole year and with a one-month date filter, with the peak Python memory; EXPLAIN
(ANALYZE, BUFFERS) of the overall query; then the time, query count and peak Python memory (tracemalloc) of one
request to /justice/, /justice/statistics/?by=agency, /agency/statistics/?by=month and GET /api/v1/statistics/;
then the cost the rollup adds to a filing (the statements and time of ``cells_refresh`` for one division-day).
``--old REV`` also times the implementation of that git revision (plans/statistics.py, which took a plan
queryset) once per reader and dimension, for the "before" figures. It writes two justice users and nothing else
(the filing cost is measured in a transaction rolled back); the database name must contain "bench":

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_stats \\
        .venv/bin/python bench/statistics_city.py --old da45652
"""

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def old_implementation(rev: str):
    source = subprocess.run(
        ["git", "show", f"{rev}:plans/statistics.py"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_statistics.py"
    # The stored JointTask.n_plans / n_agencies now clash with the old code's annotations of the same names.
    source = source.replace("from .models import", "from plans.models import")
    if "joint_task__n_plans" not in source:  # before the stored counts (f9eff97): it annotated its own
        source = source.replace("n_agencies", "old_n_agencies").replace("n_plans", "old_n_plans")
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_statistics", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.plan_statistics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", metavar="REV", help="also time plans/statistics.py of this git revision, once")
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if "bench" not in database_url:
        sys.exit("set DATABASE_URL to a bench database (its name contains 'bench')")
    os.environ.update({"DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "yantai_inspect.settings"
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency, User
    from plans.models import JointTask, Plan
    from plans.selectors import plan_scope_q, plans_for_user
    from plans.statistics import DIMENSIONS, cells_refresh, plan_statistics

    bureau = Agency.objects.filter(is_justice_bureau=True, division="370600").first()
    justice, _ = User.objects.get_or_create(
        username="bench-justice-reader", defaults={"role": User.Role.JUSTICE, "agency": bureau}
    )
    district_bureau = Agency.objects.filter(is_justice_bureau=True).exclude(division="370600").order_by("code").first()
    district, _ = User.objects.get_or_create(
        username="bench-justice-district-reader", defaults={"role": User.Role.JUSTICE, "agency": district_bureau}
    )
    admin = User(username="bench-admin-reader", role=User.Role.ADMIN)  # not saved: the whole city's scope
    officer = User.objects.filter(role=User.Role.OFFICER).order_by("pk").first()
    print(f"{Plan.objects.count():,} plans, {JointTask.objects.count():,} visits; load {os.getloadavg()[0]:.2f}")
    first_visit = JointTask.objects.order_by("visit_date").values_list("visit_date", flat=True).first()
    month = (first_visit.replace(day=1), (first_visit.replace(day=1) + dt.timedelta(days=32)).replace(day=1))
    month = (month[0], month[1] - dt.timedelta(days=1))
    readers = (
        ("whole city (administrator)", admin),
        ("city justice bureau", justice),
        (f"district justice bureau {district_bureau.division}", district),
        (f"officer of {officer.agency.name}", officer),
    )

    for label, user in readers:
        print(f"\n== {label}: {plans_for_user(user=user).count():,} plans in scope")
        for by in (None, *DIMENSIONS):
            for date_from, date_to in ((None, None), month):

                def run(user=user, by=by, date_from=date_from, date_to=date_to):
                    scope = plan_scope_q(user=user)
                    return plan_statistics(scope=scope, by=by, date_from=date_from, date_to=date_to)

                ms, result = timed(run, options.repeat)
                tracemalloc.start()
                run()
                peak = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
                groups = f"{len(result['groups'])} groups" if by else f"{result['plans']:,} plans"
                window = f" {date_from}..{date_to}" if date_from else ""
                print(f"   {by or 'overall':8}{window:24} {ms:8.1f} ms {peak:6.1f} MB  ({groups})")
        with CaptureQueriesContext(connection) as queries:
            plan_statistics(scope=plan_scope_q(user=user))
        for query in queries.captured_queries[-2:]:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print("   EXPLAIN ANALYZE (overall):")
                for (line,) in cursor.fetchall():
                    print(f"     {line}")

    print("\n== the rollup's cost to a writer: cells_refresh of one division-day (rolled back)")
    from django.db.models import Count

    busiest = (
        JointTask.objects.values("enterprise__division", "visit_date")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("enterprise__division", "visit_date", "n")[:1]
    )
    for division, day, n in busiest:
        for pairs in ([(division, day)], [(division, day), (division, day + dt.timedelta(days=1))]):
            times = []
            for _ in range(options.repeat + 2):
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        cells_refresh(pairs)
                        times.append((time.perf_counter() - started) * 1000)
                    transaction.set_rollback(True)
            print(
                f"   {len(pairs)} pair(s), the busiest division-day ({division} {day}, {n} visits): "
                f"{statistics.median(times):.1f} ms median, {len(queries)} statements"
            )

    print("\n== one request each (time, queries, peak Python memory)")
    for user, url in (
        (justice, "/justice/"),
        (justice, "/justice/statistics/?by=agency"),
        (justice, "/api/v1/statistics/?by=district"),
        (district, "/justice/"),
        (district, "/justice/statistics/?by=month"),
        (officer, "/agency/"),
        (officer, "/agency/statistics/?by=month"),
        (officer, "/api/v1/statistics/"),
    ):
        client = Client()
        client.force_login(user)
        client.get(url)  # warm
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - started) * 1000
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        who = {justice: "justice", district: "district"}.get(user, "officer")
        print(f"   {who:8} {url:36} {response.status_code} {ms:8.1f} ms {len(queries):3} queries {peak:6.1f} MB")

    if options.old:
        old = old_implementation(options.old)
        print(f"\n== the implementation of {options.old}, once")
        for label, user in readers:
            for by in (None, *DIMENSIONS):
                tracemalloc.start()
                ms, result = timed(lambda user=user, by=by: old(plans_qs=plans_for_user(user=user), by=by), 1)
                peak = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
                print(f"   {label:40} {by or 'overall':8} {ms:9.1f} ms, peak {peak:7.1f} MB")

if __name__ == "__main__":
    main()
