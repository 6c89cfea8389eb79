"""Benchmark of the enterprise search at city scale, one fragment class at a time.

Runs on a database filled by ``bench/city.py`` (migrated, then ``ANALYZE enterprises_enterprise``) and prints,
for each fragment (very common, common, middling, rare and absent name fragments of 2 to 6 characters,
credit-code prefixes and a whole code) the number of names containing it, then for a city-level officer
and a district officer (scope: one division) the time of the filing form's typeahead
(``enterprise_suggestions``, 20 and "more") and of the first list page (``enterprise_search``, 31 rows),
median and maximum of ``--repeat`` runs, and the queries of one typeahead call; with ``--api`` also the
whole request the filing form makes (``GET /api/v1/enterprises/suggestions/`` through Django's test client,
signed in with a session): its median CPU time in this process and its Python calls (``sys.setprofile``,
which the machine's load does not change). ``--explain`` adds EXPLAIN (ANALYZE, BUFFERS) of the typeahead's
row query for each fragment. It writes nothing but the two sessions; the database name must contain
"bench" or end in "_city" (a copy of bench/city.py's):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_search \\
        .venv/bin/python bench/search_fragments.py --repeat 7
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

FIXED = [
    ("2-char, very common", "有限"), ("2-char, very common", "公司"),
    ("2-char, common", "食品"), ("2-char, common", "烟台"), ("2-char, middling", "莱州"),
    ("4-char, middling", "餐饮管理"), ("4-char, middling (word+trade)", "海洋食品"),
    ("6-char, middling", "海洋食品有限"), ("3-char, common", "有限公"),
    ("2-char, absent", "海药"), ("6-char, absent", "不存在的企业"),
    ("code prefix, 2", "91"), ("code prefix, 8 (a district)", "91370683"),
]


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def api_request(client, path: str, repeat: int) -> str:
    """The whole typeahead request in this process: median CPU time of ``repeat`` runs, Python calls of one."""
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    cpus = []
    for _ in range(repeat):
        started = time.process_time()
        response = client.get(path)
        cpus.append((time.process_time() - started) * 1000)
    calls = [0]

    def count(_frame, event, _arg):
        if event == "call":
            calls[0] += 1

    sys.setprofile(count)
    client.get(path)
    sys.setprofile(None)
    return f"request cpu p50 {statistics.median(cpus):5.2f} ms, {calls[0]:5d} calls, {len(response.content):5d} B"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--division", default="370683", help="the district officer's division")
    parser.add_argument("--api", action="store_true", help="also the whole typeahead request, CPU and calls")
    parser.add_argument("--only", default="", help="comma-separated fragment classes' first words (rare,code,...)")
    options = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    if "bench" not in database and not database.endswith("_city"):
        sys.exit("set DATABASE_URL to a bench database (its name contains 'bench' or ends in '_city')")
    os.environ.update({"DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "yantai_inspect.settings"
    import django

    django.setup()
    from urllib.parse import quote

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.divisions import CITY_CODE
    from accounts.models import User
    from enterprises.models import Enterprise
    from enterprises.selectors import enterprise_search, enterprise_suggestions

    rng = random.Random(8)
    top = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first()
    sample = list(Enterprise.objects.filter(pk__in=[rng.randint(1, top) for _ in range(60)]).values_list(
        "name", "uscc", "division"))
    sample = [row for row in sample if row[2] == options.division] or sample
    name, code = sample[0][0], sample[0][1]
    fragments = FIXED + [
        ("2-char, rare (brand pair)", name[2:4]), ("2-char, rare (brand pair)", sample[1][0][2:4]),
        ("3-char, rare", name[2:5]), ("4-char, rare", name[1:5]), ("6-char, rare", name[2:8]),
        ("2-char, first brand char (~0.5%)", name[1:3]),
        ("code prefix, 12", code[:12]), ("whole code (18)", code),
    ]
    officers = {
        "city": User.objects.filter(role="officer", agency__division=CITY_CODE).select_related("agency").first(),
        "district": User.objects.filter(role="officer", agency__division=options.division)
        .select_related("agency").first(),
    }
    clients = {}
    for who, officer in officers.items():
        clients[who] = Client()
        clients[who].force_login(officer)
    if options.only:
        fragments = [row for row in fragments if any(word in row[0] for word in options.only.split(","))]
    print(f"{Enterprise.objects.count():,} enterprises; load average {os.getloadavg()[0]:.2f}; "
          f"district officer's division {options.division}")
    print(f"{'fragment class':34} {'fragment':14} {'names':>8} | {'who':8} {'typeahead p50/max ms':>21} "
          f"{'q':>2} {'list page p50/max ms':>21}")
    all_times = []
    for label, fragment in fragments:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM enterprises_enterprise WHERE strpos(name, %s) > 0", [fragment])
            names = cursor.fetchone()[0]
        for who, officer in officers.items():
            with CaptureQueriesContext(connection) as context:
                enterprise_suggestions(user=officer, query=fragment)
            captured = list(context.captured_queries)  # now: a request (--api) empties the connection's log
            t50, tmax, _ = timed(lambda officer=officer, fragment=fragment: enterprise_suggestions(
                user=officer, query=fragment), options.repeat)
            l50, lmax, _ = timed(
                lambda officer=officer, fragment=fragment: list(enterprise_search(user=officer, query=fragment)
                                             .select_related("credit")[:31]), options.repeat)
            all_times.append(tmax)
            api = ""
            if options.api:
                api = "  " + api_request(clients[who], f"/api/v1/enterprises/suggestions/?limit=20&q={quote(fragment)}",
                                         options.repeat)
            print(f"{label:34} {fragment:14} {names:8,} | {who:8} {t50:10.1f} /{tmax:8.1f}  {len(captured):2} "
                  f"{l50:10.1f} /{lmax:8.1f}{api}")
            if options.explain:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured[-1]["sql"])
                    print("      " + "\n      ".join(row[0] for row in cursor.fetchall()))
    print(f"typeahead, slowest run of any fragment: {max(all_times):.1f} ms; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
