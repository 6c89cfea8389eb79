from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import require_enterprise_account
from yantai_inspect.prepared import prepared_queryset

from .models import Enterprise
from .selectors import enterprise_of_user, enterprises_for_user, enterprises_in_scope, enterprises_scope

SENTINEL_CODE = "\x01 prepared credit code"  # no code looks like this (18 letters and digits)


def enterprise_for_user(*, user, uscc: str) -> Enterprise:
    """The enterprise with this code if the user may see it; 404 otherwise, so an outsider cannot
    even learn that the code exists."""
    uscc = (uscc or "").upper()
    scope = enterprises_scope(user=user)
    if scope[0] in ("all", "division"):  # the same statement for every user of the scope: compiled once
        bind = prepared_queryset(
            f"enterprises.access.enterprise_for_user:{scope}",
            Enterprise,
            lambda uscc: enterprises_in_scope(scope).filter(uscc=uscc)[:1],
            uscc=SENTINEL_CODE,
        )
        enterprise = next(iter(bind(uscc=uscc)), None)
    else:
        enterprise = enterprises_for_user(user=user).filter(uscc=uscc).first()
    if enterprise is None:
        raise Http404
    return enterprise


def require_enterprise(user) -> Enterprise:
    """The enterprise an enterprise account acts for; refused for other roles and for an account not yet
    tied to an enterprise."""
    require_enterprise_account(user)
    enterprise = enterprise_of_user(user=user)
    if enterprise is None:
        raise PermissionDenied(_("This account is not linked to an enterprise yet."))
    return enterprise
