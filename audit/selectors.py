import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import AuditEntry


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries_for_user(
    *,
    user,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_username: str = "",
    agency_id: int | None = None,
    enterprise_ids=None,
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """The audit trail is read by admins and the justice bureau; nobody else. Every filter is an equality
    or a range on an indexed column (the actor's, the enterprise's, the action's, the time), newest first:
    ``enterprise_ids`` is a short list of ids found by the caller (an enterprise's page, a name search);
    ``since``/``until`` are days, both included."""
    if not (user.is_authenticated and (user.is_platform_admin or user.is_justice)):
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor_username:
        qs = qs.filter(actor__username=actor_username)
    if agency_id is not None:
        qs = qs.filter(actor__agency_id=agency_id)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    if action:
        qs = qs.filter(action=action)
    if since is not None:
        qs = qs.filter(created_at__gte=_start_of(since))
    if until is not None:
        qs = qs.filter(created_at__lt=_start_of(until + dt.timedelta(days=1)))
    return qs
