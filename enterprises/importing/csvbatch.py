"""The machinery both imports share: reading the CSV as a stream, the report of bad rows, batches."""

from __future__ import annotations

import codecs
import csv
import datetime
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import DatabaseError, connection, reset_queries
from django.utils.translation import gettext as _

from accounts.divisions import DIVISION_CODES
from yantai_inspect.errors import DomainError

from ..industries import INDUSTRY_CODES
from ..uscc import uscc_error

ENTERPRISE_COLUMNS = ("uscc", "name", "legal_representative", "address", "division", "industry", "themes")
LICENCE_COLUMNS = ("uscc", "licence_type", "number", "issuing_agency", "valid_from", "valid_to")
# The fields an import sets (and so may update); the code (and type and number) identify the row.
ENTERPRISE_DATA_FIELDS = ("name", "legal_representative", "address", "division", "industry")
LICENCE_DATA_FIELDS = ("issuing_agency", "valid_from", "valid_to")

DEFAULT_BATCH_SIZE = 5000
# A batch is looked up with one ``IN (...)`` of its codes; SQLite allows 32,766 parameters per query.
MAX_BATCH_SIZE = 10000
# Bad rows kept on the result for display; all of them go to ``on_bad_row``.
KEPT_BAD_ROWS = 100
THEME_SEPARATOR = ";"


@dataclass(frozen=True)
class BadRow:
    line: int
    uscc: str
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first KEPT_BAD_ROWS, in line order
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"imported: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.bad} bad rows in {self.seconds:.1f} s"
        )


class _Reporter:
    """Collects a batch's bad rows and hands them on in line order when the batch is done."""

    def __init__(self, result: ImportResult, on_bad_row: Callable[[BadRow], None] | None):
        self.result = result
        self.on_bad_row = on_bad_row
        self.pending: list[BadRow] = []

    def add(self, line: int, uscc: str, reasons: Iterable[str]) -> None:
        self.pending.append(BadRow(line=line, uscc=uscc, reason="; ".join(str(r) for r in reasons)))

    def flush(self, *, before: int | None = None) -> None:
        """Hand on the bad rows collected so far, or only those before line ``before`` (the rows of a
        batch not yet written may still turn out bad, and the report stays in line order)."""
        self.pending.sort(key=lambda bad: bad.line)
        done = self.pending if before is None else [bad for bad in self.pending if bad.line < before]
        self.pending = self.pending[len(done) :]
        for bad in done:
            self.result.bad += 1
            if len(self.result.bad_rows) < KEPT_BAD_ROWS:
                self.result.bad_rows.append(bad)
            if self.on_bad_row:
                self.on_bad_row(bad)


# Reading ---------------------------------------------------------------------------------------


def data_lines(file: BinaryIO) -> int:
    """Lines after the header of a file read from its start, for a progress bar's total (a quoted line break
    makes it an estimate; a last line without its line break counts). Leaves the file at its start."""
    count, last = 0, b""
    file.seek(0)
    while chunk := file.read(1 << 20):
        count += chunk.count(b"\n")
        last = chunk
    file.seek(0)
    if last and not last.endswith(b"\n"):
        count += 1
    return max(count - 1, 0)


def _decoded_lines(file: BinaryIO, undecodable: set[int]) -> Iterator[str]:
    """The file's lines as text. A line that is not UTF-8 is noted (so its row can be refused with
    its line number) instead of failing the whole file, and decoded with replacement characters."""
    for number, raw in enumerate(file, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.add(number)
            yield raw.decode("utf-8", "replace")


def _header_index(header: list[str], columns: tuple[str, ...], other: tuple[str, ...]) -> list[int]:
    names = [name.strip().lower() for name in header]
    missing = [c for c in columns if c not in names]
    unknown = [n for n in names if n not in columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or repeated:
        problems = []
        if missing:
            problems.append(_("missing %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown %(cols)s") % {"cols": ", ".join(unknown)})
        if repeated:
            problems.append(_("repeated %(cols)s") % {"cols": ", ".join(repeated)})
        message = _("Line 1 must be the header %(expected)s (%(problems)s).") % {
            "expected": ",".join(columns),
            "problems": "; ".join(problems),
        }
        if set(names) == set(other):
            message += " " + _("It is the header of the other format: licences or enterprises?")
        raise DomainError(message)
    return [names.index(c) for c in columns]


def _records(
    file: BinaryIO, columns: tuple[str, ...], other: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str] | None, list[str]]]:
    """(first physical line, row, []) for each row of the right shape; (line, None, reasons) for the others."""
    undecodable: set[int] = set()
    reader = csv.reader(_decoded_lines(file, undecodable))
    try:
        header = next(reader)
    except StopIteration:
        raise DomainError(
            _("The file is empty: line 1 must be the header %(expected)s.") % {"expected": ",".join(columns)}
        )
    except csv.Error as exc:
        raise DomainError(_("Line 1 is not a CSV header: %(error)s") % {"error": exc})
    if undecodable:
        raise DomainError(_('The file is not UTF-8 text (save it as "CSV UTF-8").'))
    index = _header_index(header, columns, other)
    width = len(header)
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # After a syntax error the reader cannot find the next row reliably (an unclosed quote
            # swallows what follows), so reading stops here, and says so.
            yield (
                last + 1,
                None,
                [_("CSV syntax error (%(error)s); the rest of the file was not read.") % {"error": exc}],
            )
            return
        first, last = last + 1, reader.line_num
        if not any(value.strip() for value in fields):
            continue  # blank line
        if undecodable and any(n in undecodable for n in range(first, last + 1)):
            yield first, None, [_('The line is not UTF-8 text (save the file as "CSV UTF-8").')]
        elif len(fields) != width:
            yield (
                first,
                None,
                [_("Expected %(expected)d fields, found %(found)d.") % {"expected": width, "found": len(fields)}],
            )
        else:
            yield first, {c: fields[i].strip() for c, i in zip(columns, index, strict=True)}, []


# Validation ------------------------------------------------------------------------------------


def _max_lengths(model, names) -> dict[str, int]:
    return {name: model._meta.get_field(name).max_length for name in names}


def _text_errors(row: dict[str, str], *, required: tuple[str, ...], limits: dict[str, int]) -> list[str]:
    errors = []
    for name, limit in limits.items():
        value = row[name]
        if not value:
            if name in required:
                errors.append(_("%(field)s is required.") % {"field": name})
        elif len(value) > limit:
            errors.append(
                _("%(field)s has %(n)d characters; at most %(max)d are allowed.")
                % {"field": name, "n": len(value), "max": limit}
            )
        elif "\n" in value or "\r" in value:
            errors.append(_("%(field)s contains a line break.") % {"field": name})
    return errors


def _uscc_errors(code: str) -> list[str]:
    if not code:
        return [_("uscc is required.")]
    error = uscc_error(code)
    return [f"uscc: {error}"] if error else []


def _enterprise_errors(row: dict[str, str], limits: dict[str, int], theme_ids: dict[str, int]) -> list[str]:
    """What is wrong with the row, credit code aside."""
    errors = _text_errors(row, required=("name",), limits=limits)
    if not row["division"]:
        errors.append(_("division is required."))
    elif row["division"] not in DIVISION_CODES:
        errors.append(_("division %(code)s is not an administrative division of Yantai.") % {"code": row["division"]})
    if row["industry"] and row["industry"] not in INDUSTRY_CODES:
        errors.append(_("industry %(code)s is not a section of GB/T 4754 (A to T).") % {"code": row["industry"]})
    unknown = [code for code in _theme_codes(row["themes"]) if code not in theme_ids]
    if unknown:
        errors.append(_("themes: no theme with code %(codes)s in the catalogue.") % {"codes": ", ".join(unknown)})
    return errors


def _theme_codes(cell: str) -> list[str]:
    return list(dict.fromkeys(code.strip() for code in cell.split(THEME_SEPARATOR) if code.strip()))


def _parse_date(row: dict[str, str], name: str, errors: list[str]) -> datetime.date | None:
    value = row[name]
    if not value:
        errors.append(_("%(field)s is required.") % {"field": name})
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(field)s %(value)s is not a date in the form YYYY-MM-DD.") % {"field": name, "value": value})
        return None


def _check_batch_size(batch_size: int) -> None:
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise DomainError(
            _("The batch size must be between 1 and %(max)d.") % {"max": MAX_BATCH_SIZE}, field="batch_size"
        )


def _run(
    file: BinaryIO,
    columns: tuple[str, ...],
    other: tuple[str, ...],
    *,
    batch_size: int,
    validate: Callable[[int, dict[str, str], _Reporter], object | None],
    write: Callable[[list, ImportResult, _Reporter], None],
    on_bad_row: Callable[[BadRow], None] | None,
    on_progress: Callable[[int], None] | None,
) -> ImportResult:
    """Read, validate and write in batches; what differs between enterprises and licences is
    ``validate`` (a row to its batch item, or None once reported bad) and ``write`` (one batch)."""
    _check_batch_size(batch_size)
    started = time.monotonic()
    result = ImportResult()
    reporter = _Reporter(result, on_bad_row)
    batch: list = []
    read = 0
    for line, row, malformed in _records(file, columns, other):
        read += 1
        if row is None:
            reporter.add(line, "", malformed)
        elif (item := validate(line, row, reporter)) is not None:
            batch.append(item)
        if len(batch) >= batch_size:
            _write(write, batch, result, reporter)
            batch = []
        if read >= batch_size:
            reporter.flush(before=batch[0].line if batch else None)
            if on_progress:
                on_progress(read)
            read = 0
    if batch:
        _write(write, batch, result, reporter)
    reporter.flush()
    if on_progress and read:
        on_progress(read)
    result.rows = result.created + result.updated + result.unchanged + result.bad
    result.seconds = time.monotonic() - started
    return result


def _write(write, batch: list, result: ImportResult, reporter: _Reporter) -> None:
    try:
        write(batch, result, reporter)
    except DatabaseError as exc:
        # Most likely someone else writing the same rows at the same time. This batch is rolled
        # back; the earlier ones are committed, and rerunning the file completes the import.
        raise DomainError(
            _(
                "Lines %(first)d to %(last)d could not be written (%(error)s). Nothing of them was saved; the "
                "%(done)d rows before them were. Rerun the file to complete the import."
            )
            % {
                "first": batch[0].line,
                "last": batch[-1].line,
                "error": " ".join(str(exc).split()),
                "done": result.created + result.updated + result.unchanged,
            }
        ) from exc
    # With DEBUG on, Django keeps every query's SQL; a bulk insert of 5,000 rows is a megabyte of it.
    reset_queries()


def _update_rows(objs: list, field_names: list[str]) -> None:
    """Write ``field_names`` of ``objs`` back, as bulk_update would. bulk_update builds a CASE WHEN
    per field and row, which costs about a millisecond of Python per row (15 minutes for the whole
    register); one prepared UPDATE executed for every row costs microseconds."""
    meta = objs[0]._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    # Identifiers come from the model, values are parameters: nothing from the file reaches the SQL text.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(meta.pk.column)
    )
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
