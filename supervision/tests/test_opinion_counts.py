"""``supervision.selectors.opinion_counts``: every figure equals a count recomputed from the rows of a
generated set of opinions, in a fixed number of queries."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.models import Opinion
from supervision.selectors import opinion_counts

pytestmark = pytest.mark.django_db

KINDS = Opinion.Kind.values
STATUSES = Opinion.Status.values


def generate(scene, n, seed=7):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        agency = rng.choice([scene.market, scene.ecology])
        status = rng.choice(STATUSES)
        rows.append(Opinion(
            kind=rng.choice(KINDS), subject="plan", plan=scene.plan, agency=agency,
            justice_bureau=rng.choice([scene.justice_bureau, scene.fushan_bureau]), text="x",
            issued_by=scene.justice, issued_on=dt.date(2026, rng.randint(1, 12), 1), due_workdays=10,
            due_on=dt.date(2026, 12, 31), status=status,
            overdue_since=dt.date(2026, 12, 1) if rng.random() < 0.3 else None,
        ))
    return Opinion.objects.bulk_create(rows)


def recount(rows, keep):
    total, overdue, late = Counter(), Counter(), Counter()
    for o in rows:
        if not keep(o):
            continue
        key = (o.agency_id, o.kind, o.status)
        total[key] += 1
        late[key] += o.overdue_since is not None
        overdue[key] += o.overdue_since is not None and o.status in Opinion.AWAITING_ANSWER
    return {k: (total[k], overdue[k], late[k]) for k in total}


def as_dict(counts):
    return {(c["agency_id"], c["kind"], c["status"]): (c["count"], c["overdue"], c["late"]) for c in counts}


def test_the_counts_equal_a_recount_of_the_rows(scene):
    rows = generate(scene, 200)
    assert as_dict(opinion_counts()) == recount(rows, lambda o: True)
    assert as_dict(opinion_counts(justice_bureau=scene.justice_bureau)) == recount(
        rows, lambda o: o.justice_bureau_id == scene.justice_bureau.pk)
    assert as_dict(opinion_counts(agency=scene.ecology)) == recount(rows, lambda o: o.agency_id == scene.ecology.pk)
    since, until = dt.date(2026, 4, 1), dt.date(2026, 8, 31)
    assert as_dict(opinion_counts(issued_from=since, issued_until=until)) == recount(
        rows, lambda o: since <= o.issued_on <= until)


def test_the_shape_is_documented(scene):
    generate(scene, 5)
    row = opinion_counts()[0]
    assert set(row) == {"agency_id", "agency_name", "agency_division", "kind", "status", "count", "overdue", "late"}


@pytest.mark.parametrize("n", [3, 60])
def test_the_counts_take_one_query(scene, n):
    generate(scene, n)
    with CaptureQueriesContext(connection) as queries:
        opinion_counts(justice_bureau=scene.justice_bureau)
    assert len(queries) == 1
