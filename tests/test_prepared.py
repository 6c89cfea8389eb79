"""``yantai_inspect.prepared``: a statement compiled once, with its sentinel values, answers for any values as the
queryset compiled each time would."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory
from yantai_inspect import prepared as p

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    p.forget()
    yield
    p.forget()


def agencies_from(*, first_id: int, day: dt.date):
    del day
    return Agency.objects.filter(pk__gte=first_id).select_related("department").order_by("pk")


def test_a_prepared_queryset_binds_other_values_into_the_same_sql():
    agencies = AgencyFactory.create_batch(3)
    calls = []

    def build(**values):
        calls.append(values)
        return agencies_from(**values)

    for agency in agencies:
        bind = p.prepared_queryset("t.agencies", Agency, build, first_id=p.SENTINEL_ID, day=p.SENTINEL_DAY)
        with CaptureQueriesContext(connection) as queries:
            rows = list(bind(first_id=agency.pk, day=dt.date(2026, 12, 1)))
        assert rows == list(agencies_from(first_id=agency.pk, day=dt.date(2026, 12, 1)))
        assert rows[0].department.pk == agency.department_id and len(queries) == 1  # select_related kept
    assert calls == [{"first_id": p.SENTINEL_ID, "day": p.SENTINEL_DAY}]  # built once


def test_a_prepared_statement_binds_by_name_and_keeps_constants():
    def build(*, first_id, today, horizon):
        return "SELECT %s, %s, %s, %s", [first_id, 7, today, horizon]

    bind = p.prepared(
        "t.sql", build, first_id=p.SENTINEL_ID, today=p.SENTINEL_DAY, horizon=p.SENTINEL_DAY + dt.timedelta(3)
    )
    sql, params = bind(first_id=5, today=dt.date(2026, 1, 1), horizon=dt.date(2026, 1, 4))
    assert (sql, params) == ("SELECT %s, %s, %s, %s", [5, 7, dt.date(2026, 1, 1), dt.date(2026, 1, 4)])


def test_sentinels_that_coincide_are_not_cached():
    """A derived sentinel equal to another (a zero-day horizon) cannot tell its parameters apart."""
    built = []

    def build(*, today, horizon):
        built.append(today)
        return "SELECT %s, %s", [today, horizon]

    for day in (dt.date(2026, 1, 1), dt.date(2026, 1, 2)):
        bind = p.prepared("t.same", build, today=p.SENTINEL_DAY, horizon=p.SENTINEL_DAY)
        assert bind(today=day, horizon=day) == ("SELECT %s, %s", [day, day])
    assert built == [p.SENTINEL_DAY, dt.date(2026, 1, 1), p.SENTINEL_DAY, dt.date(2026, 1, 2)]
