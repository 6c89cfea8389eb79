"""``audit_deferred``: a service's entries are chained and inserted at its end, in their order, so that the
chain head's lock (which every audited write of the city waits for) is held from that INSERT to the commit
only; entries of a savepoint rolled back within the block are not written, nor any of a block that failed."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.services import audit_deferred, audit_record, audit_record_many
from audit.verification import verify_chain
from enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_the_entries_are_written_at_the_end_of_the_block_in_their_order():
    enterprise = EnterpriseFactory()
    before = AuditEntry.objects.count()
    with transaction.atomic():
        with audit_deferred():
            for n in range(3):
                audit_record(actor=None, action=f"step-{n}", obj=enterprise, details={"n": n})
            assert AuditEntry.objects.count() == before  # nothing yet: no lock taken
        assert actions()[-3:] == ["step-0", "step-1", "step-2"]
    entries = list(AuditEntry.objects.order_by("seq"))[-3:]
    assert [e.seq for e in entries] == [entries[0].seq, entries[0].seq + 1, entries[0].seq + 2]
    assert len({e.created_at for e in entries}) == 1  # the time of the INSERT
    assert verify_chain(batch_size=2).ok


def test_the_block_writes_with_the_head_lock_and_one_insert(django_assert_num_queries):
    enterprise = EnterpriseFactory()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, audit_deferred():
            audit_record(actor=None, action="a", obj=enterprise)
            audit_record(actor=None, action="b", obj=enterprise)
            assert not queries.captured_queries
        statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 2, statements
    assert "audit_auditchainhead" in statements[0] and statements[1].startswith('INSERT INTO "audit_auditentry"')


def test_an_entry_of_a_savepoint_rolled_back_in_the_block_is_not_written():
    enterprise = EnterpriseFactory()
    with transaction.atomic(), audit_deferred():
        audit_record(actor=None, action="kept-before", obj=enterprise)
        try:
            with transaction.atomic():
                audit_record(actor=None, action="undone", obj=enterprise)
                with transaction.atomic():
                    audit_record(actor=None, action="undone-inner", obj=enterprise)
                raise ValueError
        except ValueError:
            pass
        with transaction.atomic():  # a savepoint released: its change stays, so does its entry
            audit_record(actor=None, action="kept-savepoint", obj=enterprise)
        audit_record(actor=None, action="kept-after", obj=enterprise)
    assert actions()[-3:] == ["kept-before", "kept-savepoint", "kept-after"]
    assert not AuditEntry.objects.filter(action__startswith="undone").exists()
    assert verify_chain().ok


def test_a_failed_block_writes_nothing():
    enterprise = EnterpriseFactory()
    before = AuditEntry.objects.count()
    with transaction.atomic():
        try:
            with transaction.atomic(), audit_deferred():
                audit_record(actor=None, action="failed", obj=enterprise)
                raise ValueError
        except ValueError:
            pass
        audit_record(actor=None, action="after", obj=enterprise)
    assert AuditEntry.objects.count() == before + 1 and actions()[-1] == "after"
    assert verify_chain().ok


def test_nested_blocks_write_once_at_the_outermost_end():
    enterprise = EnterpriseFactory()
    with transaction.atomic(), audit_deferred():
        audit_record(actor=None, action="outer", obj=enterprise)
        with audit_deferred():
            audit_record(actor=None, action="inner", obj=enterprise)
        assert not AuditEntry.objects.filter(action__in=["outer", "inner"]).exists()
    assert actions()[-2:] == ["outer", "inner"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_refused():
    with pytest.raises(RuntimeError), audit_deferred():
        pass


def test_the_bulk_writer_waits_in_the_block_too_in_order():
    enterprises = [EnterpriseFactory() for _ in range(2)]
    with transaction.atomic(), audit_deferred():
        audit_record(actor=None, action="first", obj=enterprises[0])
        audit_record_many(actor=None, action="bulk", entries=[(e, {}) for e in enterprises])
        audit_record(actor=None, action="last", obj=enterprises[1])
        assert not AuditEntry.objects.filter(action__in=["first", "bulk", "last"]).exists()
    assert actions()[-4:] == ["first", "bulk", "bulk", "last"]
    assert verify_chain().ok
