"""The audit chain: each entry's ``hash`` is the SM3 of the previous entry's hash and the entry's canonical
content, and ``seq`` numbers the entries 1, 2, 3 ... without a gap. Editing, deleting or inserting an entry
anywhere (with or without the append-only trigger, e.g. under ``session_replication_role=replica``) breaks
the chain at that link; cutting the tail (``TRUNCATE``, or deleting the newest entries) is caught against
the last anchor (``anchoring``), which the database's owner cannot rewrite."""

import json

from django.db import connection

from .hashing import sm3_hex, utc_stamp
from .models import AuditChainHead

GENESIS = "0" * 64

# The fields the hash covers, in the order of ``values_list`` reads (verification reads exactly these).
CHAIN_FIELDS = ("seq", "created_at", "actor_id", "actor_repr", "action", "object_type", "object_id",
                "object_repr", "details", "agency_id", "actor_agency_id", "division", "enterprise_id")


def canonical_bytes(values: dict) -> bytes:
    content = dict(values)
    content["created_at"] = utc_stamp(content["created_at"])
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(previous_hash: str, values: dict) -> str:
    return sm3_hex(previous_hash.encode() + b"\n" + canonical_bytes(values))


def entry_values(entry) -> dict:
    return {name: getattr(entry, name) for name in CHAIN_FIELDS}


def lock_head() -> tuple[int, str]:
    """Take the chain's lock and read its last link in one statement (the head row ``FOR UPDATE``; SQLite:
    its single writer, the transaction being IMMEDIATE). Held until the caller's transaction ends."""
    row = AuditChainHead.objects.select_for_update().filter(pk=1).values_list("seq", "hash").first()
    if row is None:  # a flushed test database (the migration's row gone); never on a live one
        AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        row = AuditChainHead.objects.select_for_update().filter(pk=1).values_list("seq", "hash").get()
    return row


def chain(entries) -> None:
    """Number and hash unsaved entries (in order) after the head; call with the head's lock held, i.e. right
    after ``lock_head``. The INSERT's trigger advances the head."""
    seq, previous = lock_head()
    for entry in entries:
        seq += 1
        entry.seq = seq
        entry.hash = entry_hash(previous, entry_values(entry))
        previous = entry.hash


def vendor_supports_row_lock() -> bool:
    return connection.features.has_select_for_update
