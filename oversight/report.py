"""The monthly oversight report (月度监督报告) as PDF: the month's figures overall, by district and by theme,
the complaints by kind, and the audit chain's anchor (its head and the newest signed daily anchor,
``audit.anchoring``), so that a printed report also fixes how long the trail was that month. Rendered with
WeasyPrint under ``zh-hans`` with the printed documents' stylesheet and the system's Noto CJK fonts
(``static/pdf/pdf.css``, as ``inspections.pdf``); nothing is fetched (data: URIs only)."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.anchoring import chain_head, latest_anchor

from .access import Reader
from .charts import bar_chart
from .selectors import dashboard, month_period

STYLESHEET = Path(settings.BASE_DIR) / "static" / "pdf" / "pdf.css"


def anchor_now() -> dict:
    """The chain's head now and the newest valid anchor (None when no anchor was written yet)."""
    seq, head = chain_head()
    return {"seq": seq, "hash": head, "anchor": latest_anchor()}


def report_context(*, reader: Reader, month: dt.date, title: str, anchor: dict) -> dict:
    start, end = month_period(month)
    overall = dashboard(reader=reader, by=None, date_from=start, date_to=end)
    tables = []
    for by in ("district", "theme"):
        data = dashboard(reader=reader, by=by, date_from=start, date_to=end)
        tables.append({"by": by, "data": data, "rows": [
            (g["label"], [(f, g["values"][f.key]) for f in data["figures"]]) for g in data["groups"]
        ]})
    district = tables[0]["data"]
    chart = bar_chart(
        title="检查量（按区县）",
        rows=[(g["label"], g["values"]["plans"]) for g in district["groups"]],
        unit="count",
    )
    return {
        "title": title,
        "month": month,
        "start": start,
        "end": end,
        "figures": overall["figures"],
        "overall": [(f, overall["overall"][f.key]) for f in overall["figures"]],
        "tables": tables,
        "kinds": overall["complaints_by_kind"],
        "chart": chart,
        "anchor": anchor,
        "generated_at": timezone.localtime(),
    }


def render_report_pdf(*, reader: Reader, month: dt.date, title: str, anchor: dict | None = None) -> bytes:
    import weasyprint  # heavy import: only the report pays for it

    with translation.override("zh-hans"), timezone.override(settings.TIME_ZONE):
        html = render_to_string(
            "oversight/report_pdf.html",
            report_context(reader=reader, month=month, title=title, anchor=anchor or anchor_now()),
        )
        stylesheet = weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"))
        fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
        document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[stylesheet])
