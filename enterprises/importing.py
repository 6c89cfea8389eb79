"""Importing enterprises and their licences from CSV, at the scale of the city's register (930,000+ rows).

Two formats, both UTF-8 (a byte-order mark, as Excel writes it, is tolerated), comma-separated, with a
header row naming the columns (any order, case-insensitive; every column must be present, no others):

Enterprises (``enterprises_import``)::

    uscc,name,legal_representative,address,division,industry,themes

    uscc                  unified social credit code, 18 characters, GB 32100-2015 (required)
    name                  registered name, at most 200 characters (required)
    legal_representative  at most 60 characters (may be empty)
    address               at most 300 characters (may be empty)
    division              administrative division code of Yantai, e.g. 370611 (required)
    industry              GB/T 4754 section letter A-T (may be empty)
    themes                theme codes separated by ";", each existing in the catalogue (may be empty)

Licences (``licences_import``)::

    uscc,licence_type,number,issuing_agency,valid_from,valid_to

    uscc                  credit code of an enterprise already registered (required)
    licence_type          at most 100 characters (required)
    number                at most 100 characters (required)
    issuing_agency        at most 120 characters (may be empty)
    valid_from, valid_to  ISO dates (YYYY-MM-DD), valid_to not before valid_from (required)

The rules:

- Every row is validated on its own; a bad row is reported with its physical line number in the file
  (the header is line 1; a quoted field spanning lines counts every line) and every reason it is bad,
  and skipped. Good rows are kept.
- A credit code (or, for licences, a code + type + number) given twice in one file: the first good
  occurrence is imported, later ones are reported as bad rows naming the line of the first.
- The file is the register: an enterprise already known is updated when its name, legal representative,
  address, division or industry differ from the file (an empty cell clears the field); a licence already
  known (same enterprise, type and number) is updated when its agency or validity differ (a renewal).
  Themes are only ever added: lead departments also assign themes in the platform, and an import must
  not undo their work.
- Rerunning an import of the same file creates nothing, changes nothing and writes no audit entry.
- Rows are read as a stream and written in batches; each batch is one transaction with one audit entry
  (``enterprise.import_batch`` / ``licence.import_batch``) naming the first enterprise or licence it
  changed and, in its details, every code created and every field changed (before and after). A batch
  that changes nothing is not audited. A failure rolls back the current batch only; earlier batches
  stay, and rerunning the file completes the import.

Memory grows only with the duplicate check: one small entry per accepted row (about 110 MB at 930,000
rows). Existing rows are looked up per batch, never loaded all at once.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import DatabaseError, connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.divisions import DIVISION_CODES
from audit.services import audit_record
from catalogue.models import Theme
from yantai_inspect.errors import DomainError

from .industries import INDUSTRY_CODES
from .models import Enterprise, Licence
from .uscc import normalise_uscc, uscc_error

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
        self.pending = self.pending[len(done):]
        for bad in done:
            self.result.bad += 1
            if len(self.result.bad_rows) < KEPT_BAD_ROWS:
                self.result.bad_rows.append(bad)
            if self.on_bad_row:
                self.on_bad_row(bad)


# Reading ---------------------------------------------------------------------------------------


def _decoded_lines(file: BinaryIO, undecodable: set[int]) -> Iterator[str]:
    """The file's lines as text. A line that is not UTF-8 is noted (so its row can be refused with
    its line number) instead of failing the whole file, and decoded with replacement characters."""
    for number, raw in enumerate(file, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
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
            "expected": ",".join(columns), "problems": "; ".join(problems),
        }
        if set(names) == set(other):
            message += " " + _("It is the header of the other format: licences or enterprises?")
        raise DomainError(message)
    return [names.index(c) for c in columns]


def _records(file: BinaryIO, columns: tuple[str, ...],
             other: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str] | None, list[str]]]:
    """(first physical line, row, []) for each row of the right shape; (line, None, reasons) for the others."""
    undecodable: set[int] = set()
    reader = csv.reader(_decoded_lines(file, undecodable))
    try:
        header = next(reader)
    except StopIteration:
        raise DomainError(_("The file is empty: line 1 must be the header %(expected)s.") % {
            "expected": ",".join(columns)})
    except csv.Error as exc:
        raise DomainError(_("Line 1 is not a CSV header: %(error)s") % {"error": exc})
    if undecodable:
        raise DomainError(_("The file is not UTF-8 text (save it as \"CSV UTF-8\")."))
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
            yield last + 1, None, [_("CSV syntax error (%(error)s); the rest of the file was not read.")
                                   % {"error": exc}]
            return
        first, last = last + 1, reader.line_num
        if not any(value.strip() for value in fields):
            continue  # blank line
        if undecodable and any(n in undecodable for n in range(first, last + 1)):
            yield first, None, [_("The line is not UTF-8 text (save the file as \"CSV UTF-8\").")]
        elif len(fields) != width:
            yield first, None, [
                _("Expected %(expected)d fields, found %(found)d.") % {"expected": width, "found": len(fields)}]
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
            errors.append(_("%(field)s has %(n)d characters; at most %(max)d are allowed.") % {
                "field": name, "n": len(value), "max": limit})
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
        raise DomainError(_("The batch size must be between 1 and %(max)d.") % {"max": MAX_BATCH_SIZE},
                          field="batch_size")


def _run(file: BinaryIO, columns: tuple[str, ...], other: tuple[str, ...], *, batch_size: int,
         validate: Callable[[int, dict[str, str], _Reporter], object | None],
         write: Callable[[list, ImportResult, _Reporter], None],
         on_bad_row: Callable[[BadRow], None] | None, on_progress: Callable[[int], None] | None) -> ImportResult:
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
        raise DomainError(_(
            "Lines %(first)d to %(last)d could not be written (%(error)s). Nothing of them was saved; the "
            "%(done)d rows before them were. Rerun the file to complete the import."
        ) % {"first": batch[0].line, "last": batch[-1].line, "error": " ".join(str(exc).split()),
             "done": result.created + result.updated + result.unchanged}) from exc
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
        quote(meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(meta.pk.column))
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# Enterprises -----------------------------------------------------------------------------------


@dataclass
class _EnterpriseRow:
    line: int
    uscc: str
    data: dict[str, str]
    theme_ids: list[int]


def enterprises_import(*, file: BinaryIO, source: str = "", actor=None, batch_size: int = DEFAULT_BATCH_SIZE,
                       on_bad_row: Callable[[BadRow], None] | None = None,
                       on_progress: Callable[[int], None] | None = None) -> ImportResult:
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
        return _EnterpriseRow(line=line, uscc=code, data={f: row[f] for f in ENTERPRISE_DATA_FIELDS},
                              theme_ids=[theme_ids[c] for c in _theme_codes(row["themes"])])

    def write(batch: list[_EnterpriseRow], result: ImportResult, reporter: _Reporter) -> None:
        _enterprise_batch_write(batch, theme_codes=theme_codes, actor=actor, source=source, result=result)

    return _run(file, ENTERPRISE_COLUMNS, LICENCE_COLUMNS, batch_size=batch_size, validate=validate, write=write,
                on_bad_row=on_bad_row, on_progress=on_progress)


@transaction.atomic
def _enterprise_batch_write(batch: list[_EnterpriseRow], *, theme_codes: dict[int, str], actor, source: str,
                            result: ImportResult) -> None:
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r.uscc for r in batch])
                .order_by().only("id", "uscc", *ENTERPRISE_DATA_FIELDS)}
    through = Enterprise.themes.through
    linked: set[tuple[int, int]] = set()
    theme_owner_ids = [existing[r.uscc].pk for r in batch if r.theme_ids and r.uscc in existing]
    if theme_owner_ids:
        linked = set(through.objects.filter(enterprise_id__in=theme_owner_ids)
                     .values_list("enterprise_id", "theme_id"))

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
        through.objects.bulk_create([through(enterprise_id=e.pk, theme_id=t) for e, t in links],
                                    ignore_conflicts=True)
    result.created += len(created)
    result.updated += len(changed)
    result.unchanged += unchanged
    if first is not None:
        audit_record(actor=actor, action="enterprise.import_batch", obj=first, details={
            "file": source,
            "lines": [batch[0].line, batch[-1].line],
            "created": len(created),
            "updated": len(changed),
            "unchanged": unchanged,
            "created_uscc": [e.uscc for e in created],
            "changes": changes,
        })


# Licences --------------------------------------------------------------------------------------


@dataclass
class _LicenceRow:
    line: int
    uscc: str
    licence_type: str
    number: str
    data: dict  # LICENCE_DATA_FIELDS


def licences_import(*, file: BinaryIO, source: str = "", actor=None, batch_size: int = DEFAULT_BATCH_SIZE,
                    on_bad_row: Callable[[BadRow], None] | None = None,
                    on_progress: Callable[[int], None] | None = None) -> ImportResult:
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
        key = hashlib.blake2b("\x1f".join((code, row["licence_type"], row["number"])).encode(),
                              digest_size=16).digest()
        earlier = first_line.get(key)
        if earlier is not None:
            errors.append(_("Duplicate licence (same credit code, type and number): already given on line %(line)d.")
                          % {"line": earlier})
        elif not errors:
            first_line[key] = line
        if errors:
            reporter.add(line, code, errors)
            return None
        return _LicenceRow(line=line, uscc=code, licence_type=row["licence_type"], number=row["number"],
                           data={"issuing_agency": row["issuing_agency"], "valid_from": valid_from,
                                 "valid_to": valid_to})

    def write(batch: list[_LicenceRow], result: ImportResult, reporter: _Reporter) -> None:
        _licence_batch_write(batch, actor=actor, source=source, result=result, reporter=reporter)

    return _run(file, LICENCE_COLUMNS, ENTERPRISE_COLUMNS, batch_size=batch_size, validate=validate, write=write,
                on_bad_row=on_bad_row, on_progress=on_progress)


@transaction.atomic
def _licence_batch_write(batch: list[_LicenceRow], *, actor, source: str, result: ImportResult,
                         reporter: _Reporter) -> None:
    enterprise_ids = dict(Enterprise.objects.filter(uscc__in={r.uscc for r in batch}).order_by()
                          .values_list("uscc", "id"))
    existing = {
        (licence.enterprise_id, licence.licence_type, licence.number): licence
        for licence in Licence.objects.filter(enterprise_id__in=set(enterprise_ids.values()),
                                              number__in={r.number for r in batch}).order_by()
    }
    created: list[Licence] = []
    changed: list[Licence] = []
    changes: dict[str, dict] = {}
    unchanged = 0
    first: Licence | None = None  # the first licence of the batch that the batch changes
    for row in batch:
        enterprise_id = enterprise_ids.get(row.uscc)
        if enterprise_id is None:
            reporter.add(row.line, row.uscc, [_("No enterprise with this credit code is registered; "
                                                "import the enterprises first.")])
            continue
        licence = existing.get((enterprise_id, row.licence_type, row.number))
        if licence is None:
            licence = Licence(enterprise_id=enterprise_id, licence_type=row.licence_type, number=row.number,
                              **row.data)
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
        first = Licence.objects.get(enterprise_id=first.enterprise_id, licence_type=first.licence_type,
                                    number=first.number)
    if changed:
        _update_rows(changed, list(LICENCE_DATA_FIELDS))
    result.created += len(created)
    result.updated += len(changed)
    result.unchanged += unchanged
    if first is not None:
        uscc_by_id = {pk: code for code, pk in enterprise_ids.items()}
        audit_record(actor=actor, action="licence.import_batch", obj=first, details={
            "file": source,
            "lines": [batch[0].line, batch[-1].line],
            "created": len(created),
            "updated": len(changed),
            "unchanged": unchanged,
            "created_licences": [f"{uscc_by_id[lic.enterprise_id]}/{lic.licence_type}/{lic.number}"
                                 for lic in created],
            "changes": changes,
        })
