"""Who takes part in which visit (``Participation``), kept equal to the plans.

An agency takes part in a visit when one of its plans is on it (``Plan.joint_task``), whatever the plan's
status: a plan carried out or not carried out still shows the visit in its agency's lists; a withdrawn plan
leaves it (withdrawal clears ``joint_task``). A plan changes visit, and a visit changes date, only while the
visit is open (scheduled or fixed): the scheduler's writes (``plans.matching.enterprise_reschedule``, a
rematch batch) and the green channel refresh the rows of the visits they touched, set-based, in their
transaction. ``tests/test_participation_recount.py`` checks the table against a recount.
"""

from django.db import connection
from django.db.models import Exists, OuterRef

from .models import JointTask, Participation, Plan


def participation_rows(tasks):
    """(agency, visit, visit date) for each agency with a plan on a visit of the queryset ``tasks``."""
    return (
        Plan.objects.filter(joint_task__in=tasks)
        .order_by()
        .values_list("agency_id", "joint_task_id", "joint_task__visit_date")
        .distinct()
    )


def participation_refresh(tasks) -> None:
    """Rewrite the participation rows of the visits of the queryset ``tasks`` from their plans: two statements
    (a DELETE and an INSERT … SELECT), whatever the number of visits."""
    tasks = tasks.order_by().values("pk")
    Participation.objects.filter(joint_task__in=tasks).delete()  # a fast delete: nothing depends on the rows
    sql, params = participation_rows(tasks).query.sql_with_params()
    table = connection.ops.quote_name(Participation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (agency_id, joint_task_id, visit_date) {sql}", params)


def participation_refresh_ctes(tasks) -> tuple[list[str], list]:
    """``participation_refresh`` as two data-modifying CTEs for one larger PostgreSQL statement
    (``plans.matching.open_visits_refresh``): delete the rows of the visits of ``tasks`` whose agency has no plan on
    the visit any more, and insert the others or move them to the visit's date. The two touch different
    (visit, agency) pairs, so they may run in either order within the statement; every read sees the
    statement's snapshot, the rows before it. Returns the CTE bodies (to be named by the caller) and their
    parameters."""
    table = connection.ops.quote_name(Participation._meta.db_table)
    rows_sql, rows_params = participation_rows(tasks).query.sql_with_params()
    on_plan = Plan.objects.filter(joint_task_id=OuterRef("joint_task_id"), agency_id=OuterRef("agency_id"))
    stale = (
        Participation.objects.filter(joint_task__in=tasks.order_by().values("pk")).exclude(Exists(on_plan)).values("pk")
    )
    stale_sql, stale_params = stale.query.sql_with_params()
    delete = f"DELETE FROM {table} WHERE id IN ({stale_sql})"  # noqa: S608 (the ORM's SQL, its parameters apart)
    upsert = (
        f"INSERT INTO {table} (agency_id, joint_task_id, visit_date) {rows_sql} "
        f"ON CONFLICT (joint_task_id, agency_id) DO UPDATE SET visit_date = EXCLUDED.visit_date "
        f"WHERE {table}.visit_date <> EXCLUDED.visit_date"
    )
    return [delete, upsert], [*stale_params, *rows_params]


def participation_recount() -> set[tuple[int, int, object]]:
    """Every row the table should hold, from the plans (for the tests and a manual check)."""
    return set(participation_rows(JointTask.objects.all()))
