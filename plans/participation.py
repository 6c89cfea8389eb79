"""Who takes part in which visit (``Participation``), kept equal to the plans.

An agency takes part in a visit when one of its plans is on it (``Plan.joint_task``), whatever the plan's
status: a plan carried out or not carried out still shows the visit in its agency's lists; a withdrawn plan
leaves it (withdrawal clears ``joint_task``). A plan changes visit, and a visit changes date, only while the
visit is open (scheduled or fixed): the scheduler's writes (``plans.matching.enterprise_reschedule``, a
rematch batch) and the green channel refresh the rows of the visits they touched, set-based, in their
transaction. ``tests/test_participation_recount.py`` checks the table against a recount.
"""

from django.db import connection

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


def participation_recount() -> set[tuple[int, int, object]]:
    """Every row the table should hold, from the plans (for the tests and a manual check)."""
    return set(participation_rows(JointTask.objects.all()))
