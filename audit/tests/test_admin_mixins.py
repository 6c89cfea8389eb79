"""Admin writes leave audit entries (AuditedModelAdmin)."""

import pytest
from django.urls import reverse

from accounts.models import Department
from accounts.tests.factories import AdminUserFactory, DepartmentFactory
from audit.models import AuditEntry
from catalogue.models import Matter
from catalogue.tests.factories import MatterFactory, ThemeFactory
from enterprises.tests.factories import EnterpriseFactory, LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return AdminUserFactory(username="root")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_admin_change_is_audited_with_before_and_after(admin_client, admin_user):
    department = DepartmentFactory(code="market", name="市场监管局")

    response = admin_client.post(
        reverse("admin:accounts_department_change", args=[department.pk]), {"code": "market", "name": "市场监督管理局"}
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.department.change")
    assert entry.actor == admin_user
    assert entry.details == {"changed": {"name": {"before": "市场监管局", "after": "市场监督管理局"}}}


def test_an_admin_addition_is_audited(admin_client):
    response = admin_client.post(reverse("admin:accounts_department_add"), {"code": "urban", "name": "城市管理局"})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.department.add")
    assert entry.object_id == str(Department.objects.get(code="urban").pk)
    assert entry.details["values"] == {"code": "urban", "name": "城市管理局"}


def test_many_to_many_changes_are_audited_with_the_new_values(admin_client):
    matter = MatterFactory(code="m-1", name="事项一")
    theme = ThemeFactory(code="catering", name="餐饮")

    response = admin_client.post(
        reverse("admin:catalogue_matter_change", args=[matter.pk]),
        {
            "code": "m-1",
            "name": "事项一",
            "department": matter.department_id,
            "themes": [theme.pk],
            "standard": matter.standard,
            "legal_basis": matter.legal_basis,
            "active": "on",
            "version": 1,
            "effective_from": "2024-01-01",
        },
    )

    assert response.status_code == 302
    assert Matter.objects.get().themes.get() == theme
    entry = AuditEntry.objects.get(action="admin.matter.change")
    assert entry.details["changed"]["themes"] == {"before": [], "after": ["餐饮"]}


def test_an_admin_deletion_is_audited_with_what_was_deleted(admin_client):
    department = DepartmentFactory(code="urban", name="城市管理局")
    pk = department.pk

    response = admin_client.post(reverse("admin:accounts_department_delete", args=[pk]), {"post": "yes"})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.department.delete")
    assert entry.object_id == str(pk)
    assert entry.details["deleted"]["name"] == "城市管理局"


def test_the_delete_selected_action_audits_each_object(admin_client):
    departments = [DepartmentFactory(code=f"d{i}") for i in range(2)]

    response = admin_client.post(
        reverse("admin:accounts_department_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [d.pk for d in departments],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Department.objects.exists()
    assert sorted(
        AuditEntry.objects.filter(action="admin.department.delete").values_list("object_id", flat=True)
    ) == sorted(str(d.pk) for d in departments)


def test_inline_changes_are_audited(admin_client):
    licence = LicenceFactory(enterprise=EnterpriseFactory())
    enterprise = licence.enterprise
    prefix = "licences"
    data = {
        "name": enterprise.name,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "division": enterprise.division,
        "industry": enterprise.industry,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": licence.pk,
        f"{prefix}-0-enterprise": enterprise.pk,
        f"{prefix}-0-licence_type": licence.licence_type,
        f"{prefix}-0-number": licence.number,
        f"{prefix}-0-issuing_agency": licence.issuing_agency,
        f"{prefix}-0-valid_from": licence.valid_from,
        f"{prefix}-0-valid_to": licence.valid_to,
        f"{prefix}-0-DELETE": "on",
        "busy_periods-TOTAL_FORMS": "0",
        "busy_periods-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.get(action="admin.licence.delete")
    assert entry.object_id == str(licence.pk)
    assert entry.details["parent"] == enterprise.name
