import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.models import Department
from audit.models import AuditEntry
from audit.services import audit_record
from enterprises.services import enterprise_create
from enterprises.tests.factories import EnterpriseFactory
from enterprises.uscc import make_uscc

pytestmark = pytest.mark.django_db


def test_the_entry_is_written_with_the_change(django_user_model):
    enterprise = enterprise_create(
        actor=None, uscc=make_uscc("91370611AAAAAAAA1"), name="烟台审计测试有限公司", division="370611"
    )
    entry = AuditEntry.objects.get(action="enterprise.create", object_id=str(enterprise.pk))
    assert entry.details["after"]["name"] == "烟台审计测试有限公司"
    assert entry.actor_repr == "system"


def test_the_entry_is_rolled_back_with_the_change():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        enterprise_create(actor=None, uscc=make_uscc("91370611AAAAAAAA2"), name="回滚测试有限公司", division="370611")
        raise Boom
    assert not AuditEntry.objects.filter(action="enterprise.create").exists()


def test_a_refused_change_writes_neither_the_object_nor_an_entry():
    from yantai_inspect.errors import DomainError

    with pytest.raises(DomainError):
        enterprise_create(actor=None, uscc="91370611AAAAAAAA20", name="坏代码", division="370611")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_write_outside_a_transaction():
    dept = Department.objects.create(code="x", name="x")
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x", obj=dept)


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    with transaction.atomic():
        entry = audit_record(actor=None, action="t", obj=EnterpriseFactory())
    entry.action = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")


def test_the_database_refuses_an_update_behind_the_platforms_back():
    with transaction.atomic():
        entry = audit_record(actor=None, action="t", obj=EnterpriseFactory())
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "t"
