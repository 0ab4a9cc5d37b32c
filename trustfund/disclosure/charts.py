"""Small inline SVG charts, drawn on the server (no scripts): fund balances over time and
collection by building. Pure functions of statement data; output is deterministic."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

COLOURS = ("#b3261e", "#1f6feb", "#2e7d32", "#8a5a00", "#6a1b9a", "#00838f", "#5d4037")


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f}"


def fund_balances_svg(series: list[dict[str, Any]], funds: list[dict[str, Any]]) -> str:
    """A line per fund: its balance at the period's opening and at each month end."""
    if not series or not funds:
        return ""
    width, height, left, right, top, bottom = 640, 260, 64, 12, 12, 48
    values = [Decimal(p["balances"].get(f["fund"], "0")) for p in series for f in funds]
    high = max(max(values), Decimal(1))
    low = min(min(values), Decimal(0))
    span = high - low or Decimal(1)
    n = len(series)

    def x(i: int) -> float:
        return left + (width - left - right) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: Decimal) -> float:
        return float(top + (height - top - bottom) * (high - v) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="各基金余额变化" class="chart">',
        f'<line x1="{left}" y1="{y(low):.1f}" x2="{width - right}" y2="{y(low):.1f}" '
        'stroke="#999"/>',
    ]
    for k in range(5):
        v = low + span * k / 4
        parts.append(
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#555">{_fmt(v)}</text>'
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
        )
    step = max(1, n // 6)
    for i, point in enumerate(series):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" font-size="11" '
                f'text-anchor="middle" fill="#555">{escape(point["date"][5:])}</text>'
            )
    for j, fund in enumerate(funds):
        colour = COLOURS[j % len(COLOURS)]
        points = " ".join(
            f"{x(i):.1f},{y(Decimal(p['balances'].get(fund['fund'], '0'))):.1f}"
            for i, p in enumerate(series)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        lx = left + (j % 4) * 140
        ly = height - 14 + (j // 4) * 0
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly}" font-size="11" fill="#333">'
            f"{escape(fund['name'][:10])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def collection_svg(buildings: list[dict[str, Any]]) -> str:
    """A horizontal bar per building: the share of its charged households paid in full."""
    if not buildings:
        return ""
    row, left, width = 18, 52, 640
    height = row * len(buildings) + 8
    bar = width - left - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="各楼栋收缴率" class="chart">'
    ]
    for i, b in enumerate(buildings):
        rate = Decimal(b["household_rate"] or "0")
        yy = 4 + i * row
        w = float(bar * rate / 100)
        parts.append(
            f'<text x="{left - 6}" y="{yy + 12}" font-size="11" text-anchor="end" '
            f'fill="#333">{escape(str(b["building"]))}幢</text>'
            f'<rect x="{left}" y="{yy + 2}" width="{bar}" height="{row - 6}" fill="#eee"/>'
            f'<rect x="{left}" y="{yy + 2}" width="{w:.1f}" height="{row - 6}" fill="#2e7d32"/>'
            f'<text x="{left + bar + 6}" y="{yy + 12}" font-size="11" fill="#333">'
            f"{rate}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
