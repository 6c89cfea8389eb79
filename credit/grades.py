"""Credit grades (信用分级分类): the history of grades given by their sources, and the one rule that derives
an enterprise's current grade from it into ``CreditProfile.grade`` (what the rest of the platform reads)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from yantai_inspect.errors import DomainError

from .models import CreditGrade, CreditProfile, WhitelistEntry
from .whitelist import whitelist_end


def grades_valid_on_q(day: dt.date) -> Q:
    """Grade rows in force on ``day``."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def credit_grades_derive(*, enterprise_ids: Iterable[int], today: dt.date | None = None) -> dict[int, str]:
    """The current grade of each enterprise that has a grade in force today: of the rows in force, the one
    valid from the latest day (a newer assessment replaces an older one, whatever its source); on the same
    day, the one recorded last. Enterprises with no grade in force are left out (their profile keeps its
    grade). One query."""
    today = today or timezone.localdate()
    current: dict[int, str] = {}
    rows = (
        CreditGrade.objects.filter(grades_valid_on_q(today), enterprise_id__in=list(enterprise_ids))
        .order_by("enterprise_id", "valid_from", "id")
        .values_list("enterprise_id", "grade")
    )
    for enterprise_id, grade in rows:
        current[enterprise_id] = grade  # the last row in order wins
    return current


def credit_profiles_refresh(*, actor, enterprise_ids: Iterable[int], today: dt.date | None = None) -> dict[int, str]:
    """Write the derived grade into the profiles of ``enterprise_ids`` and end the whitelist entries of those
    that fell below A. Set-based: one read of the history, one of the profiles, at most one insert and one
    update per grade, and the whitelist's end (``whitelist_end``). Returns the profiles that changed grade.
    Runs inside the caller's transaction (the caller audits the grades it recorded)."""
    today = today or timezone.localdate()
    derived = credit_grades_derive(enterprise_ids=enterprise_ids, today=today)
    if not derived:
        return {}
    profiles = dict(
        CreditProfile.objects.filter(enterprise_id__in=list(derived)).order_by().values_list("enterprise_id", "grade")
    )
    CreditProfile.objects.bulk_create(
        [CreditProfile(enterprise_id=e, grade=g) for e, g in derived.items() if e not in profiles]
    )
    changed = {e: g for e, g in derived.items() if e in profiles and profiles[e] != g}
    now = timezone.now()
    for grade in set(changed.values()):
        CreditProfile.objects.filter(enterprise_id__in=[e for e, g in changed.items() if g == grade]).update(
            grade=grade, updated_at=now
        )
    fell = [e for e, g in changed.items() if g != CreditProfile.Grade.A]
    if fell:
        whitelist_end(
            actor=actor,
            enterprise_ids=fell,
            kind=WhitelistEntry.EndKind.GRADE_FELL,
            detail={e: f"{profiles[e]} → {changed[e]}" for e in fell},
            today=today,
        )
    return changed


NOTE_MAX_CHARS = CreditGrade._meta.get_field("note").max_length


def credit_grade_check(*, grade: str, source: str, valid_from, valid_to, note: str = "") -> None:
    if grade not in CreditProfile.Grade.values:
        raise DomainError(_("Unknown credit grade %(grade)s.") % {"grade": grade}, field="grade")
    if source not in CreditGrade.Source.values:
        raise DomainError(_("Unknown grade source %(source)s.") % {"source": source}, field="source")
    if valid_from is None:
        raise DomainError(_("Give the day the grade is valid from."), field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(_("The grade cannot end before it starts."), field="valid_to")
    if len(note or "") > NOTE_MAX_CHARS:
        raise DomainError(_("At most %(n)d characters.") % {"n": NOTE_MAX_CHARS}, field="note")


@transaction.atomic
def credit_grade_record(
    *, actor, enterprise, grade: str, source: str, valid_from: dt.date, valid_to: dt.date | None = None,
    note: str = "",
) -> CreditGrade:
    """Record a grade given by ``source`` (the admin's form and the API of the sources call this). A grade of
    the same source from the same day is replaced. The current grade is derived again at once, which ends a
    whitelist entry when the enterprise falls below A. Audited with the grade before and after."""
    credit_grade_check(grade=grade, source=source, valid_from=valid_from, valid_to=valid_to, note=note)
    # One writer per enterprise at a time: the derivation below reads what the other would write.
    profile = CreditProfile.objects.select_for_update().filter(enterprise=enterprise).first()
    before = profile.grade if profile else None
    row, created = CreditGrade.objects.update_or_create(
        enterprise=enterprise, source=source, valid_from=valid_from,
        defaults={"grade": grade, "valid_to": valid_to, "note": (note or "").strip()},
    )
    credit_profiles_refresh(actor=actor, enterprise_ids=[enterprise.pk])
    after = CreditProfile.objects.filter(enterprise=enterprise).values_list("grade", flat=True).first()
    audit_record(
        actor=actor,
        action="credit_grade.record",
        obj=row,
        details={
            "enterprise": enterprise.uscc, "grade": grade, "source": source, "valid_from": valid_from,
            "valid_to": valid_to, "replaced": not created, "current_before": before, "current_after": after,
        },
    )
    return row


# Days back the daily job looks for grades that came into force or lapsed (it catches up after a pause).
REFRESH_LOOKBACK_DAYS = 7
REFRESH_CHUNK = 5000


def credit_grades_refresh_due(*, today: dt.date | None = None) -> int:
    """Derive again the current grade of the enterprises whose grades came into force or lapsed in the last
    days (a grade imported ahead of its ``valid_from``, one that ran out): daily, before the whitelist
    proposal, rerunnable (deriving twice changes nothing). One read of the ids (indexes on both dates), then
    ``credit_profiles_refresh`` per chunk of 5,000 in its own transaction. Returns how many changed grade."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=REFRESH_LOOKBACK_DAYS)
    due = sorted(set(
        CreditGrade.objects.filter(
            Q(valid_from__gt=since, valid_from__lte=today)
            | Q(valid_to__gte=since - dt.timedelta(days=1), valid_to__lt=today)
        ).order_by().values_list("enterprise_id", flat=True)
    ))
    changed = 0
    for start in range(0, len(due), REFRESH_CHUNK):
        with transaction.atomic():
            changed += len(credit_profiles_refresh(actor=None, enterprise_ids=due[start:start + REFRESH_CHUNK],
                                                   today=today))
    return changed
