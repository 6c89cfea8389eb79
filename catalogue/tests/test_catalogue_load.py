import datetime as dt
import json

import pytest
from django.utils import translation

from accounts.models import Department
from audit.models import AuditEntry
from catalogue.models import FIRST_PUBLISHED, Matter, ThematicChecklist, Theme
from catalogue.services import DEFAULT_PATH, catalogue_load
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db

LEADS = {"catering": "market", "education": "education", "industry": "emergency", "construction": "housing",
         "medical": "health", "transport": "transport", "culture_tourism": "culture"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def edited_catalogue(tmp_path, edit):
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_loads_the_seven_themes_with_their_lead_departments():
    counts = catalogue_load(actor=None)

    assert counts["themes"] == 7
    assert dict(Theme.objects.values_list("code", "lead_department__code")) == LEADS
    names = list(Theme.objects.values_list("name", flat=True))
    assert names == ["餐饮", "教育", "工业", "建筑", "医疗", "交通", "文旅"]
    assert 60 <= Matter.objects.count() <= 85
    assert counts["created"] == counts["departments"] + counts["themes"] + counts["matters"] + counts["checklists"]


def test_it_is_idempotent_and_a_second_load_writes_nothing():
    catalogue_load(actor=None)
    before = (Department.objects.count(), Theme.objects.count(), Matter.objects.count(),
              ThematicChecklist.objects.count(), AuditEntry.objects.count())

    counts = catalogue_load(actor=None)

    assert counts["created"] == counts["updated"] == 0
    assert (Department.objects.count(), Theme.objects.count(), Matter.objects.count(),
            ThematicChecklist.objects.count(), AuditEntry.objects.count()) == before


def test_it_writes_one_audit_entry_summarising_the_load():
    counts = catalogue_load(actor=None)

    entry = AuditEntry.objects.get()
    assert entry.action == "catalogue.load"
    assert entry.details["counts"]["matters"]["created"] == counts["matters"]


def test_it_brings_changed_rows_in_line_with_the_file(tmp_path):
    catalogue_load(actor=None)

    def edit(data):
        data["matters"][0]["standard"] = "新的检查标准。"
        data["matters"][0]["themes"] = ["catering"]

    counts = catalogue_load(actor=None, path=edited_catalogue(tmp_path, edit))

    code = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["matters"][0]["code"]
    matter = Matter.objects.get(code=code)
    assert matter.standard == "新的检查标准。"
    assert [t.code for t in matter.themes.all()] == ["catering"]
    assert counts["updated"] == 1 and counts["created"] == 0
    assert AuditEntry.objects.latest("id").details["updated"] == [code]


def test_it_refuses_a_checklist_matter_outside_the_themes_departments_and_writes_nothing(tmp_path):
    def edit(data):
        checklist = next(c for c in data["checklists"] if c["theme"] == "catering")
        checklist["matters"].append("education-bus-001")

    with pytest.raises(DomainError, match="education-bus-001"):
        catalogue_load(actor=None, path=edited_catalogue(tmp_path, edit))

    assert not Theme.objects.exists() and not Matter.objects.exists() and not AuditEntry.objects.exists()


def test_it_refuses_an_unknown_department(tmp_path):
    def edit(data):
        data["matters"][0]["department"] = "police"

    with pytest.raises(DomainError, match="unknown department police"):
        catalogue_load(actor=None, path=edited_catalogue(tmp_path, edit))


def test_every_department_but_justice_owns_matters():
    catalogue_load(actor=None)

    without = set(Department.objects.filter(matters__isnull=True).values_list("code", flat=True))
    assert without == {"justice"}


def test_each_theme_has_three_to_five_checklists_of_four_to_ten_matters_on_that_theme():
    catalogue_load(actor=None)

    for theme in Theme.objects.prefetch_related("checklists__matters__themes", "participating_departments"):
        checklists = list(theme.checklists.all())
        assert 3 <= len(checklists) <= 5, theme.code
        departments = {theme.lead_department_id, *(d.pk for d in theme.participating_departments.all())}
        for checklist in checklists:
            matters = list(checklist.matters.all())
            assert 4 <= len(matters) <= 10, checklist.code
            for matter in matters:
                assert matter.department_id in departments, (checklist.code, matter.code)
                assert theme in matter.themes.all(), (checklist.code, matter.code)


def test_every_matter_has_a_standard_and_a_legal_basis():
    catalogue_load(actor=None)

    assert not Matter.objects.filter(standard="").exists()
    assert not Matter.objects.filter(legal_basis="").exists()
    assert not Matter.objects.filter(themes__isnull=True).exists()


def test_the_load_catalogue_command_reports_the_counts():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_catalogue", stdout=out)

    assert "7 themes" in out.getvalue()
    assert Theme.objects.count() == 7


def test_matters_without_dates_are_version_1_in_force_since_the_first_catalogue():
    catalogue_load(actor=None)
    assert set(Matter.objects.values_list("version", "effective_from", "effective_until")) == {
        (1, FIRST_PUBLISHED, None)}


def test_a_matters_version_and_time_in_force_come_from_the_file_and_bad_ones_are_refused(tmp_path):
    def versioned(data):
        data["matters"][0].update(version=2, effective_from="2026-07-01", effective_until="2027-06-30")

    catalogue_load(actor=None, path=edited_catalogue(tmp_path, versioned))
    first = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["matters"][0]["code"]
    matter = Matter.objects.get(code=first)
    assert (matter.version, matter.effective_from, matter.effective_until) == (
        2, dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    assert catalogue_load(actor=None, path=edited_catalogue(tmp_path, versioned))["updated"] == 0  # idempotent

    def backwards(data):
        data["matters"][0].update(effective_from="2026-07-01", effective_until="2026-06-30")

    def nonsense(data):
        data["matters"][0].update(effective_from="9999-99-99")

    for edit in (backwards, nonsense):
        with pytest.raises(DomainError, match=first):
            catalogue_load(actor=None, path=edited_catalogue(tmp_path, edit))
    assert Matter.objects.get(code=first).effective_until == dt.date(2027, 6, 30)  # nothing half-written
