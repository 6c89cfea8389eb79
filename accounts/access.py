"""Who may act, in one vocabulary.

A role check is a function of the user: it returns what the user acts for (an officer's or a justice
bureau's agency) or raises ``PermissionDenied`` with a message in the user's language. Services call these
functions for their actor; the portals' view decorators and the API's permission classes are built on the
same functions, so a page, an endpoint and a service refuse the same people with the same words.

Which object a user may touch (this plan, this visit, this record) is a question for the app that owns the
object: ``plans.access.plan_for_user``, ``inspections.access.record_for_user``, ... The enterprise an
enterprise account acts for is ``enterprises.access.require_enterprise``.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

AGENCY, JUSTICE, ENTERPRISE, ADMIN = "agency", "justice", "enterprise", "admin"


def portal_of(user) -> str | None:
    """The portal a user belongs to: platform admins first (a superuser officer administers), then the role."""
    if not (user and user.is_authenticated):
        return None
    if user.is_platform_admin:
        return ADMIN
    return {"officer": AGENCY, "justice": JUSTICE, "enterprise": ENTERPRISE}.get(user.role)


def require_portal(user, *portals: str, message=None) -> str:
    """The user's portal if it is one of ``portals``; refused otherwise."""
    portal = portal_of(user)
    if portal not in portals:
        raise PermissionDenied(message or _("Your account may not do this."))
    return portal


def require_officer(user):
    """An enforcement officer of an agency (执法人员); returns the agency."""
    require_portal(user, AGENCY, message=_("Only enforcement officers can do this."))
    if not user.agency_id:
        raise PermissionDenied(_("Only enforcement officers can do this."))
    return user.agency


def require_inspecting_officer(user):
    """An officer of an agency with inspection authority (检查主体, ``Agency.may_inspect``): only such an
    agency may file an inspection plan. Returns the agency."""
    agency = require_officer(user)
    if not agency.may_inspect:
        raise PermissionDenied(
            _("%(agency)s has no inspection authority on the public register and cannot file inspections.")
            % {"agency": agency.name}
        )
    return agency


def require_agency_head(user):
    """The head (负责人) of an agency (``User.is_agency_head``, an officer): approves its plans (检查审批).
    Returns the agency."""
    agency = require_officer(user)
    if not user.is_agency_head:
        raise PermissionDenied(_("Only the head of the agency can do this."))
    return agency


def require_justice(user):
    """Staff of a justice bureau (司法局); returns the bureau."""
    require_portal(user, JUSTICE, message=_("Only the justice bureau can do this."))
    if not user.agency_id:
        raise PermissionDenied(_("Only the justice bureau can do this."))
    return user.agency


def require_enterprise_account(user):
    """An enterprise account (which enterprise it acts for: ``enterprises.access.require_enterprise``)."""
    require_portal(user, ENTERPRISE, message=_("Only the enterprise can do this."))
    return user


# -- portal pages ----------------------------------------------------------------------------------------


def page_guard(check):
    """A view decorator from a role check: anonymous users go to the login page, others the check refuses
    get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request.user)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def portal_required(*portals: str):
    """Pages shared by several portals (an enterprise's register page for agencies and justice bureaus)."""
    return page_guard(lambda user: require_portal(user, *portals))


agency_required = page_guard(require_officer)
agency_head_required = page_guard(require_agency_head)
justice_required = page_guard(require_justice)
enterprise_required = page_guard(require_enterprise_account)


# -- the API ---------------------------------------------------------------------------------------------


def api_permission(check, name: str) -> type[BasePermission]:
    """A DRF permission class from a role check (anonymous callers get 401 from the authentication first)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        try:
            check(request.user)
        except PermissionDenied as exc:
            self.message = str(exc)
            return False
        return True

    return type(name, (BasePermission,), {"has_permission": has_permission, "__doc__": check.__doc__})


IsOfficer = api_permission(require_officer, "IsOfficer")
IsAgencyHead = api_permission(require_agency_head, "IsAgencyHead")
IsJustice = api_permission(require_justice, "IsJustice")
IsEnterpriseAccount = api_permission(require_enterprise_account, "IsEnterpriseAccount")
