"""Small inline SVG charts, drawn on the server (no scripts): fund balances over time and
collection by building. Pure functions of statement data; output is deterministic.

Sized for a phone and for print: the drawing is 480 units wide with 14-unit text, so on a
375 px screen (about 340 px of chart) text is about 10 px, and in the PDF (charts printed
120 mm wide, ``disclosure_document.html``) it is about 10 pt. The legend has one line per
fund, so entries never overlap whatever the names; the value axis is labelled in yuan.
Each fund has one colour (``FUND_COLOURS``), the same as its card on the page
(``disclosure_style.css``).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

#: One colour per fund, on every page and chart (the CSS classes ``fund-<key>`` match).
FUND_COLOURS = {
    "electricity": "#1f6feb",
    "maintenance": "#b3261e",
    "garbage": "#2e7d32",
    "autonomy": "#8a5a00",
}
OTHER_COLOURS = ("#6a1b9a", "#00838f", "#5d4037", "#5b6b75")
WIDTH = 480
FONT = 14
LEGEND_ROW = 20


def fund_colour(fund: str, index: int = 0) -> str:
    return FUND_COLOURS.get(fund, OTHER_COLOURS[index % len(OTHER_COLOURS)])


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f}"


def fund_balances_svg(series: list[dict[str, Any]], funds: list[dict[str, Any]]) -> str:
    """A line per fund: its balance at the period's opening and at each month end."""
    if not series or not funds:
        return ""
    plot_h, left, right, top = 200, 78, 16, 26
    legend_top = top + plot_h + 46
    height = legend_top + LEGEND_ROW * len(funds)
    values = [Decimal(p["balances"].get(f["fund"], "0")) for p in series for f in funds]
    high = max(max(values), Decimal(1))
    low = min(min(values), Decimal(0))
    span = high - low or Decimal(1)
    n = len(series)

    def x(i: int) -> float:
        return left + (WIDTH - left - right) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: Decimal) -> float:
        return float(top + plot_h * (high - v) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="各基金余额变化（元）" class="chart">',
        f'<text x="4" y="{FONT}" font-size="{FONT}" fill="#555">单位：元</text>',
        f'<line x1="{left}" y1="{y(low):.1f}" x2="{WIDTH - right}" y2="{y(low):.1f}" '
        'stroke="#999"/>',
    ]
    for k in range(5):
        v = low + span * k / 4
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 5:.1f}" font-size="{FONT}" text-anchor="end" '
            f'fill="#555">{_fmt(v)}</text>'
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{WIDTH - right}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
        )
    step = max(1, -(-n // 4))  # at most 4 date labels plus the last: they never touch
    for i, point in enumerate(series):
        if (i % step == 0 and n - 1 - i >= step / 2) or i == n - 1:
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 20}" font-size="{FONT}" '
                f'text-anchor="{anchor}" fill="#555">{escape(point["date"][5:])}</text>'
            )
    for j, fund in enumerate(funds):
        colour = fund_colour(fund["fund"], j)
        points = " ".join(
            f"{x(i):.1f},{y(Decimal(p['balances'].get(fund['fund'], '0'))):.1f}"
            for i, p in enumerate(series)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{points}"/>'
        )
        ly = legend_top + j * LEGEND_ROW
        parts.append(
            f'<rect x="{left}" y="{ly - 11}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{ly}" font-size="{FONT}" fill="#333" '
            f'data-legend="{escape(fund["fund"])}">{escape(fund["name"][:20])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def collection_svg(buildings: list[dict[str, Any]]) -> str:
    """A horizontal bar per building: the share of its charged households paid in full."""
    if not buildings:
        return ""
    row, left = 24, 60
    height = row * len(buildings) + 8
    bar = WIDTH - left - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="各楼栋收缴率" class="chart">'
    ]
    for i, b in enumerate(buildings):
        rate = Decimal(b["household_rate"] or "0")
        yy = 4 + i * row
        w = float(bar * rate / 100)
        parts.append(
            f'<text x="{left - 6}" y="{yy + 16}" font-size="{FONT}" text-anchor="end" '
            f'fill="#333">{escape(str(b["building"]))}幢</text>'
            f'<rect x="{left}" y="{yy + 3}" width="{bar}" height="{row - 7}" fill="#eee"/>'
            f'<rect x="{left}" y="{yy + 3}" width="{w:.1f}" height="{row - 7}" fill="#2e7d32"/>'
            f'<text x="{left + bar + 6}" y="{yy + 16}" font-size="{FONT}" fill="#333">'
            f"{rate}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
