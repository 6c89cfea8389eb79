"""Benchmark of the whitelist proposal job (``credit.whitelist.whitelist_propose``) over the city.

On a copy of the city database (``bench/city.py``: 930,000 enterprises with credit profiles, 61,635 of them
whitelisted, 12,690 serious findings), set-based, before timing:

1. the grade history: one ``credit_china_sd`` grade per profile (its current grade, valid from a day of the
   last two years), one INSERT ... SELECT, ON CONFLICT DO NOTHING;
2. the credit events: a serious finding for every serious finding of the city (its record's day), and an
   upheld complaint for 1 % of the enterprises (by id), each one INSERT ... SELECT;
3. 1 % of the enterprises regraded B by the market regulator in the last 7 days (the refresh's work);
4. the candidates a previous run proposed are removed (and their bureaus' notices), so the first run below
   does the whole city's work.

Then it times the daily task's two steps twice (first run: every candidate; rerun: nobody) and counts their
statements: the grades that came into force or lapsed in the last 7 days derived again
(``credit_grades_refresh_due``; the set-up's grades start on one of 700 days, so 1 % are due), then the
proposal::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_city .venv/bin/python bench/whitelist_city.py

The database must be PostgreSQL and its name must contain "city" (it is written to)."""
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from credit.grades import credit_grades_refresh_due  # noqa: E402
from credit.whitelist import whitelist_propose  # noqa: E402


def sql(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def main() -> None:
    if connection.vendor != "postgresql" or "city" not in connection.settings_dict["NAME"]:
        sys.exit("needs a PostgreSQL copy of the city database (its name containing 'city')")
    today = timezone.localdate()
    started = time.monotonic()
    grades = sql("""
        INSERT INTO credit_creditgrade (enterprise_id, grade, source, valid_from, valid_to, note, recorded_at)
        SELECT enterprise_id, grade, 'credit_china_sd', %s::date - (enterprise_id %% 700)::int, NULL, '', now()
        FROM credit_creditprofile ON CONFLICT DO NOTHING""", [today])
    findings = sql("""
        INSERT INTO credit_creditevent (enterprise_id, kind, occurred_on, source_ref, created_at)
        SELECT t.enterprise_id, 'serious_finding', t.visit_date, 'finding:' || f.id, now()
        FROM inspections_finding f JOIN inspections_inspectionrecord r ON r.id = f.record_id
        JOIN plans_jointtask t ON t.id = r.task_id
        WHERE f.severity = 'serious' ON CONFLICT DO NOTHING""")
    complaints = sql("""
        INSERT INTO credit_creditevent (enterprise_id, kind, occurred_on, source_ref, created_at)
        SELECT id, 'complaint_upheld', %s::date - (id %% 500)::int, 'bench-complaint:' || id, now()
        FROM enterprises_enterprise WHERE id %% 100 = 7 ON CONFLICT DO NOTHING""", [today])
    # 1 % of the city regraded B by the market regulator this week (9,300; the grade-A ones among them fall,
    # and a listed one leaves the whitelist): the daily refresh's work.
    regraded = sql("""
        INSERT INTO credit_creditgrade (enterprise_id, grade, source, valid_from, valid_to, note, recorded_at)
        SELECT enterprise_id, 'B', 'market_classification', %s::date - (enterprise_id %% 7)::int, NULL, '', now()
        FROM credit_creditprofile WHERE enterprise_id %% 100 = 3 ON CONFLICT DO NOTHING""", [today])
    removed = sql("DELETE FROM credit_whitelistentry WHERE status = 'proposed'")
    # and their bureaus' notices (a prefix range of the unique key's index), so the run tells them again
    sql("DELETE FROM notifications_notification WHERE dedupe_key >= 'whitelist-candidate:' "
        "AND dedupe_key < 'whitelist-candidate;'")
    sql("ANALYZE credit_creditgrade; ANALYZE credit_creditevent; ANALYZE credit_whitelistentry")
    print(f"set-up: {grades:,} grades, {regraded:,} regraded B this week, {findings:,} serious findings, "
          f"{complaints:,} upheld complaints logged, "
          f"{removed:,} earlier candidates removed in {time.monotonic() - started:.1f} s")

    for label in ("first run", "rerun"):
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            changed = credit_grades_refresh_due(today=today)
            seconds = time.monotonic() - started
        print(f"grades due, {label}: {changed:,} current grades changed in {seconds:.1f} s, {len(queries)} statements")

        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            proposed = whitelist_propose(today=today)
            seconds = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM notifications_notification WHERE dedupe_key >= "
                           "'whitelist-candidate:' AND dedupe_key < 'whitelist-candidate;' AND read_at IS NULL")
            told = cursor.fetchone()[0]
        print(f"{label}: {proposed:,} candidates proposed in {seconds:.1f} s, {len(queries)} statements; "
              f"{told:,} candidate notices unread")


if __name__ == "__main__":
    main()
