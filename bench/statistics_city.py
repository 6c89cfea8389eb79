"""Benchmark of the statistics at city scale: the city justice bureau's and one officer's figures.

Runs on a database filled by ``bench/plan_filing.py`` or ``bench/city.py`` (migrated to the current code) and
prints, for each reader, the time of ``plans.statistics.plan_statistics`` overall and by each dimension
(median of ``--repeat`` runs), with and without a one-month date filter; EXPLAIN (ANALYZE, BUFFERS) of the
overall query; then the time, query count and peak Python memory (tracemalloc) of one request to
/justice/, /justice/statistics/?by=agency, /agency/statistics/?by=month and GET /api/v1/statistics/.
``--old REV`` also times the implementation of that git revision (plans/statistics.py) once, for the
"before" figures. It writes one justice user and nothing else; the database name must contain "bench":

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_stats \\
        .venv/bin/python bench/statistics_city.py --old f9eff97
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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency, User
    from plans.models import JointTask, Plan
    from plans.selectors import plans_for_user
    from plans.statistics import DIMENSIONS, plan_statistics

    bureau = Agency.objects.filter(is_justice_bureau=True, division="370600").first()
    justice, _ = User.objects.get_or_create(
        username="bench-justice-reader", defaults={"role": User.Role.JUSTICE, "agency": bureau}
    )
    officer = User.objects.filter(role=User.Role.OFFICER).order_by("pk").first()
    print(f"{Plan.objects.count():,} plans, {JointTask.objects.count():,} visits; load {os.getloadavg()[0]:.2f}")
    first_visit = JointTask.objects.order_by("visit_date").values_list("visit_date", flat=True).first()
    month = (first_visit.replace(day=1), (first_visit.replace(day=1) + dt.timedelta(days=32)).replace(day=1))
    month = (month[0], month[1] - dt.timedelta(days=1))

    for label, user in (("city justice bureau", justice), (f"officer of {officer.agency.name}", officer)):
        print(f"\n== {label}: {plans_for_user(user=user).count():,} plans in scope")
        for by in (None, *DIMENSIONS):
            for date_from, date_to in ((None, None), month):

                def run(user=user, by=by, date_from=date_from, date_to=date_to):
                    scoped = plans_for_user(user=user)
                    return plan_statistics(plans_qs=scoped, by=by, date_from=date_from, date_to=date_to)

                ms, result = timed(run, options.repeat)
                groups = f"{len(result['groups'])} groups" if by else f"{result['plans']:,} plans"
                window = f" {date_from}..{date_to}" if date_from else ""
                print(f"   {by or 'overall':8}{window:24} {ms:8.1f} ms  ({groups})")
        with CaptureQueriesContext(connection) as queries:
            plan_statistics(plans_qs=plans_for_user(user=user))
        sql = queries.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            print("   EXPLAIN ANALYZE (overall):")
            for (line,) in cursor.fetchall():
                print(f"     {line}")

    print("\n== one request each (time, queries, peak Python memory)")
    for user, url in (
        (justice, "/justice/"),
        (justice, "/justice/statistics/?by=agency"),
        (justice, "/api/v1/statistics/?by=district"),
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
        who = "justice" if user == justice else "officer"
        print(f"   {who:8} {url:36} {response.status_code} {ms:8.1f} ms {len(queries):3} queries {peak:6.1f} MB")

    if options.old:
        old = old_implementation(options.old)
        print(f"\n== the implementation of {options.old}, once")
        for label, user in (("city justice bureau", justice), ("officer", officer)):
            tracemalloc.start()
            ms, result = timed(lambda user=user: old(plans_qs=plans_for_user(user=user)), 1)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(f"   {label:20} overall {ms:9.1f} ms, peak {peak:7.1f} MB ({result['plans']:,} plans)")


if __name__ == "__main__":
    main()
