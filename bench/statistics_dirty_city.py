"""Benchmark of the statistics' dirty log at city scale: what the rollup costs a filing now that a writer only
logs its (division, day) pairs, the statistics reads with no dirty pair and with ``--dirty`` of them, and the
compaction of that many pairs.

Every write is rolled back (the database name must contain "bench"). Filing: ``plan_file`` on ``--filings``
random enterprises of the officer's district (district officers), each in a rolled-back transaction, once with
``cells_refresh_for_visits`` as it is and once replaced by a no-op, interleaved; the reads: the city justice
bureau's and an officer's ``plan_statistics`` overall and by agency / month (median of ``--repeat``); the
compaction: ``cells_compact`` of the dirty pairs (the busiest division-days first), rolled back:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yantai_bench_stats2 \\
        .venv/bin/python bench/statistics_dirty_city.py --filings 20 --dirty 200
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--filings", type=int, default=20, help="timed filings each way")
    parser.add_argument("--dirty", type=int, default=200, help="dirty (division, day) pairs for the reads")
    options = parser.parse_args()
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a bench database (its name contains 'bench')")
    os.environ.update({"DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "yantai_inspect.settings"
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency, User
    from catalogue.models import Matter
    from enterprises.models import Enterprise
    from plans import statistics as rollup
    from plans.models import JointTask, StatisticsDirty
    from plans.selectors import plan_scope_q
    from plans.services import plan_file
    from yantai_inspect.errors import DomainError

    today = dt.date(2026, 12, 1)
    rng = random.Random(8)
    print(f"load average {os.getloadavg()[0]:.1f}")

    class Rollback(Exception):
        pass

    # -- filing, with and without the log ------------------------------------------------------------------
    officers = list(
        User.objects.filter(role=User.Role.OFFICER, agency__is_justice_bureau=False, is_active=True)
        .select_related("agency")
        .order_by("pk")[:2000]
    )
    matters = {}
    for m in Matter.objects.all():
        matters.setdefault(m.department_id, []).append(m)
    times = {"log": [], "none": []}
    statements = {"log": [], "none": []}
    refused = 0
    with mock.patch.object(rollup, "_compact_soon"):  # nothing enqueued: every filing is rolled back
        while min(len(t) for t in times.values()) < options.filings:
            for way in ("log", "none"):
                officer = rng.choice(officers)
                ids = Enterprise.objects.filter(division=officer.agency.division).values_list("pk", flat=True)
                enterprise_id = ids.order_by("pk")[rng.randint(0, 200)] if ids.exists() else None
                if enterprise_id is None or officer.agency.department_id not in matters:
                    continue
                actor = User.objects.get(pk=officer.pk)
                enterprise = Enterprise.objects.get(pk=enterprise_id)
                start = today + dt.timedelta(days=rng.randint(8, 30))
                patches = (
                    []
                    if way == "log"
                    else [
                        mock.patch("plans.matching.cells_refresh_for_visits"),
                        mock.patch("plans.services.filing.cells_refresh_for_visits"),
                    ]
                )
                for p in patches:
                    p.start()
                try:
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        try:
                            with transaction.atomic():
                                plan_file(
                                    actor=actor,
                                    enterprise=enterprise,
                                    matters=[rng.choice(matters[officer.agency.department_id])],
                                    window_start=start,
                                    window_end=start + dt.timedelta(days=6),
                                    today=today,
                                )
                                ms = (time.perf_counter() - started) * 1000
                                raise Rollback
                        except Rollback:
                            times[way].append(ms)
                            statements[way].append(len(queries))
                        except DomainError:
                            refused += 1
                finally:
                    for p in patches:
                        p.stop()
    for way, label in (("log", "with the dirty log"), ("none", "without the rollup")):
        t = sorted(times[way])
        print(
            f"filing {label:20}: median {statistics.median(t):.1f} ms, p90 {t[int(len(t) * 0.9) - 1]:.1f} ms, "
            f"max {t[-1]:.1f} ms, median {statistics.median(statements[way]):.0f} statements over {len(t)}"
        )
    print(f"   ({refused} refused, not timed; load average {os.getloadavg()[0]:.1f})")

    # -- reads with 0 and with --dirty pairs, and the compaction of them -----------------------------------
    justice = User.objects.filter(role=User.Role.JUSTICE, agency__is_justice_bureau=True)
    city = Agency.objects.filter(is_justice_bureau=True).order_by("division").first()
    justice = justice.filter(agency=city).first()
    officer = officers[0]
    readers = {"city bureau": plan_scope_q(user=justice), "officer": plan_scope_q(user=officer)}
    pairs = list(
        JointTask.objects.filter(visit_date__gte=today - dt.timedelta(days=200))
        .values("division", "visit_date")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("division", "visit_date")[: options.dirty]
    )

    def reads(label):
        for who, scope in readers.items():
            for by in (None, "agency", "month"):
                ts = []
                for _ in range(options.repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        rollup.plan_statistics(scope=scope, by=by)
                        ts.append((time.perf_counter() - started) * 1000)
                print(f"   {label:14} {who:12} by={by!s:7}: {statistics.median(ts):7.1f} ms, {len(queries)} queries")

    print(f"\nstatistics reads (the year), median of {options.repeat}")
    assert not StatisticsDirty.objects.exists(), "the bench database has dirty pairs: compact them first"
    reads("0 dirty")
    with transaction.atomic():
        StatisticsDirty.objects.bulk_create(StatisticsDirty(division=d, day=day) for d, day in pairs)
        reads(f"{len(pairs)} dirty")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            done = rollup.cells_compact()
            ms = (time.perf_counter() - started) * 1000
        print(
            f"\ncompaction of {done} pairs (the busiest division-days of the last 200 days): {ms:.0f} ms, "
            f"{len(queries)} statements (load average {os.getloadavg()[0]:.1f})"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
