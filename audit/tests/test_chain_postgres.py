"""The chain on PostgreSQL: two writers at once never fork it (the head's row lock), and what the database's
owner does behind the application's back (a real TRUNCATE, ``session_replication_role = replica``, a
disabled trigger) is found by the verification."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from audit.anchoring import anchor_write
from audit.models import AuditChainHead, AuditEntry
from audit.services import audit_record
from audit.verification import verify_chain
from enterprises.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _write(n, enterprise):
    with transaction.atomic():
        return [audit_record(actor=None, action=f"t.{i}", obj=enterprise) for i in range(n)]


def test_two_writers_at_once_never_fork_the_chain():
    enterprise = EnterpriseFactory()
    barrier, errors = threading.Barrier(2), []

    def writer():
        try:
            barrier.wait()
            for _ in range(25):
                with transaction.atomic():
                    audit_record(actor=None, action="concurrent", obj=enterprise)
                    audit_record(actor=None, action="concurrent", obj=enterprise)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 101))
    assert AuditChainHead.objects.get(pk=1).seq == 100
    assert verify_chain(batch_size=7).ok


def test_a_real_truncate_by_the_owner_is_caught_against_the_anchor():
    enterprise = EnterpriseFactory()
    _write(3, enterprise)
    anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    verdict = verify_chain()
    assert not verdict.ok and "truncated" in verdict.problem and verdict.last_seq == 0
    _write(2, enterprise)  # the chain goes on after the head (4, 5): the lost entries are a gap
    verdict = verify_chain()
    assert not verdict.ok and verdict.broken_seq == 1 and "missing" in verdict.problem


def test_truncating_the_head_too_and_starting_afresh_does_not_match_the_anchor():
    enterprise = EnterpriseFactory()
    _write(3, enterprise)
    anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry, audit_auditchainhead")
    _write(4, enterprise)
    verdict = verify_chain()
    assert not verdict.ok and verdict.broken_seq == 3 and "anchor" in verdict.problem


def test_an_update_under_replica_role_is_named_as_the_first_broken_link():
    entries = _write(4, EnterpriseFactory())
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_auditentry SET details = '{\"forged\": true}' WHERE id = %s", [entries[1].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    verdict = verify_chain()
    assert not verdict.ok and (verdict.broken_seq, verdict.broken_id) == (entries[1].seq, entries[1].pk)


def test_a_delete_with_the_trigger_disabled_is_a_gap():
    entries = _write(4, EnterpriseFactory())
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update")
    verdict = verify_chain()
    assert not verdict.ok and verdict.broken_seq == entries[2].seq and "missing" in verdict.problem
