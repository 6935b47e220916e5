"""What the statistics dashboard shows, built once for the page and for its exports.

The page, the Excel workbook and the CSV file all read one `Dashboard`: the same
figures, formatted by the same functions, so an export always says what the page says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier

from .selectors import (
    AgencyFigures,
    Bucket,
    Figures,
    PeriodFigures,
    ProcedureFigures,
    StatisticsQuery,
    buckets_of,
    statistics_by_agency,
    statistics_by_month,
    statistics_by_procedure,
    statistics_figures,
    statistics_late_dossiers,
    statistics_open_counts,
)

LATE_LIST_SIZE = 50
SLOWEST_SIZE = 10


def format_int(value: int) -> str:
    """Return `value` with Vietnamese thousands separators (1.234.567)."""
    return f"{value:,}".replace(",", ".")


def format_share(value: float | None) -> str:
    """Return a share (0..1) as a Vietnamese percentage with one decimal (95,3 %)."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def format_days(value: float | None) -> str:
    """Return a number of days with one decimal (3,4)."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",")


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "int": format_int,
    "share": format_share,
    "days": format_days,
}


@dataclass(frozen=True)
class Column:
    key: str  # a Figures attribute
    label: str
    kind: str  # int, share or days

    def value(self, figures: Figures) -> Any:
        return getattr(figures, self.key)

    def text(self, figures: Figures) -> str:
        return FORMATTERS[self.kind](self.value(figures))


def headline_columns() -> list[Column]:
    return [
        Column("received", _("Hồ sơ tiếp nhận"), "int"),
        Column("received_online", _("Nộp trực tuyến"), "int"),
        Column("received_direct", _("Nộp trực tiếp"), "int"),
        Column("received_postal", _("Nộp qua bưu chính"), "int"),
        Column("online_share", _("Tỉ lệ nộp trực tuyến"), "share"),
        Column("processed", _("Đã giải quyết (trả kết quả)"), "int"),
        Column("processed_early", _("Trước hạn"), "int"),
        Column("processed_on_time", _("Đúng hạn"), "int"),
        Column("processed_late", _("Trễ hạn"), "int"),
        Column("on_time_share", _("Tỉ lệ đúng hạn"), "share"),
        Column("in_progress_within", _("Đang giải quyết trong hạn"), "int"),
        Column("in_progress_overdue", _("Đang giải quyết quá hạn"), "int"),
        Column("denied", _("Từ chối tiếp nhận"), "int"),
        Column("cancelled", _("Công dân rút"), "int"),
        Column("paid_online", _("Thanh toán trực tuyến"), "int"),
        Column("paid_online_share", _("Tỉ lệ thanh toán trực tuyến"), "share"),
        Column("average_processing_days", _("Thời gian giải quyết trung bình (ngày)"), "days"),
        Column("ratings", _("Lượt đánh giá"), "int"),
        Column("satisfaction_share", _("Tỉ lệ hài lòng"), "share"),
    ]


def table_columns() -> list[Column]:
    return [
        Column("received", _("Tiếp nhận"), "int"),
        Column("online_share", _("Trực tuyến"), "share"),
        Column("processed", _("Đã giải quyết"), "int"),
        Column("processed_late", _("Trễ hạn"), "int"),
        Column("on_time_share", _("Đúng hạn"), "share"),
        Column("in_progress", _("Đang giải quyết"), "int"),
        Column("in_progress_overdue", _("Quá hạn"), "int"),
        Column("average_processing_days", _("TB ngày"), "days"),
        Column("satisfaction_share", _("Hài lòng"), "share"),
    ]


def month_columns() -> list[Column]:
    return [
        Column("received", _("Tiếp nhận"), "int"),
        Column("received_online", _("Trực tuyến"), "int"),
        Column("processed", _("Đã giải quyết"), "int"),
        Column("processed_late", _("Trễ hạn"), "int"),
        Column("on_time_share", _("Đúng hạn"), "share"),
        Column("average_processing_days", _("TB ngày"), "days"),
    ]


@dataclass(frozen=True)
class Dashboard:
    query: StatisticsQuery
    totals: Figures
    months: list[PeriodFigures]
    agencies: list[AgencyFigures]
    procedures: list[ProcedureFigures]
    buckets: list[Bucket]
    late: list[Dossier]
    late_total: int

    @property
    def slowest_procedures(self) -> list[ProcedureFigures]:
        rows = [r for r in self.procedures if r.figures.average_processing_days is not None]
        rows.sort(key=lambda r: (-(r.figures.average_processing_days or 0), r.procedure.code))
        return rows[:SLOWEST_SIZE]

    @property
    def slowest_agencies(self) -> list[AgencyFigures]:
        rows = [r for r in self.agencies if r.figures.average_processing_days is not None]
        rows.sort(key=lambda r: (-(r.figures.average_processing_days or 0), r.agency.code))
        return rows[:SLOWEST_SIZE]


def dashboard_build(*, query: StatisticsQuery, officer: User) -> Dashboard:
    """Return everything the dashboard shows for `query` (already scoped to `officer`)."""
    open_counts = statistics_open_counts(query=query)
    totals = statistics_figures(query=query, open_counts=open_counts)
    late = statistics_late_dossiers(query=query, officer=officer)
    late_rows = list(late[:LATE_LIST_SIZE])
    late_total = len(late_rows) if len(late_rows) < LATE_LIST_SIZE else late.count()
    return Dashboard(
        query=query,
        totals=totals,
        months=statistics_by_month(query=query),
        agencies=statistics_by_agency(query=query, open_counts=open_counts),
        procedures=statistics_by_procedure(query=query, open_counts=open_counts),
        buckets=buckets_of(totals),
        late=late_rows,
        late_total=late_total,
    )
