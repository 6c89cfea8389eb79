"""Writing entries, and what the database's owner can do behind the application's back: shared by the chain's
tests."""

from django.db import connection, transaction

from audit.services import audit_record
from enterprises.tests.factories import EnterpriseFactory


def write(n, obj=None):
    obj = obj or EnterpriseFactory()
    with transaction.atomic():
        return [audit_record(actor=None, action=f"t.{i}", obj=obj, details={"i": i, "x": "丁"}) for i in range(n)]


def raw(sql, params=()):
    """Lift the append-only trigger, run the statement, put the trigger back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute(sql, params)
            cursor.execute("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
                           "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;")


def forge(seq, *, through=None):
    """Edit entry ``seq`` and recompute its hash from the entry before it, and the hashes after it up to entry
    ``through`` (the owner covering the edit as far as they dare)."""
    from audit.chain import GENESIS, entry_hash, entry_values
    from audit.models import AuditEntry

    previous = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS
    for row in AuditEntry.objects.filter(seq__gte=seq, seq__lte=through or seq).order_by("seq"):
        values = entry_values(row) | ({"object_repr": "forged"} if row.seq == seq else {})
        previous = entry_hash(previous, values)
        raw("UPDATE audit_auditentry SET object_repr = %s, hash = %s WHERE id = %s",
            [values["object_repr"], previous, row.pk])
