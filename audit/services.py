"""Writing the audit trail. Called by every service that changes state, inside its transaction."""

from django.db import transaction

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


def audit_record(*, actor, action: str, obj, details: dict | None = None) -> AuditEntry:
    """Append one audit entry. Must run inside the caller's transaction so that the entry
    commits with the change and rolls back with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    actor_user = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_user,
        actor_repr=(getattr(actor, "username", "") or "system") if actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        details=_jsonable(details or {}),
        enterprise_id=enterprise_of(obj),
    )


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
    rows = [
        AuditEntry(
            actor=actor_user,
            actor_repr=actor_repr,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            details=_jsonable(details or {}),
            enterprise_id=enterprise_of(obj),
        )
        for obj, details in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
