"""The daily verification on PostgreSQL: what the database's owner does behind the application's back (a real
TRUNCATE, a rewrite under ``session_replication_role = replica``) is found from the checkpoint, and writers at
work while it runs neither break its verdict nor leave a checkpoint that is not the chain's."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction

from audit.anchoring import read_checkpoint
from audit.models import AuditEntry
from audit.services import audit_record
from audit.tests.tampering import forge
from audit.verification import verify_and_keep, verify_chain_incremental
from enterprises.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

D0 = dt.datetime(2026, 12, 6, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Sunday: a cycle's first day
D1 = D0 + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _write(n, enterprise):
    with transaction.atomic():
        return [audit_record(actor=None, action=f"t.{i}", obj=enterprise) for i in range(n)]


def _daily(moment):
    with time_machine.travel(moment, tick=False):
        return verify_and_keep(incremental=True)


def test_a_real_truncate_after_the_checkpoint_is_caught_the_next_day():
    enterprise = EnterpriseFactory()
    _write(14, enterprise)
    assert _daily(D0).ok and read_checkpoint()["seq"] == 14
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    verdict = verify_chain_incremental(day=D1.date())
    assert not verdict.ok and "verified up to entry 14" in verdict.problem and verdict.broken_seq == 1
    _write(2, enterprise)  # the chain goes on after the head (15, 16): the checkpoint's entry is a gap
    verdict = _daily(D1)
    assert not verdict.ok and verdict.broken_seq == 14 and "missing" in verdict.problem
    assert read_checkpoint()["seq"] == 14


def test_a_history_rewritten_under_replica_role_is_caught_at_the_checkpoint():
    enterprise = EnterpriseFactory()
    _write(14, enterprise)
    assert _daily(D0).ok
    _write(3, enterprise)
    forge(3, through=17)  # every hash recomputed through the head; slice 1 of the cycle (entries 3 to 5) holds
    verdict = _daily(D1)
    assert not verdict.ok and verdict.broken_seq == 14 and "no longer matches the verification" in verdict.problem


def test_writers_at_work_during_the_daily_verification_leave_a_sound_verdict_and_a_true_checkpoint():
    enterprise = EnterpriseFactory()
    _write(20, enterprise)
    assert _daily(D0).ok
    started, errors = threading.Event(), []

    def writer():
        try:
            started.set()
            for _ in range(30):
                with transaction.atomic():
                    audit_record(actor=None, action="concurrent", obj=enterprise)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait()
    with time_machine.travel(D1, tick=False):
        verdict = verify_and_keep(incremental=True, batch_size=2)
    thread.join()
    assert errors == [] and verdict.ok and verdict.mode == "incremental"
    checkpoint = read_checkpoint()
    assert checkpoint["seq"] == verdict.last_seq >= 20
    assert AuditEntry.objects.get(seq=checkpoint["seq"]).hash == checkpoint["hash"]
    again = _daily(D1)  # rerun the same day: the same slice, and what was written since
    assert again.ok and again.ranges[-1][-1] == 50 and read_checkpoint()["seq"] == 50
