import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from .models import AuditEntry
from .scope import audit_scope_for


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
    """The entries ``user`` may read (``scope.audit_scope_for``): administrators and the city's justice
    bureau all, a district justice bureau its divisions', an agency's officers their agency's; anybody else
    is refused. Every filter is an equality or a range on an indexed column (the actor's, the actor's agency,
    the enterprise's, the action's, the time), newest first: ``enterprise_ids`` is a short list of ids found
    by the caller (an enterprise's page, a name search); ``since``/``until`` are days, both included."""
    scope = audit_scope_for(user)
    if scope is None:
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("actor")
    if not scope.everything:
        qs = qs.filter(scope_q(scope))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor_username:
        qs = qs.filter(actor__username=actor_username)
    if agency_id is not None:
        qs = qs.filter(actor_agency_id=agency_id)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    if action:
        qs = qs.filter(action=action)
    if since is not None:
        qs = qs.filter(created_at__gte=_start_of(since))
    if until is not None:
        qs = qs.filter(created_at__lt=_start_of(until + dt.timedelta(days=1)))
    return qs


def scope_q(scope) -> Q:
    q = Q(pk__in=[])
    if scope.agency_ids:
        q |= Q(agency_id__in=scope.agency_ids) | Q(actor_agency_id__in=scope.agency_ids)
    if scope.divisions:
        q |= Q(division__in=scope.divisions)
    return q
