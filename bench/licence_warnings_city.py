"""Benchmark of the licence-expiry warnings (资质临期预警, ``enterprises.licences``) over a city's licences, and
its exactly-once promise at that size: a crash after the first batch, the rerun, a second rerun.

Runs on a *copy* of the city database (its name ends in ``_city``; the runs commit: licences are claimed and
notifications and audit entries written, as the daily job does):

1. the next day's run as the city has it (the month's licences warned about already, the new day's due);
2. the same run again (nothing to do);
3. the first run over a whole month (the marks of the month's licences cleared first: the day the job is
   switched on, or a month of outage), killed after its first batch by an exception, then rerun, then rerun
   again; afterwards every licence of the month has exactly one warning for its expiry date.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caps_city .venv/bin/python bench/licence_warnings_city.py
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=None)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").endswith("_city"):
        sys.exit("set DATABASE_URL to a copy of the city database (its name ends in _city)")
    os.environ.update({"DJANGO_ENV": "local", "DEBUG": "False", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "yantai_inspect.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enterprises import licences as job
    from enterprises.models import Licence

    today = dt.date.today()
    horizon = today + dt.timedelta(days=settings.LICENCE_WARNING_DAYS)
    batch = options.batch_size or job.WARNING_BATCH_SIZE

    def scalar(sql, *params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def run(label, **patches):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            error = None
            try:
                sent = job.licence_expiry_warnings_send(today=today, batch_size=batch)
            except ConnectionError as exc:
                sent, error = None, exc
            seconds = time.perf_counter() - start
        print(f"| {label} | {sent if sent is not None else 'crashed: ' + str(error)} | {seconds:.2f} | "
              f"{len(queries):,} |")
        return sent

    total = scalar("SELECT count(*) FROM enterprises_licence")
    month = scalar("SELECT count(*) FROM enterprises_licence WHERE valid_to BETWEEN %s AND %s", today, horizon)
    print(f"licences: {total:,}; expiring {today} .. {horizon}: {month:,}; batch size {batch}")
    print("| run | warned | seconds | statements |\n|---|---:|---:|---:|")
    run("next day, as the city has it")
    run("rerun")
    cleared = Licence.objects.filter(valid_to__gte=today, valid_to__lte=horizon).update(expiry_warned_for=None)
    key_like = "licence-expiry:%"
    # Forget the month's warnings too, so that the notification's key (the second guard) does not hide a
    # double claim: what is counted below is what this run sent.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_notification WHERE dedupe_key LIKE %s", [key_like])
    connection.cursor().execute("ANALYZE enterprises_licence")
    print(f"| (month's marks cleared: {cleared:,}) | | | |")
    real, calls = job._warn_all, []
    month_started = scalar("SELECT now()")

    def crash_after_first_batch(licences, regulators):
        calls.append(len(licences))
        if len(calls) == 2:
            raise ConnectionError("worker killed after the first batch")
        return real(licences, regulators)

    with mock.patch.object(job, "_warn_all", side_effect=crash_after_first_batch):
        run("whole month, killed after batch 1")
    run("rerun after the crash")
    run("second rerun")
    # The audit trail is append-only: a licence claimed twice would show two entries for its expiry date.
    audited = scalar(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'licence.expiry_warning' AND created_at >= %s",
        month_started)
    twice = scalar(
        "SELECT count(*) FROM (SELECT object_id FROM audit_auditentry WHERE action = 'licence.expiry_warning' "
        "AND created_at >= %s GROUP BY object_id, details->>'valid_to' HAVING count(*) > 1) d", month_started)
    warned = scalar(
        "SELECT count(*) FROM notifications_notification WHERE dedupe_key LIKE %s AND enterprise_id IS NOT NULL",
        key_like)
    unwarned = scalar(
        "SELECT count(*) FROM enterprises_licence WHERE valid_to BETWEEN %s AND %s "
        "AND expiry_warned_for IS DISTINCT FROM valid_to", today, horizon)
    print(f"month: {month:,} licences; audit entries of the month's runs {audited:,}, licences audited twice "
          f"{twice}; enterprise warnings {warned:,}; licences of the month not marked {unwarned}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM enterprises_licence WHERE valid_to BETWEEN %s AND %s AND NOT "
            "(expiry_warned_for = valid_to AND expiry_warned_for IS NOT NULL) ORDER BY valid_to, id LIMIT 1000 "
            "FOR UPDATE SKIP LOCKED", [today, horizon])
        print("plan of the batch query:\n  " + "\n  ".join(r[0] for r in cursor.fetchall()))


if __name__ == "__main__":
    main()
