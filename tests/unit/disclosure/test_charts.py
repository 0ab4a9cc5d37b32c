"""The charts read at 375 px and in print (issue 16, item 3): legend entries on their own
lines (never overlapping, however long the names), text no smaller than 14 of 480 units
(about 10 px on a phone, 10 pt at the 120 mm the PDF prints them), the value axis in yuan,
and one colour per fund — the same as the fund's card on the page."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from trustfund.disclosure import charts

FUNDS = [
    {"fund": "electricity", "name": "公共电费"},
    {"fund": "maintenance", "name": "公共设施维护"},
    {"fund": "garbage", "name": "生活垃圾清运费"},
    {"fund": "autonomy", "name": "自治基金（很长很长的名字也不会压住别的图例）"},
]
SERIES = [
    {
        "date": f"2026-{m:02d}-28",
        "balances": {
            "electricity": "3120.50",
            "maintenance": str(12000 + m * 100),
            "garbage": "2310.00",
            "autonomy": "5000.00",
        },
    }
    for m in range(1, 13)
]
CSS = Path(charts.__file__).parent / "templates" / "disclosure_style.css"


def test_legend_entries_never_overlap_and_text_is_legible() -> None:
    svg = charts.fund_balances_svg(SERIES, FUNDS)
    width = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))  # type: ignore[union-attr]
    legend = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="(\d+)"[^>]*data-legend', svg)
    assert len(legend) == 4
    ys = sorted(float(y) for _, y, _ in legend)
    size = int(legend[0][2])
    assert all(b - a >= size for a, b in itertools.pairwise(ys))  # one line each
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    # printed 120 mm wide: a unit is 120/480 mm; 8 pt = 2.82 mm
    assert min(sizes) * 120 / width >= 8 * 25.4 / 72
    # on a 375 px phone the chart is at least 330 px wide: text of 9.5 px or more
    assert min(sizes) * 330 / width >= 9.5
    assert "单位：元" in svg
    # date labels do not touch: at most five, spread over the width
    dates = re.findall(r'text-anchor="(?:start|middle|end)" fill="#555">(\d\d-\d\d)<', svg)
    assert 2 <= len(dates) <= 5 and dates[-1] == "12-28"


def test_one_colour_per_fund_the_same_as_its_card() -> None:
    svg = charts.fund_balances_svg(SERIES, FUNDS)
    css = CSS.read_text()
    for fund in FUNDS[:4]:
        colour = charts.FUND_COLOURS[fund["fund"]]
        assert f'stroke="{colour}"' in svg
        assert re.search(rf"\.fund-{fund['fund']} \{{ border-left-color: {colour}; \}}", css)
    assert len(set(charts.FUND_COLOURS.values())) == len(charts.FUND_COLOURS)


def test_collection_bars_are_legible() -> None:
    svg = charts.collection_svg(
        [{"building": str(b), "household_rate": "66.67"} for b in range(1, 13)]
    )
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert min(sizes) * 120 / width >= 8 * 25.4 / 72
    assert svg.count("幢</text>") == 12
