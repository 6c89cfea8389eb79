"""The whitelist's life (白名单): candidates proposed by a job over the whole city, confirmed or declined by
the justice bureau responsible for the enterprise's division, ended when the grade falls below A or a
serious finding is recorded. ``CreditProfile.whitelisted`` / ``whitelisted_since`` stay the current state
the rest of the platform reads; every entry here keeps its dates, reason, authority and end."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import require_justice
from accounts.selectors import divisions_supervised_by, justice_bureau_ids_by_division
from audit.services import audit_record, audit_record_many
from enterprises.models import Enterprise
from notifications.models import Notification
from notifications.services import notifications_resolve
from yantai_inspect.errors import DomainError

from .models import CreditEvent, CreditProfile, WhitelistEntry

# Eligibility looks back this far for serious findings and upheld complaints; a declined candidate (or one an
# administrator removed) is not proposed again within it.
LOOKBACK_DAYS = 365
# Enterprise ids per statement of the proposal job: each chunk is one INSERT ... SELECT in its own transaction.
PROPOSE_CHUNK = 200_000
REASON_MAX_CHARS = WhitelistEntry._meta.get_field("reason").max_length
# The rule a confirmed candidate met: the reason of its listing unless the bureau gives another.
WHITELIST_REASON = gettext_lazy("Credit grade A, no serious finding and no upheld complaint in 12 months.")


def lookback_start(today: dt.date) -> dt.date:
    """The first day of the 12 months that eligibility looks at."""
    return today - dt.timedelta(days=LOOKBACK_DAYS)


# -- the proposal job ------------------------------------------------------------------------------------


def _propose_sql() -> str:
    profile, entry, event = (m._meta.db_table for m in (CreditProfile, WhitelistEntry, CreditEvent))
    q = connection.ops.quote_name
    # Identifiers from the models, values as parameters.
    return f"""
        INSERT INTO {q(entry)} (enterprise_id, status, proposed_on, reason, end_kind, end_reason)
        SELECT p.enterprise_id, %s, %s, '', '', ''
        FROM {q(profile)} p
        WHERE p.grade = %s AND p.whitelisted = %s AND p.enterprise_id >= %s AND p.enterprise_id < %s
          AND NOT EXISTS (
            SELECT 1 FROM {q(entry)} w WHERE w.enterprise_id = p.enterprise_id
              AND (w.status IN (%s, %s)
                   OR (w.status = %s AND w.decided_on >= %s)
                   OR (w.status = %s AND w.end_kind = %s AND w.ended_on >= %s)))
          AND NOT EXISTS (
            SELECT 1 FROM {q(event)} e WHERE e.enterprise_id = p.enterprise_id AND e.occurred_on >= %s)
    """  # noqa: S608


# The justice bureau that must decide a candidate is told once per candidate (the notification's unique key);
# the decision, or the candidate's end, resolves it.
CANDIDATE_KEY = "whitelist-candidate:"
CANDIDATE_LINK = "/justice/whitelist/"


def candidate_notification_keys(entry_ids: Iterable[int]) -> list[str]:
    return [f"{CANDIDATE_KEY}{pk}" for pk in entry_ids]


def _notify_sql(bureaus: dict[str, int], city_bureau: int | None) -> str:
    """One INSERT ... SELECT of a notification per candidate proposed today in a range of enterprise ids,
    addressed by ``justice_bureau_for_division``'s rule (the division's bureau, else the city's) written as a
    CASE over the handful of divisions with a bureau of their own (their ids are integers from the database,
    written into the statement); a rerun inserts nothing (the unique key). Without a city bureau, only the
    divisions with their own are told."""
    note, entry, enterprise = (m._meta.db_table for m in (Notification, WhitelistEntry, Enterprise))
    q = connection.ops.quote_name
    whens = " ".join(f"WHEN %s THEN {int(pk)}" for pk in bureaus.values())
    fallback = f"ELSE {int(city_bureau)}" if city_bureau is not None else ""
    only = "" if city_bureau is not None else "AND e.division IN (" + ", ".join("%s" for _d in bureaus) + ")"
    # with no division of its own bureau, every candidate is the city's: a CASE needs one WHEN at least
    addressee = f"CASE e.division {whens} {fallback} END" if bureaus else str(int(city_bureau))
    return f"""
        INSERT INTO {q(note)} (kind, agency_id, title, body, link, dedupe_key, created_at)
        SELECT %s, {addressee}, %s, e.name || %s || e.uscc, %s,
               %s || CAST(w.id AS VARCHAR(20)), %s
        FROM {q(entry)} w JOIN {q(enterprise)} e ON e.id = w.enterprise_id
        WHERE w.status = %s AND w.proposed_on = %s AND w.enterprise_id >= %s AND w.enterprise_id < %s {only}
        ON CONFLICT (dedupe_key) DO NOTHING
    """  # noqa: S608


def whitelist_propose(
    *, today: dt.date | None = None, chunk: int = PROPOSE_CHUNK, on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Propose every eligible enterprise of the city as a whitelist candidate: grade A, not listed, no open
    entry, no serious finding and no upheld complaint in the last 12 months, not declined (or removed by an
    administrator) in them. Rerunnable: a candidate is proposed once. One aggregate, then per ``chunk`` of
    enterprise ids one ``INSERT ... SELECT`` and, when it proposed anyone, one ``INSERT ... SELECT`` of the
    notifications of the justice bureaus that decide them (one per candidate), one read and one audit entry:
    the number of statements depends on the range of ids, never on the number of rows. Returns how many
    were proposed; ``on_progress(done_ids, total_ids)`` after each chunk."""
    today = today or timezone.localdate()
    S, Kind = WhitelistEntry.Status, WhitelistEntry.EndKind
    since = lookback_start(today)
    bounds = CreditProfile.objects.order_by().values_list("enterprise_id", flat=True)
    low, high = bounds.order_by("enterprise_id").first(), bounds.order_by("-enterprise_id").first()
    if low is None:
        return 0
    total = high - low + 1
    sql = _propose_sql()
    bureaus, city_bureau = justice_bureau_ids_by_division()
    notify_sql = _notify_sql(bureaus, city_bureau) if bureaus or city_bureau is not None else None
    notify_head = [Notification.Kind.GENERAL, *bureaus, _("Whitelist candidate awaits your decision"), " · ",
                   CANDIDATE_LINK, CANDIDATE_KEY]
    notify_tail = [] if city_bureau is not None else list(bureaus)
    proposed = 0
    for start in range(low, high + 1, chunk):
        end = min(start + chunk, high + 1)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [
                    S.PROPOSED, today, CreditProfile.Grade.A, False, start, end,
                    S.PROPOSED, S.LISTED, S.DECLINED, since, S.ENDED, Kind.ADMIN, since, since,
                ])
                n = cursor.rowcount
                if n and notify_sql:
                    cursor.execute(notify_sql,
                                   [*notify_head, timezone.now(), S.PROPOSED, today, start, end, *notify_tail])
            if n:
                proposed += n
                first = (WhitelistEntry.objects.filter(status=S.PROPOSED, proposed_on=today,
                                                       enterprise_id__gte=start, enterprise_id__lt=end)
                         .order_by("id").first())
                # a chunk spans the city's divisions: the entry is the city's (division ""), read by its bureau
                audit_record(actor=None, action="whitelist.propose", obj=first, division="",
                             details={"proposed": n, "on": today, "enterprise_ids": [start, end - 1]})
        if on_progress:
            on_progress(end - low, total)
    return proposed


# -- the justice bureau's decision ----------------------------------------------------------------------


def whitelist_decide_check(*, actor, entry: WhitelistEntry) -> None:
    """The justice bureau responsible for the enterprise's division decides (the rule of
    ``accounts.selectors.justice_bureau_for_division``, read as ``divisions_supervised_by``)."""
    bureau = require_justice(actor)
    if entry.enterprise.division not in divisions_supervised_by(bureau):
        raise PermissionDenied(_("This enterprise is outside your justice bureau's area."))


@transaction.atomic
def whitelist_decide(*, actor, entry: WhitelistEntry, confirm: bool, reason: str = "") -> WhitelistEntry:
    """Confirm a candidate onto the whitelist (the bureau is the listing authority; the reason defaults to
    the rule it met) or decline it with a reason (it is not proposed again for 12 months)."""
    entry = WhitelistEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
    whitelist_decide_check(actor=actor, entry=entry)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(_("At most %(n)d characters.") % {"n": REASON_MAX_CHARS}, field="reason")
    if entry.status != WhitelistEntry.Status.PROPOSED:
        raise DomainError(_("This candidate has already been decided (%(status)s).")
                          % {"status": entry.get_status_display()})
    today = timezone.localdate()
    profile = CreditProfile.objects.select_for_update().get(enterprise_id=entry.enterprise_id)
    entry.decided_by, entry.decided_on = actor, today
    if confirm:
        if profile.grade != CreditProfile.Grade.A:
            raise DomainError(_("Only an enterprise with credit grade A can be on the whitelist."))
        entry.status, entry.listed_on, entry.authority = WhitelistEntry.Status.LISTED, today, actor.agency
        entry.reason = reason or str(WHITELIST_REASON)
        profile.whitelisted, profile.whitelisted_since = True, today
        profile.save(update_fields=["whitelisted", "whitelisted_since", "updated_at"])
    else:
        if not reason:
            raise DomainError(_("Give the reason for declining."), field="reason")
        entry.status, entry.reason = WhitelistEntry.Status.DECLINED, reason
    entry.save()
    notifications_resolve(keys=candidate_notification_keys([entry.pk]))
    audit_record(actor=actor, action="whitelist.confirm" if confirm else "whitelist.decline", obj=entry,
                 details={"enterprise": entry.enterprise.uscc, "reason": entry.reason})
    return entry


# -- the end of an entry --------------------------------------------------------------------------------


def whitelist_end(
    *, actor, enterprise_ids: Iterable[int], kind: str, detail: dict[int, str] | str = "", today: dt.date | None = None
) -> int:
    """End the open whitelist entries (listed or proposed) of ``enterprise_ids`` with ``kind`` and the detail
    of the reason (one text, or one per enterprise), and take them off the list in their profiles. A profile
    marked whitelisted without an entry (data from before the entries were kept) gets an ended entry, so
    the reason is kept for every one. Runs in the caller's transaction; set-based: a locked read of the
    open entries and of the flagged profiles, one update of each, one insert, one audit insert."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("whitelist_end must be called inside the caller's transaction")
    ids = list(enterprise_ids)
    if not ids:
        return 0
    today = today or timezone.localdate()

    def why(enterprise_id: int) -> str:
        text = detail.get(enterprise_id, "") if isinstance(detail, dict) else detail
        return str(text)[:REASON_MAX_CHARS]

    entries = list(
        WhitelistEntry.objects.select_for_update()
        .filter(enterprise_id__in=ids, status__in=WhitelistEntry.OPEN)
        .order_by("id")
    )
    flagged = dict(
        CreditProfile.objects.select_for_update()
        .filter(enterprise_id__in=ids, whitelisted=True)
        .order_by()
        .values_list("enterprise_id", "whitelisted_since")
    )
    if not entries and not flagged:
        return 0
    for entry in entries:
        entry.status, entry.ended_on, entry.end_kind = WhitelistEntry.Status.ENDED, today, kind
        entry.end_reason = why(entry.enterprise_id)
    listed = {e.enterprise_id for e in entries if e.listed_on}
    unrecorded = [
        WhitelistEntry(enterprise_id=e, status=WhitelistEntry.Status.ENDED, listed_on=since, ended_on=today,
                       end_kind=kind, end_reason=why(e))
        for e, since in flagged.items() if e not in listed
    ]
    WhitelistEntry.objects.bulk_update(entries, ["status", "ended_on", "end_kind", "end_reason"])
    WhitelistEntry.objects.bulk_create(unrecorded)
    if flagged:
        CreditProfile.objects.filter(enterprise_id__in=list(flagged)).update(
            whitelisted=False, whitelisted_since=None, updated_at=timezone.now()
        )
    notifications_resolve(keys=candidate_notification_keys(e.pk for e in entries))  # candidates ended unheard
    ended = [*entries, *unrecorded]
    if ended[-1].pk is None:  # backends that cannot return ids from a bulk insert
        ended = list(WhitelistEntry.objects.filter(enterprise_id__in=ids, status=WhitelistEntry.Status.ENDED,
                                                   ended_on=today, end_kind=kind))
    audit_record_many(
        actor=actor,
        action="whitelist.end",
        entries=[(e, {"enterprise_id": e.enterprise_id, "kind": kind, "reason": e.end_reason}) for e in ended],
    )
    return len(ended)


def whitelist_admin_set(*, actor, enterprise, whitelisted: bool) -> None:
    """The administrator's switch on the profile (``credit_profile_set``): listing records an entry with no
    authority, removing ends the open one. Runs in the caller's transaction, before the profile is saved."""
    today = timezone.localdate()
    open_entry = WhitelistEntry.objects.select_for_update().filter(
        enterprise=enterprise, status__in=WhitelistEntry.OPEN
    ).first()
    if whitelisted:
        if open_entry is not None and open_entry.status == WhitelistEntry.Status.LISTED:
            return
        if open_entry is not None:  # a candidate: the administrator's listing decides it
            open_entry.status, open_entry.listed_on = WhitelistEntry.Status.LISTED, today
            open_entry.decided_by, open_entry.decided_on = actor if getattr(actor, "pk", None) else None, today
            open_entry.reason = _("Listed by a platform administrator.")
            open_entry.save()
            notifications_resolve(keys=candidate_notification_keys([open_entry.pk]))
            return
        WhitelistEntry.objects.create(enterprise=enterprise, status=WhitelistEntry.Status.LISTED, listed_on=today,
                                      reason=_("Listed by a platform administrator."),
                                      decided_by=actor if getattr(actor, "pk", None) else None, decided_on=today)
    elif open_entry is not None:
        open_entry.status, open_entry.ended_on = WhitelistEntry.Status.ENDED, today
        open_entry.end_kind = WhitelistEntry.EndKind.ADMIN
        open_entry.save()
        notifications_resolve(keys=candidate_notification_keys([open_entry.pk]))
