"""能非现场的不进企业: the catalogue marks the matters checked on documents or photos (``Matter.remote_checkable``),
loaded from the file, rerunnable, carried by each version."""

import json

import pytest

from catalogue.models import Matter
from catalogue.services import DEFAULT_PATH, catalogue_load
from catalogue.tests.factories import MatterFactory
from catalogue.versions import all_remote_checkable

pytestmark = pytest.mark.django_db


def test_the_file_marks_document_matters_as_remote_and_the_load_sets_the_flag():
    catalogue_load(actor=None)

    remote = set(Matter.objects.filter(remote_checkable=True).values_list("code", flat=True))
    marked = {m["code"] for m in json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["matters"] if m.get("remote")}
    assert remote == marked
    assert {"market-food-001", "ecology-permit-001", "hrss-contract-001"} <= remote
    # What has to be seen on site is not remote: kitchens, fire exits, dust.
    assert not remote & {"market-food-004", "fire-exit-001", "emergency-dust-001"}
    assert 15 <= len(remote) < Matter.objects.count() // 2


def test_a_reload_changes_nothing_and_a_changed_flag_is_brought_in_line(tmp_path):
    catalogue_load(actor=None)
    assert catalogue_load(actor=None)["updated"] == 0

    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    row = next(m for m in data["matters"] if m.get("remote"))
    row.pop("remote")
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    counts = catalogue_load(actor=None, path=path)

    assert counts["updated"] == 1
    assert not Matter.objects.get(code=row["code"]).remote_checkable


def test_each_version_carries_its_own_flag_and_a_plan_is_all_remote_only_when_every_matter_is():
    v1 = MatterFactory(code="m-v1", remote_checkable=True)
    v2 = MatterFactory(code="m-v2", version=2, remote_checkable=False, department=v1.department)
    onsite = MatterFactory(code="m-site", department=v1.department)

    assert all_remote_checkable([v1])
    assert not all_remote_checkable([v2])
    assert not all_remote_checkable([v1, onsite])
    assert not all_remote_checkable([])
