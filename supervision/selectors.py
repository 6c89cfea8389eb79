"""Reads on supervision opinions: who sees which, the lists (fixed queries, newest first by index) and the
counts the oversight dashboard reads."""

import datetime as dt

from django.db.models import Count, Q

from accounts.access import ADMIN, AGENCY, JUSTICE, portal_of

from .models import Opinion

LIST_RELATED = ("agency", "justice_bureau", "plan__enterprise", "task__enterprise", "complaint__enterprise",
                "issued_by", "answered_by")


def opinions_for_bureau(*, bureau):
    return Opinion.objects.filter(justice_bureau=bureau).select_related(*LIST_RELATED).order_by("-created_at", "-id")


def opinions_for_agency(*, agency):
    return Opinion.objects.filter(agency=agency).select_related(*LIST_RELATED).order_by("-created_at", "-id")


def opinions_for_user(*, user):
    """A justice bureau's staff see the opinions it issued, an agency's officers those addressed to it, a
    platform administrator every opinion (as it reads every plan, visit and audit entry, and as the oversight
    dashboard counts them for it: ``oversight.access.reader_for``); nobody else any. Reading only: issuing,
    answering and reviewing stay the bureau's and the agency's (``supervision.access``)."""
    portal = portal_of(user)
    if portal == ADMIN:
        return Opinion.objects.select_related(*LIST_RELATED).order_by("-created_at", "-id")
    if portal == JUSTICE and user.agency_id:
        return opinions_for_bureau(bureau=user.agency)
    if portal == AGENCY and user.agency_id:
        return opinions_for_agency(agency=user.agency)
    return Opinion.objects.none()


def opinions_of_subject(*, user, plan=None, task=None, complaint=None):
    """The opinions the user may see about one plan, visit or complaint (its page lists them)."""
    qs = opinions_for_user(user=user)
    if plan is not None:
        return qs.filter(plan=plan)
    if task is not None:
        return qs.filter(task=task)
    if complaint is not None:
        return qs.filter(complaint=complaint)
    return qs.none()


def opinion_counts(*, justice_bureau=None, agency=None, issued_from: dt.date | None = None,
                   issued_until: dt.date | None = None) -> list[dict]:
    """Supervision opinions counted in the database by agency, kind and state: one GROUP BY over the
    ``opinion_counts`` index, whatever the number of opinions.

    Scope (all optional, combined): opinions issued by ``justice_bureau``, addressed to ``agency``, issued on
    or after ``issued_from`` and on or before ``issued_until``.

    Returns a list of dicts, one per (agency, kind, status) that has opinions, ordered by agency name, kind,
    status::

        {"agency_id": int, "agency_name": str, "agency_division": str,
         "kind": "opinion" | "correction",
         "status": "issued" | "answered" | "accepted" | "returned",
         "count": int,      # opinions in that cell
         "overdue": int,    # of them, flagged overdue (answer late; supervision.overdue) and still awaited
         "late": int}       # of them, flagged overdue at any time for their current deadline (answered late too)

    Overdue is the daily job's flag, not recomputed from the clock, so the counts agree with the lists."""
    qs = Opinion.objects.all()
    if justice_bureau is not None:
        qs = qs.filter(justice_bureau=justice_bureau)
    if agency is not None:
        qs = qs.filter(agency=agency)
    if issued_from is not None:
        qs = qs.filter(issued_on__gte=issued_from)
    if issued_until is not None:
        qs = qs.filter(issued_on__lte=issued_until)
    flagged = Q(overdue_since__isnull=False)
    rows = (
        qs.order_by()
        .values("agency_id", "agency__name", "agency__division", "kind", "status")
        .annotate(
            count=Count("id"),
            overdue=Count("id", filter=flagged & Q(status__in=Opinion.AWAITING_ANSWER)),
            late=Count("id", filter=flagged),
        )
        .order_by("agency__name", "kind", "status")
    )
    return [
        {"agency_id": r["agency_id"], "agency_name": r["agency__name"], "agency_division": r["agency__division"],
         "kind": r["kind"], "status": r["status"], "count": r["count"], "overdue": r["overdue"], "late": r["late"]}
        for r in rows
    ]
