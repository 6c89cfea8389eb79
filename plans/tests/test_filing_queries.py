"""Filing reads what it needs once: ``POST /api/v1/plans/`` runs the same number of statements whatever the
enterprise already has (earlier visits for the first-inspection pop-up, live plans and visits to come)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from enterprises.tests.factories import EnterpriseFactory
from plans.models import JointTask, Plan
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db

# Authentication aside (force_authenticate): the enterprise (access, row lock), the matters, the enterprise's
# plans, visits and busy periods, the plan with its matters and officers, the audit entry, the plan's visit,
# then the visits' counts, the statistics' dirty log (the visit's division and day, plans.statistics), the
# participation rows (plans.participation) and the visits due for fixing; then the response's earlier visits
# (with their plans, matters and findings: the plan's matters are the service's). SQLite adds two savepoint
# statements in a test's transaction. The yearly caps add two (plans.caps: the caps in force for the agency
# and grade, the year's visits counted), recusal one (plans.recusal: the named officers' conflicts with the
# enterprise). On PostgreSQL the plan and its links are one statement, and the refresh after the matching is
# one (plans.matching.open_visits_refresh): 26 statements before issue 8's third pass; elsewhere the plan's
# links take two more statements and the refresh four more. The audit chain adds one: the chain head's row lock,
# which reads the previous hash (audit.chain.lock_head).
FILING_STATEMENTS = 20 if connection.vendor == "postgresql" else 26


def history(city, enterprise, n: int) -> None:
    """``n`` earlier visits carried out (a plan of the ecology bureau each) and ``n`` live plans of the
    emergency bureau, each on a visit of its own to come (windows ten days apart)."""
    for i in range(n):
        task = JointTask.objects.create(
            enterprise=enterprise,
            visit_date=days(-30 - i),
            status=JointTask.Status.DONE,
            fixed=True,
            lead_agency=city.ecology,
            n_plans=1,
            n_agencies=1,
        )
        plan = Plan.objects.create(
            agency=city.ecology,
            filed_by=city.ecology_officer,
            enterprise=enterprise,
            window_start=task.visit_date,
            window_end=task.visit_date,
            filed_on=days(-40 - i),
            status=Plan.Status.DONE,
            joint_task=task,
        )
        plan.matters.add(city.ecology_matter)
        plan.officers.add(city.ecology_officer)
    for i in range(n):
        plan_file(
            actor=city.emergency_officer,
            enterprise=enterprise,
            matters=[city.emergency_matter],
            window_start=days(10 + 10 * i),
            window_end=days(14 + 10 * i),
        )


def filing_statements(city, n: int) -> list[dict]:
    enterprise = EnterpriseFactory()
    history(city, enterprise, n)
    api = APIClient()
    api.force_authenticate(city.market_officer)
    body = {
        "enterprise": enterprise.uscc,
        "matters": [city.market_matter.code],
        "window_start": days(9).isoformat(),
        "window_end": days(15).isoformat(),
    }
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/plans/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["earlier_records"]) == n
    # It joins the first visit of the emergency bureau's plans.
    first = Plan.objects.filter(enterprise=enterprise, agency=city.emergency).order_by("window_start").first()
    assert data["joint_task"] == first.joint_task_id
    assert data["plan"]["visit_date"] == JointTask.objects.get(pk=first.joint_task_id).visit_date.isoformat()
    return queries.captured_queries


def test_filing_runs_a_fixed_number_of_statements_whatever_the_enterprise_has(city, frozen):
    """Fails on the old code: 30 statements with one earlier visit and live plan, 34 with five (each earlier
    visit read its record apart), the enterprise and busy periods read twice, the plan read again."""
    from credit.policy import cap_policy_set

    # Caps in force (high enough for the history): the filing counts the enterprise's visits of the year.
    rules = [{"scope": scope, "agency": None, "tier": "B", "limit": 50} for scope in ("agency", "combined")]
    cap_policy_set(actor=None, effective_from=days(-1), rules=rules, today=days(-1))
    small, large = filing_statements(city, 1), filing_statements(city, 5)
    assert len(small) == len(large), [q["sql"][:80] for q in large]
    assert len(small) <= FILING_STATEMENTS, [q["sql"][:80] for q in small]


# A filing with no visit to join (the enterprise has no plan; most of the load test's): the statements above with
# no earlier visit to read, the new visit's INSERT and, on PostgreSQL, the plan's assignment to it in the same
# statement (plans.matching._visit_insert_assigning: 18 before issue 8's fourth pass), apart elsewhere.
FRESH_FILING_STATEMENTS = 17 if connection.vendor == "postgresql" else 24


def test_a_filing_on_a_fresh_enterprise_creates_its_visit_and_assigns_the_plan_in_one_statement(city, frozen):
    """Fails on the old code on PostgreSQL: the visit's INSERT, then the plan's UPDATE."""
    from credit.policy import cap_policy_set

    rules = [{"scope": scope, "agency": None, "tier": "B", "limit": 50} for scope in ("agency", "combined")]
    cap_policy_set(actor=None, effective_from=days(-1), rules=rules, today=days(-1))
    enterprise = EnterpriseFactory()
    api = APIClient()
    api.force_authenticate(city.market_officer)
    body = {"enterprise": enterprise.uscc, "matters": [city.market_matter.code],
            "window_start": days(9).isoformat(), "window_end": days(15).isoformat()}
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/plans/", body, format="json")
    assert response.status_code == 201, response.json()
    plan = Plan.objects.select_related("joint_task").get(pk=response.json()["id"])
    assert plan.joint_task_id == response.json()["joint_task"] and plan.joint_task.enterprise_id == enterprise.pk
    assert (plan.joint_task.n_plans, plan.joint_task.n_agencies) == (1, 1)  # the refresh saw the assignment
    assert response.json()["visit_date"] == plan.joint_task.visit_date.isoformat()
    assert len(queries) <= FRESH_FILING_STATEMENTS, [q["sql"][:80] for q in queries]
