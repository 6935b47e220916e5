"""The figures of a periodic report: what they are, how they are computed, summed and shown.

A report's figures are counts only (`ReportFigures`); the shares and averages shown on
the page and in the exports are computed from the counts, so the consolidated report
sums the agencies' counts and derives its shares from the sums. The counts come from
the statistics selectors of `dichvucong.reporting.selectors` (the daily figures kept as
dossiers move), the numbers of online services at levels 3 and 4 from the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ReportFigures:
    """The counts a report states for an agency (or the province) over a period."""

    received: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    processed: int = 0
    processed_early: int = 0
    processed_on_time: int = 0
    processed_late: int = 0
    in_progress: int = 0
    in_progress_overdue: int = 0
    paid_online: int = 0
    paid_online_amount: int = 0
    processing_counted: int = 0
    processing_seconds: int = 0
    ratings_very_satisfied: int = 0
    ratings_satisfied: int = 0
    ratings_unsatisfied: int = 0
    services_level_3: int = 0
    services_level_4: int = 0

    # --- derived values ---------------------------------------------------------------

    @property
    def processed_in_time(self) -> int:
        """Dossiers handed back early or on time."""
        return self.processed_early + self.processed_on_time

    @property
    def in_time_percent(self) -> Decimal | None:
        return _percent(self.processed_in_time, self.processed)

    @property
    def online_percent(self) -> Decimal | None:
        return _percent(self.received_online, self.received)

    @property
    def paid_online_percent(self) -> Decimal | None:
        return _percent(self.paid_online, self.received)

    @property
    def ratings(self) -> int:
        return self.ratings_very_satisfied + self.ratings_satisfied + self.ratings_unsatisfied

    @property
    def satisfied_percent(self) -> Decimal | None:
        return _percent(self.ratings_very_satisfied + self.ratings_satisfied, self.ratings)

    @property
    def average_days(self) -> Decimal | None:
        """The average processing time in days (one decimal), over the dossiers timed."""
        if not self.processing_counted:
            return None
        days = Decimal(self.processing_seconds) / Decimal(86400 * self.processing_counted)
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    # --- storage --------------------------------------------------------------------

    def as_json(self) -> dict[str, int]:
        """Return the counts as the JSON frozen into a filed report."""
        return {key: int(value) for key, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportFigures:
        """Return the figures frozen as `data` (unknown keys ignored, missing ones 0)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in names})


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def figures_sum(items: Iterable[ReportFigures]) -> ReportFigures:
    """Return the sum of the counts of `items`."""
    totals: dict[str, int] = {f.name: 0 for f in fields(ReportFigures)}
    for item in items:
        for name in totals:
            totals[name] += getattr(item, name)
    return ReportFigures(**totals)


@dataclass(frozen=True)
class FigureRow:
    """One line of the figures table: its number, label, attribute and unit."""

    number: str
    label: Promise
    attribute: str
    unit: str = "count"  # "count", "percent", "days" or "money"
    indent: bool = False


# The figures table, the same on the page, in the Excel and in the PDF.
FIGURE_ROWS: tuple[FigureRow, ...] = (
    FigureRow("1", _("Số hồ sơ tiếp nhận"), "received"),
    FigureRow("1.1", _("Nộp trực tuyến"), "received_online", indent=True),
    FigureRow("1.2", _("Nộp trực tiếp tại Bộ phận Một cửa"), "received_counter", indent=True),
    FigureRow("1.3", _("Nộp qua dịch vụ bưu chính"), "received_post", indent=True),
    FigureRow("2", _("Số hồ sơ đã giải quyết"), "processed"),
    FigureRow("2.1", _("Trước hạn"), "processed_early", indent=True),
    FigureRow("2.2", _("Đúng hạn"), "processed_on_time", indent=True),
    FigureRow("2.3", _("Quá hạn"), "processed_late", indent=True),
    FigureRow("3", _("Số hồ sơ đang giải quyết"), "in_progress"),
    FigureRow("3.1", _("Trong đó quá hạn"), "in_progress_overdue", indent=True),
    FigureRow("4", _("Tỷ lệ hồ sơ giải quyết đúng hạn (%)"), "in_time_percent", "percent"),
    FigureRow("5", _("Tỷ lệ hồ sơ nộp trực tuyến (%)"), "online_percent", "percent"),
    FigureRow("6", _("Số hồ sơ thanh toán trực tuyến"), "paid_online"),
    FigureRow(
        "6.1", _("Số tiền thanh toán trực tuyến (đồng)"), "paid_online_amount", "money", True
    ),
    FigureRow("7", _("Thời gian giải quyết trung bình (ngày)"), "average_days", "days"),
    FigureRow("8", _("Số dịch vụ công trực tuyến mức độ 3"), "services_level_3"),
    FigureRow("9", _("Số dịch vụ công trực tuyến mức độ 4"), "services_level_4"),
    FigureRow("10", _("Số lượt đánh giá của người dân, doanh nghiệp"), "ratings"),
    FigureRow(
        "10.1", _("Tỷ lệ hài lòng và rất hài lòng (%)"), "satisfied_percent", "percent", True
    ),
)


# The columns of the per-agency tables: the headline rows, without their breakdowns.
SUMMARY_ROWS: tuple[FigureRow, ...] = tuple(row for row in FIGURE_ROWS if not row.indent)


def figure_value(figures: ReportFigures, row: FigureRow) -> int | Decimal | None:
    """Return the value of `row` for `figures` (None where a share has no denominator)."""
    value: int | Decimal | None = getattr(figures, row.attribute)
    return value


def figure_text(value: int | Decimal | None) -> str:
    """Return a value as the page prints it: 12.345, 87,5 or "-" (no denominator)."""
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def figure_lines(figures: ReportFigures) -> list[dict[str, Any]]:
    """Return the figures table's rows (`row`, `text`) as the page and the PDF show them."""
    return [{"row": row, "text": figure_text(figure_value(figures, row))} for row in FIGURE_ROWS]


def figure_cells(figures: ReportFigures) -> list[str]:
    """Return the texts of the `SUMMARY_ROWS` of `figures`: one line of a per-agency table."""
    return [figure_text(figure_value(figures, row)) for row in SUMMARY_ROWS]
