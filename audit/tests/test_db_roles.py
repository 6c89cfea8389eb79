"""The application's database role (scripts/db-roles.sql) can neither TRUNCATE nor ALTER the audit trail,
nor lift its triggers, and still writes the chain."""

import re
from pathlib import Path

import pytest
from django.db import ProgrammingError, connection, transaction

from audit.models import AuditEntry
from audit.services import audit_record
from audit.verification import verify_chain
from enterprises.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "db-roles.sql"


def _grants_block() -> str:
    text = SCRIPT.read_text()
    block = text.split("-- grants begin", 1)[1].split("-- grants end", 1)[0]
    block = block.split("\n", 1)[1]  # the rest of the marker's line
    return re.sub(r"\byantai_owner\b", "CURRENT_USER", block)


@pytest.fixture
def as_app_role():
    """Inside the test's transaction (rolled back, role and all): the role as the script makes it, then
    the session switched to it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'yantai_app'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE ROLE yantai_app NOLOGIN NOSUPERUSER")
        cursor.execute(_grants_block())
        cursor.execute("SET LOCAL ROLE yantai_app")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_auditentry",
    "TRUNCATE audit_auditentry CASCADE",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_entry_no_update ON audit_auditentry",
    "SET session_replication_role = replica",
    "UPDATE audit_auditentry SET object_repr = 'forged'",
    "DELETE FROM audit_auditentry",
    "CREATE TABLE evil (id int)",
])
def test_the_app_role_cannot_rewrite_the_trail(as_app_role, statement):
    with (pytest.raises(ProgrammingError, match="permission denied|must be owner"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(statement)


def test_the_app_role_writes_and_verifies_the_chain(as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    enterprise = EnterpriseFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE yantai_app")
    with transaction.atomic():
        entry = audit_record(actor=None, action="t", obj=enterprise)
    assert AuditEntry.objects.get(pk=entry.pk).hash == entry.hash
    assert verify_chain().ok
