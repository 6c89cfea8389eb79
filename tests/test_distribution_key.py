"""The enterprise is the natural distribution key of the workflow (docs/performance.md, "Growth past one
machine"): every visit, plan, record, finding and complaint belongs to one enterprise, so a distributed
PostgreSQL (Citus) can shard the workflow tables by ``enterprise_id`` and keep each enterprise's rows on
one node, where filing, matching and the on-site work run as single-node transactions.

Each workflow table carries ``enterprise`` itself, or is reached from one that does through foreign keys
named here. The named ones are the exceptions a sharded deployment would give an ``enterprise_id`` column
of their own (denormalised, set by their writers) before distributing them; a new workflow model fails
this test until it carries the enterprise or is named with its path."""

import pytest
from django.apps import apps

from enterprises.models import Enterprise

WORKFLOW_APPS = ("credit", "plans", "inspections", "complaints")

# model -> the foreign-key paths that lead to a model carrying the enterprise (any one of them, when the
# model hangs off one of several parents)
REACHED = {
    "plans.plan_officers": ["plan"],
    "plans.plan_matters": ["plan"],
    "plans.invitation": ["lead_plan"],
    "plans.participation": ["joint_task"],
    "inspections.checkin": ["task"],
    "inspections.inspectionrecord": ["task"],
    "inspections.recorditem": ["record__task"],
    "inspections.signature": ["record__task"],
    "inspections.rectification": ["finding"],
    "inspections.photo": ["item__record__task", "rectification__finding"],
    "plans.remoteevidence": ["remote_check"],
    "complaints.complaintphoto": ["complaint"],
    "complaints.complaintstep": ["complaint"],
    "complaints.servicerequestreroute": ["request"],
    "inspections.objection": ["finding", "record__task"],
}

# Rollups over many enterprises, keyed by division and day rather than by one enterprise: a sharded
# deployment keeps them on the coordinator (or distributes them by division); their writers recompute them
# from the sharded plans.
ROLLUPS = {
    "plans.statisticscell",
    "plans.statisticsdirty",
}
# The month grain, derived from the day cells on the same node (keyed by division and month).
MONTH_ROLLUPS = {"plans.statisticsmonthcell"}
# The (agency, month) grain, derived from the month cells of every division: one row per agency and month
# (12,639 for the city's year), kept on the coordinator beside the agencies it is keyed by.
AGENCY_ROLLUPS = {"plans.statisticsagencymonth"}

# Policy and campaign tables: a few rows per agency, read by the filing and the draw on every shard, about
# no single enterprise (a campaign's drawn enterprises are rows of plans.randomcheckdraw, which carries the
# enterprise). A sharded deployment keeps them as reference tables replicated to every node.
# The same for what must be one sequence or one set across all enterprises, kept on the coordinator: an
# agency's papers' numbers per year (gap-free), the prefixes they use, the hotline's update ids (replays are
# refused whatever complaint an update names).
REFERENCE = {
    "inspections.papercounter",
    "inspections.agencypaperprefix",
    "complaints.hotlineinbound",
    "credit.cappolicy",
    "credit.caprule",
    "credit.samplingrate",
    "plans.randomcheckcampaign",
    "plans.randomcheckcampaign_matters",
    # 年度检查计划 and 专项检查: an agency's announced plans, campaigns and quotas, about no single enterprise
    "plans.yearlyplan",
    "plans.yearlyplanline",
    "plans.yearlyplanreminder",
    "plans.specialcampaign",
    "plans.specialcampaign_matters",
    "plans.specialquota",
    # where each department's service requests go, per division (data edited in the admin)
    "complaints.serviceroute",
    # an uploaded file of grades for many enterprises and its run (the grades it writes carry the enterprise)
    "credit.creditgradeimport",
}


def workflow_models():
    for label in WORKFLOW_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def carries_enterprise(model) -> bool:
    return any(
        (field.many_to_one or field.one_to_one) and field.related_model is Enterprise and not field.null
        for field in model._meta.concrete_fields
    )


def follow(model, path: str):
    for name in path.split("__"):
        field = model._meta.get_field(name)
        assert field.concrete and (field.many_to_one or field.one_to_one), f"{model._meta.label_lower}.{name}"
        model = field.related_model
    return model


def test_every_workflow_table_carries_the_enterprise_or_is_named_with_its_path():
    without = (
        {m._meta.label_lower for m in workflow_models() if not carries_enterprise(m)}
        - ROLLUPS - MONTH_ROLLUPS - AGENCY_ROLLUPS - REFERENCE
    )
    assert without == set(REACHED), "name the path to the enterprise of each (or give it an enterprise column)"


@pytest.mark.parametrize("label", sorted(ROLLUPS))
def test_each_rollup_is_keyed_by_division_and_day(label):
    names = {field.name for field in apps.get_model(label)._meta.concrete_fields}
    assert {"division", "day"} <= names, label


@pytest.mark.parametrize("label", sorted(MONTH_ROLLUPS))
def test_each_month_rollup_is_keyed_by_division_and_month(label):
    names = {field.name for field in apps.get_model(label)._meta.concrete_fields}
    assert {"division", "month"} <= names, label


@pytest.mark.parametrize("label", sorted(AGENCY_ROLLUPS))
def test_each_agency_rollup_is_keyed_by_agency_and_month(label):
    names = {field.name for field in apps.get_model(label)._meta.concrete_fields}
    assert {"agency", "month"} <= names and "division" not in names, label


@pytest.mark.parametrize("label", sorted(REACHED))
def test_each_named_table_reaches_one_that_carries_the_enterprise(label):
    model = apps.get_model(label)
    for path in REACHED[label]:
        assert carries_enterprise(follow(model, path)), f"{label} via {path}"
