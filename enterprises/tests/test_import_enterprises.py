import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import DepartmentFactory, UserFactory
from audit.models import AuditEntry
from catalogue.models import Theme
from enterprises.importing import ENTERPRISE_COLUMNS, LICENCE_COLUMNS, enterprises_import, licences_import
from enterprises.models import Enterprise, Licence
from enterprises.tests.factories import EnterpriseFactory
from enterprises.uscc import make_uscc
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db

HEADER = ",".join(ENTERPRISE_COLUMNS)
LICENCE_HEADER = ",".join(LICENCE_COLUMNS)


def code(n: int, division: str = "370611") -> str:
    return make_uscc(f"91{division}{n:09d}")


def wrong_check(good: str) -> str:
    return good[:17] + ("0" if good[17] != "0" else "1")


def as_file(*lines: str, bom: bool = False) -> io.BytesIO:
    data = "\r\n".join(lines).encode() + b"\r\n"
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data)


def run_enterprises(*lines: str, **kwargs):
    bad = []
    result = enterprises_import(file=as_file(*lines), source="test.csv", on_bad_row=bad.append, **kwargs)
    return result, {row.line: row.reason for row in bad}


@pytest.fixture
def themes():
    department = DepartmentFactory()
    return {
        code_: Theme.objects.create(code=code_, name=name, lead_department=department)
        for code_, name in [("catering", "餐饮"), ("industry", "工业"), ("medical", "医疗")]
    }


MIXED = [
    HEADER,                                                                     # 1
    f"{code(1)},烟台甲食品有限公司,张三,芝罘区一路1号,370602,H,catering",          # 2 good
    f"{wrong_check(code(2))},坏校验位有限公司,,,370602,C,",                       # 3 check character
    f"{code(3)[:17]},短代码有限公司,,,370602,C,",                                # 4 length
    f"91370611I{code(4)[9:]},禁用字母有限公司,,,370602,C,",                      # 5 letter I
    f"{code(5)},错误区划有限公司,,,370699,C,",                                   # 6 division
    f"{code(6)},,李四,,370602,C,",                                              # 7 missing name
    "",                                                                         # 8 blank line, skipped
    f'{code(7)},"烟台乙贸易有限公司,分公司",王五,,370611,,industry;catering',        # 9 good (quoted comma)
    f"{code(1)},烟台甲食品有限公司（重复）,,,370602,H,",                           # 10 duplicate of line 2
    f"{code(8)},未知主题有限公司,,,370602,C,no-such-theme",                       # 11 unknown theme
    f"{code(9)},未知行业有限公司,,,370602,Z,",                                   # 12 industry
    f"{code(10)},{'长' * 201},,,370602,C,",                                    # 13 name too long
    f"{code(11)},字段太少有限公司,,,370602",                                      # 14 too few fields
    f'{code(12)},换行地址有限公司,,"芝罘区',                                       # 15 address spans
    '二路2号",370602,C,',                                                       # 16   two lines
    f"{code(13)},烟台丙机械有限公司,赵六,,370683,c,",                               # 17 good (industry c → C)
]


def test_it_keeps_good_rows_and_reports_each_bad_row_with_its_line_and_reason(themes):
    result, bad = run_enterprises(*MIXED)

    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {code(1), code(7), code(13)}
    assert (result.created, result.updated, result.unchanged, result.bad) == (3, 0, 0, 11)
    assert sorted(bad) == [3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15]
    assert "check character" in bad[3] and code(2)[17] in bad[3]
    assert "18 characters; this one has 17" in bad[4]
    assert "Character(s) I are not allowed" in bad[5]
    assert "division 370699" in bad[6]
    assert "name is required" in bad[7]
    assert "already given on line 2" in bad[10]
    assert "no-such-theme" in bad[11]
    assert "industry Z" in bad[12]
    assert "201 characters; at most 200" in bad[13]
    assert "Expected 7 fields, found 5" in bad[14]
    assert "address contains a line break" in bad[15]
    assert [row.line for row in result.bad_rows] == sorted(bad)


def test_it_reports_every_reason_of_a_row_at_once(themes):
    _result, bad = run_enterprises(HEADER, f"{wrong_check(code(1))},,,,999999,Z,nope")

    assert bad[2].count(";") == 4  # credit code, name, division, industry, themes


def test_imported_rows_carry_the_file_data_and_their_themes(themes):
    run_enterprises(*MIXED)

    first = Enterprise.objects.get(uscc=code(7))
    assert (first.name, first.legal_representative, first.division, first.industry) == (
        "烟台乙贸易有限公司,分公司", "王五", "370611", "")
    assert set(first.themes.values_list("code", flat=True)) == {"industry", "catering"}
    assert Enterprise.objects.get(uscc=code(13)).industry == "C"


def test_a_code_refused_on_an_earlier_line_may_be_given_again_correctly(themes):
    _result, bad = run_enterprises(HEADER, f"{code(1)},,,,370602,C,", f"{code(1)},烟台甲有限公司,,,370602,C,")

    assert list(bad) == [2]
    assert Enterprise.objects.get(uscc=code(1)).name == "烟台甲有限公司"


def test_rerunning_the_same_file_creates_changes_and_audits_nothing(themes):
    run_enterprises(*MIXED)
    stamps = dict(Enterprise.objects.values_list("uscc", "updated_at"))
    links = Enterprise.themes.through.objects.count()
    audits = AuditEntry.objects.count()

    result, bad = run_enterprises(*MIXED)

    assert (result.created, result.updated, result.unchanged, result.bad) == (0, 0, 3, 11)
    assert dict(Enterprise.objects.values_list("uscc", "updated_at")) == stamps
    assert Enterprise.themes.through.objects.count() == links
    assert AuditEntry.objects.count() == audits
    assert sorted(bad) == [3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15]


def test_a_changed_name_on_rerun_updates_the_enterprise_and_audits_before_and_after(themes):
    run_enterprises(HEADER, f"{code(1)},旧名称有限公司,张三,,370602,C,", f"{code(2)},不变有限公司,,,370602,C,")
    stamps = dict(Enterprise.objects.values_list("uscc", "updated_at"))

    result, _bad = run_enterprises(HEADER, f"{code(1)},新名称有限公司,张三,,370602,C,",
                                   f"{code(2)},不变有限公司,,,370602,C,")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    renamed, unchanged = Enterprise.objects.get(uscc=code(1)), Enterprise.objects.get(uscc=code(2))
    assert renamed.name == "新名称有限公司"
    assert renamed.updated_at > stamps[code(1)]
    assert unchanged.updated_at == stamps[code(2)]
    entry = AuditEntry.objects.filter(action="enterprise.import_batch").order_by("-id").first()
    assert entry.object_id == str(Enterprise.objects.get(uscc=code(1)).pk)
    assert entry.details["changes"] == {code(1): {"name": ["旧名称有限公司", "新名称有限公司"]}}
    assert (entry.details["created"], entry.details["updated"], entry.details["unchanged"]) == (0, 1, 1)


def test_it_updates_an_enterprise_registered_before_the_import(themes):
    enterprise = EnterpriseFactory(uscc=code(1), name="登记的旧名", address="旧地址")

    result, _bad = run_enterprises(HEADER, f"{code(1)},登记的新名,张三,,370611,C,")

    enterprise.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert (enterprise.name, enterprise.address) == ("登记的新名", "")


def test_themes_are_added_on_rerun_and_never_removed(themes):
    enterprise = EnterpriseFactory(uscc=code(1), name="甲", legal_representative="", address="", division="370602",
                                   industry="C")
    enterprise.themes.add(themes["medical"])  # assigned in the platform by a lead department

    first, _bad = run_enterprises(HEADER, f"{code(1)},甲,,,370602,C,catering")
    second, _bad = run_enterprises(HEADER, f"{code(1)},甲,,,370602,C,")

    assert set(enterprise.themes.values_list("code", flat=True)) == {"medical", "catering"}
    assert (first.updated, second.unchanged) == (1, 1)
    entry = AuditEntry.objects.get(action="enterprise.import_batch")
    assert entry.details["changes"] == {code(1): {"themes": [None, ["catering"]]}}


def test_each_batch_is_one_transaction_with_one_audit_entry(themes):
    rows = [f"{code(n)},企业{n},,,370602,C,catering" for n in range(1, 6)]

    result, _bad = run_enterprises(HEADER, *rows, batch_size=2)

    assert result.created == 5
    entries = list(AuditEntry.objects.filter(action="enterprise.import_batch").order_by("id"))
    assert [e.details["lines"] for e in entries] == [[2, 3], [4, 5], [6, 6]]
    assert [e.details["created_uscc"] for e in entries] == [[code(1), code(2)], [code(3), code(4)], [code(5)]]
    assert entries[0].object_id == str(Enterprise.objects.get(uscc=code(1)).pk)
    assert entries[0].actor_repr == "system"
    assert Enterprise.themes.through.objects.count() == 5


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(themes):
    def queries(first: int, rows: int) -> int:
        lines = [f"{code(n)},企业{n},,,370602,C,catering" for n in range(first, first + rows)]
        with CaptureQueriesContext(connection) as ctx:
            enterprises_import(file=as_file(HEADER, *lines), batch_size=100)
        return len(ctx.captured_queries)

    assert queries(1, 3) == queries(100, 60)


def test_a_line_that_is_not_utf8_is_reported_and_the_others_kept(themes):
    good = f"{code(1)},烟台甲有限公司,,,370602,C,\r\n".encode()
    gbk = f"{code(2)},烟台乙有限公司,,,370602,C,\r\n".encode("gbk")
    file = io.BytesIO(f"{HEADER}\r\n".encode() + good + gbk)
    bad = []

    result = enterprises_import(file=file, on_bad_row=bad.append)

    assert result.created == 1
    assert [(b.line, "UTF-8" in b.reason) for b in bad] == [(3, True)]


def test_a_wrong_header_is_refused_before_anything_is_written(themes):
    with pytest.raises(DomainError, match="other format"):
        enterprises_import(file=as_file(LICENCE_HEADER, f"{code(1)},许可证,JY1,局,2024-01-01,2027-01-01"))
    with pytest.raises(DomainError, match="missing themes"):
        enterprises_import(file=as_file("uscc,name,legal_representative,address,division,industry"))
    with pytest.raises(DomainError, match="empty"):
        enterprises_import(file=io.BytesIO(b""))
    assert not Enterprise.objects.exists()


def test_progress_counts_every_row_read_good_or_bad(themes):
    ticks = []

    enterprises_import(file=as_file(*MIXED), batch_size=4, on_progress=ticks.append)

    assert ticks == [4, 4, 4, 2]  # 14 rows: 16 data lines, one blank, lines 15-16 one row


def test_a_failed_batch_is_rolled_back_alone_and_named_by_its_lines(themes, monkeypatch):
    real_bulk_create = Enterprise.objects.bulk_create
    calls = []

    def racing_bulk_create(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:  # someone else registers a code of the second batch meanwhile
            Enterprise.objects.create(uscc=objs[0].uscc, name="并发写入", division="370602")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Enterprise.objects, "bulk_create", racing_bulk_create)
    rows = [f"{code(n)},企业{n},,,370602,C," for n in range(1, 6)]

    with pytest.raises(DomainError, match="Lines 4 to 5 could not be written.*the 2 rows before them were"):
        enterprises_import(file=as_file(HEADER, *rows), batch_size=2)

    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {code(1), code(2)}
    assert AuditEntry.objects.filter(action="enterprise.import_batch").count() == 1


def test_the_batch_size_is_bounded():
    with pytest.raises(DomainError, match="batch size"):
        enterprises_import(file=as_file(HEADER), batch_size=0)


# The command -----------------------------------------------------------------------------------


def write(tmp_path, name, *lines, bom=False):
    path = tmp_path / name
    path.write_bytes(as_file(*lines, bom=bom).getvalue())
    return path


def test_the_command_reports_bad_rows_on_stderr_and_in_the_report_file(themes, tmp_path):
    path = write(tmp_path, "enterprises.csv", *MIXED, bom=True)
    report = tmp_path / "bad_rows.csv"
    err = io.StringIO()

    call_command("import_enterprises", str(path), "--report", str(report), stderr=err, stdout=io.StringIO())

    output = err.getvalue()
    assert "line 3: uscc: The check character (18th) is wrong" in output
    assert "line 15: address contains a line break" in output
    assert output.splitlines()[-1].startswith("imported: 3 created, 0 updated, 0 unchanged, 11 bad rows in ")
    with report.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["line", "uscc", "reason"]
    assert [int(r[0]) for r in rows[1:]] == [3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15]
    assert rows[1][1] == wrong_check(code(2))


def test_the_command_rerun_changes_nothing(themes, tmp_path):
    path = write(tmp_path, "enterprises.csv", *MIXED)
    call_command("import_enterprises", str(path), stderr=io.StringIO())
    err = io.StringIO()

    call_command("import_enterprises", str(path), "--batch-size", "2", stderr=err)

    assert "imported: 0 created, 0 updated, 3 unchanged, 11 bad rows" in err.getvalue()
    assert Enterprise.objects.count() == 3


def test_the_command_records_the_given_user_as_the_actor(themes, tmp_path):
    user = UserFactory(username="registrar")
    path = write(tmp_path, "enterprises.csv", HEADER, f"{code(1)},烟台甲有限公司,,,370602,C,")

    call_command("import_enterprises", str(path), "--user", "registrar", stderr=io.StringIO())

    entry = AuditEntry.objects.get(action="enterprise.import_batch")
    assert (entry.actor, entry.details["file"]) == (user, "enterprises.csv")


def test_the_command_refuses_a_missing_file_an_unknown_user_and_a_bad_header(themes, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_enterprises", str(tmp_path / "nope.csv"))
    path = write(tmp_path, "enterprises.csv", HEADER)
    with pytest.raises(CommandError, match="no such user"):
        call_command("import_enterprises", str(path), "--user", "nobody")
    with pytest.raises(CommandError, match="header"):
        call_command("import_enterprises", str(path), "--licences", stderr=io.StringIO())


# Licences --------------------------------------------------------------------------------------


def run_licences(*lines: str, **kwargs):
    bad = []
    result = licences_import(file=as_file(*lines), source="licences.csv", on_bad_row=bad.append, **kwargs)
    return result, {row.line: row.reason for row in bad}


LICENCES = [
    LICENCE_HEADER,                                                                  # 1
    f"{code(1)},食品经营许可证,JY137060200001,芝罘区市场监管局,2023-01-01,2028-01-01",   # 2 good
    f"{code(1)},食品经营许可证,JY137060200002,芝罘区市场监管局,2023-13-01,2028-01-01",   # 3 bad date
    f"{code(1)},食品经营许可证,JY137060200003,芝罘区市场监管局,2028-01-01,2023-01-01",   # 4 to before from
    f"{code(99)},食品经营许可证,JY137060200004,芝罘区市场监管局,2023-01-01,2028-01-01",  # 5 unknown enterprise
    f"{code(1)},食品经营许可证,JY137060200001,芝罘区市场监管局,2023-01-01,2029-01-01",   # 6 duplicate of 2
    f"{wrong_check(code(2))},排污许可证,PW1,生态环境局,2023-01-01,2028-01-01",           # 7 credit code
    f"{code(2)},排污许可证,,生态环境局,2023-01-01,2028-01-01",                          # 8 missing number
    f"{code(2)},排污许可证,PW2,,2024-02-29,2029-02-28",                                  # 9 good
]


@pytest.fixture
def two_enterprises():
    return EnterpriseFactory(uscc=code(1)), EnterpriseFactory(uscc=code(2))


def test_licences_are_imported_and_bad_licence_rows_reported_with_line_and_reason(two_enterprises):
    result, bad = run_licences(*LICENCES)

    assert (result.created, result.bad) == (2, 6)
    assert list(bad) == [3, 4, 5, 6, 7, 8]  # in line order, though line 5 is found bad only when written
    assert "valid_from 2023-13-01 is not a date" in bad[3]
    assert "valid_to 2023-01-01 is before valid_from 2028-01-01" in bad[4]
    assert "No enterprise with this credit code" in bad[5]
    assert "already given on line 2" in bad[6]
    assert "check character" in bad[7]
    assert "number is required" in bad[8]
    licence = Licence.objects.get(number="PW2")
    assert (licence.enterprise, str(licence.valid_from), str(licence.valid_to)) == (
        two_enterprises[1], "2024-02-29", "2029-02-28")


def test_a_licence_rerun_changes_nothing_and_a_renewal_updates_the_validity(two_enterprises):
    run_licences(*LICENCES)
    audits = AuditEntry.objects.count()

    rerun, _bad = run_licences(*LICENCES)
    renewal, _bad = run_licences(LICENCE_HEADER, f"{code(2)},排污许可证,PW2,,2024-02-29,2034-02-28")

    assert (rerun.created, rerun.updated, rerun.unchanged) == (0, 0, 2)
    assert (renewal.created, renewal.updated) == (0, 1)
    assert str(Licence.objects.get(number="PW2").valid_to) == "2034-02-28"
    entries = AuditEntry.objects.filter(action="licence.import_batch")
    assert AuditEntry.objects.count() == audits + 1
    assert entries.order_by("-id").first().details["changes"] == {
        f"{code(2)}/排污许可证/PW2": {"valid_to": ["2029-02-28", "2034-02-28"]}}


def test_the_command_imports_licences(two_enterprises, tmp_path):
    path = write(tmp_path, "licences.csv", *LICENCES)
    err = io.StringIO()

    call_command("import_enterprises", str(path), "--licences", stderr=err)

    assert "line 5: No enterprise with this credit code" in err.getvalue()
    assert "imported: 2 created, 0 updated, 0 unchanged, 6 bad rows in " in err.getvalue()
    assert Licence.objects.count() == 2
