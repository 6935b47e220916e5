"""Small server-rendered SVG charts: no script, no external library, readable without CSS.

Each chart is an `<svg role="img">` with a title and a description, and the figures it
draws are also in a table on the same page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .dashboard import Dashboard, format_int


def _n(value: float) -> str:
    return f"{value:.1f}"


COLORS = ("#1f5fa8", "#e08a1e", "#2e8b57", "#c0392b", "#7f8c8d", "#8e44ad")
# Early, on time, late: green, blue, red.
TIMELINESS_COLORS = ("#2e8b57", "#1f5fa8", "#c0392b")


@dataclass(frozen=True)
class Series:
    """One series of bars; a value of None (no figure yet) draws no bar."""

    label: str
    values: Sequence[int | None]
    color: str
    css_class: str = ""


def _class(s: Series) -> SafeString:
    return format_html(' class="{}"', s.css_class) if s.css_class else mark_safe("")


def _legend(series: Sequence[Series], y: int) -> SafeString:
    return format_html_join(
        "",
        '<g{}><rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text></g>',
        (
            (_class(s), 10 + i * 170, y, s.color, 28 + i * 170, y + 11, s.label)
            for i, s in enumerate(series)
        ),
    )


def grouped_bars(
    *, title: str, labels: Sequence[str], series: Sequence[Series], width: int = 760
) -> SafeString:
    """Return vertical bars, one group per label (a month), one bar per series."""
    height, top, bottom, left = 240, 30, 40, 50
    plot_h = height - top - bottom
    peak = max([1, *(v for s in series for v in s.values if v is not None)])
    groups = max(1, len(labels))
    group_w = (width - left - 10) / groups
    bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))
    parts: list[SafeString] = []
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            h = plot_h * value / peak
            parts.append(
                format_html(
                    '<rect{} x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}, {}: {}</title></rect>",
                    _class(s),
                    _n(x0 + j * bar_w),
                    _n(top + plot_h - h),
                    _n(bar_w),
                    _n(h),
                    s.color,
                    label,
                    s.label,
                    format_int(value),
                )
            )
        step = max(1, groups // 12)
        if i % step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                    _n(x0 + group_w * 0.4),
                    height - bottom + 16,
                    label,
                )
            )
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#555"></line>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end">0</text>',
        left,
        top + plot_h,
        width - 10,
        top + plot_h,
        left - 6,
        top + 10,
        format_int(peak),
        left - 6,
        top + plot_h,
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMidYMid meet" aria-label="{}"><title>{}</title>{}{}{}</svg>',
        width,
        height + 10,
        title,
        title,
        axis,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
        _legend(series, height - 8),
    )


def stacked_bar(
    *,
    title: str,
    parts: Sequence[tuple[str, int]],
    colors: Sequence[str] = COLORS,
    width: int = 760,
) -> SafeString:
    """Return one horizontal bar split into shares, with each part's count and percentage."""
    total = sum(v for _label, v in parts)
    height = 70
    x = 10.0
    bars: list[SafeString] = []
    for i, (label, value) in enumerate(parts):
        w = 0.0 if total == 0 else (width - 20) * value / total
        share = 0 if total == 0 else value * 100 / total
        color = colors[i % len(colors)]
        bars.append(
            format_html(
                '<rect x="{}" y="10" width="{}" height="26" fill="{}">'
                "<title>{}: {} ({} %)</title></rect>",
                _n(x),
                _n(w),
                color,
                label,
                format_int(value),
                f"{share:.1f}".replace(".", ","),
            )
        )
        bars.append(
            format_html(
                '<rect x="{}" y="48" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="59" font-size="12">{}: {} ({} %)</text>',
                10 + i * 250,
                color,
                28 + i * 250,
                label,
                format_int(value),
                f"{share:.1f}".replace(".", ","),
            )
        )
        x += w
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        title,
        title,
        mark_safe("".join(bars)),  # noqa: S308 - every part was built by format_html
    )


def horizontal_bars(*, title: str, rows: Sequence[tuple[str, int]], width: int = 760) -> SafeString:
    """Return one horizontal bar per row (a processing-time bucket), with its count."""
    row_h, left = 26, 170
    height = 10 + row_h * max(1, len(rows))
    peak = max([1, *(v for _label, v in rows)])
    parts: list[SafeString] = []
    for i, (label, value) in enumerate(rows):
        y = 8 + i * row_h
        w = (width - left - 80) * value / peak
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="18" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                left - 8,
                y + 13,
                label,
                left,
                y,
                _n(w),
                COLORS[0],
                _n(left + w + 6),
                y + 13,
                format_int(value),
            )
        )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
    )


def dashboard_charts(board: Dashboard) -> dict[str, SafeString]:
    """Return the dashboard's four charts, keyed by their name in the template."""
    months, totals = board.months, board.totals
    return {
        "chart_months": grouped_bars(
            title=_("Hồ sơ tiếp nhận và đã giải quyết theo tháng"),
            labels=[f"{m.month:%m/%Y}" for m in months],
            series=[
                Series(_("Tiếp nhận"), [m.figures.received for m in months], COLORS[0]),
                Series(_("Đã giải quyết"), [m.figures.processed for m in months], COLORS[2]),
                Series(_("Trễ hạn"), [m.figures.processed_late for m in months], COLORS[3]),
            ],
        ),
        "chart_timeliness": stacked_bar(
            title=_("Kết quả giải quyết: trước hạn, đúng hạn, trễ hạn"),
            parts=[
                (_("Trước hạn"), totals.processed_early),
                (_("Đúng hạn"), totals.processed_on_time),
                (_("Trễ hạn"), totals.processed_late),
            ],
            colors=TIMELINESS_COLORS,
        ),
        "chart_channels": stacked_bar(
            title=_("Hình thức nộp hồ sơ"),
            parts=[
                (_("Trực tuyến"), totals.received_online),
                (_("Trực tiếp"), totals.received_direct),
                (_("Bưu chính"), totals.received_postal),
            ],
        ),
        "chart_distribution": horizontal_bars(
            title=_("Phân bố thời gian giải quyết"),
            rows=[(b.label, b.count) for b in board.buckets],
        ),
    }
