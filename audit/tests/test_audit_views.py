import pytest

from accounts.tests.factories import AdminUserFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db


def test_the_justice_bureau_reads_the_audit_trail(client):
    client.force_login(JusticeUserFactory())
    assert client.get("/audit/").status_code == 200


def test_an_admin_reads_the_audit_trail(client):
    client.force_login(AdminUserFactory())
    assert client.get("/audit/").status_code == 200


def test_enterprises_are_refused(client):
    client.force_login(enterprise_user())
    assert client.get("/audit/").status_code == 403


def test_an_officer_reads_its_agencys_trail(client):
    client.force_login(OfficerFactory())
    assert client.get("/audit/").status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_admin_cannot_change_or_delete_an_entry(client):
    from django.db import transaction

    from audit.services import audit_record
    from enterprises.tests.factories import EnterpriseFactory

    with transaction.atomic():
        entry = audit_record(actor=None, action="t", obj=EnterpriseFactory())
    client.force_login(AdminUserFactory())
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    response = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
