"""检查负担 (visit burden): how often enterprises are visited, counted in the database over the visits.

Every visit that came to the enterprise's door or was due at it counts (``JointTask.BURDEN``: in progress,
done, missed), whatever it was: joint, green channel, re-check, random check. A joint visit of three agencies is
one visit to the enterprise (that is the point of joining them); the same-agency rule reads the agencies'
participations (``Participation``).

The thresholds are settings (``BURDEN_ALERT_VISITS`` visits in a calendar period of ``BURDEN_PERIOD_MONTHS``
months, ``BURDEN_REPEAT_DAYS`` for the same agency): one city-wide rule set by the justice bureau's policy and
changed rarely, read by a daily job, the enterprise's page and the bureau's list, so it must be the same value
for all of them at once; a setting gives that with nothing to migrate. (An effective-dated table like the caps'
``credit.policy`` is the step to take when the bureau wants to change it from its portal.)

The daily job ``burden_alerts_raise`` is set-based and rerunnable: two grouped SELECTs over the whole city,
then per batch of alerts a bounded number of statements (existing keys, one INSERT, one re-read, one audit
INSERT, one notifications INSERT); ``BurdenAlert``'s unique key and the notifications' dedupe keys make a rerun
(or two workers at once) tell each justice bureau once."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import Lag, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many

from .models import BurdenAlert, JointTask, Participation, Plan

BATCH = 500
# The repeat rule looks this many days back beyond ``BURDEN_REPEAT_DAYS``, so that a visit marked done or
# missed a few days after its date (or a day the job did not run) is still paired.
REPEAT_LOOKBACK_DAYS = 7


def burden_visits_q(prefix: str = "") -> Q:
    """The visits that count, on ``JointTask`` (or through ``prefix``, e.g. ``"joint_task__"``)."""
    return Q(**{f"{prefix}status__in": JointTask.BURDEN})


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period of ``BURDEN_PERIOD_MONTHS`` months (1, 2, 3, 4, 6 or 12, counted from January) that
    holds ``day``: its first and last day."""
    months = settings.BURDEN_PERIOD_MONTHS
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + months
    end = (dt.date(day.year + 1, 1, 1) if end_month > 12 else dt.date(day.year, end_month, 1)) - dt.timedelta(days=1)
    return start, end


def _kinds(prefix: str = "") -> dict:
    recheck = Plan.objects.filter(joint_task=OuterRef(f"{prefix}pk"), cap_exemption=Plan.CapExemption.RECHECK)
    random = Plan.objects.filter(joint_task=OuterRef(f"{prefix}pk")).exclude(campaign="")
    return {
        "visits": Count("pk"),
        "joint": Count("pk", filter=Q(n_agencies__gt=1)),
        "urgent": Count("pk", filter=Q(urgent=True)),
        "missed": Count("pk", filter=Q(status=JointTask.Status.MISSED)),
        "recheck": Count("pk", filter=Q(Exists(recheck))),
        "random": Count("pk", filter=Q(Exists(random))),
    }


def enterprise_burden(*, enterprise, today: dt.date | None = None) -> dict:
    """An enterprise's own count: ``{"period_start", "period_end", "threshold", "visits", "joint", "urgent",
    "missed", "recheck", "random", "year_visits", "over"}`` for the period holding ``today`` (two queries, on
    the ``(enterprise, visit_date)`` index)."""
    today = today or timezone.localdate()
    start, end = period_of(today)
    mine = JointTask.objects.filter(burden_visits_q(), enterprise=enterprise)
    figures = mine.filter(visit_date__range=(start, end)).aggregate(**_kinds())
    figures["year_visits"] = mine.filter(visit_date__year=today.year).count()
    threshold = settings.BURDEN_ALERT_VISITS
    return {"period_start": start, "period_end": end, "threshold": threshold,
            "over": figures["visits"] > threshold, **figures}


def enterprise_burden_visits(*, enterprise, start: dt.date, end: dt.date):
    """The visits behind the enterprise's count, newest first."""
    return (JointTask.objects.filter(burden_visits_q(), enterprise=enterprise, visit_date__range=(start, end))
            .select_related("lead_agency").order_by("-visit_date", "-id"))


def most_visited(*, divisions, start: dt.date, end: dt.date, limit: int = 50) -> list[dict]:
    """The most-visited enterprises of some divisions in a period: ``[{"enterprise_id", "visits",
    "agencies"}]``, most visits first, grouped in the database over the ``jointtask_burden`` index."""
    rows = (JointTask.objects.filter(burden_visits_q(), visit_date__range=(start, end), division__in=list(divisions))
            .values("enterprise_id").annotate(visits=Count("pk"), last_visit=Max("visit_date"))
            .order_by("-visits", "-last_visit", "enterprise_id")[:limit])
    return list(rows)


def burden_counts(*, start: dt.date, end: dt.date, by_agency: bool = False, divisions=None) -> list[dict]:
    """Visit burden for the dashboard, grouped in the database by month and district (and agency).

    Returns ``[{"month": date (first of the month), "district": "370611", "visits": int, "joint": int,
    "urgent": int, "missed": int, "recheck": int, "random": int}]``, ordered by month and district: two grouped
    queries (the visits; the re-check and random plans on them), no COUNT(DISTINCT) (a year of the city's visits
    in about 0.7 s on the benchmark city). With ``by_agency`` each row is one agency's visits (its
    participations: a joint visit counts once for every agency on it): ``{"month", "district", "agency_id",
    "visits"}``. ``divisions`` limits to some districts (a justice bureau's)."""
    if by_agency:
        qs = Participation.objects.filter(burden_visits_q("joint_task__"), visit_date__range=(start, end))
        if divisions is not None:
            qs = qs.filter(joint_task__division__in=list(divisions))
        return list(qs.annotate(month=TruncMonth("visit_date"), district=F("joint_task__division"))
                    .values("month", "district", "agency_id").annotate(visits=Count("joint_task_id"))
                    .order_by("month", "district", "agency_id"))
    qs = JointTask.objects.filter(burden_visits_q(), visit_date__range=(start, end))
    plans = Plan.objects.filter(burden_visits_q("joint_task__"), joint_task__visit_date__range=(start, end))
    if divisions is not None:
        qs = qs.filter(division__in=list(divisions))
        plans = plans.filter(joint_task__division__in=list(divisions))
    rows = list(qs.annotate(month=TruncMonth("visit_date"), district=F("division")).values("month", "district")
                .annotate(visits=Count("pk"), joint=Count("pk", filter=Q(n_agencies__gt=1)),
                          urgent=Count("pk", filter=Q(urgent=True)),
                          missed=Count("pk", filter=Q(status=JointTask.Status.MISSED)))
                .order_by("month", "district"))
    recheck_q, random_q = Q(cap_exemption=Plan.CapExemption.RECHECK), ~Q(campaign="")
    kinds = {(k["month"], k["district"]): k for k in (
        plans.filter(recheck_q | random_q)
        .annotate(month=TruncMonth("joint_task__visit_date"), district=F("joint_task__division"))
        .values("month", "district")
        .annotate(recheck=Count("joint_task_id", filter=recheck_q, distinct=True),
                  random=Count("joint_task_id", filter=random_q, distinct=True)))}
    for row in rows:
        found = kinds.get((row["month"], row["district"]), {})
        row["recheck"], row["random"] = found.get("recheck", 0), found.get("random", 0)
    return rows


# -- the daily alerts ----------------------------------------------------------------------------------


def _over_threshold(today: dt.date) -> list[dict]:
    start, _end = period_of(today)
    rows = (JointTask.objects.filter(burden_visits_q(), visit_date__range=(start, today))
            .values("enterprise_id").annotate(n=Count("pk"), division=Max("division"))
            .filter(n__gt=settings.BURDEN_ALERT_VISITS).order_by("enterprise_id"))
    return [{"kind": BurdenAlert.Kind.THRESHOLD, "key": start.isoformat(), "enterprise_id": r["enterprise_id"],
             "agency_id": None, "division": r["division"], "period_start": start, "period_end": today,
             "visits": r["n"]} for r in rows]


def _repeats(today: dt.date) -> list[dict]:
    """Pairs of visits of one agency to one enterprise at most ``BURDEN_REPEAT_DAYS`` apart: each
    participation with the agency's previous visit to the same enterprise (a window over the index range)."""
    days = settings.BURDEN_REPEAT_DAYS
    since = today - dt.timedelta(days=days + REPEAT_LOOKBACK_DAYS)
    window = {"partition_by": [F("joint_task__enterprise_id"), F("agency_id")],
              "order_by": [F("visit_date").asc(), F("joint_task_id").asc()]}
    rows = (Participation.objects.filter(burden_visits_q("joint_task__"), visit_date__range=(since, today))
            .annotate(previous_date=Window(Lag("visit_date"), **window),
                      previous_task=Window(Lag("joint_task_id"), **window))
            .filter(previous_task__isnull=False, previous_date__gte=F("visit_date") - dt.timedelta(days=days))
            .values("agency_id", "joint_task_id", "joint_task__enterprise_id", "joint_task__division",
                    "visit_date", "previous_date", "previous_task")
            .order_by("joint_task__enterprise_id", "agency_id", "visit_date"))
    return [{"kind": BurdenAlert.Kind.REPEAT, "key": f"{r['agency_id']}:{r['previous_task']}-{r['joint_task_id']}",
             "enterprise_id": r["joint_task__enterprise_id"], "agency_id": r["agency_id"],
             "division": r["joint_task__division"], "period_start": r["previous_date"],
             "period_end": r["visit_date"], "visits": 2} for r in rows]


def _notification(alert: BurdenAlert, bureau) -> Notification:
    if alert.kind == BurdenAlert.Kind.THRESHOLD:
        title = _("Visit burden: %(enterprise)s visited %(n)d times since %(start)s") % {
            "enterprise": alert.enterprise.name, "n": alert.visits, "start": alert.period_start.isoformat()}
    else:
        title = _("Visit burden: %(agency)s visited %(enterprise)s twice within %(days)d days") % {
            "agency": alert.agency.name, "enterprise": alert.enterprise.name, "days": settings.BURDEN_REPEAT_DAYS}
    return Notification(dedupe_key=f"burden:{alert.kind}:{alert.enterprise_id}:{alert.key}", agency=bureau,
                        title=title, body=_("See the most-visited enterprises and the alerts."),
                        link="/justice/burden/")


def _raise_batch(rows: list[dict], bureaus: dict) -> int:
    with transaction.atomic():
        existing = set(BurdenAlert.objects.filter(enterprise_id__in={r["enterprise_id"] for r in rows},
                                                  key__in={r["key"] for r in rows})
                       .values_list("kind", "enterprise_id", "key"))
        new = [r for r in rows if (r["kind"], r["enterprise_id"], r["key"]) not in existing]
        if not new:
            return 0
        for r in new:
            if r["division"] not in bureaus:
                bureaus[r["division"]] = justice_bureau_for_division(r["division"])  # at most one per division
        BurdenAlert.objects.bulk_create(
            [BurdenAlert(justice_bureau=bureaus[r["division"]], **r) for r in new], ignore_conflicts=True)
        keys = {(r["kind"], r["enterprise_id"], r["key"]) for r in new}
        created = [a for a in BurdenAlert.objects.filter(
            enterprise_id__in={r["enterprise_id"] for r in new}, key__in={r["key"] for r in new})
            .select_related("enterprise", "agency", "justice_bureau")
            if (a.kind, a.enterprise_id, a.key) in keys]
        audit_record_many(actor=None, action="burden.alert", entries=[
            (a, {"kind": a.kind, "visits": a.visits, "period_start": a.period_start, "period_end": a.period_end,
                 "regulator": getattr(a.agency, "code", None)}) for a in created])
        notifications_send_many([_notification(a, a.justice_bureau) for a in created if a.justice_bureau])
        return len(created)


def burden_alerts_raise(*, today: dt.date | None = None) -> int:
    """Alert the justice bureaus (``justice_bureau_for_division`` of the enterprise's division) to the
    enterprises visited more than ``BURDEN_ALERT_VISITS`` times in the current period so far and to the visits
    of one agency within ``BURDEN_REPEAT_DAYS`` days of its previous one. Returns the number of new alerts."""
    today = today or timezone.localdate()
    rows = _over_threshold(today) + _repeats(today)
    bureaus: dict = {}
    raised = 0
    for i in range(0, len(rows), BATCH):
        raised += _raise_batch(rows[i:i + BATCH], bureaus)
    return raised


def burden_alerts_for(*, divisions):
    """The alerts of some divisions (a justice bureau's), newest first."""
    return (BurdenAlert.objects.filter(division__in=list(divisions))
            .select_related("enterprise", "agency").order_by("-created_at", "-id"))
