"""Importing licences of registered enterprises (the rules are in the package docstring)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import Enterprise, Licence
from ..uscc import normalise_uscc
from .csvbatch import (
    DEFAULT_BATCH_SIZE,
    ENTERPRISE_COLUMNS,
    LICENCE_COLUMNS,
    LICENCE_DATA_FIELDS,
    BadRow,
    ImportResult,
    _max_lengths,
    _parse_date,
    _Reporter,
    _run,
    _text_errors,
    _update_rows,
    _uscc_errors,
)

# Licences --------------------------------------------------------------------------------------


@dataclass
class _LicenceRow:
    line: int
    uscc: str
    licence_type: str
    number: str
    data: dict  # LICENCE_DATA_FIELDS


def licences_import(
    *,
    file: BinaryIO,
    source: str = "",
    actor=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_bad_row: Callable[[BadRow], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Record or renew the licences of a CSV file (format and rules in the module docstring). The
    enterprise of every licence must already be registered. Arguments as for ``enterprises_import``."""
    limits = _max_lengths(Licence, ("licence_type", "number", "issuing_agency"))
    # Licence keys are free text; a 16-byte digest keeps the whole-file duplicate check small and,
    # at 2^-128 per pair, exact for any file that will ever exist.
    first_line: dict[bytes, int] = {}

    def validate(line: int, row: dict[str, str], reporter: _Reporter) -> _LicenceRow | None:
        code = row["uscc"] = normalise_uscc(row["uscc"])
        errors = _uscc_errors(code)
        errors += _text_errors(row, required=("licence_type", "number"), limits=limits)
        valid_from = _parse_date(row, "valid_from", errors)
        valid_to = _parse_date(row, "valid_to", errors)
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(_("valid_to %(to)s is before valid_from %(from)s.") % {"to": valid_to, "from": valid_from})
        key = hashlib.blake2b("\x1f".join((code, row["licence_type"], row["number"])).encode(), digest_size=16).digest()
        earlier = first_line.get(key)
        if earlier is not None:
            errors.append(
                _("Duplicate licence (same credit code, type and number): already given on line %(line)d.")
                % {"line": earlier}
            )
        elif not errors:
            first_line[key] = line
        if errors:
            reporter.add(line, code, errors)
            return None
        return _LicenceRow(
            line=line,
            uscc=code,
            licence_type=row["licence_type"],
            number=row["number"],
            data={"issuing_agency": row["issuing_agency"], "valid_from": valid_from, "valid_to": valid_to},
        )

    def write(batch: list[_LicenceRow], result: ImportResult, reporter: _Reporter) -> None:
        _licence_batch_write(batch, actor=actor, source=source, result=result, reporter=reporter)

    return _run(
        file,
        LICENCE_COLUMNS,
        ENTERPRISE_COLUMNS,
        batch_size=batch_size,
        validate=validate,
        write=write,
        on_bad_row=on_bad_row,
        on_progress=on_progress,
    )


@transaction.atomic
def _licence_batch_write(
    batch: list[_LicenceRow], *, actor, source: str, result: ImportResult, reporter: _Reporter
) -> None:
    enterprise_ids = dict(
        Enterprise.objects.filter(uscc__in={r.uscc for r in batch}).order_by().values_list("uscc", "id")
    )
    existing = {
        (licence.enterprise_id, licence.licence_type, licence.number): licence
        for licence in Licence.objects.filter(
            enterprise_id__in=set(enterprise_ids.values()), number__in={r.number for r in batch}
        ).order_by()
    }
    created: list[Licence] = []
    changed: list[Licence] = []
    changes: dict[str, dict] = {}
    unchanged = 0
    first: Licence | None = None  # the first licence of the batch that the batch changes
    for row in batch:
        enterprise_id = enterprise_ids.get(row.uscc)
        if enterprise_id is None:
            reporter.add(
                row.line,
                row.uscc,
                [_("No enterprise with this credit code is registered; import the enterprises first.")],
            )
            continue
        licence = existing.get((enterprise_id, row.licence_type, row.number))
        if licence is None:
            licence = Licence(enterprise_id=enterprise_id, licence_type=row.licence_type, number=row.number, **row.data)
            created.append(licence)
            first = first or licence
            continue
        diff = {f: [getattr(licence, f), v] for f, v in row.data.items() if getattr(licence, f) != v}
        if not diff:
            unchanged += 1
            continue
        for f, value in row.data.items():
            setattr(licence, f, value)
        changed.append(licence)
        changes[f"{row.uscc}/{row.licence_type}/{row.number}"] = diff
        first = first or licence

    Licence.objects.bulk_create(created)
    if first is not None and first.pk is None:  # backends that cannot return ids from a bulk insert
        first = Licence.objects.get(
            enterprise_id=first.enterprise_id, licence_type=first.licence_type, number=first.number
        )
    if changed:
        _update_rows(changed, list(LICENCE_DATA_FIELDS))
    result.created += len(created)
    result.updated += len(changed)
    result.unchanged += unchanged
    if first is not None:
        uscc_by_id = {pk: code for code, pk in enterprise_ids.items()}
        audit_record(
            actor=actor,
            action="licence.import_batch",
            obj=first,
            details={
                "file": source,
                "lines": [batch[0].line, batch[-1].line],
                "created": len(created),
                "updated": len(changed),
                "unchanged": unchanged,
                "created_licences": [
                    f"{uscc_by_id[lic.enterprise_id]}/{lic.licence_type}/{lic.number}" for lic in created
                ],
                "changes": changes,
            },
        )
