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
        )
        for obj, details in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
