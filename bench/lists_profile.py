"""Profile the list pages and API lists one request at a time on the city data set (bench/city.py).

For each list: the median wall time of a few requests through Django's test client (in this process, no
gunicorn), the CPU time per request of this Python process (``time.process_time``) and of its PostgreSQL
backend (from /proc, when the server runs on this machine; over all the repeats, divided), the number of SQL
statements and the time spent in them, the Python calls of one request (``sys.setprofile``: the same on a
loaded machine and a quiet one) and, with ``--explain``, every SELECT of one request run again under
``EXPLAIN (ANALYZE, BUFFERS)`` (its execution time and the top of its plan).

The floor rows are what no list can go below: ``healthz`` (the load test's bare view), ``floor-page`` (a
signed-in page that renders the site's layout with nothing in it) and ``floor-api`` (a token-authenticated
API view that answers an empty list), each measured the same way.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_x .venv/bin/python bench/lists_profile.py
    ... --only visits-api,tasks-page --explain --repeat 5

Readers: an officer of the agency with the most plans and one of a median agency, the city justice bureau and a
district one, an enterprise account with visits. Sessions are created by the test client (``force_login``).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path as url_path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from accounts.divisions import CITY_CODE  # noqa: E402
from accounts.models import User  # noqa: E402
from enterprises.models import EnterpriseAccount  # noqa: E402
from plans.models import JointTask, Plan  # noqa: E402


def readers() -> dict:
    by_agency = list(
        Plan.objects.values("agency_id").annotate(n=Count("id")).order_by("-n").values_list("agency_id", "n")
    )
    big, median = by_agency[0], by_agency[len(by_agency) // 2]
    out = {}
    for key, (agency_id, n) in (("officer-big", big), ("officer-median", median)):
        out[key] = (User.objects.filter(role="officer", agency_id=agency_id, is_active=True).first(), n)
    out["justice-city"] = (User.objects.filter(role="justice", agency__division=CITY_CODE).first(), None)
    out["justice-district"] = (User.objects.filter(role="justice").exclude(agency__division=CITY_CODE).first(), None)
    account = (
        EnterpriseAccount.objects.filter(Exists(JointTask.objects.filter(enterprise=OuterRef("enterprise"))))
        .select_related("user")
        .first()
    )
    out["enterprise"] = (account.user, None)
    return out


@login_required
def floor_page(request):
    return render(request, "base.html")


class FloorApi(APIView):
    def get(self, request):
        return Response({"next": None, "previous": None, "results": []})


def _urlconf():
    """The project's URLs and the two floor views (this script is the URL module while it runs)."""
    from yantai_inspect.urls import urlpatterns as project

    return [url_path("bench-floor/page/", floor_page), url_path("bench-floor/api/", FloorApi.as_view()), *project]


urlpatterns = _urlconf()

# name -> (reader key, path, API?)
LISTS = {
    "healthz": ("anyone", "/healthz/", False),
    "floor-page": ("officer", "/bench-floor/page/", False),
    "floor-api": ("officer", "/bench-floor/api/", True),
    "plans-page": ("officer", "/agency/plans/", False),
    "plans-api": ("officer", "/api/v1/plans/", True),
    "visits-api": ("officer", "/api/v1/joint-tasks/", True),
    "tasks-page": ("officer", "/agency/tasks/", False),
    "tasks-page-all": ("officer", "/agency/tasks/?upcoming=0", False),
    "calendar": ("officer", "/agency/calendar/", False),
    "agency-dashboard": ("officer", "/agency/", False),
    "invitations-page": ("officer", "/agency/invitations/", False),
    "invitations-api": ("officer", "/api/v1/invitations/", True),
    "records-page": ("officer", "/agency/records/", False),
    "records-api": ("officer", "/api/v1/records/", True),
    "enterprise-visits": ("enterprise", "/enterprise/visits/", False),
    "enterprise-visits-api": ("enterprise", "/api/v1/joint-tasks/", True),
    "review-queue": ("justice", "/justice/reviews/", False),
    "review-api": ("justice", "/api/v1/reviews/", True),
    "green-api": ("justice", "/api/v1/reviews/?queue=green_channel", True),
    "justice-plans-api": ("justice", "/api/v1/plans/", True),
    "justice-tasks-page": ("justice", "/justice/tasks/", False),
    "justice-visits-api": ("justice", "/api/v1/joint-tasks/", True),
    "statistics-api": ("justice", "/api/v1/statistics/", True),
    "statistics-page": ("justice", "/justice/statistics/", False),
    "justice-dashboard": ("justice", "/justice/", False),
}


def explain(sql: str, params) -> tuple[float, str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    total = next((float(x.split()[2]) for x in lines if x.startswith("Execution Time")), 0.0)
    return total, "\n".join("      " + x for x in lines[:14])


def backend_cpu_ms() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (utime + stime from /proc), None when the
    server is not on this machine or not readable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def profile(name, user, path, is_api, *, repeat: int, do_explain: bool):
    client = APIClient() if is_api else Client()
    if user is not None:
        client.force_authenticate(user) if is_api else client.force_login(user)
    for _ in range(3):  # warm: templates, the calendar, the connection
        response = client.get(path)
    assert response.status_code == 200, (name, response.status_code)
    walls, cpus = [], []
    pg_before = backend_cpu_ms()
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        client.get(path)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    pg_after = backend_cpu_ms()
    pg = f"{(pg_after - pg_before) / repeat:5.1f}" if pg_before is not None else "    -"
    with CaptureQueriesContext(connection) as context:
        client.get(path)
    # Read them now: ``captured_queries`` reads the connection's log, which the next request empties.
    queries = list(context.captured_queries)
    calls = [0]

    def count(_frame, event, _arg):
        if event == "call":
            calls[0] += 1

    sys.setprofile(count)  # Python calls of one request: what the machine's load does not change
    client.get(path)
    sys.setprofile(None)
    db_ms = sum(float(q["time"]) for q in queries) * 1000
    who = user.username if user is not None else "-"
    print(
        f"{name:24} {who:20} wall p50 {statistics.median(walls):7.1f} ms  python cpu p50 "
        f"{statistics.median(cpus):6.1f} min {min(cpus):5.1f} ms  pg cpu {pg} ms  {len(queries):3d} queries  "
        f"db {db_ms:6.1f} ms  {calls[0]:6d} calls  "
        f"{len(response.content) // 1024:4d} kB",
        flush=True,
    )
    if do_explain:
        sqls = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        results = []
        for sql in sqls:
            # captured SQL has the parameters inlined (psycopg's mogrify): run it as is
            try:
                ms, plan = explain(sql, None)
            except Exception as exc:  # noqa: BLE001
                ms, plan = -1, f"      (not explained: {exc})"
                connection.rollback() if not connection.get_autocommit() else None
            results.append((ms, sql, plan))
        for ms, sql, plan in sorted(results, key=lambda r: -r[0])[:3]:
            print(f"    {ms:8.2f} ms  {sql[:300]}")
            print(plan)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="")
    parser.add_argument("--who", default="", help="comma-separated reader keys (officer-big, justice-city, ...)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not name.endswith("_city"):
        sys.exit("the database's name must contain 'bench' or end in '_city' (a copy of bench/city.py's)")
    people = readers()
    people["anyone"] = (None, None)
    for key, (user, n) in people.items():
        if user is not None:
            print(f"# {key}: {user.username} ({user.agency.name if user.agency_id else ''}) {n or ''}")
    names = [n for n in args.only.split(",") if n] or list(LISTS)
    for name in names:
        kind, path, is_api = LISTS[name]
        for key, (user, _n) in people.items():
            if not key.startswith(kind) or (args.who and key not in args.who.split(",") and kind != "anyone"):
                continue
            with override_settings(ROOT_URLCONF=__name__):
                profile(name, user, path, is_api, repeat=args.repeat, do_explain=args.explain)


if __name__ == "__main__":
    main()
