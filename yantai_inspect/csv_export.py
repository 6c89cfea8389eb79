"""Lists as CSV, streamed: the rows are written as the database hands them over (``iterator``), so an export
of a hundred thousand rows holds one chunk in memory, and its queries are the list's own, fixed. A UTF-8
byte-order mark first: Excel, which most offices open CSV in, otherwise reads Chinese as Latin-1."""

import csv

from django.http import StreamingHttpResponse

EXPORT_MAX_ROWS = 100_000
CHUNK = 2_000


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """A cell as text; one that starts like a formula is quoted so a spreadsheet does not run it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    """``rows`` (an iterable of sequences, at most ``EXPORT_MAX_ROWS`` are written) as ``filename``."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([_safe(h) for h in header])
        for n, row in enumerate(rows):
            if n >= EXPORT_MAX_ROWS:
                break
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def rows_of(queryset, row):
    """``row(obj)`` for every object of ``queryset``, read in chunks."""
    return (row(obj) for obj in queryset.iterator(chunk_size=CHUNK))


def chunks_of(iterable, size: int = CHUNK):
    """``iterable`` in lists of at most ``size``: for exports that add, per chunk, what the page reads per page
    (a fixed number of queries per chunk instead of one per row)."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
