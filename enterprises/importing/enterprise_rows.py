"""Importing the register of enterprises (the rules are in the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from catalogue.models import Theme

from ..models import Enterprise
from ..uscc import normalise_uscc
from .csvbatch import (
    DEFAULT_BATCH_SIZE,
    ENTERPRISE_COLUMNS,
    ENTERPRISE_DATA_FIELDS,
    LICENCE_COLUMNS,
    BadRow,
    ImportResult,
    _enterprise_errors,
    _max_lengths,
    _Reporter,
    _run,
    _theme_codes,
    _update_rows,
    _uscc_errors,
)

# Enterprises -----------------------------------------------------------------------------------


@dataclass
class _EnterpriseRow:
    line: int
    uscc: str
    data: dict[str, str]
    theme_ids: list[int]


def enterprises_import(
    *,
    file: BinaryIO,
    source: str = "",
    actor=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_bad_row: Callable[[BadRow], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create or update the enterprises of a CSV register (format and rules in the module docstring).

    ``file`` is opened in binary mode; ``source`` names it in the audit trail; ``on_bad_row`` receives
    every bad row, in line order; ``on_progress`` receives the number of rows read since its last call.
    Raises DomainError for a file that cannot be imported at all (header), or when a batch fails.
    """
    limits = _max_lengths(Enterprise, ("name", "legal_representative", "address"))
    theme_ids = dict(Theme.objects.values_list("code", "id"))
    theme_codes = {pk: code for code, pk in theme_ids.items()}
    # Exact duplicate check over the whole file: credit codes are upper-case alphanumeric, so the
    # base-36 integer of a code is unique to it and smaller in memory than the string.
    first_line: dict[int, int] = {}

    def validate(line: int, row: dict[str, str], reporter: _Reporter) -> _EnterpriseRow | None:
        code = row["uscc"] = normalise_uscc(row["uscc"])
        row["industry"] = row["industry"].upper()
        code_errors = _uscc_errors(code)
        errors = code_errors + _enterprise_errors(row, limits, theme_ids)
        if not code_errors:
            earlier = first_line.get(int(code, 36))
            if earlier is not None:
                errors.append(_("Duplicate credit code: already given on line %(line)d.") % {"line": earlier})
            elif not errors:
                first_line[int(code, 36)] = line
        if errors:
            reporter.add(line, code, errors)
            return None
        return _EnterpriseRow(
            line=line,
            uscc=code,
            data={f: row[f] for f in ENTERPRISE_DATA_FIELDS},
            theme_ids=[theme_ids[c] for c in _theme_codes(row["themes"])],
        )

    def write(batch: list[_EnterpriseRow], result: ImportResult, reporter: _Reporter) -> None:
        _enterprise_batch_write(batch, theme_codes=theme_codes, actor=actor, source=source, result=result)

    return _run(
        file,
        ENTERPRISE_COLUMNS,
        LICENCE_COLUMNS,
        batch_size=batch_size,
        validate=validate,
        write=write,
        on_bad_row=on_bad_row,
        on_progress=on_progress,
    )


@transaction.atomic
def _enterprise_batch_write(
    batch: list[_EnterpriseRow], *, theme_codes: dict[int, str], actor, source: str, result: ImportResult
) -> None:
    existing = {
        e.uscc: e
        for e in Enterprise.objects.filter(uscc__in=[r.uscc for r in batch])
        .order_by()
        .only("id", "uscc", *ENTERPRISE_DATA_FIELDS)
    }
    through = Enterprise.themes.through
    linked: set[tuple[int, int]] = set()
    theme_owner_ids = [existing[r.uscc].pk for r in batch if r.theme_ids and r.uscc in existing]
    if theme_owner_ids:
        linked = set(through.objects.filter(enterprise_id__in=theme_owner_ids).values_list("enterprise_id", "theme_id"))

    now = timezone.now()
    created: list[Enterprise] = []
    changed: list[Enterprise] = []
    changes: dict[str, dict] = {}
    links: list[tuple[Enterprise, int]] = []
    unchanged = 0
    first: Enterprise | None = None  # the first enterprise of the batch that the batch changes
    for row in batch:
        enterprise = existing.get(row.uscc)
        if enterprise is None:
            enterprise = Enterprise(uscc=row.uscc, **row.data)
            created.append(enterprise)
            links += [(enterprise, theme_id) for theme_id in row.theme_ids]
            first = first or enterprise
            continue
        diff = {f: [getattr(enterprise, f), v] for f, v in row.data.items() if getattr(enterprise, f) != v}
        new_themes = [t for t in row.theme_ids if (enterprise.pk, t) not in linked]
        if new_themes:
            diff["themes"] = [None, [theme_codes[t] for t in new_themes]]  # added; none is ever removed
            links += [(enterprise, t) for t in new_themes]
        if not diff:
            unchanged += 1
            continue
        for f in ENTERPRISE_DATA_FIELDS:
            setattr(enterprise, f, row.data[f])
        enterprise.updated_at = now  # a raw UPDATE does not apply auto_now
        changed.append(enterprise)
        changes[row.uscc] = diff
        first = first or enterprise

    Enterprise.objects.bulk_create(created)
    if any(e.pk is None for e in created):  # backends that cannot return ids from a bulk insert
        ids = dict(Enterprise.objects.filter(uscc__in=[e.uscc for e in created]).values_list("uscc", "id"))
        for enterprise in created:
            enterprise.pk = ids[enterprise.uscc]
    if changed:
        _update_rows(changed, [*ENTERPRISE_DATA_FIELDS, "updated_at"])
    if links:
        # ignore_conflicts: a link made meanwhile through the platform is not an error.
        through.objects.bulk_create([through(enterprise_id=e.pk, theme_id=t) for e, t in links], ignore_conflicts=True)
    result.created += len(created)
    result.updated += len(changed)
    result.unchanged += unchanged
    if first is not None:
        audit_record(
            actor=actor,
            action="enterprise.import_batch",
            obj=first,
            details={
                "file": source,
                "lines": [batch[0].line, batch[-1].line],
                "created": len(created),
                "updated": len(changed),
                "unchanged": unchanged,
                "created_uscc": [e.uscc for e in created],
                "changes": changes,
            },
        )
