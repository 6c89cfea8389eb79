import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from audit.models import AuditEntry
from credit.importing import GRADE_COLUMNS, credit_grades_import
from credit.models import CreditGrade, CreditProfile, WhitelistEntry
from credit.services import credit_profile_set
from enterprises.tests.factories import EnterpriseFactory
from enterprises.uscc import make_uscc

pytestmark = pytest.mark.django_db
HEADER = ",".join(GRADE_COLUMNS)


@pytest.fixture(autouse=True)
def _frozen_english():
    with translation.override("en"), time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def as_file(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode())


def run(*lines, **kwargs):
    bad = []
    result = credit_grades_import(file=as_file(*lines), source="grades.csv", on_bad_row=bad.append, **kwargs)
    return result, {row.line: row.reason for row in bad}


@pytest.fixture
def firms():
    return EnterpriseFactory.create_batch(4)


def test_good_rows_are_kept_and_each_bad_row_is_reported_by_line(firms):
    a, b, c, d = (f.uscc for f in firms)
    unknown = make_uscc("91370611999999999")
    result, bad = run(
        HEADER,                                                    # 1
        f"{a},A,credit_china_sd,2026-01-01,2026-12-31",            # 2 good
        f"{b},E,credit_china_sd,2026-01-01,",                      # 3 grade
        f"{c},B,rumour,2026-01-01,",                               # 4 source
        f"{d},C,market_classification,2026-13-01,",                # 5 date
        f"{a},B,credit_china_sd,2026-01-01,",                      # 6 duplicate of line 2
        f"{unknown},A,credit_china_sd,2026-01-01,",                # 7 not registered
        f"{b},b,market_classification,2026-02-01,2026-01-01",      # 8 ends before it starts
        f"{c},B,admin,2026-01-01,",                                # 9 the admin's source is not imported
        f"{d},c,market_classification,2026-03-01,",                # 10 good (lower case)
        f"{b},A,credit_china_sd",                                  # 11 too few fields
    )
    assert sorted(bad) == [3, 4, 5, 6, 7, 8, 9, 11]
    assert "grade E" in bad[3] and "source must be one of" in bad[4] and "valid_from" in bad[5]
    assert "already given on line 2" in bad[6] and "import the enterprises first" in bad[7]
    assert (result.created, result.bad) == (2, 8)
    assert dict(CreditProfile.objects.values_list("enterprise__uscc", "grade")) == {a: "A", d: "C"}


def test_a_rerun_changes_nothing_and_a_changed_row_updates_the_grade_and_ends_the_whitelist(firms):
    a, b = firms[0], firms[1]
    credit_profile_set(actor=None, enterprise=a, grade="A", whitelisted=True)
    lines = [HEADER, f"{a.uscc},A,credit_china_sd,2026-06-01,", f"{b.uscc},B,credit_china_sd,2026-06-01,"]
    first, _ = run(*lines, batch_size=1)
    audits = AuditEntry.objects.count()
    again, _ = run(*lines, batch_size=1)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert AuditEntry.objects.count() == audits and CreditGrade.objects.filter(source="credit_china_sd").count() == 2

    changed, _ = run(HEADER, f"{a.uscc},C,credit_china_sd,2026-06-01,")
    assert changed.updated == 1
    assert CreditProfile.objects.get(enterprise=a).grade == "C"
    entry = WhitelistEntry.objects.get(enterprise=a)
    assert (entry.status, entry.end_kind) == ("ended", "grade_fell")
    assert AuditEntry.objects.filter(action="credit_grade.import_batch").latest("id").details[
        "current_grade_changed"] == {a.uscc: "C"}


def test_the_command_reports_bad_rows_by_line(tmp_path, firms, capsys):
    path = tmp_path / "grades.csv"
    path.write_text(f"{HEADER}\n{firms[0].uscc},A,credit_china_sd,2026-01-01,\n{firms[1].uscc},Z,x,y,\n")
    report = tmp_path / "bad.csv"
    call_command("import_credit_grades", str(path), "--report", str(report))
    err = capsys.readouterr().err
    assert "line 3:" in err and "1 created" in err
    assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith("3,")
