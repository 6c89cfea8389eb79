"""Profile filing (``POST /api/v1/plans/``, with matching) and the filing form's typeahead one request at a
time on the city data set (bench/city.py), in this process (Django's test client, no gunicorn).

For each action: the median wall time and Python CPU time of ``--repeat`` requests, the number of SQL
statements and the time spent in them; ``--profile`` prints the top of a cProfile of the requests (by
cumulative time). Filing writes plans: run it on a copy of the city data set (``CREATE DATABASE … TEMPLATE``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filing_city .venv/bin/python bench/filing_profile.py
    ... --only filing --repeat 50 --profile

The filings are as in bench/loadtest.py: officers' fresh enterprises (no plan, no busy period) of their area,
a matter of their department, a 10-day window 8-40 days ahead; the typeahead's fragments a rare brand pair
and the commonest bigrams.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")
os.environ.setdefault("DJANGO_ENV", "local")  # settings refuse production without a SECRET_KEY
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def prepared(rng, n):
    from loadtest import Day  # noqa: PLC0415  (bench/ is on the path when run as a script)

    return Day(rng=rng, today=timezone.localdate(), sample=40, sign_pool=0, filings=n)


def measure(name, requests, *, profile: bool, explain: bool = False):
    client = Client(raise_request_exception=True)
    walls, cpus, counts, sql_ms = [], [], [], []
    profiler = cProfile.Profile() if profile else None
    for method, path, headers, body in requests:
        extra = {}
        if "Authorization" in headers:
            extra["HTTP_AUTHORIZATION"] = headers["Authorization"]
        if "Cookie" in headers:
            for part in headers["Cookie"].split(";"):
                key, _, value = part.strip().partition("=")
                client.cookies[key] = value
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            if method == "POST":
                response = client.post(path, body, content_type="application/json", **extra)
            else:
                response = client.get(path, **extra)
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert response.status_code < 300, (response.status_code, response.content[:500])
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        counts.append(len(queries))
        sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    print(
        f"{name:14} n={len(walls):4}  wall p50 {statistics.median(walls):6.1f} ms  p90 "
        f"{sorted(walls)[int(0.9 * len(walls))]:6.1f}  CPU p50 {statistics.median(cpus):6.1f} ms  "
        f"p10 {sorted(cpus)[len(cpus) // 10]:5.1f}  "
        f"SQL {statistics.median(counts):.0f} statements, {statistics.median(sql_ms):5.1f} ms"
    )
    if explain:
        for q in queries.captured_queries:
            print(f"   {float(q['time']) * 1000:6.2f} ms  {q['sql'][:160]}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        profiler.dump_stats(f"/tmp/filing-profile-{name}.prof")
        print(out.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="filing,search-rare,search-common")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the statements of the last request")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    options = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    rng = random.Random(options.seed)
    day = prepared(rng, 2 * options.repeat + 10)
    only = options.only.split(",")
    if "filing" in only:
        filings = [("POST", "/api/v1/plans/", {"Authorization": token}, body) for token, body in day.filings]
        measure("warm-up", filings[:5], profile=False)
        measure("filing", filings[5 : 5 + options.repeat], profile=options.profile, explain=options.explain)
    for name, fragments in (("search-rare", day.rare), ("search-common", day.common)):
        if name in only:
            requests = day.search(fragments)
            rng.shuffle(requests)
            measure("warm-up", requests[:5], profile=False)
            measure(name, requests[: options.repeat], profile=options.profile, explain=options.explain)


if __name__ == "__main__":
    main()
