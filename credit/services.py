"""Writes on credit profiles: the credit grade (信用等级) and the whitelist (白名单)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from yantai_inspect.errors import DomainError, domain_error_from_validation

from .models import CreditGrade, CreditProfile
from .whitelist import whitelist_admin_set

PROFILE_FIELDS = ["grade", "whitelisted", "whitelisted_since"]


def credit_whitelist_check(*, grade: str, whitelisted: bool) -> None:
    """The whitelist is for good-credit enterprises: only grade A is whitelisted."""
    if grade not in CreditProfile.Grade.values:
        raise DomainError(_("Unknown credit grade %(grade)s.") % {"grade": grade}, field="grade")
    if whitelisted and grade != CreditProfile.Grade.A:
        raise DomainError(_("Only an enterprise with credit grade A can be on the whitelist."), field="whitelisted")


@transaction.atomic
def credit_profile_set(*, actor, enterprise, grade: str, whitelisted: bool) -> CreditProfile:
    """Set an enterprise's credit grade and whitelist status, creating its profile on first use.

    Only grade A is whitelisted (see ``credit_whitelist_check``); lowering the grade of a whitelisted
    enterprise therefore takes it off the list in the same call. ``whitelisted_since`` is the day it
    joined the whitelist and is kept while it stays on.

    The grade history gets the administrator's grade (valid from today) when it changes, and the whitelist
    an entry listed by the administrator, or the end of the open one (``credit.whitelist``)."""
    credit_whitelist_check(grade=grade, whitelisted=whitelisted)
    profile = CreditProfile.objects.select_for_update().filter(enterprise=enterprise).first()
    before = snapshot(profile, PROFILE_FIELDS) if profile else None
    if profile is None or profile.grade != grade:
        CreditGrade.objects.update_or_create(
            enterprise=enterprise, source=CreditGrade.Source.ADMIN, valid_from=timezone.localdate(),
            defaults={"grade": grade, "valid_to": None},
        )
    whitelist_admin_set(actor=actor, enterprise=enterprise, whitelisted=whitelisted)
    profile = profile or CreditProfile(enterprise=enterprise)
    if whitelisted and not (profile.whitelisted and profile.whitelisted_since):
        profile.whitelisted_since = timezone.localdate()
    elif not whitelisted:
        profile.whitelisted_since = None
    profile.grade, profile.whitelisted = grade, whitelisted
    try:
        profile.full_clean()
    except ValidationError as exc:
        raise domain_error_from_validation(exc) from exc
    profile.save()
    audit_record(actor=actor, action="credit_profile.set", obj=enterprise,
                 details={"before": before, "after": snapshot(profile, PROFILE_FIELDS)})
    return profile
