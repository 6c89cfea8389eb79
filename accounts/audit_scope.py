"""Who reads which audit entries (handed to ``audit.scope`` by ``AccountsConfig.ready``): an administrator
and the city's justice bureau everything; a district justice bureau the entries of the divisions it
supervises (``divisions_supervised_by``, the rule plans and campaigns are read by); an agency's officers
their agency's actions and its objects' entries; nobody else (enterprises, anonymous)."""

from audit.scope import AuditScope

from .divisions import CITY_CODE
from .selectors import divisions_supervised_by


def audit_scope_for(user) -> AuditScope | None:
    if user.is_platform_admin:
        return AuditScope(everything=True)
    agency = user.agency if user.agency_id else None
    if agency is None or not user.is_active:
        return None
    if user.is_justice:
        if agency.division == CITY_CODE and agency.is_justice_bureau and agency.active:
            return AuditScope(everything=True)
        return AuditScope(divisions=tuple(divisions_supervised_by(agency)))
    if user.is_officer:
        return AuditScope(agency_ids=(agency.pk,))
    return None
