"""The login-flood measurement of issue 13, repeatable: do wrong passwords slow down everyone else?

Starts the platform under gunicorn (4 workers of 4 threads as the Dockerfile runs it, or ``--worker-threads 1``
for sync workers; production settings, the real PBKDF2 hasher) on 127.0.0.1 only, with one user who keeps
making authenticated API requests, and measures that user's latency:

1. quiet: no flood;
2. flood, lockout off (AXES_FAILURE_LIMIT=10**9): --threads anonymous threads send wrong passwords to
   POST /api/v1/auth/token/ for --seconds; every one of them is hashed (this is the 160x of the issue);
3. flood, lockout on (the settings' defaults): the same flood; after AXES_FAILURE_LIMIT failures from the
   address it is refused before any hash, by ``accounts.lockout.LoginGate`` in front of Django;
4. the same with Django alone (``yantai_inspect.wsgi:django_application``): refused by the middleware inside.

Each phase also reports the CPU seconds the server's processes and this process (probe and flood threads)
used: on one machine the flood's own client takes CPU from the server, which a real attacker's would not.

Bounded: --seconds per phase (default 15, at most 120), --threads (default 8, at most 32), localhost only.
Needs a database it may write to (migrated here): --database-url, default a fresh SQLite file in a temporary
directory (PostgreSQL is closer to production: e.g. postgres://postgres@127.0.0.1:5432/trust_flood).

    .venv/bin/python bench/login_flood.py --database-url postgres://postgres@127.0.0.1:5432/trust_flood
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PYTHON = BASE_DIR / ".venv" / "bin" / "python"
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
SECRET_KEY = "login-flood-bench-" + secrets.token_urlsafe(32)
PROBE = "/api/v1/auth/devices/"  # an authenticated request: the token's query and one more


def child_env(database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({
        "DJANGO_ENV": "production", "DEBUG": "False", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url, "SITE_URL": f"http://{HOST}", "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "yantai_inspect.settings", "PYTHONPATH": str(BASE_DIR),
        # a generous per-user API rate: the probe user must not be throttled by its own measurement
        "API_THROTTLE_USER": "100000/min", "API_THROTTLE_ANON": "100000/min",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


SETUP = """
from accounts.models import User
from accounts.tokens import api_token_issue
from axes.models import AccessAttempt
AccessAttempt.objects.all().delete()
user, _ = User.objects.get_or_create(username="flood_probe", defaults={"role": "enterprise"})
user.set_password("Flood-probe-2026-" + "x" * 8)
user.save()
print("KEY=" + api_token_issue(user=user, device="flood-probe")[1])
"""


def manage(env, *args, stdin=None) -> str:
    result = subprocess.run([str(PYTHON), "manage.py", *args], cwd=BASE_DIR, env=env, input=stdin,
                            capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


WORKER_THREADS = 4  # --worker-threads: as the Dockerfile runs (gthread, 4 each); 1 = gunicorn's sync workers


def start_server(env, port: int, app: str = "yantai_inspect.wsgi") -> subprocess.Popen:
    threads = ["-k", "gthread", "--threads", str(WORKER_THREADS)] if WORKER_THREADS > 1 else []
    process = subprocess.Popen([str(GUNICORN), app, "-b", f"{HOST}:{port}", "-w", "4", *threads,
                                "--timeout", "300", "--graceful-timeout", "5"], cwd=BASE_DIR, env=env,
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return process
        if process.poll() is not None:
            sys.exit("gunicorn exited at start")
        time.sleep(0.5)
    stop_server(process)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def probe(port: int, key: str, stop: threading.Event, latencies: list, statuses: dict) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.request("GET", PROBE, headers={"Authorization": f"Token {key}"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=120)
            status = "error"
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        time.sleep(0.05)  # a person's app, not a load generator


def flood(port: int, stop: threading.Event, statuses: dict, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    n = 0
    while not stop.is_set():
        n += 1
        body = json.dumps({"username": f"guess{threading.get_ident() % 1000}-{n}", "password": "wrong-password"})
        try:
            connection.request("POST", "/api/v1/auth/token/", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=120)
            status = "error"
        with lock:
            statuses[status] = statuses.get(status, 0) + 1


def cpu_seconds(pids) -> float:
    """User and system CPU of these processes so far (Linux /proc; clock ticks)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    with contextlib.suppress(OSError):
        return [server.pid, *map(int, children.read_text().split())]
    return [server.pid]


def phase(port: int, key: str, *, seconds: float, threads: int, server=None) -> dict:
    """Where the time goes: the probe's latency, and the CPU the server's workers and this process (the probe and
    the flood's threads, which share the machine in this measurement only) used in the phase."""
    pids = server_pids(server) if server else []
    server_cpu, own_cpu = cpu_seconds(pids), sum(os.times()[:2])
    stop, lock = threading.Event(), threading.Lock()
    latencies, probe_statuses, flood_statuses = [], {}, {}
    workers = [threading.Thread(target=probe, args=(port, key, stop, latencies, probe_statuses))]
    workers += [threading.Thread(target=flood, args=(port, stop, flood_statuses, lock)) for _n in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    ordered = sorted(latencies)
    server_cpu, own_cpu = cpu_seconds(pids) - server_cpu, sum(os.times()[:2]) - own_cpu
    return {
        "server_cpu_s": round(server_cpu, 1),
        "client_cpu_s": round(own_cpu, 1),
        "probe_requests": len(ordered),
        "probe_median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "probe_p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if ordered else None,
        "probe_statuses": probe_statuses,
        "flood_requests_per_s": round(sum(flood_statuses.values()) / seconds, 1),
        "flood_statuses": flood_statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database this may migrate and write to (default: temp SQLite)")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--worker-threads", type=int, default=4,
                        help="threads per gunicorn worker (default 4, gthread, as the Dockerfile runs; 1: sync)")
    parser.add_argument("--phases", default="quiet,off,on,nogate", help="which phases, comma-separated")
    options = parser.parse_args()
    global WORKER_THREADS
    WORKER_THREADS = min(max(options.worker_threads, 1), 32)
    wanted = set(options.phases.split(","))
    seconds, threads = min(max(options.seconds, 3), 120), min(max(options.threads, 1), 32)
    tmp = tempfile.TemporaryDirectory(prefix="login-flood-")
    database_url = options.database_url or f"sqlite:///{tmp.name}/flood.sqlite3"
    print(f"database {database_url.split('@')[-1]}; {threads} flood threads; {seconds:g} s per phase; "
          f"gunicorn -w 4 ({WORKER_THREADS} thread(s) each) on {HOST}:{options.port}", flush=True)
    base_env = child_env(database_url)
    manage(base_env, "migrate", "--noinput", "-v0")
    results = {}
    for code, name, extra, flood_threads, app in [
        ("quiet", "quiet", {}, 0, "yantai_inspect.wsgi"),
        ("off", "flood, lockout off", {"AXES_FAILURE_LIMIT": 10**9}, threads, "yantai_inspect.wsgi"),
        ("on", "flood, lockout on", {}, threads, "yantai_inspect.wsgi"),
        # the same, refused inside Django (LockedAddressMiddleware) instead of before it (LoginGate)
        ("nogate", "flood, on, no gate", {}, threads, "yantai_inspect.wsgi:django_application"),
    ]:
        if code not in wanted:
            continue
        key = manage(base_env, "shell", stdin=SETUP).split("KEY=")[1].strip()
        server = start_server(child_env(database_url, **extra), options.port, app)
        try:
            results[name] = phase(options.port, key, seconds=seconds, threads=flood_threads, server=server)
        finally:
            stop_server(server)
        print(f"{name:20} {json.dumps(results[name], ensure_ascii=False)}", flush=True)
    quiet = results.get("quiet", {}).get("probe_median_ms") or 1
    print("\nauthenticated request, median (p95) and the ratio to quiet:")
    for name, result in results.items():
        print(f"  {name:20} {result['probe_median_ms']:8.1f} ms ({result['probe_p95_ms']:.1f} ms)  "
              f"x{result['probe_median_ms'] / quiet:.1f}   flood {result['flood_requests_per_s']} req/s "
              f"{result['flood_statuses']}  CPU: server {result['server_cpu_s']} s, bench {result['client_cpu_s']} s")
    tmp.cleanup()


if __name__ == "__main__":
    main()
