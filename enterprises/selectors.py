from django.db.models import Q

from accounts.divisions import CITY_CODE

from .models import Enterprise, EnterpriseAccount, Licence


def enterprise_of_user(*, user) -> Enterprise | None:
    """The one enterprise an enterprise account acts for."""
    if not (user.is_authenticated and user.is_enterprise):
        return None
    account = EnterpriseAccount.objects.select_related("enterprise").filter(user=user).first()
    return account.enterprise if account else None


def enterprises_for_user(*, user):
    """Enterprises the user may see: a city-level agency the whole city, a district agency its
    district, an enterprise account its own enterprise (a guardian object permission), admins all."""
    qs = Enterprise.objects.select_related("credit")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    if user.role in ("officer", "justice") and user.agency_id:
        agency = user.agency
        if agency.division == CITY_CODE:
            return qs
        return qs.filter(division=agency.division)
    if user.is_enterprise:
        from guardian.shortcuts import get_objects_for_user

        return get_objects_for_user(user, "enterprises.view_enterprise", klass=qs, accept_global_perms=False)
    return qs.none()


def enterprise_search(*, user, query: str = "", division: str = "", theme: str = "", whitelisted=None):
    qs = enterprises_for_user(user=user)
    query = (query or "").strip()
    if query:
        if len(query) == 18:
            qs = qs.filter(uscc=query.upper())
        else:
            qs = qs.filter(Q(name__contains=query) | Q(uscc__startswith=query.upper()))
    if division:
        qs = qs.filter(division=division)
    if theme:
        qs = qs.filter(themes__code=theme)
    if whitelisted is not None:
        qs = qs.filter(credit__whitelisted=whitelisted)
    return qs.order_by("uscc")


def licences_of_enterprise(*, enterprise: Enterprise):
    return Licence.objects.filter(enterprise=enterprise).order_by("valid_to")
