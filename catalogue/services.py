"""Writes on the catalogue: departments, the seven themes, supervision matters and thematic checklists."""
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department
from audit.services import audit_record
from yantai_inspect.errors import DomainError, domain_error_from_validation

from .models import FIRST_PUBLISHED, Matter, ThematicChecklist, Theme

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class _CatalogueFile:
    """What the load's audit entry is about. A load touches a hundred-odd rows, so its one entry
    names the file rather than a row (``audit_record`` only needs a label, an id and a name)."""

    _meta = SimpleNamespace(label_lower="catalogue.file")

    def __init__(self, path: Path):
        self.pk = path.name

    def __str__(self):
        return self.pk


def _clean(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise domain_error_from_validation(exc) from exc


def _upsert(model, *, code: str, **fields) -> tuple:
    """update_or_create keyed on ``code``, but validated with full_clean and saved only when a value
    differs, so that reloading an unchanged file writes nothing. Returns (object, status)."""
    obj = model.objects.filter(code=code).first()
    status = UNCHANGED
    if obj is None:
        obj, status = model(code=code), CREATED
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            status = UPDATED if status == UNCHANGED else status
    if status != UNCHANGED:
        _clean(obj)
        obj.save()
    return obj, status


def _set_m2m(manager, objects) -> bool:
    wanted = {o.pk for o in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(objects)
    return True


def checklist_matters_check(*, theme: Theme, matters) -> None:
    """A thematic checklist is one joint visit under its theme: it may only hold matters owned by the
    theme's lead department or one of its participating departments."""
    allowed = {theme.lead_department_id, *theme.participating_departments.values_list("pk", flat=True)}
    outside = sorted(m.code for m in matters if m.department_id not in allowed)
    if outside:
        raise DomainError(
            _("Matter(s) %(codes)s belong to departments outside the theme %(theme)s.")
            % {"codes": ", ".join(outside), "theme": theme.name},
            field="matters",
        )


def _lookup(index: dict, code: str, kind: str):
    try:
        return index[code]
    except KeyError:
        raise DomainError(_("The catalogue refers to an unknown %(kind)s %(code)s.") % {"kind": kind, "code": code})


def _matter_version(row: dict) -> dict:
    """A matter's version and time in force from the file (``version``, ``effective_from`` and
    ``effective_until`` as ISO dates); a row without them is version 1 in force since ``FIRST_PUBLISHED``."""
    try:
        start = dt.date.fromisoformat(row["effective_from"]) if row.get("effective_from") else FIRST_PUBLISHED
        end = dt.date.fromisoformat(row["effective_until"]) if row.get("effective_until") else None
        version = int(row.get("version", 1))
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Matter %(code)s has a bad version or date: %(error)s") % {"code": row["code"],
                                                                                       "error": exc}) from exc
    if end is not None and end < start or not 1 <= version <= 32767:
        raise DomainError(_("Matter %(code)s ends before it takes effect, or has a bad version.")
                          % {"code": row["code"]})
    return {"version": version, "effective_from": start, "effective_until": end}


@transaction.atomic
def catalogue_load(*, actor=None, path: Path | str | None = None) -> dict:
    """Load departments, themes, matters and thematic checklists from the catalogue file.

    Idempotent: rows are keyed on their codes, created or brought in line with the file, never
    duplicated; loading an unchanged file changes nothing and writes no audit entry. Rows missing from
    the file are left alone (a matter is retired by setting ``active`` to false, not by deleting it).
    Returns how many of each kind the file holds and how many rows were created or updated."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DomainError(_("The catalogue file %(path)s cannot be read: %(error)s") % {"path": path, "error": exc})

    kinds = ("departments", "themes", "matters", "checklists")
    tally = {kind: {CREATED: 0, UPDATED: 0, UNCHANGED: 0} for kind in kinds}
    updated_codes = []

    def note(kind, obj, status):
        tally[kind][status] += 1
        if status == UPDATED:
            updated_codes.append(obj.code)

    departments = {}
    for row in data.get("departments", []):
        department, status = _upsert(Department, code=row["code"], name=row["name"])
        departments[department.code] = department
        note("departments", department, status)

    themes = {}
    for row in data.get("themes", []):
        lead = _lookup(departments, row["lead"], _("department"))
        theme, status = _upsert(Theme, code=row["code"], name=row["name"], order=row.get("order", 0),
                                lead_department_id=lead.pk)
        participating = [_lookup(departments, c, _("department")) for c in row.get("participating", [])]
        if _set_m2m(theme.participating_departments, participating) and status == UNCHANGED:
            status = UPDATED
        themes[theme.code] = theme
        note("themes", theme, status)

    matters = {}
    for row in data.get("matters", []):
        department = _lookup(departments, row["department"], _("department"))
        matter, status = _upsert(Matter, code=row["code"], name=row["name"], department_id=department.pk,
                                 standard=row["standard"], legal_basis=row.get("legal_basis", ""),
                                 active=row.get("active", True), remote_checkable=bool(row.get("remote", False)),
                                 **_matter_version(row))
        matter_themes = [_lookup(themes, c, _("theme")) for c in row.get("themes", [])]
        if _set_m2m(matter.themes, matter_themes) and status == UNCHANGED:
            status = UPDATED
        matters[matter.code] = matter
        note("matters", matter, status)

    for row in data.get("checklists", []):
        theme = _lookup(themes, row["theme"], _("theme"))
        checklist_matters = [_lookup(matters, c, _("matter")) for c in row["matters"]]
        checklist_matters_check(theme=theme, matters=checklist_matters)
        checklist, status = _upsert(ThematicChecklist, code=row["code"], name=row["name"], theme_id=theme.pk)
        if _set_m2m(checklist.matters, checklist_matters) and status == UNCHANGED:
            status = UPDATED
        note("checklists", checklist, status)

    counts = {kind: sum(by_status.values()) for kind, by_status in tally.items()}
    counts[CREATED] = sum(t[CREATED] for t in tally.values())
    counts[UPDATED] = sum(t[UPDATED] for t in tally.values())
    if counts[CREATED] or counts[UPDATED]:
        audit_record(actor=actor, action="catalogue.load", obj=_CatalogueFile(path),
                     details={"file": str(path), "counts": tally, "updated": updated_codes})
    return counts
