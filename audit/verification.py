"""Verifying the chain (``manage.py audit_verify``, the justice portal's page, the daily anchor job): read
the entries in ``seq`` order a batch at a time (one SELECT per batch, keyset on the unique ``seq``),
recompute each hash from the previous one, and name the first broken link: an entry whose content or hash
was changed, a missing entry (a gap), an entry outside the chain (no ``seq``: written with the triggers
off), or a missing tail (the chain ends before the last anchor, or its entry there no longer matches)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .anchoring import latest_anchor
from .chain import CHAIN_FIELDS, GENESIS, entry_hash
from .models import AuditEntry

BATCH = 5000


@dataclass
class Verdict:
    ok: bool
    checked: int  # entries verified in order before the first broken link
    last_seq: int
    last_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""
    anchor: dict | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def verify_chain(*, batch_size: int = BATCH, progress=None) -> Verdict:
    previous, expected, checked = GENESIS, 1, 0
    fields = ("id", "hash", *CHAIN_FIELDS)
    anchor = latest_anchor()

    def broken(seq, entry_id, problem):
        return Verdict(False, checked, expected - 1, previous, seq, entry_id, problem, anchor)

    outside = AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True).first()
    while True:
        rows = list(AuditEntry.objects.filter(seq__gte=expected).order_by("seq").values_list(*fields)[:batch_size])
        for row in rows:
            entry_id, stored = row[0], row[1]
            values = dict(zip(CHAIN_FIELDS, row[2:], strict=True))
            if values["seq"] != expected:
                return broken(expected, None, _("Entries %(first)s to %(last)s are missing.")
                              % {"first": expected, "last": values["seq"] - 1})
            if entry_hash(previous, values) != stored:
                return broken(expected, entry_id, _("Entry %(seq)s (id %(id)s) was altered: its hash does not "
                                                    "match its content and the entry before it.")
                              % {"seq": expected, "id": entry_id})
            if anchor and expected == anchor["seq"] and stored != anchor["hash"]:
                return broken(expected, entry_id, _("Entry %(seq)s does not match the anchor of %(date)s: the "
                                                    "history up to it was rewritten.")
                              % {"seq": expected, "date": anchor["date"]})
            previous, expected, checked = stored, expected + 1, checked + 1
        if progress:
            progress(checked)
        if len(rows) < batch_size:
            break
    if outside is not None:
        return broken(None, outside, _("Entry id %(id)s is outside the chain (written with the triggers off).")
                      % {"id": outside})
    if anchor and expected - 1 < anchor["seq"]:
        return broken(expected, None, _("The chain ends at entry %(last)s but was anchored at %(anchored)s on "
                                        "%(date)s: its tail is missing (truncated).")
                      % {"last": expected - 1, "anchored": anchor["seq"], "date": anchor["date"]})
    return Verdict(True, checked, expected - 1, previous, anchor=anchor)


def _verdict_path():
    from .anchoring import anchor_dir

    return anchor_dir() / "verification.json"


def verify_and_keep(**kwargs) -> Verdict:
    """Verify and keep the verdict (with its time) for the verification page."""
    import json

    from django.utils import timezone

    from .anchoring import write_atomically

    verdict = verify_chain(**kwargs)
    write_atomically(_verdict_path(), json.dumps(verdict.as_dict() | {"verified_at": timezone.now().isoformat()},
                                                 ensure_ascii=False))
    return verdict


def last_verdict() -> dict | None:
    import json

    try:
        return json.loads(_verdict_path().read_text())
    except (OSError, ValueError):
        return None
