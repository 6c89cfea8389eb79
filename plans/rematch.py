"""Re-match every enterprise's unfixed visits, in batches, with the same code as filing.

Needed when the scheduling inputs change for everybody at once: the State Council publishes next year's
holiday calendar (until then, days in that year fall back to Monday-Friday), or the fixing period changes.
Filing re-matches one enterprise under its row lock; this runs the very same ``compute_schedule`` and
``schedule_changes`` for each enterprise of a batch, and writes the batch's changes together
(``writes_flush``), in one transaction per batch with the batch's enterprise rows locked, so it never races a
filing. The inputs of a batch are read in three queries and its writes take a fixed number of statements; an
enterprise whose visits are already optimal costs no write and no audit entry.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise

from .matching import (
    OPEN_STATUSES,
    compute_schedule,
    joint_task_counts_refresh,
    load_states,
    schedule_changes,
    served_plan_ids,
    visit_days,
    visits_changed,
    writes_flush,
)
from .models import JointTask, Plan
from .participation import participation_refresh


def enterprises_with_live_plans():
    return (
        Plan.objects.filter(status__in=Plan.LIVE, urgent=False)
        .values_list("enterprise_id", flat=True)
        .distinct()
        .order_by("enterprise_id")
    )


def rematch_all(*, actor=None, batch_size: int = 2000, today: dt.date | None = None, progress=None) -> dict:
    """Recompute the unfixed visits of every enterprise with live plans. Returns counts. ``progress`` is
    called with the number of enterprises done after each batch (for a progress bar)."""
    today = today or timezone.localdate()
    totals = {"enterprises": 0, "plans": 0, "visits": 0, "changed": 0, "unschedulable": 0}
    last_id = 0
    while True:
        ids = list(enterprises_with_live_plans().filter(enterprise_id__gt=last_id)[:batch_size])
        if not ids:
            break
        last_id = ids[-1]
        counts = _rematch_batch(actor=actor, enterprise_ids=ids, today=today)
        for key, value in counts.items():
            totals[key] += value
        if progress:
            progress(len(ids))
    return totals


@transaction.atomic
def _rematch_batch(*, actor, enterprise_ids: list[int], today: dt.date) -> dict:
    list(Enterprise.objects.select_for_update().filter(pk__in=enterprise_ids).values_list("pk", flat=True))
    states = load_states(enterprise_ids=enterprise_ids, today=today)
    days_before = {e: visit_days(state) for e, state in states.items()}  # before schedule_changes moves them
    counts = {"enterprises": 0, "plans": 0, "visits": 0, "changed": 0, "unschedulable": 0}
    writes = []
    for enterprise_id, state in states.items():
        if not state.plans:
            continue
        result = compute_schedule(enterprise_id=enterprise_id, today=today, state=state)
        writes.append(schedule_changes(enterprise_id=enterprise_id, result=result))
        counts["enterprises"] += 1
        counts["plans"] += len(served_plan_ids(result))
        counts["visits"] += sum(1 for v in result.visits if not v.fixed)
        counts["unschedulable"] += len(result.left_out)
    writes_flush(actor=actor, writes=writes)
    changed = [w.enterprise_id for w in writes if any(w.changes.values())]
    if changed:
        open_tasks = JointTask.objects.filter(enterprise_id__in=changed, status__in=OPEN_STATUSES)
        joint_task_counts_refresh(open_tasks, left=set().union(*(days_before[e] for e in changed)))
        participation_refresh(open_tasks)
    counts["changed"] = sum(visits_changed(w.changes) for w in writes)
    return counts
