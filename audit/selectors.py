from django.core.exceptions import PermissionDenied

from .models import AuditEntry


def audit_entries_for_user(*, user, object_type: str | None = None, object_id: str | None = None):
    """The audit trail is read by admins and the justice bureau; nobody else."""
    if not (user.is_authenticated and (user.is_platform_admin or user.is_justice)):
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs
