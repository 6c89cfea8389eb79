"""Writing the audit trail. Called by every service that changes state, inside its transaction.

Every entry is chained after the last one (``chain``) under the chain head's row lock, which every audited
write of the city waits for until its transaction ends. A service that does much after its first entry (the
filing: the matching, the invitations, the caps) runs under ``audit_deferred``: its entries are built where
they happen and chained and inserted at the end of the service, so the lock is held from that INSERT to the
commit only."""

from contextlib import ContextDecorator

from django.db import transaction
from django.utils import timezone

from .chain import chain
from .models import AuditEntry


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# The attributes that lead from an audited object towards its enterprise (a finding's record's visit ...).
_TOWARDS_ENTERPRISE = ("task", "joint_task", "record", "finding", "lead_plan", "plan")


def enterprise_of(obj, depth: int = 4):
    """The id of the enterprise ``obj`` concerns, or None: the enterprise itself, an object with an
    ``enterprise_id``, or one reached through its visit, record or finding when the caller has loaded them
    (never a query: the daily jobs audit thousands of rows in one INSERT)."""
    if obj is None or depth == 0:
        return None
    if obj._meta.label_lower == "enterprises.enterprise":
        return obj.pk
    if getattr(obj, "enterprise_id", None) is not None:
        return obj.enterprise_id
    for name in _TOWARDS_ENTERPRISE:
        if getattr(obj, f"{name}_id", None) is not None and name in obj._state.fields_cache:
            return enterprise_of(getattr(obj, name), depth - 1)
    return None


def _loaded(obj, name):
    """``obj.<name>`` if it is already loaded (no query), else None."""
    try:
        return obj._state.fields_cache.get(name)
    except AttributeError:
        return None


# Where an object's owners are: its agency (a joint task's is its lead agency), its enterprise, else those of
# the loaded object it belongs to (a record's task, a finding's record, a visit's plan ...).
AGENCY_FIELDS = ("agency", "lead_agency")
PARENT_FIELDS = ("plan", "task", "record", "finding", "visit")


def _owners(obj, load: bool, depth: int = 0):
    agency_id = agency = enterprise_id = enterprise = None
    label = obj._meta.label_lower
    if label == "accounts.agency":
        agency_id, agency = obj.pk, obj
    if label == "enterprises.enterprise":
        enterprise_id, enterprise = obj.pk, obj
    for name in AGENCY_FIELDS:
        if agency_id is None and getattr(obj, f"{name}_id", None):
            agency_id, agency = getattr(obj, f"{name}_id"), (getattr(obj, name) if load else _loaded(obj, name))
    if enterprise_id is None and getattr(obj, "enterprise_id", None):
        enterprise_id = obj.enterprise_id
        enterprise = obj.enterprise if load and agency is None else _loaded(obj, "enterprise")
    if agency_id is None and enterprise_id is None and depth < 3:
        for name in PARENT_FIELDS:
            parent = _loaded(obj, name)
            if parent is not None:
                return _owners(parent, load, depth + 1)
    return agency_id, agency, enterprise_id, enterprise


def entry_scope(obj, actor, *, agency_id=None, division=None, enterprise_id=None, load=True) -> dict:
    """Whose entry it is (the readers' scope, ``AuditEntry.agency_id`` ...): what the caller passes, else
    what the object says (``_owners``: an agency or an enterprise is its own; another object's its agency
    and enterprise, or those of the loaded object it belongs to); the division is the agency's, else the
    enterprise's, else the actor's agency's. Read from loaded objects; an agency not yet loaded costs one
    query (most services have it loaded) unless ``load`` is false (the bulk writer: no query per row)."""
    owner_agency_id, agency, owner_enterprise_id, enterprise = _owners(obj, load and division is None)
    agency_id = owner_agency_id if agency_id is None else agency_id
    enterprise_id = owner_enterprise_id if enterprise_id is None else enterprise_id
    if enterprise_id is None:  # a visit's, record's ... loaded on the way (enterprise_of)
        enterprise_id = enterprise_of(obj)
    actor_agency_id = getattr(actor, "agency_id", None)
    if division is None:
        related = agency or enterprise
        if related is None and actor_agency_id:
            related = actor.agency if load else _loaded(actor, "agency")
        division = getattr(related, "division", "")
    return {"agency_id": agency_id, "actor_agency_id": actor_agency_id, "division": division or "",
            "enterprise_id": enterprise_id}


def audit_record(*, actor, action: str, obj, details: dict | None = None, agency_id=None, division=None,
                 enterprise_id=None) -> AuditEntry:
    """Append one audit entry, chained after the last one (``chain``). Must run inside the caller's
    transaction so that the entry commits with the change and rolls back with it. Two statements: the
    chain head's lock (which reads the previous hash) and the INSERT. The scope arguments override what
    ``entry_scope`` reads from the object."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    actor_user = actor if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        actor=actor_user,
        actor_repr=(getattr(actor, "username", "") or "system") if actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        details=_jsonable(details or {}),
        created_at=timezone.now(),
        **entry_scope(obj, actor_user, agency_id=agency_id, division=division, enterprise_id=enterprise_id),
    )
    pending = getattr(transaction.get_connection(), "audit_pending", None)
    if pending is not None:
        pending.append(_Pending(entry))
        return entry
    chain([entry])
    entry.save(force_insert=True)
    return entry


class _Pending:
    """An entry ``audit_deferred`` holds until its block ends. It also stands as a do-nothing on-commit callback
    of the savepoint it was written in: Django drops the callbacks of a savepoint rolled back
    (``savepoint_rollback``), and so the block drops the entries of a change that was undone within it."""

    __slots__ = ("entry",)

    def __init__(self, entry):
        self.entry = entry
        transaction.on_commit(self)

    def __call__(self):
        pass


class audit_deferred(ContextDecorator):
    """Inside the block (or the decorated service, inside its ``transaction.atomic``), ``audit_record`` builds
    its entries where they happen and the block's end chains and inserts them, in their order, in one INSERT
    (``_append``), their time the time of that INSERT. The chain head's lock is then held from there to the
    commit, not through the rest of the service. Nested, the outermost block writes. An exception leaves
    nothing to write (the transaction rolls back); an entry of a savepoint rolled back within the block is not
    written."""

    def _recreate_cm(self):  # as a decorator: a block of its own per call (and thread)
        return type(self)()

    def __enter__(self):
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            raise RuntimeError("audit_deferred must be used inside the service's transaction")
        self.outermost = getattr(connection, "audit_pending", None) is None
        if self.outermost:
            connection.audit_pending = []
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.outermost:
            return False
        connection = transaction.get_connection()
        pending, connection.audit_pending = connection.audit_pending, None
        if exc_type is None and pending:
            kept = {id(callback) for _sids, callback, _robust in connection.run_on_commit}
            _append([p.entry for p in pending if id(p) in kept])
        return False


def _append(entries: list) -> None:
    """Chain and insert ``entries`` (built, unsaved, in order): the head's lock, then one INSERT."""
    if not entries:
        return
    now = timezone.now()
    for entry in entries:
        entry.created_at = now
    chain(entries)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def snapshot(obj, fields: list[str]) -> dict:
    """The values of ``fields`` on ``obj``, for the before/after of an audit entry."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def audit_record_many(*, actor, action: str, entries) -> int:
    """Append one audit entry per ``(obj, details)`` in ``entries`` with one INSERT, for the daily jobs that
    change thousands of rows in one statement. The same rules as ``audit_record``: inside the caller's
    transaction, the same fields."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must be called inside the service's transaction")
    actor_user = actor if getattr(actor, "pk", None) else None
    actor_repr = (getattr(actor, "username", "") or "system") if actor is not None else "system"
    now = timezone.now()
    rows = [
        AuditEntry(
            created_at=now,
            **entry_scope(obj, actor_user, load=False),
            actor=actor_user,
            actor_repr=actor_repr,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            details=_jsonable(details or {}),
        )
        for obj, details in entries
    ]
    pending = getattr(transaction.get_connection(), "audit_pending", None)
    if pending is not None:  # in order with the block's other entries
        pending.extend(_Pending(row) for row in rows)
        return len(rows)
    chain(rows)
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
