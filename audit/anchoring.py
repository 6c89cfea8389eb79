"""Anchoring the chain's head outside the database: once a day the head (its ``seq``, the count of entries,
and its hash) is written to a file under ``VAR_DIR/audit-anchors/`` signed with an HMAC (SM3) under
``AUDIT_ANCHOR_KEY`` (default: derived from ``SECRET_KEY``), which the database's owner can neither read nor
forge. Verification compares the chain with the newest valid anchor: a shorter chain lost its tail."""

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
    not hold). The folder's other files (the last verdict) are not anchors."""
    folder = anchor_dir()
    if not folder.is_dir():
        return []
    return [(p.name, read_anchor(p)) for p in sorted(folder.glob("????-??-??.json"), reverse=True)]


def latest_anchor() -> dict | None:
    """The newest anchor whose signature holds (the largest ``seq``: the head only grows)."""
    valid = [a for _, a in anchors() if a is not None]
    return max(valid, key=lambda a: (a["seq"], a["date"])) if valid else None
