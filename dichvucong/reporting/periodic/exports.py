"""Periodic reports as Excel workbooks (openpyxl) and PDF (WeasyPrint, the bundled fonts).

The Excel and the PDF hold the same rows as the page (`FIGURE_ROWS`): counts as whole
numbers, shares as percentages with one decimal, so what a reader sees on the page is
what the files say.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from weasyprint import HTML

from dichvucong.documents.circular01 import (
    FONT_FAMILY,
    FONTS_DIR,
    _render_state,
    place_date_line,
)
from dichvucong.organizations.models import Agency

from .figures import (
    FIGURE_ROWS,
    SUMMARY_ROWS,
    FigureRow,
    ReportFigures,
    figure_cells,
    figure_lines,
    figure_value,
)
from .models import AgencyReport, ReportPeriod
from .selectors import ConsolidatedReport

NARRATIVE_LABELS = (
    ("situation", gettext_noop("Tình hình triển khai, kết quả đạt được")),
    ("difficulties", gettext_noop("Khó khăn, vướng mắc")),
    ("proposals", gettext_noop("Đề xuất, kiến nghị")),
    ("other", gettext_noop("Nội dung khác")),
)


@dataclass(frozen=True)
class AgencyReportDocument:
    """What an agency's report export shows: the same as its page."""

    period: ReportPeriod
    agency: Agency
    report: AgencyReport | None
    figures: ReportFigures
    as_of: date | None


def _narratives(report: AgencyReport | None) -> list[tuple[str, str]]:
    if report is None:
        return []
    return [(_(label), getattr(report, name)) for name, label in NARRATIVE_LABELS]


def _cell_value(figures: ReportFigures, row: FigureRow) -> int | float | None:
    value = figure_value(figures, row)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _number_format(row: FigureRow) -> str:
    return "#,##0" if row.unit in ("count", "money") else "0.0"


_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _title(sheet: Worksheet, lines: list[str], width: int) -> int:
    """Write the title lines, merged over `width` columns; return the next free row."""
    last = get_column_letter(width)
    for index, text in enumerate(lines, start=1):
        sheet.cell(row=index, column=1, value=text)
        sheet.cell(row=index, column=1).font = Font(bold=index == 1, size=14 if index == 1 else 11)
        sheet.cell(row=index, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.merge_cells(f"A{index}:{last}{index}")
    return len(lines) + 2


def _header(sheet: Worksheet, row: int, names: list[str]) -> None:
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER


def _figures_sheet(sheet: Worksheet, start: int, figures: ReportFigures) -> int:
    """Write the figures table (STT, indicator, value) from `start`; return the next row."""
    _header(sheet, start, [_("STT"), _("Chỉ tiêu"), _("Số liệu")])
    row_index = start
    for row in FIGURE_ROWS:
        row_index += 1
        values: list[Any] = [row.number, str(row.label), _cell_value(figures, row)]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column, value=value)
            cell.border = _BORDER
            if column == 3:
                cell.number_format = _number_format(row)
            if column == 2 and row.indent:
                cell.alignment = Alignment(indent=2)
    return row_index + 2


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _range_line(period: ReportPeriod, as_of: date | None) -> str:
    end = as_of or period.covers_to
    return _("Số liệu từ ngày %(start)s đến ngày %(end)s") % {
        "start": period.covers_from.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }


def _status_line(report: AgencyReport | None) -> str:
    if report is None or not report.is_submitted or report.submitted_at is None:
        return _("Chưa nộp (số liệu tính đến thời điểm xuất)")
    line = _("Đã nộp lúc %(when)s") % {
        "when": timezone.localtime(report.submitted_at).strftime("%H:%M %d/%m/%Y")
    }
    if report.late:
        line += " - " + _("nộp muộn")
    return line


def agency_report_xlsx(data: AgencyReportDocument) -> bytes:
    """Return an agency's report as an Excel workbook: figures, then the narrative."""
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet.title = _("Báo cáo")
        row = _title(
            sheet,
            [
                data.period.title.upper(),
                data.agency.name,
                _range_line(data.period, data.as_of),
                _status_line(data.report),
            ],
            3,
        )
        row = _figures_sheet(sheet, row, data.figures)
        for label, text in _narratives(data.report):
            sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
            sheet.merge_cells(f"A{row}:C{row}")
            row += 1
            cell = sheet.cell(row=row, column=1, value=text or "")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(f"A{row}:C{row}")
            sheet.row_dimensions[row].height = max(15, 15 * (1 + len(text) // 90))
            row += 2
        for column, width in zip("ABC", (8, 60, 18), strict=True):
            sheet.column_dimensions[column].width = width
        return _save(workbook)


def consolidated_xlsx(report: ConsolidatedReport) -> bytes:
    """Return the consolidated report: the provincial totals, a row per agency, narratives."""
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.worksheets[0]
        sheet.title = _("Tổng hợp")
        row = _title(
            sheet,
            [
                _("BÁO CÁO TỔNG HỢP") + " - " + report.period.title.upper(),
                _("Tình hình thực hiện dịch vụ công trực tuyến tỉnh %(province)s")
                % {"province": settings.PROVINCE_NAME},
                _range_line(report.period, report.as_of),
                _("Đã nộp: %(filed)d cơ quan (nộp muộn: %(late)d); chưa nộp: %(missing)d")
                % {"filed": report.filed, "late": report.late, "missing": report.missing},
            ],
            3,
        )
        _figures_sheet(sheet, row, report.totals)
        for column, width in zip("ABC", (8, 60, 18), strict=True):
            sheet.column_dimensions[column].width = width

        agencies = workbook.create_sheet(_("Theo cơ quan"))
        columns = SUMMARY_ROWS
        _header(
            agencies,
            1,
            [_("Cơ quan"), _("Tình trạng"), *[f"{c.number}. {c.label}" for c in columns]],
        )
        agencies.row_dimensions[1].height = 75
        for offset, entry in enumerate(report.rows, start=2):
            state = _status_line(entry.report) if entry.filed else _("Chưa nộp")
            agencies.cell(row=offset, column=1, value=entry.agency.name).border = _BORDER
            agencies.cell(row=offset, column=2, value=state).border = _BORDER
            for index, figure in enumerate(columns, start=3):
                cell = agencies.cell(
                    row=offset, column=index, value=_cell_value(entry.figures, figure)
                )
                cell.number_format = _number_format(figure)
                cell.border = _BORDER
        total_row = len(report.rows) + 2
        agencies.cell(row=total_row, column=1, value=_("Toàn tỉnh")).font = Font(bold=True)
        for index, figure in enumerate(columns, start=3):
            cell = agencies.cell(
                row=total_row, column=index, value=_cell_value(report.totals, figure)
            )
            cell.number_format = _number_format(figure)
            cell.font = Font(bold=True)
        agencies.column_dimensions["A"].width = 45
        agencies.column_dimensions["B"].width = 28
        for index in range(3, len(columns) + 3):
            agencies.column_dimensions[get_column_letter(index)].width = 14
        agencies.freeze_panes = "C2"

        narratives = workbook.create_sheet(_("Ý kiến của cơ quan"))
        _header(narratives, 1, [_("Cơ quan"), *[_(label) for _name, label in NARRATIVE_LABELS]])
        for offset, entry in enumerate(report.narratives, start=2):
            assert entry.report is not None  # noqa: S101 - narratives are filed reports
            values = [entry.agency.name, *[getattr(entry.report, n) for n, _l in NARRATIVE_LABELS]]
            for index, value in enumerate(values, start=1):
                cell = narratives.cell(row=offset, column=index, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = _BORDER
        for index, width in enumerate((36, 50, 50, 50, 40), start=1):
            narratives.column_dimensions[get_column_letter(index)].width = width
        return _save(workbook)


# --- PDF -------------------------------------------------------------------------------


def _render_pdf(html: str) -> bytes:
    """Render with the documents app's fonts and fetcher (loaded once per thread)."""
    state = _render_state()
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=state.fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[state.font_css], font_config=state.font_config)
    return pdf


def _place_date(agency: Agency | None) -> str:
    place = agency.administrative_unit.name if agency is not None else settings.PROVINCE_NAME
    return place_date_line(place, timezone.localdate())


def agency_report_pdf(data: AgencyReportDocument) -> bytes:
    """Return an agency's report as a PDF (A4 portrait, the administrative layout)."""
    with translation.override("vi"):
        html = render_to_string(
            "periodic_reports/pdf/agency_report.html",
            {
                "data": data,
                "font_family": FONT_FAMILY,
                "PROVINCE_NAME": settings.PROVINCE_NAME,
                "lines": figure_lines(data.figures),
                "range_line": _range_line(data.period, data.as_of),
                "status_line": _status_line(data.report),
                "narratives": _narratives(data.report),
                "date_line": _place_date(data.agency),
            },
        )
    return _render_pdf(html)


def consolidated_pdf(report: ConsolidatedReport, *, issuer: Agency | None = None) -> bytes:
    """Return the consolidated report as a PDF, issued by the supervisor's agency."""
    with translation.override("vi"):
        html = render_to_string(
            "periodic_reports/pdf/consolidated.html",
            {
                "report": report,
                "issuer": issuer,
                "font_family": FONT_FAMILY,
                "province": settings.PROVINCE_NAME,
                "lines": figure_lines(report.totals),
                "columns": SUMMARY_ROWS,
                "table": [
                    {"entry": entry, "cells": figure_cells(entry.figures)} for entry in report.rows
                ],
                "totals": figure_cells(report.totals),
                "range_line": _range_line(report.period, report.as_of),
                "date_line": _place_date(None),
                "narrative_labels": [_(label) for _name, label in NARRATIVE_LABELS],
                "narratives": [
                    (entry.agency, _narratives(entry.report)) for entry in report.narratives
                ],
            },
        )
    return _render_pdf(html)
