"""检查审批's two settings: who heads an agency (负责人) and whether its plans need the head's approval.

The approval itself is the plans' concern (``plans.approval``); these are the register's facts it reads."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from yantai_inspect.errors import DomainError

from .models import Agency, User


@transaction.atomic
def agency_head_set(*, actor, user: User, is_head: bool) -> User:
    """Make an officer the head of the agency (or no longer). Only an officer of an agency can be its head; an
    agency may have several (a head and deputies who sign for the head)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_head and not (user.is_officer and user.agency_id):
        raise DomainError(_("Only an officer of an agency can be its head."), field="is_agency_head")
    if user.is_agency_head != is_head:
        user.is_agency_head = is_head
        user.save(update_fields=["is_agency_head"])
        audit_record(actor=actor, action="user.agency_head", obj=user,
                     details={"agency": user.agency_id, "is_head": is_head})
    return user


@transaction.atomic
def agency_head_approval_set(*, actor, agency: Agency, required: bool) -> Agency:
    """Whether the agency's routine plans filed by officers wait for the head's approval before matching (and
    its green-channel inspections are approved by the head after the fact). Plans filed before the change keep
    the way they were filed."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if required and agency.is_justice_bureau:
        raise DomainError(_("A justice bureau files no inspection plans."), field="plans_need_head_approval")
    if agency.plans_need_head_approval != required:
        agency.plans_need_head_approval = required
        agency.save(update_fields=["plans_need_head_approval"])
        audit_record(actor=actor, action="agency.head_approval", obj=agency, details={"required": required})
    return agency
