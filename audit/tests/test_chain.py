import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Max

from accounts.tests.factories import OfficerFactory
from audit.anchoring import anchor_write, anchors, latest_anchor
from audit.chain import GENESIS, entry_hash, entry_values
from audit.models import AuditChainHead, AuditEntry
from audit.services import audit_record, audit_record_many
from audit.tests.tampering import raw as _raw
from audit.tests.tampering import write as _write
from audit.verification import verify_chain
from enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_each_entry_hashes_the_previous_one_and_its_content():
    first, second = _write(2)
    base = AuditEntry.objects.filter(seq__lt=first.seq).aggregate(m=Max("seq"))["m"]
    assert second.seq == first.seq + 1 and (base or 0) == first.seq - 1
    assert second.hash == entry_hash(first.hash, entry_values(AuditEntry.objects.get(pk=second.pk)))
    assert AuditChainHead.objects.get(pk=1).seq == second.seq
    assert AuditChainHead.objects.get(pk=1).hash == second.hash
    assert verify_chain(batch_size=1).ok


def test_the_bulk_writer_chains_too():
    enterprises = [EnterpriseFactory() for _ in range(3)]
    with transaction.atomic():
        audit_record_many(actor=None, action="bulk", entries=[(e, {"n": 1}) for e in enterprises])
    _write(1)
    verdict = verify_chain(batch_size=2)
    assert verdict.ok and verdict.last_seq == AuditEntry.objects.count()


def test_one_write_costs_the_lock_and_the_insert(django_assert_num_queries):
    enterprise = EnterpriseFactory()
    with transaction.atomic(), django_assert_num_queries(2):
        audit_record(actor=None, action="t", obj=enterprise)


def test_an_edited_entry_is_named_as_the_first_broken_link():
    entries = _write(5)
    _raw("UPDATE audit_auditentry SET object_repr = 'forged' WHERE id = %s", [entries[2].pk])
    verdict = verify_chain(batch_size=2)
    assert not verdict.ok and verdict.broken_seq == entries[2].seq and verdict.broken_id == entries[2].pk
    assert verdict.checked == entries[2].seq - 1
    with pytest.raises(CommandError, match=f"Entry {entries[2].seq} "):
        call_command("audit_verify", verbosity=0)


def test_a_rehashed_edit_breaks_the_next_link():
    entries = _write(3)
    forged = entry_values(entries[1]) | {"object_repr": "forged"}
    previous = entries[0].hash
    _raw("UPDATE audit_auditentry SET object_repr = 'forged', hash = %s WHERE id = %s",
         [entry_hash(previous, forged), entries[1].pk])
    assert verify_chain().broken_seq == entries[2].seq


def test_a_deleted_entry_is_a_gap():
    entries = _write(3)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    verdict = verify_chain()
    assert not verdict.ok and verdict.broken_seq == entries[1].seq and "missing" in verdict.problem


def test_an_entry_slipped_in_without_the_chain_is_found():
    entries = _write(1)
    _raw("INSERT INTO audit_auditentry (actor_repr, action, object_type, object_id, object_repr, details, "
         "created_at, division, hash) SELECT actor_repr, 'forged', object_type, object_id, object_repr, details, "
         "created_at, division, '' FROM audit_auditentry WHERE id = %s", [entries[0].pk])
    verdict = verify_chain()
    assert not verdict.ok and "outside the chain" in verdict.problem


def test_a_cut_tail_is_caught_against_the_last_anchor(var_dir):
    entries = _write(4)
    anchor, created = anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))
    assert created and anchor["seq"] == entries[-1].seq and anchor["hash"] == entries[-1].hash
    again, created = anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, 4, tzinfo=dt.UTC))
    assert not created and again == anchor
    assert verify_chain().ok
    _raw("DELETE FROM audit_auditentry WHERE seq >= %s", [entries[2].seq])
    verdict = verify_chain()
    assert not verdict.ok and "truncated" in verdict.problem and verdict.last_seq == entries[1].seq


def test_a_forged_anchor_is_ignored(var_dir):
    _write(1)
    anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))
    path = var_dir / "audit-anchors" / "2026-12-01.json"
    path.write_text(path.read_text().replace('"seq": ', '"seq": 1'))
    assert anchors()[0][1] is None and latest_anchor() is None


def test_the_kept_verdict_beside_the_anchors_is_not_listed_as_an_anchor(var_dir):
    from audit.verification import verify_and_keep

    _write(1)
    anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))
    assert verify_and_keep().ok and (var_dir / "audit-anchors" / "verification.json").exists()
    assert [name for name, _ in anchors()] == ["2026-12-01.json"] and anchors()[0][1] is not None
    assert not list((var_dir / "audit-anchors").glob("*.tmp"))


def test_a_rewritten_history_does_not_match_the_anchor(var_dir):
    entries = _write(2)
    anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))
    previous = GENESIS
    rows = list(AuditEntry.objects.order_by("seq"))
    for row in rows:  # the owner recomputes every hash after an edit: only the anchor tells
        values = entry_values(row) | ({"object_repr": "forged"} if row.pk == entries[0].pk else {})
        previous = entry_hash(previous, values)
        _raw("UPDATE audit_auditentry SET object_repr = %s, hash = %s WHERE id = %s",
             [values["object_repr"], previous, row.pk])
    verdict = verify_chain()
    assert not verdict.ok and verdict.broken_seq == entries[-1].seq and "anchor" in verdict.problem


def test_the_command_reports_a_sound_chain(capsys):
    _write(2)
    call_command("audit_verify", batch_size=1)
    assert "OK: " in capsys.readouterr().out


def test_the_scope_columns_are_filled_from_the_object_and_the_actor():
    officer = OfficerFactory()
    enterprise = EnterpriseFactory()
    with transaction.atomic():
        entry = audit_record(actor=officer, action="t", obj=enterprise)
        of_agency = audit_record(actor=officer, action="t", obj=officer.agency)
    assert (entry.enterprise_id, entry.division, entry.actor_agency_id) == (enterprise.pk, enterprise.division,
                                                                            officer.agency_id)
    assert (of_agency.agency_id, of_agency.division) == (officer.agency_id, officer.agency.division)


def test_the_daily_job_anchors_and_tells_the_city_bureau_once(var_dir):
    from accounts.audit_anchor import audit_anchor_daily
    from accounts.tests.factories import JusticeBureauFactory
    from notifications.models import Notification

    city = JusticeBureauFactory(division="370600")
    entries = _write(2)
    now = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
    result = audit_anchor_daily(now=now)
    assert result["ok"] and result["created"] and result["anchor"]["seq"] == entries[-1].seq
    assert audit_anchor_daily(now=now)["created"] is False
    notes = Notification.objects.filter(agency=city, dedupe_key__startswith="audit-anchor:")
    assert notes.count() == 1 and entries[-1].hash in notes.get().body


def test_the_verification_page_names_the_first_broken_link(client, var_dir):
    from accounts.tests.factories import AdminUserFactory, JusticeUserFactory

    entries = _write(3)
    anchor_write(day=dt.date(2026, 12, 1), now=dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))
    _raw("UPDATE audit_auditentry SET object_repr = 'forged' WHERE id = %s", [entries[1].pk])
    client.force_login(JusticeUserFactory())  # the city's bureau
    assert client.post("/audit/verify/").status_code == 302  # the task (eager in tests) keeps its verdict
    page = client.get("/audit/verify/").content.decode()
    assert f"Entry {entries[1].seq} (id {entries[1].pk})" in page or f"第 {entries[1].seq} 条" in page
    assert "2026-12-01" in page
    client.force_login(AdminUserFactory())
    assert client.get("/audit/verify/").status_code == 200


def test_a_district_bureau_and_an_officer_cannot_verify(client):
    from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory

    for user in (JusticeUserFactory(agency=JusticeBureauFactory(division="370611")), OfficerFactory()):
        client.force_login(user)
        assert client.get("/audit/verify/").status_code == 403
        assert client.post("/audit/verify/").status_code == 403
    client.logout()
    assert client.get("/audit/verify/").status_code == 302


def test_the_migration_chains_the_existing_entries_in_id_order():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("audit.migrations.0004_chain_and_scope")
    entries = _write(7)
    with connection.cursor() as cursor:  # as before the migration: no chain, no head, no advancing trigger
        cursor.execute(migration.PG_ADVANCE_DOWN if connection.vendor == "postgresql"
                       else migration.SQLITE_ADVANCE_DOWN)
    officer = OfficerFactory()
    with transaction.atomic():
        by_officer = audit_record(actor=officer, action="t", obj=EnterpriseFactory())
    _raw("UPDATE audit_auditentry SET seq = NULL, hash = '', agency_id = NULL, actor_agency_id = NULL, "
         "division = '', enterprise_id = NULL")
    AuditChainHead.objects.all().delete()

    class Editor:
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.BATCH = 3
    migration.chain_existing(apps, Editor())
    migration.install_triggers(apps, Editor())
    ids = list(AuditEntry.objects.order_by("seq").values_list("id", flat=True))
    assert ids == sorted(ids) and by_officer.pk == ids[-1] and entries[0].pk in ids
    assert AuditChainHead.objects.get(pk=1).seq == len(ids)
    old = AuditEntry.objects.get(pk=by_officer.pk)
    assert (old.actor_agency_id, old.division) == (officer.agency_id, officer.agency.division)
    assert old.enterprise_id == by_officer.enterprise_id
    assert verify_chain().ok
    _write(1)  # and the trigger advances the head again
    assert AuditChainHead.objects.get(pk=1).seq == len(ids) + 1 and verify_chain().ok


def test_the_api_verifies_for_the_city_bureau_only(client, var_dir):
    from rest_framework.test import APIClient

    from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory

    entries = _write(2)
    api = APIClient()
    api.force_authenticate(JusticeUserFactory())
    assert api.post("/api/v1/audit/verification/").status_code == 202
    body = api.get("/api/v1/audit/verification/").json()
    assert body["head_seq"] == entries[-1].seq and body["verdict"]["ok"] is True and body["anchor"] is None
    for user in (JusticeUserFactory(agency=JusticeBureauFactory(division="370611")), OfficerFactory()):
        api.force_authenticate(user)
        assert api.get("/api/v1/audit/verification/").status_code == 403
        assert api.post("/api/v1/audit/verification/").status_code == 403
