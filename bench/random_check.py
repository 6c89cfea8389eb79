"""Benchmark of a random-check campaign (双随机、一公开) over a district of the city data set.

Prints the population, the time and the number of SQL statements of the snapshot and commitment
(``plans.campaigns.campaign_create``) and of the draw (``campaign_draw``: the replay and the bulk INSERT of
the drawn enterprises), the drawn share of each grade against the policy, the time of a public replay
(``campaign_verify``), and the filing of the first ``--file`` drawn plans through ``plan_file``. Run it on a
copy of the city (it writes a campaign and plans):

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE NAME_city TEMPLATE yantai_bench_city STRATEGY FILE_COPY"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_city .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_city .venv/bin/python bench/random_check.py \\
        --agency 370685-agriculture --file 200
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agency", required=True, help="the code of a district agency (its district is drawn)")
    parser.add_argument("--file", type=int, default=200, help="drawn plans to file and time")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Agency, User, certified_officers_q
    from catalogue.models import Matter
    from plans.campaigns import campaign_create, campaign_draw, campaign_file_plans, campaign_verify
    from plans.draw import replay

    agency = Agency.objects.get(code=args.agency)
    actor = User.objects.filter(certified_officers_q(on=timezone.localdate()), agency=agency).order_by("pk").first()
    matter = Matter.objects.filter(department_id=agency.department_id, active=True,
                                  remote_checkable=False).first()  # a visit, not a remote check
    today = timezone.localdate()
    print(f"database {connection.settings_dict['NAME']}, agency {agency.code} ({agency.division}), today {today}")

    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        campaign = campaign_create(actor=actor, name="bench", matters=[matter], division=agency.division,
                                   window_start=today + dt.timedelta(days=10),
                                   window_end=today + dt.timedelta(days=40))
        create_s = time.perf_counter() - t
    print(f"snapshot + commitment: {campaign.population_size:,} enterprises, {len(campaign.snapshot):,} bytes, "
          f"{create_s:.2f} s, {len(q)} statements")
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        campaign = campaign_draw(actor=actor, campaign=campaign)
        draw_s = time.perf_counter() - t
    print(f"draw: {campaign.drawn_count:,} drawn, {draw_s:.2f} s, {len(q)} statements")

    import json

    document = json.loads(campaign.snapshot)
    population = Counter(grade for _code, grade in document["enterprises"])
    drawn = Counter(d.grade for d in campaign.draws.all())
    for grade in sorted(population):
        rate = float(document["rates"][grade])
        n = population[grade]
        sigma = (n * rate * (1 - rate)) ** 0.5
        print(f"  grade {grade}: {drawn[grade]:,} of {n:,} ({drawn[grade] / n:.2%}; policy {rate:.0%}, "
              f"expected {n * rate:,.0f} ± {sigma:,.0f})")
    t = time.perf_counter()
    verification = campaign_verify(campaign)
    print(f"public replay: {time.perf_counter() - t:.2f} s, matches stored: {verification.matches_stored}, "
          f"seed matches: {verification.seed_matches}")
    t = time.perf_counter()
    replay(seed=campaign.seed, snapshot=campaign.snapshot)
    print(f"  of which the pure replay: {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    done = campaign_file_plans(campaign=campaign, limit=args.file)
    elapsed = time.perf_counter() - t
    failed = campaign.draws.filter(filing_done=True, plan__isnull=True).exclude(failure="")
    print(f"filing: {done} drawn plans in {elapsed:.2f} s ({elapsed / max(done, 1) * 1000:.0f} ms a plan), "
          f"{failed.count()} refused; e.g. {list(failed.values_list('failure', flat=True)[:2])}")


if __name__ == "__main__":
    main()
