"""Verifying the chain: read the entries in ``seq`` order a batch at a time (one SELECT per batch, keyset on the
unique ``seq``), recompute each hash from the previous one, and name the first broken link: an entry whose
content or hash was changed, a missing entry (a gap), an entry outside the chain (no ``seq``: written with the
triggers off), or a missing tail (the chain ends before the last anchor or the checkpoint, or its entry there
no longer matches). Two modes, one loop (``_Links``):

**Full** (``verify_chain``: ``manage.py audit_verify``, the justice portal's "verify now"): every link from the
first entry to the head; about a minute for a city's 2.3 M entries.

**Incremental** (``verify_chain_incremental``: the daily anchor job, ``manage.py audit_verify --incremental``):
the entries since the signed checkpoint (``anchoring.read_checkpoint``: the last entry a sound verification
reached, a file the database's owner cannot forge) and a rolling slice of the older ones, so that a day costs
its new entries and 1/N of the rest (N = ``AUDIT_VERIFY_CYCLE_DAYS``, default 7):

1. One query reads the entries at the checkpoint's ``seq`` and at the last anchor's (when no range below
   covers it): they must still have the hashes signed outside the database. Otherwise the history up to there
   was rewritten, whatever hashes the owner recomputed after the edit, up to the head.
2. The day's slice (``daily_slice``): the older chain [1, S] is cut into N slices, and the day whose ordinal
   is d verifies slice d mod N, taking the *stored* hash of the entry before the slice as the previous one (an
   edit of that entry is its own slice's to find). S is the checkpoint's ``seq`` when the N-day cycle began
   (the checkpoint keeps it): the N slices of a cycle tile [1, S] and every entry after S is verified as new
   during the cycle, so each entry is verified again at least once a cycle (cutting the checkpoint's [1, seq]
   of the day instead would leave gaps between the days as the chain grows). An entry whose content was
   changed fails its own link. An entry x edited with its hash recomputed from x-1 passes its own link but
   not x+1's, which was hashed from x's true hash: x+1 is the next entry of the same slice or, when x ends the
   slice, the first link of the next slice (which starts from x's stored, forged hash). So that this too is
   caught the day x's slice comes round, the slice reads one entry past its end (up to the checkpoint's entry,
   which step 1 checks).
3. Every link after the checkpoint up to the head, starting from the checkpoint's signed hash.
4. As in full: entries outside the chain (one query on ``seq IS NULL``, indexed by the unique ``seq``) and the
   tail against the last anchor and the checkpoint (the head below either lost its tail).

Without a valid checkpoint (the first run, a forged or damaged file) the incremental mode verifies in full, and
so it does after a broken verdict: the next day's slice would not hold the broken link, and the page and the
bureau's message must not call a broken chain sound.
``verify_and_keep`` keeps the verdict for the page and, when sound, advances the checkpoint to the head it
verified (never backwards): a broken verdict leaves it where it was, and a rerun the same day verifies the
same slice and only what was written since."""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .anchoring import (
    anchor_dir,
    chain_head,
    checkpoint_write,
    latest_anchor,
    read_checkpoint,
    write_atomically,
)
from .chain import CHAIN_FIELDS, GENESIS, entry_hash
from .models import AuditEntry

BATCH = 5000
FULL, INCREMENTAL = "full", "incremental"
_FIELDS = ("id", "hash", *CHAIN_FIELDS)


@dataclass
class Verdict:
    ok: bool
    checked: int  # entries whose link was verified (before the first broken link)
    last_seq: int  # the last entry verified sound: the head, when the verdict is sound
    last_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""
    anchor: dict | None = None
    mode: str = FULL
    ranges: list[list[int]] = field(default_factory=list)  # the [first, last] seq ranges verified link by link
    checkpoint: dict | None = None  # incremental: the checkpoint it went on from (seq, hash, verified_at)
    cycle_days: int | None = None  # incremental: every entry re-verified at least once in this many days

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class _Broken(Exception):
    """The first broken link: its seq (None: outside the chain), its entry's id if there is one, the problem."""

    def __init__(self, seq: int | None, entry_id: int | None, problem: str):
        super().__init__(problem)
        self.seq, self.entry_id, self.problem = seq, entry_id, problem


def _missing(first: int, last: int) -> str:
    return _("Entries %(first)s to %(last)s are missing.") % {"first": first, "last": last}


@dataclass(frozen=True)
class _Witness:
    """An entry's hash signed outside the database: the last anchor's or the checkpoint's."""

    kind: str  # "anchor" or "checkpoint"
    seq: int
    hash: str
    date: str

    def rewritten(self) -> str:
        if self.kind == "anchor":
            return (_("Entry %(seq)s does not match the anchor of %(date)s: the history up to it was rewritten.")
                    % {"seq": self.seq, "date": self.date})
        return (_("Entry %(seq)s no longer matches the verification of %(date)s: the history up to it was "
                  "rewritten.") % {"seq": self.seq, "date": self.date})

    def truncated(self, last: int) -> str:
        if self.kind == "anchor":
            return (_("The chain ends at entry %(last)s but was anchored at %(anchored)s on %(date)s: its tail is "
                      "missing (truncated).") % {"last": last, "anchored": self.seq, "date": self.date})
        return (_("The chain ends at entry %(last)s but was verified up to entry %(verified)s on %(date)s: its "
                  "tail is missing (truncated).") % {"last": last, "verified": self.seq, "date": self.date})


def _witnesses(anchor: dict | None, checkpoint: dict | None) -> list[_Witness]:
    found = []
    if anchor:
        found.append(_Witness("anchor", anchor["seq"], anchor["hash"], anchor["date"]))
    if checkpoint:
        verified_on = timezone.localdate(dt.datetime.fromisoformat(checkpoint["verified_at"])).isoformat()
        found.append(_Witness("checkpoint", checkpoint["seq"], checkpoint["hash"], verified_on))
    return found


class _Links:
    """The one loop of both modes: verify ranges of links in ``seq`` order, keeping the count, the ranges
    verified and the last sound link; raise ``_Broken`` at the first broken one."""

    def __init__(self, *, witnesses: list[_Witness], batch_size: int, progress):
        self.witnesses = witnesses  # the anchor first: the chain's legal evidence names the problem first
        self.witnessed = {w.seq: [x for x in witnesses if x.seq == w.seq] for w in witnesses}
        self.batch_size, self.progress = max(1, batch_size), progress
        self.checked, self.last_seq, self.last_hash = 0, 0, GENESIS
        self.ranges: list[list[int]] = []

    def verify(self, *, first: int, previous: str, last: int | None = None) -> None:
        """Entries ``first`` to ``last`` (None: to the head), the entry before ``first`` having hash ``previous``."""
        expected = first
        try:
            while last is None or expected <= last:
                entries = AuditEntry.objects.filter(seq__gte=expected)
                if last is not None:
                    entries = entries.filter(seq__lte=last)
                rows = list(entries.order_by("seq").values_list(*_FIELDS)[:self.batch_size])
                for entry_id, stored, *content in rows:
                    values = dict(zip(CHAIN_FIELDS, content, strict=True))
                    if values["seq"] != expected:
                        raise _Broken(expected, None, _missing(expected, values["seq"] - 1))
                    if entry_hash(previous, values) != stored:
                        raise _Broken(expected, entry_id, _("Entry %(seq)s (id %(id)s) was altered: its hash does "
                                                            "not match its content and the entry before it.")
                                      % {"seq": expected, "id": entry_id})
                    for witness in self.witnessed.get(expected, ()):
                        if stored != witness.hash:
                            raise _Broken(expected, entry_id, witness.rewritten())
                    previous, expected = stored, expected + 1
                    self.checked += 1
                if self.progress:
                    self.progress(self.checked)
                if len(rows) < self.batch_size:
                    break
            if last is not None and expected <= last:
                raise _Broken(expected, None, _missing(expected, last))
        finally:
            self.last_seq, self.last_hash = expected - 1, previous
            if expected > first:
                self.ranges.append([first, expected - 1])

    def tail(self, outside: int | None) -> None:
        """After the ranges: nothing outside the chain, and the head not below an anchored or verified entry."""
        if outside is not None:
            raise _Broken(None, outside, _("Entry id %(id)s is outside the chain (written with the triggers off).")
                          % {"id": outside})
        for witness in self.witnesses:
            if self.last_seq < witness.seq:
                raise _Broken(self.last_seq + 1, None, witness.truncated(self.last_seq))

    def verdict(self, *, broken: _Broken | None = None, **fields) -> Verdict:
        where = (broken.seq, broken.entry_id, broken.problem) if broken else (None, None, "")
        return Verdict(broken is None, self.checked, self.last_seq, self.last_hash, *where,
                       ranges=self.ranges, **fields)


def _outside() -> int | None:
    return AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True).first()


def verify_chain(*, batch_size: int = BATCH, progress=None) -> Verdict:
    """The full verification: every link from the first entry to the head."""
    anchor = latest_anchor()
    links = _Links(witnesses=_witnesses(anchor, read_checkpoint()), batch_size=batch_size, progress=progress)
    outside = _outside()
    try:
        links.verify(first=1, previous=GENESIS)
        links.tail(outside)
    except _Broken as broken:
        return links.verdict(broken=broken, anchor=anchor)
    return links.verdict(anchor=anchor)


def _cycle_start(day: dt.date, cycle_days: int) -> dt.date:
    return dt.date.fromordinal(day.toordinal() - day.toordinal() % cycle_days)


def _cycle_seq(checkpoint: dict, day: dt.date, cycle_days: int) -> int:
    """S, the end of the older chain the cycle of ``day`` tiles: the checkpoint's seq when the cycle began (the
    checkpoint keeps it), or the checkpoint's seq now if this is the cycle's first run."""
    same_cycle = (checkpoint["cycle_start"], checkpoint["cycle_days"]) == (
        _cycle_start(day, cycle_days).isoformat(), cycle_days)
    return min(checkpoint["cycle_seq"], checkpoint["seq"]) if same_cycle else checkpoint["seq"]


def daily_slice(*, checkpoint: dict, day: dt.date, cycle_days: int) -> tuple[int, int]:
    """The older entries ``day`` re-verifies, ``(first, last)`` (first > last: none, on a chain shorter than the
    cycle): slice number (day's ordinal mod N) of the N cutting [1, S], plus the entry after it (up to the
    checkpoint's) so that the link out of its last entry is verified too. Deterministic: the date and the
    checkpoint decide it."""
    base = _cycle_seq(checkpoint, day, cycle_days)
    k = day.toordinal() % cycle_days
    first, end = k * base // cycle_days + 1, (k + 1) * base // cycle_days
    return (first, min(end + 1, checkpoint["seq"])) if first <= end else (first, end)


def _point_read(seqs: set[int]) -> dict[int, tuple[int, str]]:
    """The entries at these seqs (id, hash), in one query."""
    rows = AuditEntry.objects.filter(seq__in=seqs).values_list("seq", "id", "hash") if seqs else []
    return {seq: (entry_id, stored) for seq, entry_id, stored in rows}


def verify_chain_incremental(*, day: dt.date | None = None, batch_size: int = BATCH, progress=None) -> Verdict:
    """The daily verification: from the checkpoint to the head and the day's slice of the older chain (the
    module's docstring says why that keeps every check); in full without a valid checkpoint, and while the
    last verdict is broken (a broken link found in a slice stays reported until the chain is sound again)."""
    checkpoint, kept = read_checkpoint(), last_verdict()
    if checkpoint is None or checkpoint["seq"] < 1 or (kept is not None and not kept.get("ok")):
        return verify_chain(batch_size=batch_size, progress=progress)
    day = day or timezone.localdate()
    cycle_days = settings.AUDIT_VERIFY_CYCLE_DAYS
    anchor = latest_anchor()
    witnesses = _witnesses(anchor, checkpoint)
    links = _Links(witnesses=witnesses, batch_size=batch_size, progress=progress)
    seq = checkpoint["seq"]
    first, last = daily_slice(checkpoint=checkpoint, day=day, cycle_days=cycle_days)
    in_slice = first <= last
    outside = _outside()
    pointed = [w for w in witnesses if w.seq <= seq and (w.kind == "checkpoint" or not first <= w.seq <= last)]
    stored = _point_read({w.seq for w in pointed} | ({first - 1} if in_slice and first > 1 else set()))
    fields = {"anchor": anchor, "mode": INCREMENTAL, "cycle_days": cycle_days,
              "checkpoint": {k: checkpoint[k] for k in ("seq", "hash", "verified_at")}}
    try:
        for witness in sorted(pointed, key=lambda w: w.seq):  # stable: the anchor first at the same seq
            if witness.seq not in stored:
                head = chain_head()[0]
                raise (_Broken(head + 1, None, witness.truncated(head)) if head < witness.seq
                       else _Broken(witness.seq, None, _missing(witness.seq, witness.seq)))
            if stored[witness.seq][1] != witness.hash:
                raise _Broken(witness.seq, stored[witness.seq][0], witness.rewritten())
        if in_slice:
            if first > 1 and first - 1 not in stored:
                raise _Broken(first - 1, None, _missing(first - 1, first - 1))
            links.verify(first=first, last=last, previous=stored[first - 1][1] if first > 1 else GENESIS)
        links.verify(first=seq + 1, previous=checkpoint["hash"])
        links.tail(outside)
    except _Broken as broken:
        return links.verdict(broken=broken, **fields)
    return links.verdict(**fields)


def _verdict_path():
    return anchor_dir() / "verification.json"


def _checkpoint_advance(verdict: Verdict, *, now: dt.datetime) -> None:
    """A sound verdict moves the checkpoint up to the head it verified; a broken one, or one that ended below
    the checkpoint (a verification that began before the last one), leaves it."""
    existing = read_checkpoint()
    if not verdict.ok or verdict.last_seq < 1 or (existing and existing["seq"] > verdict.last_seq):
        return
    day, cycle_days = timezone.localdate(now), settings.AUDIT_VERIFY_CYCLE_DAYS
    base = _cycle_seq(existing, day, cycle_days) if existing else verdict.last_seq
    checkpoint_write(seq=verdict.last_seq, hash=verdict.last_hash, verified_at=now,
                     cycle_start=_cycle_start(day, cycle_days), cycle_days=cycle_days, cycle_seq=base)


def verify_and_keep(*, incremental: bool = False, now: dt.datetime | None = None, **kwargs) -> Verdict:
    """Verify (in full, or ``incremental`` as the daily job does), keep the verdict (with its time) for the
    verification page, and advance the checkpoint when it is sound."""
    now = now or timezone.now()
    verdict = (verify_chain_incremental(day=timezone.localdate(now), **kwargs) if incremental
               else verify_chain(**kwargs))
    write_atomically(_verdict_path(), json.dumps(verdict.as_dict() | {"verified_at": now.isoformat()},
                                                 ensure_ascii=False))
    _checkpoint_advance(verdict, now=now)
    return verdict


def last_verdict() -> dict | None:
    try:
        return json.loads(_verdict_path().read_text())
    except (OSError, ValueError):
        return None
