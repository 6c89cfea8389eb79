import datetime as dt

import pytest

from accounts.tests.factories import AgencyFactory, DepartmentFactory
from enterprises.licences import licence_expiry_warnings_send
from enterprises.models import Licence
from enterprises.tests.factories import EnterpriseFactory, LicenceFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def test_a_licence_expiring_within_a_month_warns_the_enterprise_and_its_regulator_once():
    ecology = DepartmentFactory(code="ecology", name="生态环境局")
    city_ecology = AgencyFactory(department=ecology, division="370600")
    fushan_ecology = AgencyFactory(department=ecology, division="370611", level="district")
    enterprise = EnterpriseFactory(division="370611")
    licence = LicenceFactory(enterprise=enterprise, licence_type="排污许可证", valid_to=TODAY + dt.timedelta(days=30))
    LicenceFactory(enterprise=enterprise, valid_to=TODAY + dt.timedelta(days=31))  # not yet
    LicenceFactory(enterprise=enterprise, valid_to=TODAY - dt.timedelta(days=1))  # already expired
    assert licence_expiry_warnings_send(today=TODAY) == 1
    assert licence_expiry_warnings_send(today=TODAY) == 0
    assert Notification.objects.filter(enterprise=enterprise, kind="licence_expiry").count() == 1
    assert Notification.objects.filter(agency=fushan_ecology).count() == 1
    assert not Notification.objects.filter(agency=city_ecology).exists()
    assert licence.number in Notification.objects.get(enterprise=enterprise).body


def test_a_renewed_licence_is_warned_about_again_before_its_new_expiry():
    enterprise = EnterpriseFactory()
    licence = LicenceFactory(enterprise=enterprise, valid_to=TODAY + dt.timedelta(days=10))
    licence_expiry_warnings_send(today=TODAY)
    licence.valid_to = TODAY + dt.timedelta(days=400)
    licence.save()
    assert licence_expiry_warnings_send(today=TODAY + dt.timedelta(days=375)) == 1


def _warn_counted(**kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        sent = licence_expiry_warnings_send(today=TODAY, **kwargs)
    return sent, len(queries)


def test_a_batch_of_warnings_costs_the_same_statements_for_two_licences_as_for_twelve():
    from audit.models import AuditEntry

    AgencyFactory(department=DepartmentFactory(code="market"), division="370600")
    LicenceFactory.create_batch(2, valid_to=TODAY + dt.timedelta(days=5))
    small = _warn_counted()
    Notification.objects.all().delete()  # forget the warnings: the two are due again with the ten new ones
    Licence.objects.update(expiry_warned_for=None)
    LicenceFactory.create_batch(10, valid_to=TODAY + dt.timedelta(days=5))
    large = _warn_counted()
    assert (small[0], large[0]) == (2, 12)
    assert small[1] == large[1] <= 9  # 8, and the audit chain head's lock (audit.chain)
    assert Notification.objects.filter(kind="licence_expiry", agency__isnull=False).count() == 12
    assert AuditEntry.objects.filter(action="licence.expiry_warning").count() == 14


def test_warnings_go_out_in_several_batches_and_a_rerun_sends_and_audits_nothing():
    from audit.models import AuditEntry

    LicenceFactory.create_batch(7, valid_to=TODAY + dt.timedelta(days=5))
    assert licence_expiry_warnings_send(today=TODAY, batch_size=3) == 7
    before = (Notification.objects.count(), AuditEntry.objects.count())
    assert licence_expiry_warnings_send(today=TODAY, batch_size=3) == 0
    assert (Notification.objects.count(), AuditEntry.objects.count()) == before


def test_licences_already_warned_about_cost_no_statements_whether_n_or_3n():
    """The next day's run pays for the new warnings only, not for the month of licences warned about before
    (on the old code a run read every licence in the month again, a batch at a time: 337 statements at city
    size for 1,459 warnings)."""
    AgencyFactory(department=DepartmentFactory(code="market"), division="370600")

    def next_day_statements(already_warned: int) -> tuple[int, int]:
        LicenceFactory.create_batch(already_warned, valid_to=TODAY + dt.timedelta(days=5))
        assert licence_expiry_warnings_send(today=TODAY, batch_size=3) == already_warned
        LicenceFactory(valid_to=TODAY + dt.timedelta(days=6))  # today's one new warning
        return _warn_counted(batch_size=3)

    n = next_day_statements(3)  # 3 warned before
    three_n = next_day_statements(6)  # 3 + 1 + 6 = 10 warned before, about 3n
    assert n == three_n == (1, n[1])


def test_the_migration_marks_the_licences_warned_about_before_it_for_their_current_expiry_date_only():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("enterprises.migrations.0003_licence_expiry_warned_for")
    warned = LicenceFactory(valid_to=TODAY + dt.timedelta(days=5))
    renewed = LicenceFactory(valid_to=TODAY + dt.timedelta(days=400))
    for licence, day in ((warned, warned.valid_to), (renewed, TODAY + dt.timedelta(days=5))):
        Notification.objects.create(
            dedupe_key=f"licence-expiry:{licence.pk}:{day.isoformat()}:enterprise", enterprise=licence.enterprise
        )
    Licence.objects.update(expiry_warned_for=None)
    migration.backfill(apps, None)
    marks = dict(Licence.objects.values_list("pk", "expiry_warned_for"))
    assert marks == {warned.pk: warned.valid_to, renewed.pk: None}
    assert licence_expiry_warnings_send(today=TODAY) == 0


# -- exactly once (issue 9, item 6): a crash midway, a rerun, two runs at once, a renewal


def _warnings_per_licence():
    from collections import Counter

    keys = Notification.objects.filter(kind="licence_expiry", enterprise__isnull=False).values_list(
        "dedupe_key", flat=True)
    return Counter(key.rsplit(":", 1)[0] for key in keys)


def test_a_crash_after_the_first_batch_then_a_rerun_warns_each_licence_once():
    """The job dies after its first batch (the worker killed, the database gone): the first batch's claims,
    notifications and audit entries are committed together, the second batch's not at all; the rerun warns
    the rest, and nothing twice."""
    from unittest import mock

    from audit.models import AuditEntry
    from enterprises import licences as job

    AgencyFactory(department=DepartmentFactory(code="market"), division="370600")
    due = LicenceFactory.create_batch(7, valid_to=TODAY + dt.timedelta(days=5))
    real, calls = job._warnings, []

    def crash_on_the_second_batch(licences, regulators):
        calls.append(len(licences))
        if len(calls) == 2:
            raise ConnectionError("worker lost mid-job")
        return real(licences, regulators)

    with mock.patch.object(job, "_warnings", side_effect=crash_on_the_second_batch), pytest.raises(ConnectionError):
        licence_expiry_warnings_send(today=TODAY, batch_size=3)
    assert calls == [3, 3]
    assert sum(_warnings_per_licence().values()) == 3
    assert Licence.objects.filter(expiry_warned_for__isnull=False).count() == 3  # the crashed batch rolled back
    assert licence_expiry_warnings_send(today=TODAY, batch_size=3) == 4  # the rerun: the other four
    assert licence_expiry_warnings_send(today=TODAY, batch_size=3) == 0  # and a second rerun: none
    per_licence = _warnings_per_licence()
    assert set(per_licence.values()) == {1} and len(per_licence) == 7
    assert AuditEntry.objects.filter(action="licence.expiry_warning").count() == 7
    assert Notification.objects.filter(kind="licence_expiry", agency__isnull=False).count() == 7
    assert all(lic.valid_to == Licence.objects.get(pk=lic.pk).expiry_warned_for for lic in due)


def test_a_licence_renewed_before_the_job_runs_is_not_warned_and_a_renewal_after_the_warning_is_not_warned_again():
    renewed_before = LicenceFactory(valid_to=TODAY + dt.timedelta(days=5))
    warned = LicenceFactory(valid_to=TODAY + dt.timedelta(days=5))
    renewed_before.valid_to = TODAY + dt.timedelta(days=5 + 365)
    renewed_before.save()
    assert licence_expiry_warnings_send(today=TODAY) == 1
    warned.valid_to = TODAY + dt.timedelta(days=5 + 365)  # renewed after its warning
    warned.save()
    for day in range(0, 30):  # the month after: daily runs warn neither
        assert licence_expiry_warnings_send(today=TODAY + dt.timedelta(days=day)) == 0
    assert list(_warnings_per_licence()) == [f"licence-expiry:{warned.pk}:{(TODAY + dt.timedelta(days=5)).isoformat()}"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_on_postgresql_warn_each_licence_once():
    """Two workers run the job at the same moment (beat fired twice, a retry overlapping): the batches lock
    their rows FOR UPDATE SKIP LOCKED, so each licence is claimed by one run only."""
    import threading
    import time
    from unittest import mock

    from django.db import connection

    from enterprises import licences as job

    LicenceFactory.create_batch(40, valid_to=TODAY + dt.timedelta(days=5))
    real, barrier, sent, errors = job._warnings, threading.Barrier(2), [], []

    def slow(licences, regulators):
        time.sleep(0.05)  # widen the race: the other run looks for rows while this batch holds them
        return real(licences, regulators)

    def run():
        try:
            barrier.wait(timeout=10)
            sent.append(licence_expiry_warnings_send(today=TODAY, batch_size=5))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(job, "_warnings", side_effect=slow):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors
    assert sum(sent) == 40
    per_licence = _warnings_per_licence()
    assert len(per_licence) == 40 and set(per_licence.values()) == {1}
