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


def agencies_from(*, first_id: int):
    return Agency.objects.filter(pk__gte=first_id).select_related("department").order_by("pk")


def test_a_prepared_queryset_binds_other_values_into_the_same_sql():
    agencies = AgencyFactory.create_batch(3)
    calls = []

    def build(**values):
        calls.append(values)
        return agencies_from(**values)

    for agency in agencies:
        bind = p.prepared_queryset("t.agencies", Agency, build, first_id=p.SENTINEL_ID)
        with CaptureQueriesContext(connection) as queries:
            rows = list(bind(first_id=agency.pk))
        assert rows == list(agencies_from(first_id=agency.pk))
        assert rows[0].department.pk == agency.department_id and len(queries) == 1  # select_related kept
    assert calls == [{"first_id": p.SENTINEL_ID}, {"first_id": p.SENTINEL_ID - 1}]  # built once (twice, to check)


def test_a_day_is_bound_in_the_form_the_backend_gives_it():
    """SQLite passes a date filter's value as an ISO string, PostgreSQL as a date: both are recognised, and a
    day derived from another is bound by its own name."""
    from plans.models import JointTask

    def build(*, day, until):
        assert until == day + dt.timedelta(days=3)
        return JointTask.objects.filter(visit_date__gte=day, visit_date__lte=until)

    sentinels = {"day": p.SENTINEL_DAY, "until": p.SENTINEL_DAY + dt.timedelta(days=3)}
    bind = p.prepared_queryset("t.days", JointTask, build, **sentinels)
    with CaptureQueriesContext(connection) as queries:
        assert list(bind(day=dt.date(2026, 12, 1), until=dt.date(2026, 12, 4))) == []
    assert "2026-12-01" in queries[0]["sql"] and "2026-12-04" in queries[0]["sql"]
    assert "1901" not in queries[0]["sql"] and p._querysets  # prepared


def test_a_derived_value_not_named_is_caught_and_never_sent():
    """``day + 3`` computed inside the statement's build is a sentinel's too, in another form: the second
    compilation shows it moving with the sentinel, so the statement is built with the real values instead."""
    from plans.models import JointTask

    def build(*, day):
        return JointTask.objects.filter(visit_date__gte=day, visit_date__lte=day + dt.timedelta(days=3))

    bind = p.prepared_queryset("t.derived", JointTask, build, day=p.SENTINEL_DAY)
    with CaptureQueriesContext(connection) as queries:
        assert list(bind(day=dt.date(2026, 12, 1))) == []
    assert "2026-12-04" in queries[0]["sql"] and "1901" not in queries[0]["sql"] and not p._querysets


def test_a_sentinel_not_found_among_the_parameters_is_never_sent():
    def build(*, first_id):
        del first_id
        return Agency.objects.filter(pk__gte=0)

    bind = p.prepared_queryset("t.lost", Agency, build, first_id=p.SENTINEL_ID)
    assert list(bind(first_id=1)) == list(Agency.objects.filter(pk__gte=0)) and not p._querysets


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
    assert not p._statements and built[-1] == dt.date(2026, 1, 2)  # built with the real values each time
