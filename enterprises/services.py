"""Writes on enterprises, their accounts and licences. Busy periods re-match visits, so their services live
in the plans app (``plans.busy``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from audit.services import audit_record, snapshot
from yantai_inspect.errors import DomainError, domain_error_from_validation

from .models import Enterprise, EnterpriseAccount, Licence
from .uscc import normalise_uscc

ENTERPRISE_FIELDS = ["uscc", "name", "legal_representative", "address", "division", "industry"]


def _clean(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise domain_error_from_validation(exc) from exc


@transaction.atomic
def enterprise_create(
    *,
    actor,
    uscc: str,
    name: str,
    division: str,
    legal_representative: str = "",
    address: str = "",
    industry: str = "",
    themes=(),
) -> Enterprise:
    """Register an enterprise. The credit code must be valid (GB 32100-2015) and not yet registered."""
    uscc = normalise_uscc(uscc)
    if Enterprise.objects.filter(uscc=uscc).exists():
        raise DomainError(_("An enterprise with this credit code is already registered."), field="uscc")
    enterprise = Enterprise(
        uscc=uscc,
        name=name.strip(),
        division=division,
        legal_representative=legal_representative,
        address=address,
        industry=industry,
    )
    _clean(enterprise)
    enterprise.save()
    if themes:
        enterprise.themes.set(themes)
    audit_record(
        actor=actor,
        action="enterprise.create",
        obj=enterprise,
        details={"after": snapshot(enterprise, ENTERPRISE_FIELDS), "themes": [t.code for t in themes]},
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, themes=None, **changes) -> Enterprise:
    """Change an enterprise's registered details (not its code), and its themes when given."""
    if "uscc" in changes:
        raise DomainError(_("The credit code of a registered enterprise cannot be changed."), field="uscc")
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    for field, value in changes.items():
        if field not in ENTERPRISE_FIELDS:
            raise DomainError(_("Unknown field %(f)s.") % {"f": field})
        setattr(enterprise, field, value)
    _clean(enterprise)
    enterprise.save()
    details = {"before": before, "after": snapshot(enterprise, ENTERPRISE_FIELDS)}
    if themes is not None:
        details["themes"] = {
            "before": sorted(enterprise.themes.values_list("code", flat=True)),
            "after": sorted(t.code for t in themes),
        }
        enterprise.themes.set(themes)
    audit_record(actor=actor, action="enterprise.update", obj=enterprise, details=details)
    return enterprise


@transaction.atomic
def enterprise_account_link(*, actor, user, enterprise: Enterprise) -> EnterpriseAccount:
    """Tie an enterprise-role user to its one enterprise and grant it object access (guardian)."""
    if user.role != user.Role.ENTERPRISE:
        raise DomainError(_("Only an enterprise account can act for an enterprise."))
    if EnterpriseAccount.objects.filter(user=user).exclude(enterprise=enterprise).exists():
        raise DomainError(_("This account already acts for another enterprise."))
    account, _created = EnterpriseAccount.objects.get_or_create(user=user, defaults={"enterprise": enterprise})
    assign_perm("enterprises.view_enterprise", user, enterprise)
    audit_record(actor=actor, action="enterprise.account_link", obj=enterprise, details={"user": user.username})
    return account


@transaction.atomic
def licence_record(
    *,
    actor,
    enterprise: Enterprise,
    licence_type: str,
    number: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    issuing_agency: str = "",
) -> Licence:
    """Record a licence, or update the validity of the same licence (type and number) when renewed."""
    licence = Licence.objects.filter(enterprise=enterprise, licence_type=licence_type, number=number).first()
    before = snapshot(licence, ["valid_from", "valid_to", "issuing_agency"]) if licence else None
    licence = licence or Licence(enterprise=enterprise, licence_type=licence_type, number=number)
    licence.valid_from, licence.valid_to, licence.issuing_agency = valid_from, valid_to, issuing_agency
    _clean(licence)
    licence.save()
    audit_record(
        actor=actor,
        action="licence.record",
        obj=licence,
        details={"before": before, "after": snapshot(licence, ["valid_from", "valid_to", "issuing_agency"])},
    )
    return licence
