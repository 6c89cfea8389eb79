"""检查审批's register facts: who heads an agency and whether its plans need the head's approval, set by their
services (audited) and from the admin through them."""

import pytest
from django.urls import reverse

from accounts.heads import agency_head_approval_set, agency_head_set
from accounts.models import Agency
from accounts.tests.factories import (
    AdminUserFactory,
    AgencyFactory,
    DepartmentFactory,
    JusticeBureauFactory,
    JusticeUserFactory,
    OfficerFactory,
)
from audit.models import AuditEntry
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def test_an_officer_is_made_head_once_and_audited():
    officer = OfficerFactory()
    agency_head_set(actor=None, user=officer, is_head=True)
    agency_head_set(actor=None, user=officer, is_head=True)  # no change, no entry
    officer.refresh_from_db()
    assert officer.is_agency_head
    assert AuditEntry.objects.filter(action="user.agency_head").count() == 1


def test_only_an_officer_can_head_an_agency_and_a_justice_bureau_needs_no_approval():
    bureau = JusticeBureauFactory()
    with pytest.raises(DomainError):
        agency_head_set(actor=None, user=JusticeUserFactory(agency=bureau), is_head=True)
    with pytest.raises(DomainError):
        agency_head_approval_set(actor=None, agency=bureau, required=True)


def test_the_admin_turns_the_setting_on_through_the_service(client):
    client.force_login(AdminUserFactory())
    agency = AgencyFactory(department=DepartmentFactory())
    response = client.post(reverse("admin:accounts_agency_change", args=[agency.pk]), {
        "code": agency.code, "name": agency.name, "department": agency.department_id, "level": agency.level,
        "division": agency.division, "parent": "", "inspection_authority": "on", "active": "on",
        "plans_need_head_approval": "on",
    })
    assert response.status_code == 302
    assert Agency.objects.get(pk=agency.pk).plans_need_head_approval
    assert AuditEntry.objects.filter(action="agency.head_approval", object_id=str(agency.pk)).exists()
