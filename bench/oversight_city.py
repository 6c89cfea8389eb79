"""Benchmark of the oversight dashboard at city scale: every figure of the registry for the city's justice
bureau, a district bureau and the busiest agency's officer, over the whole year of the data set.

Runs on a copy of the city data set (``bench/city.py``), migrated to the current code:

    psql -h 127.0.0.1 -U postgres -c \
        "CREATE DATABASE yantai_oversight_city TEMPLATE yantai_bench_city STRATEGY FILE_COPY"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_oversight_city DJANGO_ENV=local \
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_oversight_city .venv/bin/python bench/oversight_city.py

It prints, for each reader, the time of ``oversight.selectors.dashboard`` per source (median of ``--repeat``
runs) overall and by each dimension, then the time, query count and peak Python memory of whole requests
(the dashboard page by month, by agency and by district, the API, the CSV and Excel exports, a drill-down, the
public open data) through Django's test client, and EXPLAIN (ANALYZE, BUFFERS) of the slowest source's
query. It writes two justice users and nothing else; the database name must contain "bench" or "city".
"""

import argparse
import datetime as dt
import os
import statistics
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) each source's queries")
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if "bench" not in database_url and "city" not in database_url:
        sys.exit("set DATABASE_URL to a copy of the city data set (its name contains 'bench' or 'city')")
    os.environ.update({"DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "yantai_inspect.settings"
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency, User
    from oversight.access import reader_for
    from oversight.figures import DIMENSIONS, SOURCES
    from oversight.selectors import dashboard
    from plans.models import JointTask, Plan

    bureau = Agency.objects.filter(is_justice_bureau=True, division="370600").first()
    justice, _ = User.objects.get_or_create(
        username="bench-justice-reader", defaults={"role": User.Role.JUSTICE, "agency": bureau}
    )
    district_bureau = Agency.objects.filter(is_justice_bureau=True).exclude(division="370600").order_by("code").first()
    district, _ = User.objects.get_or_create(
        username="bench-justice-district-reader", defaults={"role": User.Role.JUSTICE, "agency": district_bureau}
    )
    busiest = Plan.objects.values("agency_id").annotate(n=Count("pk")).order_by("-n").values_list("agency_id", "n")[0]
    officer = User.objects.filter(role=User.Role.OFFICER, agency_id=busiest[0]).order_by("pk").first()
    span = JointTask.objects.order_by("visit_date").values_list("visit_date", flat=True)
    first, last = span.first(), span.reverse().first()
    year = (dt.date(first.year, 1, 1), dt.date(first.year, 12, 31))
    print(f"{Plan.objects.count():,} plans, {JointTask.objects.count():,} visits ({first}..{last}); "
          f"load {os.getloadavg()[0]:.2f}; period {year[0]}..{year[1]}")
    readers = (
        ("city justice bureau", justice),
        (f"district justice bureau {district_bureau.division}", district),
        (f"officer of {officer.agency.name} ({busiest[1]:,} plans)", officer),
    )
    for label, user in readers:
        reader = reader_for(user)
        print(f"\n== {label}")
        for by in (None, *DIMENSIONS):
            parts = []
            for name, source in SOURCES.items():
                if not source.readers(reader):
                    continue
                ms, _result = timed(lambda s=source, r=reader, by=by: s.compute(r, by, *year), options.repeat)
                parts.append(f"{name} {ms:.1f}")
            ms, data = timed(lambda r=reader, by=by: dashboard(reader=r, by=by, date_from=year[0], date_to=year[1]),
                             options.repeat)
            print(f"   {by or 'overall':8} dashboard {ms:7.1f} ms  ({', '.join(parts)} ms; "
                  f"{len(data['groups'])} groups, {data['overall']['plans']:,} plans)")
        if options.explain:
            for name, source in SOURCES.items():
                if not source.readers(reader):
                    continue
                with CaptureQueriesContext(connection) as queries:
                    source.compute(reader, None, *year)
                for query in queries.captured_queries:
                    with connection.cursor() as cursor:
                        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                        rows = cursor.fetchall()
                    print(f"   EXPLAIN {name}: " + " | ".join(line for (line,) in rows[:3]))
                    print(f"      {rows[-1][0]}")

    print("\n== one request each (median time of --repeat, queries, peak Python memory)")
    y = f"from={year[0]}&to={year[1]}"
    requests = (
        (justice, f"/justice/oversight/?{y}"),
        (justice, f"/justice/oversight/?by=agency&{y}"),
        (justice, f"/justice/oversight/?by=district&{y}"),
        (justice, f"/justice/oversight/?by=theme&{y}"),
        (justice, f"/api/v1/oversight/?{y}"),
        (justice, f"/api/v1/oversight/?by=month&{y}"),
        (justice, f"/justice/oversight/export.csv?by=agency&{y}"),
        (justice, f"/justice/oversight/export.xlsx?by=agency&{y}"),
        (justice, f"/justice/oversight/drill/?figure=joint_share&{y}"),
        (justice, f"/justice/oversight/drill/?figure=problem_share&by=district&key=370602&{y}"),
        (justice, "/justice/"),
        (justice, "/justice/statistics/?by=agency"),
        (district, f"/justice/oversight/?{y}"),
        (officer, f"/agency/oversight/?{y}"),
        (officer, f"/api/v1/oversight/?by=theme&{y}"),
        (None, f"/public/open-data/?{y}"),
        (None, f"/public/open-data.json?{y}"),
    )
    for user, url in requests:
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(url)  # warm

        def get(client=client, url=url):
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            return response

        ms, response = timed(get, options.repeat)
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            get()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        who = {justice: "justice", district: "district", None: "public"}.get(user, "officer")
        print(f"   {who:8} {url[:70]:70} {response.status_code} {ms:8.1f} ms {len(queries):3} queries {peak:6.1f} MB")


if __name__ == "__main__":
    main()
