"""The dashboard's table as CSV (``yantai_inspect.csv_export``) and as an Excel workbook (openpyxl): the
figures of the period overall and by the chosen dimension, then the complaints by kind; percentages as
percentages with two decimals."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from yantai_inspect.csv_export import _safe, csv_response

from .figures import DIMENSION_LABELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value, unit: str):
    if value is None:
        return ""
    if unit == "percent":
        return round(value * 100, 2)
    return value


def table(data: dict) -> tuple[list, list]:
    """(header, rows) of the dashboard ``data`` (``oversight.selectors.dashboard``)."""
    figures = data["figures"]
    by = data["by"]
    first = str(DIMENSION_LABELS[by]) if by else _("Period")
    header = [first] + [f"{f.label}{' (%)' if f.unit == 'percent' else ''}" for f in figures]
    period = f"{data['date_from'] or ''} – {data['date_to'] or ''}"
    rows = [[_("Total") + f" {period}", *(cell(data["overall"][f.key], f.unit) for f in figures)]]
    for group in data["groups"]:
        rows.append([group["label"], *(cell(group["values"][f.key], f.unit) for f in figures)])
    return header, rows


def kinds_table(data: dict) -> tuple[list, list]:
    header = [_("Kind of complaint"), _("Complaints"), _("Decided"), _("Within the deadline"), _("Late"),
              _("Open past the deadline")]
    rows = [[str(k["label"]), k["complaints"], k["complaints_decided"], k["complaints_on_time"],
             k["complaints_late"], k["complaints_open_overdue"]] for k in data["complaints_by_kind"]]
    return header, rows


def csv_export(data: dict, filename: str):
    header, rows = table(data)
    kinds_header, kinds = kinds_table(data)
    extra = [[], kinds_header, *kinds] if kinds else []
    return csv_response(filename, header, [*rows, *extra])


def xlsx_bytes(data: dict) -> bytes:
    """The workbook: a sheet of the figures, a sheet of the complaints by kind (when the reader sees them)."""
    from openpyxl import Workbook  # only the export pays for the import

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Figures"))
    header, rows = table(data)
    sheet.append(header)
    for row in rows:
        sheet.append([_safe(v) if isinstance(v, str) else v for v in row])
    if data["complaints_by_kind"]:
        kinds = book.create_sheet(_("Complaints by kind"))
        header, rows = kinds_table(data)
        kinds.append(header)
        for row in rows:
            kinds.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(data), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
