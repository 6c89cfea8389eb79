"""Anchoring the chain's head outside the database: once a day the head (its ``seq``, the count of entries,
and its hash) is written to a file under ``VAR_DIR/audit-anchors/`` signed with an HMAC (SM3) under
``AUDIT_ANCHOR_KEY`` (default: derived from ``SECRET_KEY``), which the database's owner can neither read nor
forge. Verification compares the chain with the newest valid anchor: a shorter chain lost its tail.

Beside the anchors, under the same key, the verification's checkpoint (``checkpoint.json``): the last entry a
sound verification reached (its ``seq`` and hash), from which the daily verification goes on
(``verification.verify_chain_incremental``)."""

import datetime as dt
import json
import os
import secrets
from pathlib import Path

from django.conf import settings

from .hashing import hmac_matches, hmac_sm3_hex, sm3_hex
from .models import AuditEntry


def anchor_dir() -> Path:
    return Path(settings.VAR_DIR) / "audit-anchors"


def _key() -> bytes:
    key = getattr(settings, "AUDIT_ANCHOR_KEY", "") or ("audit-anchor:" + settings.SECRET_KEY)
    return sm3_hex(key.encode()).encode()


def _message(anchor: dict) -> bytes:
    return json.dumps({k: anchor[k] for k in ("date", "seq", "hash", "anchored_at")}, sort_keys=True).encode()


def write_atomically(path: Path, text: str) -> None:
    """Write the file whole or not at all: a reader never sees half of it, and two writers at once (the daily
    job and "verify now") never share the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def chain_head() -> tuple[int, str]:
    row = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    return row or (0, "")


def anchor_write(*, day: dt.date, now: dt.datetime) -> tuple[dict, bool]:
    """Write the day's anchor once (a rerun the same day keeps the first and returns ``created`` False)."""
    path = anchor_dir() / f"{day.isoformat()}.json"
    if path.exists():
        existing = read_anchor(path)
        if existing is not None:
            return existing, False
    seq, head_hash = chain_head()
    anchor = {"date": day.isoformat(), "seq": seq, "hash": head_hash, "anchored_at": now.isoformat()}
    anchor["mac"] = hmac_sm3_hex(_key(), _message(anchor))
    write_atomically(path, json.dumps(anchor, indent=1))
    return anchor, True


def read_anchor(path: Path) -> dict | None:
    """The anchor in ``path`` if its signature holds, else None."""
    try:
        anchor = json.loads(path.read_text())
        return anchor if hmac_matches(hmac_sm3_hex(_key(), _message(anchor)), anchor.get("mac")) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def anchors() -> list[tuple[str, dict | None]]:
    """Every anchor file (one a day, named by its date), newest first, with its anchor (None: the signature does
    not hold). The other files of the folder (the checkpoint, the last verdict) are not anchors."""
    folder = anchor_dir()
    if not folder.is_dir():
        return []
    return [(p.name, read_anchor(p)) for p in sorted(folder.glob("????-??-??.json"), reverse=True)]


def latest_anchor() -> dict | None:
    """The newest anchor whose signature holds (the largest ``seq``: the head only grows)."""
    valid = [a for _, a in anchors() if a is not None]
    return max(valid, key=lambda a: (a["seq"], a["date"])) if valid else None


CHECKPOINT_FIELDS = ("seq", "hash", "verified_at", "cycle_start", "cycle_days", "cycle_seq")


def _checkpoint_path() -> Path:
    return anchor_dir() / "checkpoint.json"


def _checkpoint_message(checkpoint: dict) -> bytes:
    # "kind" keeps an anchor's signature from ever passing for a checkpoint's, and the other way round
    return json.dumps({"kind": "checkpoint"} | {k: checkpoint[k] for k in CHECKPOINT_FIELDS}, sort_keys=True).encode()


def checkpoint_write(*, seq: int, hash: str, verified_at: dt.datetime, cycle_start: dt.date, cycle_days: int,
                     cycle_seq: int) -> dict:
    """Sign and write the verification's checkpoint: entry ``seq`` (with ``hash``) and every one before it were
    found sound at ``verified_at``. ``cycle_start``, ``cycle_days`` and ``cycle_seq`` say which rolling slices
    the daily verification re-verifies (``verification.daily_slice``)."""
    checkpoint = {"seq": seq, "hash": hash, "verified_at": verified_at.isoformat(),
                  "cycle_start": cycle_start.isoformat(), "cycle_days": cycle_days, "cycle_seq": cycle_seq}
    checkpoint["mac"] = hmac_sm3_hex(_key(), _checkpoint_message(checkpoint))
    write_atomically(_checkpoint_path(), json.dumps(checkpoint, indent=1))
    return checkpoint


def read_checkpoint() -> dict | None:
    """The checkpoint if its signature holds (the database's owner cannot forge one), else None."""
    try:
        checkpoint = json.loads(_checkpoint_path().read_text())
        valid = hmac_matches(hmac_sm3_hex(_key(), _checkpoint_message(checkpoint)), checkpoint.get("mac"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return checkpoint if valid else None
