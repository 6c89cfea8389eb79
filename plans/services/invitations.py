"""一家发起、众家响应: the lead agency's thematic plan invites the theme's agencies; they respond by filing
(``plan_file(invitation=...)``) or decline."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require_officer
from accounts.models import Agency
from audit.services import audit_record
from enterprises.models import Enterprise
from notifications.services import notification_send, notifications_resolve
from yantai_inspect.errors import DomainError

from ..models import Invitation, Plan


def _invite_theme_agencies(*, actor, plan: Plan, today: dt.date) -> None:
    """一家发起、众家响应: the lead agency's thematic plan invites the theme's other agencies of the same area."""
    theme = plan.theme
    if theme is None or theme.lead_department_id != plan.agency.department_id or plan.invitation_id:
        return
    deadline = max(
        today + dt.timedelta(days=1), plan.window_start - dt.timedelta(days=settings.VISIT_FIX_DAYS_BEFORE + 1)
    )
    invited = Agency.objects.filter(
        department__in=theme.participating_departments.all(),
        active=True,
        is_justice_bureau=False,
        division=plan.agency.division,
    ).exclude(pk=plan.agency_id)
    for agency in invited:
        invitation, created = Invitation.objects.get_or_create(
            lead_plan=plan, agency=agency, defaults={"deadline": deadline}
        )
        if created:
            notification_send(
                dedupe_key=Invitation.notification_keys([invitation.pk])[0],
                agency=agency,
                title=_("Invitation to a joint inspection of %(name)s") % {"name": plan.enterprise.name},
                body=_("%(lead)s leads a %(theme)s inspection between %(start)s and %(end)s. Respond by %(deadline)s.")
                % {
                    "lead": plan.agency.name,
                    "theme": theme.name,
                    "start": plan.window_start,
                    "end": plan.window_end,
                    "deadline": deadline,
                },
                link="/agency/invitations/",
            )
    if invited:
        audit_record(
            actor=actor,
            action="plan.invite",
            obj=plan,
            details={"agencies": [a.code for a in invited], "deadline": deadline},
        )


def _check_invitation(*, invitation: Invitation, agency: Agency, enterprise: Enterprise, today) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("lead_plan").get(pk=invitation.pk)
    if invitation.agency_id != agency.pk:
        raise DomainError(_("This invitation is addressed to another agency."), field="invitation")
    if invitation.status != Invitation.Status.OPEN or invitation.deadline < today:
        raise DomainError(_("This invitation is no longer open."), field="invitation")
    if invitation.lead_plan.enterprise_id != enterprise.pk:
        raise DomainError(_("The invitation is for another enterprise."), field="enterprise")
    if not invitation.lead_plan.is_live:
        raise DomainError(_("The lead plan has been withdrawn."), field="invitation")
    return invitation


@transaction.atomic
def invitation_decline(*, actor, invitation: Invitation, reason: str = "") -> Invitation:
    agency = require_officer(actor)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.agency_id != agency.pk:
        raise DomainError(_("This invitation is addressed to another agency."))
    if invitation.status != Invitation.Status.OPEN:
        raise DomainError(_("This invitation is no longer open."))
    invitation.status = Invitation.Status.DECLINED
    invitation.save(update_fields=["status"])
    audit_record(actor=actor, action="invitation.decline", obj=invitation, details={"reason": reason})
    notifications_resolve(keys=Invitation.notification_keys([invitation.pk]))
    return invitation
