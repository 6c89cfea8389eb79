"""Reads on complaints: who sees which, and the lists (fixed queries, newest first by index)."""

import datetime as dt

from django.db.models import Avg, Count, F, Q, Value
from django.db.models.functions import TruncMonth
from django.http import Http404

from accounts.access import ADMIN, AGENCY, ENTERPRISE, JUSTICE, portal_of
from accounts.selectors import divisions_supervised_by
from enterprises.access import require_enterprise
from plans.models import Participation

from .models import Complaint, ServiceRequest, VisitRating
from .services_ratings import MIN_GROUP, SATISFIED_FROM

LIST_RELATED = ("enterprise", "justice_bureau", "officer", "task")


def complaints_for_enterprise(*, enterprise):
    return (Complaint.objects.filter(enterprise=enterprise).select_related(*LIST_RELATED)
            .order_by("-created_at", "-id"))


def complaints_for_bureau(*, bureau):
    """The complaints routed to a justice bureau and those escalated to it (the level above)."""
    return (Complaint.objects.filter(Q(justice_bureau=bureau) | Q(escalated_to=bureau))
            .select_related(*LIST_RELATED).order_by("-created_at", "-id"))


def complaints_for_user(*, user):
    """A user's complaints: an enterprise its own, a justice bureau its own and those escalated to it, a
    platform administrator every one (as it reads every plan, visit and audit entry, and as the oversight
    dashboard counts them for it: ``oversight.access.reader_for``); nobody else (the agencies see a complaint
    only when the bureau forwards it: a later issue). Reading only: the handling stays the bureau's."""
    portal = portal_of(user)
    if portal == ADMIN:
        return Complaint.objects.select_related(*LIST_RELATED).order_by("-created_at", "-id")
    if portal == ENTERPRISE:
        return complaints_for_enterprise(enterprise=require_enterprise(user))
    if portal == JUSTICE and user.agency_id:
        return complaints_for_bureau(bureau=user.agency)
    return Complaint.objects.none()


def complaint_for_user(*, user, complaint_id: int) -> Complaint:
    """The complaint if the user may see it; 404 otherwise (an outsider does not learn that it exists)."""
    complaint = complaints_for_user(user=user).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404
    return complaint


def complaint_was_upheld(complaint: Complaint) -> bool:
    """Upheld, and still so once closed (the decision's step keeps the outcome): what a supervision opinion
    about an upheld complaint needs."""
    if complaint.status == Complaint.Status.UPHELD:
        return True
    return (complaint.status == Complaint.Status.CLOSED
            and complaint.steps.filter(action="decide", status=Complaint.Status.UPHELD).exists())
# -- ratings (满意度) -----------------------------------------------------------------------------------


def ratings_for_enterprise(*, enterprise):
    return (VisitRating.objects.filter(enterprise=enterprise).select_related("task", "enterprise", "rated_by")
            .order_by("-rated_on", "-id"))


def ratings_for_bureau(*, bureau):
    """Every rating of the divisions a justice bureau is responsible for, with who rated (the bureau sees
    all), newest first."""
    return (VisitRating.objects.filter(division__in=divisions_supervised_by(bureau))
            .select_related("enterprise", "task", "task__lead_agency", "rated_by").order_by("-rated_on", "-id"))


def visit_agency_names(task_ids) -> dict[int, list[str]]:
    """The agencies that took part in each of some visits (``Participation``, the agencies a rating counts for
    in ``rating_summary``), by visit id, the lead first, then by code: one query whatever the visits."""
    found: dict[int, list[tuple]] = {}
    for task_id, agency_id, lead_id, code, name in (
        Participation.objects.filter(joint_task_id__in=list(task_ids))
        .values_list("joint_task_id", "agency_id", "joint_task__lead_agency_id", "agency__code", "agency__name")
    ):
        found.setdefault(task_id, []).append((agency_id != lead_id, code, name))
    return {task_id: [name for _l, _c, name in sorted(rows)] for task_id, rows in found.items()}


def _satisfaction(row: dict) -> dict:
    n = row["ratings"]
    row["satisfaction"] = round(100 * row["satisfied"] / n, 2) if n else None
    row["mean"] = round(row["mean"], 2) if row.get("mean") is not None else None
    return row


def rating_summary(*, start: dt.date, end: dt.date, by=("month",), agency=None, divisions=None,
                   min_group: int | None = None) -> list[dict]:
    """Ratings aggregated in the database by any of ``"month"``, ``"district"``, ``"agency"`` (the agencies on
    the rated visit: a joint visit's rating counts for each of them), over ``rated_on`` in [start, end],
    optionally for one ``agency`` or some ``divisions``. ``min_group`` drops every group of fewer ratings
    (HAVING, in the database): an agency's reads pass ``services_ratings.MIN_GROUP``.

    Returns ``[{"month": date (first of the month), "district": "370611", "agency_id": int, "ratings": int,
    "mean": float, "satisfied": int (scores 4-5), "satisfaction": float (percent of ratings of 4-5),
    "score_1" ... "score_5": int}]``, each key of ``by`` present, ordered by them. No rater, enterprise or
    comment is ever in it."""
    qs = VisitRating.objects.filter(rated_on__range=(start, end))
    if agency is not None:
        qs = qs.filter(task__participations__agency=agency)
    if divisions is not None:
        qs = qs.filter(division__in=list(divisions))
    keys = {"month": TruncMonth("rated_on"), "district": F("division"), "agency_id": F("task__participations__agency")}
    wanted = {k: keys[k] for k in ("month", "district", "agency_id") if k.removesuffix("_id") in by}
    qs = qs.annotate(**wanted).values(*wanted) if wanted else qs.annotate(_all=Value(1)).values("_all")
    qs = qs.annotate(
        ratings=Count("pk"), mean=Avg("score"), satisfied=Count("pk", filter=Q(score__gte=SATISFIED_FROM)),
        **{f"score_{s}": Count("pk", filter=Q(score=s)) for s in range(1, 6)},
    )
    if min_group:
        qs = qs.filter(ratings__gte=min_group)
    rows = [_satisfaction(dict(r)) for r in qs.order_by(*wanted)]
    for r in rows:
        r.pop("_all", None)
    return rows


def agency_rating_view(*, agency, today: dt.date) -> dict:
    """What an agency sees of its visits' ratings: per month of rating, over months that are over (a cell
    never moves with a single new rating, so no rating can be told from the change), only months with at
    least ``MIN_GROUP`` ratings; the total is over the months shown (the hidden ones cannot be had by
    subtraction). ``{"months": [rows of rating_summary], "total": row or None, "min_group": int}``."""
    first_of_month = today.replace(day=1)
    start = dt.date(first_of_month.year - 1, first_of_month.month, 1)
    months = rating_summary(start=start, end=first_of_month - dt.timedelta(days=1), by=("month",), agency=agency,
                            min_group=MIN_GROUP)
    total = None
    if months:
        n = sum(m["ratings"] for m in months)
        total = _satisfaction({"ratings": n, "satisfied": sum(m["satisfied"] for m in months),
                               "mean": sum(m["mean"] * m["ratings"] for m in months) / n})
    return {"months": months, "total": total, "min_group": MIN_GROUP, "start": start,
            "end": first_of_month - dt.timedelta(days=1)}


def city_satisfaction(*, year: int) -> dict:
    """The city's satisfaction figure of a year (percent of ratings of 4-5), beside the article's
    (96.32 % → 98.01 %): ``{"year", "ratings", "satisfied", "satisfaction", "mean"}``."""
    rows = rating_summary(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), by=())
    row = rows[0] if rows else {"ratings": 0, "satisfied": 0, "satisfaction": None, "mean": None}
    return {"year": year, **{k: row[k] for k in ("ratings", "satisfied", "satisfaction", "mean")}}


# -- service requests (入市第一课) ----------------------------------------------------------------------

REQUEST_RELATED = ("enterprise", "agency", "task")


def service_requests_for_enterprise(*, enterprise):
    return (ServiceRequest.objects.filter(enterprise=enterprise).select_related(*REQUEST_RELATED)
            .order_by("-created_at", "-id"))


def service_requests_for_agency(*, agency):
    return (ServiceRequest.objects.filter(agency=agency).select_related(*REQUEST_RELATED)
            .order_by("-created_at", "-id"))


def service_requests_for_bureau(*, bureau):
    """The requests of the enterprises of the divisions a justice bureau is responsible for (the bureau that
    may re-route them: ``services_requests.require_rerouter``)."""
    return (ServiceRequest.objects.filter(division__in=divisions_supervised_by(bureau))
            .select_related(*REQUEST_RELATED).order_by("-created_at", "-id"))


def service_requests_for_user(*, user):
    """An enterprise's own requests, those routed to an officer's agency (not those it re-routed away), those
    of a justice bureau's area; nobody else's."""
    portal = portal_of(user)
    if portal == ENTERPRISE:
        return service_requests_for_enterprise(enterprise=require_enterprise(user))
    if portal == AGENCY and user.agency_id:
        return service_requests_for_agency(agency=user.agency)
    if portal == JUSTICE and user.agency_id:
        return service_requests_for_bureau(bureau=user.agency)
    return ServiceRequest.objects.none()


def service_request_for_user(*, user, request_id: int) -> ServiceRequest:
    """The request if it is the user's enterprise's, routed to the user's agency or in the user's justice
    bureau's area; 404 otherwise."""
    found = service_requests_for_user(user=user).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def service_request_reroutes(request: ServiceRequest):
    """The re-routes of one request, oldest first, with their agencies (one query): what the enterprise, the
    agency and the bureau see on the request."""
    return request.reroutes.select_related("from_agency", "to_agency", "by_agency").order_by("at", "id")


def service_request_counts(*, start: dt.date, end: dt.date, by=("month",), divisions=None) -> list[dict]:
    """Service requests asked in [start, end], counted in the database by any of ``"month"``, ``"district"``,
    ``"agency"``, ``"category"``.

    Returns ``[{"month": date (first of the month), "district": "370611", "agency_id": int, "category": "ip",
    "requests": int, "open": int, "answered": int, "closed": int}]``, each key of ``by`` present, ordered by
    them."""
    qs = ServiceRequest.objects.filter(filed_on__range=(start, end))
    if divisions is not None:
        qs = qs.filter(division__in=list(divisions))
    keys = {"month": TruncMonth("filed_on"), "district": F("division"), "agency_id": F("agency_id"),
            "category": F("category")}
    wanted = {k: keys[k] for k in ("month", "district", "agency_id", "category") if k.removesuffix("_id") in by}
    names = {k: v for k, v in wanted.items() if k not in ("agency_id", "category")}
    qs = qs.annotate(**names).values(*wanted) if wanted else qs.annotate(_all=Value(1)).values("_all")
    S = ServiceRequest.Status
    rows = qs.annotate(requests=Count("pk"), open=Count("pk", filter=Q(status=S.OPEN)),
                       answered=Count("pk", filter=Q(status=S.ANSWERED)),
                       closed=Count("pk", filter=Q(status=S.CLOSED))).order_by(*wanted)
    out = [dict(r) for r in rows]
    for r in out:
        r.pop("_all", None)
    return out
