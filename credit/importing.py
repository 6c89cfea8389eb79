"""Importing credit grades from CSV (the sources' yearly and monthly lists: 信用中国（山东）, the market
regulator's credit classification), by the machinery and rules of the enterprise import
(``enterprises.importing``): streamed, validated row by row, bad rows reported by physical line and reason,
written in batches of one transaction and one audit entry each, rerunnable without duplicates.

Format (UTF-8, header row, any column order)::

    uscc,grade,source,valid_from,valid_to

    uscc        credit code of a registered enterprise (required)
    grade       A, B, C or D (required)
    source      credit_china_sd or market_classification (required)
    valid_from  YYYY-MM-DD (required)
    valid_to    YYYY-MM-DD, not before valid_from, or empty (open-ended)

A grade is identified by its enterprise, source and ``valid_from``: rerunning a file changes nothing; a row
whose grade or end differs updates the grade. Each batch then derives the current grade of the enterprises
it touched (``credit.grades.credit_profiles_refresh``), which ends the whitelist entries of those that fell
below A. Set-based: a batch reads the enterprises and the existing grades with one query each, writes with
one insert and one executemany, and the derivation's handful of statements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from enterprises.importing.csvbatch import (
    DEFAULT_BATCH_SIZE,
    BadRow,
    ImportResult,
    _parse_date,
    _Reporter,
    _run,
    _update_rows,
    _uscc_errors,
)
from enterprises.models import Enterprise
from enterprises.uscc import normalise_uscc

from .grades import credit_profiles_refresh
from .models import CreditGrade, CreditProfile

GRADE_COLUMNS = ("uscc", "grade", "source", "valid_from", "valid_to")
GRADE_DATA_FIELDS = ("grade", "valid_to")
# An administrator's grade is set in the admin, never imported.
IMPORTED_SOURCES = [s for s in CreditGrade.Source.values if s != CreditGrade.Source.ADMIN]
GRADES = frozenset(CreditProfile.Grade.values)  # ``.values`` rebuilds its list on every call


@dataclass
class _GradeRow:
    line: int
    uscc: str
    source: str
    valid_from: object
    data: dict  # GRADE_DATA_FIELDS


def credit_grades_import(
    *,
    file: BinaryIO,
    source: str = "",
    actor=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_bad_row: Callable[[BadRow], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Record the grades of a CSV file (format and rules in the module docstring); arguments as for
    ``enterprises.importing.enterprises_import``."""
    first_line: dict[tuple, int] = {}
    today = timezone.localdate()

    def validate(line: int, row: dict[str, str], reporter: _Reporter) -> _GradeRow | None:
        code = row["uscc"] = normalise_uscc(row["uscc"])
        errors = _uscc_errors(code)
        grade = row["grade"].upper()
        if grade not in GRADES:
            errors.append(_("grade %(grade)s is not one of A, B, C, D.") % {"grade": row["grade"]} if grade
                          else _("%(field)s is required.") % {"field": "grade"})
        if row["source"] not in IMPORTED_SOURCES:
            errors.append(_("source must be one of %(codes)s.") % {"codes": ", ".join(IMPORTED_SOURCES)})
        valid_from = _parse_date(row, "valid_from", errors)
        valid_to = _parse_date(row, "valid_to", errors) if row["valid_to"] else None
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(_("valid_to %(to)s is before valid_from %(from)s.") % {"to": valid_to, "from": valid_from})
        key = (code, row["source"], valid_from)
        earlier = first_line.get(key)
        if earlier is not None:
            errors.append(_("Duplicate grade (same credit code, source and valid_from): already given on line "
                            "%(line)d.") % {"line": earlier})
        elif not errors:
            first_line[key] = line
        if errors:
            reporter.add(line, code, errors)
            return None
        return _GradeRow(line=line, uscc=code, source=row["source"], valid_from=valid_from,
                         data={"grade": grade, "valid_to": valid_to})

    def write(batch: list[_GradeRow], result: ImportResult, reporter: _Reporter) -> None:
        _grade_batch_write(batch, actor=actor, source=source, result=result, reporter=reporter, today=today)

    return _run(file, GRADE_COLUMNS, (), batch_size=batch_size, validate=validate, write=write,
                on_bad_row=on_bad_row, on_progress=on_progress)


@transaction.atomic
def _grade_batch_write(batch: list[_GradeRow], *, actor, source: str, result: ImportResult, reporter: _Reporter,
                       today) -> None:
    enterprise_ids = dict(
        Enterprise.objects.filter(uscc__in={r.uscc for r in batch}).order_by().values_list("uscc", "id")
    )
    existing = {
        (g.enterprise_id, g.source, g.valid_from): g
        # By enterprise alone (a few grades each): with the day in the filter too, the planner walked the
        # index on valid_from, which a whole file of grades from one day matches entirely (0.17 s a batch).
        for g in CreditGrade.objects.filter(enterprise_id__in=set(enterprise_ids.values()))
        .only("id", "enterprise_id", "source", "valid_from", "grade", "valid_to").order_by()
    }
    created: list[CreditGrade] = []
    changed: list[CreditGrade] = []
    changes: dict[str, dict] = {}
    unchanged = 0
    for row in batch:
        enterprise_id = enterprise_ids.get(row.uscc)
        if enterprise_id is None:
            reporter.add(row.line, row.uscc,
                         [_("No enterprise with this credit code is registered; import the enterprises first.")])
            continue
        grade = existing.get((enterprise_id, row.source, row.valid_from))
        if grade is None:
            created.append(CreditGrade(enterprise_id=enterprise_id, source=row.source, valid_from=row.valid_from,
                                       **row.data))
            continue
        diff = {f: [getattr(grade, f), v] for f, v in row.data.items() if getattr(grade, f) != v}
        if not diff:
            unchanged += 1
            continue
        for f, value in row.data.items():
            setattr(grade, f, value)
        changed.append(grade)
        changes[f"{row.uscc}/{row.source}/{row.valid_from}"] = diff

    CreditGrade.objects.bulk_create(created)
    if changed:
        _update_rows(changed, list(GRADE_DATA_FIELDS))
    result.created += len(created)
    result.updated += len(changed)
    result.unchanged += unchanged
    touched = {g.enterprise_id for g in (*created, *changed)}
    if not touched:
        return
    regraded = credit_profiles_refresh(actor=actor, enterprise_ids=touched, today=today)
    first = created[0] if created else changed[0]
    if first.pk is None:  # backends that cannot return ids from a bulk insert
        first = CreditGrade.objects.get(enterprise_id=first.enterprise_id, source=first.source,
                                        valid_from=first.valid_from)
    uscc_by_id = {pk: code for code, pk in enterprise_ids.items()}
    audit_record(
        actor=actor,
        action="credit_grade.import_batch",
        obj=first,
        details={
            "file": source,
            "lines": [batch[0].line, batch[-1].line],
            "created": len(created),
            "updated": len(changed),
            "unchanged": unchanged,
            "created_grades": [f"{uscc_by_id[g.enterprise_id]}/{g.source}/{g.valid_from}/{g.grade}" for g in created],
            "changes": changes,
            "current_grade_changed": {uscc_by_id[e]: g for e, g in regraded.items()},
        },
    )
