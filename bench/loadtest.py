"""The city-scale load test (issue 8): gunicorn on the bench/city.py data set, a real day's mix, each action
measured with wrk next to the bare /healthz/ view, so that every figure is also a ratio.

What it does, in order:

1. checks the database (built by bench/city.py, or a copy of it; its name must contain "bench" or end in
   "_city") and wrk (Debian: ``apt-get
   install wrk``, or ``scripts/install-system-deps.sh --bench``), and applies the migrations that are newer
   than the data set (new indexes are part of what is measured), then ANALYZE;
2. collects the static files into a temporary directory and starts gunicorn (``yantai_inspect.wsgi``,
   4 sync workers, DJANGO_ENV=production, DEBUG off, its own SECRET_KEY and ALLOWED_HOSTS) on
   127.0.0.1:$PORT (default 8104);
3. signs in sample users of each role (sessions created with the real login machinery, API tokens) and
   prepares the requests: fresh enterprises and valid windows for filing, rare and common name fragments
   for the filing form's enterprise search, the enterprises' visits, records awaiting a signature, ...;
4. for each action: wrk on /healthz/ for ``--duration`` seconds, then wrk on the action for ``--duration``
   seconds (16 connections, 2 threads; a Lua script rotates over users and parameters), and the ratio of
   the two throughputs. An action whose single probe request already takes more than ``--slow`` seconds
   (statistics over the city's year, before issue 8's fixes) is timed with a few sequential requests
   instead, so that it does not hold the workers for minutes;
5. the daily jobs, in this process against the same database, each inside a transaction that is rolled
   back (a rerun measures the same work): wall time and number of SQL statements; the audit chain's daily
   verification goes on from a checkpoint at the last entry before today, and its full verification (the
   justice portal's "verify now", not a daily job) is timed next to it;
6. the memory of one statistics request (tracemalloc peak and RSS growth, in a child process);
7. one table with every figure, the ratio and the issue's target next to it.

Everything it starts (gunicorn, wrk, the memory probe) is stopped when it ends, also on Ctrl-C.

    .venv/bin/python bench/city.py                      # once: the data set (a few minutes to half an hour)
    .venv/bin/python bench/loadtest.py                  # ~6 minutes
    .venv/bin/python bench/loadtest.py --quick          # a smoke run: 2 s per action, fewer samples
    .venv/bin/python bench/loadtest.py --only filing,search-rare --duration 10

Writes: filing adds plans (on enterprises with no plan, different ones each run), signing signs records
awaiting a signature (the pool shrinks by what one run signs), and sessions and tokens of the sample users
are created. The daily jobs are rolled back.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yantai_bench_city"
SECRET_KEY = "bench-loadtest-secret-key-not-for-production-0123456789abcdef"
HOST = "127.0.0.1"
BARE = "/healthz/"

# What issue 8 asks of each kind of request (ratio: throughput / the bare view's, same run).
TARGETS = {
    "filing": {"p99_ms": 50, "ratio": 0.25},
    "list": {"ratio": 0.3},
    "search": {"p99_ms": 50},
    "statistics": {"p99_ms": 300},
    "page": {},
}

STARTED: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(message, flush=True)


# -- processes ------------------------------------------------------------------------------------------------


def child_env(database_url: str, static_root: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update({
        "DJANGO_ENV": "production", "DEBUG": "False", "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost", "DATABASE_URL": database_url, "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "yantai_inspect.settings",
        "PYTHONPATH": str(BASE_DIR), "SITE_URL": f"http://{HOST}",
        # Plain HTTP on localhost (no TLS proxy in front); the sample users' sessions are made without a second
        # factor; the per-user API rate is not what is measured here (issue 13's settings).
        "SECURE_SSL_REDIRECT": "False", "OTP_REQUIRED": "False", "API_THROTTLE_USER": "1000000/min",
    })
    return env


def stop_all() -> None:
    for process in reversed(STARTED):
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    STARTED.clear()


def start(args, env, **kwargs) -> subprocess.Popen:
    process = subprocess.Popen(args, env=env, start_new_session=True, **kwargs)
    STARTED.append(process)
    return process


def get(path: str, port: int, headers=None, timeout: float = 120) -> tuple[int, float, bytes]:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, time.perf_counter() - started, body
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started, exc.read()


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        gunicorn = Path(shutil.which("gunicorn") or "gunicorn")
    logfile = open(Path(tempfile.gettempdir()) / f"yantai-bench-gunicorn-{port}.log", "w")  # noqa: SIM115
    process = start([str(gunicorn), "yantai_inspect.wsgi", "-b", f"{HOST}:{port}", "-w", str(workers),
                     "--worker-class", "sync", "--timeout", "600", "--graceful-timeout", "5"],
                    env, cwd=BASE_DIR, stdout=logfile, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {logfile.name}")
        with contextlib.suppress(OSError):
            if get(BARE, port, timeout=5)[0] == 200:
                return process
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {BARE} within 60 s; see {logfile.name}")


# -- sample users and requests -------------------------------------------------------------------------------


def session_cookie(user) -> str:
    """A real session, as the login form would create (django.contrib.auth.login on a fresh session)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend

    # The configured store (the database, or the cache written through to it with Redis), as login() uses it.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # The backend login() records: the first that can read a user back (as Django's test client picks it).
    session[BACKEND_SESSION_KEY] = next(path for path in settings.AUTHENTICATION_BACKENDS
                                        if hasattr(load_backend(path), "get_user"))
    session.create()
    # The server runs with DJANGO_ENV=production (child_env), whose session cookie has the __Host- prefix;
    # bench/filing_profile.py runs in-process with the local settings' name.
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def token_header(user) -> str:
    from accounts.tokens import api_token_issue

    _token, key = api_token_issue(user=user, device="loadtest")
    return f"Token {key}"


class Day:
    """The sample users and the requests of one day's mix."""

    def __init__(self, *, rng: random.Random, today: dt.date, sample: int, sign_pool: int, filings: int):
        from django.db.models import Exists, OuterRef

        from accounts.divisions import CITY_CODE
        from accounts.models import User
        from catalogue.models import Matter
        from enterprises.models import BusyPeriod, Enterprise, EnterpriseAccount
        from plans.models import JointTask, Plan

        self.rng, self.today = rng, today
        officer_ids = list(User.objects.filter(role="officer", is_active=True).values_list("pk", flat=True))
        if not officer_ids:
            sys.exit("no officers in this database: build it with bench/city.py first")
        picked = rng.sample(officer_ids, min(sample, len(officer_ids)))
        self.officers = list(User.objects.filter(pk__in=picked).select_related("agency").order_by("pk"))
        self.justice = list(User.objects.filter(role="justice").select_related("agency").order_by("pk"))
        log(f"   {len(self.officers)} officers, {len(self.justice)} justice staff: sessions and tokens")
        self.cookie = {u.pk: session_cookie(u) for u in self.officers + self.justice}
        self.token = {u.pk: token_header(u) for u in self.officers + self.justice}

        # Enterprises with visits (their own list, a visit's notice page).
        with_visits = (EnterpriseAccount.objects.filter(Exists(JointTask.objects.filter(enterprise=OuterRef(
            "enterprise"))), enterprise_id__in=self._sample_ids(Enterprise, 20 * sample))
            .select_related("user")[:sample])
        self.enterprise_users = []
        for account in with_visits:
            task = JointTask.objects.filter(enterprise_id=account.enterprise_id).order_by("-visit_date").first()
            self.enterprise_users.append((account.user, task.pk))
        for user, _task in self.enterprise_users:
            self.cookie[user.pk] = session_cookie(user)
        log(f"   {len(self.enterprise_users)} enterprise accounts with visits: sessions")

        # Records awaiting a signature, with their real content hash (bench/city.py gives it to a pool).
        self.signable = self._signable(sign_pool)
        log(f"   {len(self.signable)} records awaiting a signature, with tokens of their enterprises")

        # Filing: for each officer, enterprises of its area with no plan at all (fresh), matters of its department
        # that need a visit (an all-remote plan would have to say why it visits: plans.remote).
        matters = {}
        for matter in Matter.objects.filter(active=True, remote_checkable=False).order_by("code"):
            matters.setdefault(matter.department_id, []).append(matter.code)
        self.filings = []
        per_officer = max(1, filings // max(1, len(self.officers)))
        no_plan = ~Exists(Plan.objects.filter(enterprise=OuterRef("pk")))
        no_busy = ~Exists(BusyPeriod.objects.filter(enterprise=OuterRef("pk")))
        used = set()
        candidates = list(
            Enterprise.objects.filter(no_plan, no_busy, credit__whitelisted=False, pk__in=self._sample_ids(Enterprise,
                                                                                                  8 * filings))
            .values_list("pk", "uscc", "division"))
        by_division = {}
        for pk, uscc, division in candidates:
            by_division.setdefault(division, []).append((pk, uscc))
        for officer in self.officers:
            if officer.agency.department_id not in matters or not officer.certificate_number:
                continue
            pool = (by_division.get(officer.agency.division, []) if officer.agency.division != CITY_CODE
                    else [e for es in by_division.values() for e in es])
            fresh = [e for e in pool if e[0] not in used][:per_officer]
            for pk, uscc in fresh:
                used.add(pk)
                start = today + dt.timedelta(days=rng.randint(8, 40))
                self.filings.append((self.token[officer.pk], json.dumps({
                    "enterprise": uscc, "matters": [rng.choice(matters[officer.agency.department_id])],
                    "window_start": start.isoformat(), "window_end": (start + dt.timedelta(days=9)).isoformat(),
                })))
        rng.shuffle(self.filings)
        log(f"   {len(self.filings)} filings prepared (fresh enterprises, windows 8-40 days ahead, 10 days wide)")

        # Name fragments for the filing form's search: rare (a brand pair of one enterprise) and common.
        names = list(Enterprise.objects.filter(pk__in=self._sample_ids(Enterprise, 200)).values_list("name",
                                                                                                     flat=True))
        self.rare = sorted({n[2:4] for n in names if len(n) > 4})[:100]
        self.common = ["有限", "公司", "食品", "贸易", "机械", "物流", "烟台", "海洋"]
        self.city_officers = [o for o in self.officers if o.agency.division == CITY_CODE] or self.officers[:5]

    def _sample_ids(self, model, n: int) -> list[int]:
        from django.db.models import Max, Min

        bounds = model.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        if bounds["lo"] is None:
            return []
        return [self.rng.randint(bounds["lo"], bounds["hi"]) for _ in range(n)]

    def _signable(self, limit: int) -> list[tuple[str, int]]:
        from django.db import transaction

        from enterprises.models import EnterpriseAccount
        from inspections import signing
        from inspections.models import InspectionRecord

        pool = []
        records = (InspectionRecord.objects.filter(status=InspectionRecord.Status.FINAL)
                   .select_related("task__enterprise").order_by("pk"))
        for record in records[: limit * 2]:
            if len(pool) >= limit:
                break
            account = EnterpriseAccount.objects.filter(enterprise_id=record.task.enterprise_id).select_related(
                "user").first()
            if account is None:
                continue
            current = signing.content_hash(record)
            if current != record.content_hash:  # a placeholder of bench/city.py: give it the real hash
                with transaction.atomic():
                    type(record).objects.filter(pk=record.pk).update(content_hash=current)
            pool.append((token_header(account.user), record.pk))
        return pool

    # the requests of each action: (method, path, headers, body) ------------------------------------------------

    def officer_pages(self, path: str):
        return [("GET", path, {"Cookie": self.cookie[o.pk]}, None) for o in self.officers]

    def officer_api(self, path: str):
        return [("GET", path, {"Authorization": self.token[o.pk]}, None) for o in self.officers]

    def justice_pages(self, path: str):
        return [("GET", path, {"Cookie": self.cookie[u.pk]}, None) for u in self.justice]

    def justice_api(self, path: str):
        return [("GET", path, {"Authorization": self.token[u.pk]}, None) for u in self.justice]

    def search(self, fragments):
        from urllib.parse import quote

        from django.urls import NoReverseMatch, reverse

        try:  # what the filing form asks (its typeahead), else the enterprise list API
            url = reverse("api-enterprise-suggestions")
        except NoReverseMatch:
            url = reverse("api-enterprise-list")
        requests = []
        for k, fragment in enumerate(fragments * 4):
            officer = (self.city_officers if k % 2 else self.officers)[k % len(self.city_officers if k % 2 else
                                                                                self.officers)]
            requests.append(("GET", f"{url}?q={quote(fragment)}", {"Cookie": self.cookie[officer.pk]}, None))
        return requests

    def enterprise_pages(self, detail: bool):
        return [("GET", f"/enterprise/visits/{task}/" if detail else "/enterprise/visits/",
                 {"Cookie": self.cookie[user.pk]}, None) for user, task in self.enterprise_users]

    def filing(self):
        return [("POST", "/api/v1/plans/", {"Authorization": token, "Content-Type": "application/json"}, body)
                for token, body in self.filings]

    def signing(self):
        body = json.dumps({"method": "typed", "typed_name": "负责人", "confirmed": True})
        return [("POST", f"/api/v1/records/{pk}/sign/", {"Authorization": token, "Content-Type": "application/json"},
                 body) for token, pk in self.signable]


# action name -> (kind for the target, description, builder, one-shot: each request valid once)
def actions(day: Day) -> list[tuple[str, str, str, list, bool]]:
    return [
        ("filing", "filing", "officer files a plan (POST /api/v1/plans/, matching)", day.filing(), True),
        ("plans-page", "list", "officer: plan list page /agency/plans/", day.officer_pages("/agency/plans/"), False),
        ("plans-api", "list", "officer: GET /api/v1/plans/", day.officer_api("/api/v1/plans/"), False),
        ("visits-api", "list", "officer: GET /api/v1/joint-tasks/", day.officer_api("/api/v1/joint-tasks/"), False),
        ("invitations-api", "list", "officer: GET /api/v1/invitations/", day.officer_api("/api/v1/invitations/"),
         False),
        ("tasks-page", "list", "officer: visit list page /agency/tasks/", day.officer_pages("/agency/tasks/"), False),
        ("records-page", "list", "officer: record list page /agency/records/", day.officer_pages("/agency/records/"),
         False),
        ("records-api", "list", "officer: GET /api/v1/records/", day.officer_api("/api/v1/records/"), False),
        ("calendar", "page", "officer: calendar /agency/calendar/", day.officer_pages("/agency/calendar/"), False),
        ("agency-dashboard", "page", "officer: dashboard /agency/", day.officer_pages("/agency/"), False),
        ("search-rare", "search", "filing form search, rare 2-char fragment", day.search(day.rare), False),
        ("search-common", "search", "filing form search, common 2-char fragment", day.search(day.common), False),
        ("enterprise-visits", "list", "enterprise: /enterprise/visits/", day.enterprise_pages(False), False),
        ("enterprise-notice", "page", "enterprise: a visit's notice /enterprise/visits/<id>/",
         day.enterprise_pages(True), False),
        ("record-sign", "page", "enterprise signs a record (POST /api/v1/records/<id>/sign/)", day.signing(), True),
        ("review-queue", "list", "justice: review queue /justice/reviews/", day.justice_pages("/justice/reviews/"),
         False),
        ("review-api", "list", "justice: GET /api/v1/reviews/", day.justice_api("/api/v1/reviews/"), False),
        ("statistics-api", "statistics", "justice: GET /api/v1/statistics/ (whole year)",
         day.justice_api("/api/v1/statistics/"), False),
        ("statistics-page", "statistics", "justice: /justice/statistics/", day.justice_pages("/justice/statistics/"),
         False),
        ("justice-dashboard", "statistics", "justice: dashboard /justice/ (with statistics)",
         day.justice_pages("/justice/"), False),
    ]


# -- wrk ------------------------------------------------------------------------------------------------------

LUA = r"""
local requests = {
%(requests)s
}
local one_shot = %(one_shot)s
local threads = {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  n = 0
  bad = 0
  statuses = ""
end
function request()
  local i
  if one_shot then
    i = (n * %(threads)d + id - 1) %% #requests + 1
  else
    i = (n + (id - 1) * 7919) %% #requests + 1
  end
  n = n + 1
  local r = requests[i]
  return wrk.format(r[1], r[2], r[3], r[4])
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end
function done(summary, latency, requests)
  local bad_total, seen = 0, ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
    seen = seen .. t:get("statuses")
  end
  io.write(string.format(
    'BENCHJSON {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, ' ..
    '"non2xx": %%d, "socket": %%d, "timeouts": %%d, "statuses": "%%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, bad_total,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout, seen))
end
"""


def lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def lua_script(requests: list, *, one_shot: bool, threads: int) -> str:
    rows = []
    for method, path, headers, body in requests:
        header_table = "{" + ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items()) + "}"
        rows.append(f"  {{{lua_string(method)}, {lua_string(path)}, {header_table}, "
                    f"{lua_string(body) if body is not None else 'nil'}}},")
    return LUA % {"requests": "\n".join(rows), "one_shot": "true" if one_shot else "false", "threads": threads}


def run_wrk(*, port: int, requests: list, one_shot: bool, seconds: float, connections: int, threads: int,
            timeout: float, workdir: Path, name: str) -> dict:
    script = workdir / f"{name}.lua"
    script.write_text(lua_script(requests, one_shot=one_shot, threads=threads))
    process = start(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout",
                     f"{timeout:g}s", "-s", str(script), f"http://{HOST}:{port}/"], None, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=seconds + timeout + 30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    finally:
        STARTED.remove(process)
    found = re.search(r"BENCHJSON (\{.*\})", out)
    if not found:
        raise RuntimeError(f"wrk gave no figures: {out[-500:]} {err[-500:]}")
    data = json.loads(found.group(1))
    seconds_run = data["duration_us"] / 1e6
    return {
        "rps": data["requests"] / seconds_run if seconds_run else 0.0,
        "requests": data["requests"],
        "p50": data["p50"] / 1000, "p95": data["p95"] / 1000, "p99": data["p99"] / 1000, "max": data["max"] / 1000,
        "errors": data["non2xx"] + data["socket"] + data["timeouts"],
        "statuses": " ".join(sorted(set(data["statuses"].split()))),
        "how": f"wrk {seconds:g}s",
    }


def compact_statistics() -> int:
    """What the Celery worker does seconds after each write (``plans.tasks.statistics_cells_compact``): no
    worker runs beside gunicorn here, so the dirty division-days the writes logged are compacted between two
    actions, outside the measured runs, and the statistics are read as production reads them."""
    from django.db import connection

    from plans.statistics import cells_compact

    try:
        return cells_compact()
    finally:
        connection.close()


def settle(port: int, limit: float = 60) -> None:
    """Wait until the requests still queued from the last run are through (the bare view answers fast
    again), so that one run's backlog is not measured in the next."""
    deadline = time.time() + limit
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            if get(BARE, port, timeout=limit)[1] < 0.05:
                return
        time.sleep(0.2)


def run_sequential(*, port: int, requests: list, count: int, timeout: float, probe_ms: float) -> dict:
    """A few requests one after the other (for actions far too slow to put 16 connections on); the probe
    request counts as the first."""
    times, errors, statuses = [probe_ms], 0, set()
    for method, path, headers, _body in requests[:count]:
        assert method == "GET"
        try:
            status, seconds, _ = get(path, port, headers, timeout=timeout)
        except OSError:
            status, seconds = 0, timeout
        times.append(seconds * 1000)
        if not 200 <= status <= 299:
            errors += 1
            statuses.add(str(status))
    times.sort()
    return {"rps": 1000 / (sum(times) / len(times)), "requests": len(times), "p50": statistics.median(times),
            "p95": times[-1], "p99": times[-1], "max": times[-1], "errors": errors, "statuses": " ".join(statuses),
            "how": f"{len(times)} sequential"}


# -- daily jobs and memory (in this process) -------------------------------------------------------------------


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


class OutOfTime(Exception):
    pass


def _out_of_time(*_args):
    raise OutOfTime("stopped after --job-timeout seconds (rolled back)")


def yesterdays_checkpoint(today: dt.date, var_dir: Path) -> int:
    """What the daily verification finds in the morning, signed under ``var_dir`` (a temporary folder: the city's
    own anchors, checkpoint and verdict are left alone): the city's anchors, and the checkpoint the day before
    left at its head, i.e. the last entry written before ``today`` (with none, the head: no new entry). Its
    cycle began with it, so today's slice is 1/N of the chain up to it. Returns the checkpoint's seq."""
    from django.conf import settings
    from django.test import override_settings
    from django.utils import timezone

    from audit.anchoring import anchor_dir, chain_head, checkpoint_write
    from audit.models import AuditEntry

    for anchor in anchor_dir().glob("????-??-??.json"):
        (var_dir / "audit-anchors").mkdir(parents=True, exist_ok=True)
        shutil.copy(anchor, var_dir / "audit-anchors" / anchor.name)
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=timezone.get_current_timezone())
    seq, head_hash = (AuditEntry.objects.filter(seq__isnull=False, created_at__lt=midnight).order_by("-seq")
                      .values_list("seq", "hash").first() or chain_head())
    with override_settings(VAR_DIR=var_dir):
        checkpoint_write(seq=seq, hash=head_hash, verified_at=midnight, cycle_start=today - dt.timedelta(days=1),
                         cycle_days=settings.AUDIT_VERIFY_CYCLE_DAYS, cycle_seq=seq)
    return seq


def verified(verdict) -> str:
    ranges = ", ".join(f"{first:,}-{last:,}" for first, last in verdict.ranges)
    return f"{'sound' if verdict.ok else 'BROKEN'}: {verdict.checked:,} entries ({verdict.mode}: {ranges})"


def daily_jobs(today: dt.date, timeout: float) -> list[tuple[str, float, int, str]]:
    from django.db import connection, transaction
    from django.test import override_settings

    from audit.verification import verify_chain, verify_chain_incremental
    from enterprises.licences import licence_expiry_warnings_send
    from inspections.services import findings_overdue_check
    from plans.services import plans_daily_checks
    from plans.yearly import REMIND_FROM, reminder_stage, yearly_plan_reminders_send

    # In January and February no yearly-plan reminder is due (reminder_stage): timed on that year's 1 March then.
    remind_on = today if reminder_stage(today) else dt.date(today.year, *REMIND_FROM)
    var_dir = Path(tempfile.mkdtemp(prefix="yantai-bench-audit-"))
    checkpoint_seq = yesterdays_checkpoint(today, var_dir)
    log(f"   (the daily verification goes on from a checkpoint at entry {checkpoint_seq:,}, under {var_dir})")

    def daily_verification():
        with override_settings(VAR_DIR=var_dir):
            return verified(verify_chain_incremental(day=today))

    jobs = [("plans_daily_checks (missed visits, fixing, invitations)", lambda: plans_daily_checks(today=today)),
            ("licence_expiry_warnings_send", lambda: licence_expiry_warnings_send(today=today)),
            ("findings_overdue_check", lambda: findings_overdue_check(today=today)),
            (f"yearly_plan_reminders_send (on {remind_on})", lambda: yearly_plan_reminders_send(today=remind_on)),
            # the daily anchor job's verification, from yesterday's checkpoint (its verdict, the next checkpoint,
            # the anchor and the message are not written here)
            ("audit chain, daily (verify_chain_incremental)", daily_verification),
            # the justice portal's "verify now" and manage.py audit_verify: on demand, not a daily job
            ("audit chain, on demand (verify_chain, full)", lambda: verified(verify_chain()))]
    results = []
    for label, job in jobs:
        counter = Counter()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(timeout * 1000)])
        signal.signal(signal.SIGALRM, _out_of_time)
        signal.alarm(int(timeout))
        try:
            with transaction.atomic(), connection.execute_wrapper(counter):
                outcome = job()
                transaction.set_rollback(True)  # measured, not kept: a rerun finds the same work
        except Exception as exc:  # noqa: BLE001 - a failing job is a figure of the table, not a crash of the bench
            outcome = f"failed: {type(exc).__name__}: {str(exc)[:100]}"
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - started
        results.append((label, seconds, counter.n, str(outcome)))
        log(f"   {label}: {seconds:.1f} s, {counter.n:,} statements, result {outcome}")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    shutil.rmtree(var_dir, ignore_errors=True)
    return results


MEMORY_PROBE = """
import json, os, sys, time, tracemalloc
sys.path.insert(0, %(base)r)
import django
django.setup()
from django.test import Client
from accounts.models import User

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

user = User.objects.filter(role="justice", agency__division="370600").first()
client = Client()
client.force_login(user)
client.get("/healthz/")
out = {}
for path in ("/api/v1/statistics/", "/justice/"):
    before = rss_kb()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out[path] = {"status": response.status_code, "seconds": seconds, "peak_mb": peak / 2**20,
                 "rss_growth_mb": (rss_kb() - before) / 1024}
print("BENCHJSON " + json.dumps(out))
"""


def memory_probe(env: dict, timeout: float) -> dict:
    process = start([sys.executable, "-c", MEMORY_PROBE % {"base": str(BASE_DIR)}],
                    {**env, "ALLOWED_HOSTS": "testserver,127.0.0.1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True, cwd=BASE_DIR)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"error": f"no answer within {timeout:.0f} s"}
    finally:
        if process in STARTED:
            STARTED.remove(process)
    found = re.search(r"BENCHJSON (\{.*\})", out)
    return json.loads(found.group(1)) if found else {"error": (err or out)[-300:]}


# -- the table ------------------------------------------------------------------------------------------------


def verdict(kind: str, row: dict) -> tuple[str, str]:
    target = TARGETS[kind]
    wanted, ok = [], True
    if "p99_ms" in target:
        wanted.append(f"p99<{target['p99_ms']}ms")
        ok &= row["p99"] < target["p99_ms"]
    if "ratio" in target:
        wanted.append(f"≥{target['ratio']}×")
        ok &= row["ratio"] is not None and row["ratio"] >= target["ratio"]
    if row["errors"]:
        ok = False
    return " ".join(wanted) or "-", ("ok" if ok else "MISS") if wanted else "-"


def print_table(rows: list[dict], bare: list[dict]) -> None:
    log("\n== figures (latencies in ms; ratio = the action's req/s over /healthz/'s req/s measured just before)")
    header = (f"{'action':20} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>7} {'ratio':>6}  "
              f"{'target':18} {'':4}  measured")
    log(header)
    log("-" * len(header))
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        wanted, mark = verdict(row["kind"], row)
        log(f"{row['name']:20} {row['rps']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f} "
            f"{row['errors']:7d} {ratio:>6}  {wanted:18} {mark:4}  {row['how']}"
            + (f" (statuses {row['statuses']})" if row["statuses"] else ""))
    if bare:
        rps = [b["rps"] for b in bare]
        p99 = [b["p99"] for b in bare]
        log(f"{'/healthz/ (bare)':20} {sum(rps) / len(rps):8.1f} {'':8} {'':8} {max(p99):8.1f}  "
            f"range {min(rps):.0f}-{max(rps):.0f} req/s over {len(bare)} runs")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8104)))
    parser.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 8, quick 2)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=60, help="wrk's per-request timeout, seconds")
    parser.add_argument("--slow", type=float, default=2.0,
                        help="an action whose probe request takes longer is timed sequentially, not with wrk")
    parser.add_argument("--sequential", type=int, default=2, help="requests of a sequentially timed action")
    parser.add_argument("--only", default="", help="comma-separated action names")
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--job-timeout", type=float, default=600, help="seconds allowed per daily job")
    parser.add_argument("--no-migrate", action="store_true",
                        help="refuse a database with unapplied migrations instead of applying them")
    parser.add_argument("--collectstatic", action="store_true", help="collect the static files even if up to date")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=3,
                        help="seconds of wrk over every action's GET requests before measuring, not counted (every "
                             "worker's first requests import and compile what production workers have long had)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 s per wrk run, smaller samples")
    options = parser.parse_args()
    duration = options.duration or (2 if options.quick else 8)
    sample = 40 if options.quick else 200

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    name = database_url.rsplit("/", 1)[-1]
    if "bench" not in name and not name.endswith("_city"):
        sys.exit("the load test runs against a bench database (its name contains 'bench' or ends in '_city', a copy "
                 "of bench/city.py's), see bench/city.py")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (or: bash scripts/install-system-deps.sh --bench)")
    # Kept between runs: collecting and compressing the static files takes minutes on a busy machine.
    static_root = str(Path(tempfile.gettempdir()) / "yantai-bench-static")
    workdir = Path(tempfile.mkdtemp(prefix="yantai-bench-wrk-"))
    env = child_env(database_url, static_root)
    os.environ.update(env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    import django

    django.setup()
    from django.db import connection

    try:
        meta = None
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_city_meta')")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT seed, today, scale, seconds, counts FROM bench_city_meta "
                               "ORDER BY built_at DESC LIMIT 1")
                meta = cursor.fetchone()
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
        if meta is None:
            sys.exit("this database was not built by bench/city.py (no bench_city_meta): run it first")
        from django.utils import timezone

        today = timezone.localdate()
        counts = meta[4] if isinstance(meta[4], dict) else json.loads(meta[4])
        log(f"data set: seed {meta[0]}, reference day {meta[1]}, scale {meta[2]}, built in {meta[3]:.0f} s; "
            f"{counts.get('enterprises_enterprise', 0):,} enterprises, {counts.get('plans_plan', 0):,} plans, "
            f"{counts.get('plans_jointtask', 0):,} visits")
        log(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
            f"PostgreSQL {pg_version}; today {today}")

        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending)
            if options.no_migrate:
                sys.exit(f"the bench database lacks migrations ({names}); run without --no-migrate to apply them")
            log(f"\n== migrate: {len(pending)} migrations newer than the data set ({names})")
            started = time.perf_counter()
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            log(f"   applied and analysed in {time.perf_counter() - started:.0f} s")
        manifest = Path(static_root) / "staticfiles.json"
        newest = max((f.stat().st_mtime for f in (BASE_DIR / "static").rglob("*") if f.is_file()), default=0)
        if options.collectstatic or not manifest.exists() or manifest.stat().st_mtime < newest:
            log(f"\n== collectstatic into {static_root} (production storage needs the manifest)")
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env,
                           cwd=BASE_DIR, check=True)
        else:
            log(f"\n== static files: {static_root} is up to date with static/ (--collectstatic to redo it)")
        log("\n== sample users and requests")
        day = Day(rng=random.Random(options.seed + int(time.time()) // 86400), today=today, sample=sample,
                  sign_pool=60 if options.quick else 1500, filings=600 if options.quick else 4000)
        connection.close()

        from django.conf import settings

        if settings.CELERY_BROKER_URL.startswith("filesystem://"):  # as scripts/run.sh: the outbox's broker folders
            for key in ("data_folder_in", "processed_folder", "control_folder"):
                Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)
        log(f"\n== gunicorn: {options.workers} sync workers on {HOST}:{options.port}")
        start_gunicorn(env, options.port, options.workers)
        wanted = {n for n in options.only.split(",") if n}
        rows, bare_runs = [], []
        if options.warmup > 0:
            warm = [r for name, _k, _d, requests, _o in actions(day) if not wanted or name in wanted
                    for r in requests[:3] if r[0] == "GET"] + [("GET", BARE, {}, None)]
            run_wrk(port=options.port, requests=warm, one_shot=False, seconds=options.warmup,
                    connections=options.connections, threads=options.threads, timeout=options.timeout,
                    workdir=workdir, name="warmup")
            settle(options.port)
            log(f"   warm-up: {options.warmup:g} s of wrk over {len(warm)} GET requests (not counted)")
        for name, kind, description, requests, one_shot in actions(day):
            if wanted and name not in wanted:
                continue
            if not requests:
                log(f"   {name}: no requests could be prepared (no such data), skipped")
                continue
            probe = None
            if requests[0][0] == "GET":
                # Up to two probes (two users): the faster decides whether 16 connections make sense; a first
                # probe slower than --slow is not repeated (it is the first sequential sample).
                probes = []
                for _method, path, headers, _body in requests[:2]:
                    status, seconds, _ = get(path, options.port, headers, timeout=options.timeout * 5)
                    probes.append(seconds)
                    if not 200 <= status <= 299:
                        log(f"   {name}: probe of {path} answered {status}")
                    if seconds > options.slow:
                        break
                probe = min(probes)
                settle(options.port)
            bare = run_wrk(port=options.port, requests=[("GET", BARE, {}, None)], one_shot=False, seconds=duration,
                           connections=options.connections, threads=options.threads, timeout=options.timeout,
                           workdir=workdir, name="bare")
            bare_runs.append(bare)
            settle(options.port)
            if probe is not None and probe > options.slow:
                row = run_sequential(port=options.port, requests=requests[1:] or requests,
                                     count=options.sequential - 1, timeout=options.timeout * 5, probe_ms=probe * 1000)
            else:
                row = run_wrk(port=options.port, requests=requests, one_shot=one_shot, seconds=duration,
                              connections=options.connections, threads=options.threads, timeout=options.timeout,
                              workdir=workdir, name=name)
            row.update(name=name, kind=kind, description=description,
                       ratio=row["rps"] / bare["rps"] if bare["rps"] and row["how"].startswith("wrk") else None)
            rows.append(row)
            compacted = compact_statistics()
            settle(options.port)
            log(f"   {name:20} {row['rps']:8.1f} req/s  p50 {row['p50']:.1f}  p99 {row['p99']:.1f} ms  "
                f"errors {row['errors']}  (bare {bare['rps']:.0f} req/s)  [{row['how']}] {description}"
                + (f"; then the statistics' compaction of {compacted} dirty division-days" if compacted else ""))
        stop_all()

        jobs, memory = [], {}
        if not options.skip_jobs:
            log("\n== daily jobs over the whole city (each rolled back after it ran)")
            jobs = daily_jobs(today, options.job_timeout)
        if not options.skip_memory:
            log("\n== memory of one statistics request (city justice bureau, whole year; child process)")
            memory = memory_probe(env, timeout=min(options.job_timeout, 300))
            log(f"   {json.dumps(memory)}")

        print_table(rows, bare_runs)
        if jobs:
            log("\n== daily jobs (target: seconds each over the whole city)")
            for label, seconds, statements, outcome in jobs:
                log(f"   {label:56} {seconds:8.1f} s {statements:>9,} statements   {outcome}")
        if memory:
            log("\n== statistics memory (target: under 100 MB; tracemalloc peak of Python allocations)")
            for path, figures in memory.items():
                if isinstance(figures, dict):
                    log(f"   {path:24} {figures['seconds']:.2f} s, peak {figures['peak_mb']:.1f} MB, RSS growth "
                        f"{figures['rss_growth_mb']:.1f} MB (HTTP {figures['status']})")
                else:
                    log(f"   {path}: {figures}")
        log(textwrap.dedent(f"""
            targets (issue 8): filing p99 < 50 ms and >= 0.25x the bare view; list pages and API lists >= 0.3x;
            statistics and dashboards < 300 ms for the city's year and < 100 MB; search p99 < 50 ms; daily jobs in
            seconds. {options.connections} connections, {options.threads} wrk threads, {duration:g} s per run,
            load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs."""))
    finally:
        stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
