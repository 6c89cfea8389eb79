"""Charts drawn on the server as SVG: no script, no library fetched by the browser, allowed by the CSP
(no inline script), printable, and scaled to the page's width by its ``viewBox`` (a phone's 390 px)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
LABEL_WIDTH = 120
ROW = 22
BAR = 14
MAX_BARS = 40


def _shown(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(*, title: str, rows: list[tuple[str, float | None]], unit: str, compare=None) -> str:
    """Horizontal bars, one per (label, value) (at most ``MAX_BARS``), with the value written beside each;
    ``compare`` (labels → values, e.g. last year's) is drawn as a thin bar under each. An ``<svg>`` element
    with a ``<title>`` and one ``<desc>`` line per bar for screen readers."""
    rows = rows[:MAX_BARS]
    values = [v for _label, v in rows if v is not None]
    values += [v for v in (compare or {}).values() if v is not None]
    top = max(values, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 50
    height = ROW * max(len(rows), 1) + 8
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for n, (label, value) in enumerate(rows):
        y = 4 + n * ROW
        text = label if len(label) <= 12 else label[:11] + "…"
        parts.append(f"<desc>{escape(label)}: {escape(_shown(value, unit))}</desc>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 4}" y="{y + BAR - 3}" text-anchor="end" class="chart-label">{escape(text)}</text>'
        )
        width = 0 if value is None else max(plot * value / top, 0)
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" class="chart-bar"/>')
        if compare is not None:
            before = compare.get(label)
            w2 = 0 if before is None else max(plot * before / top, 0)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + BAR}" width="{w2:.1f}" height="4" class="chart-compare"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR - 3}" class="chart-value">'
            f"{escape(_shown(value, unit))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
