"""The dashboard as an Excel workbook (openpyxl) and as CSV: the figures the page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .dashboard import Column, Dashboard, headline_columns, month_columns, table_columns
from .selectors import Figures

NUMBER_FORMATS = {"int": "#,##0", "share": "0.0%", "days": "0.0"}


def _cell_value(column: Column, figures: Figures) -> Any:
    value = column.value(figures)
    if column.kind == "days" and value is not None:
        return round(value, 1)
    if column.kind == "share" and value is not None:
        return round(value, 3)
    return value


def _period(dashboard: Dashboard) -> str:
    q = dashboard.query
    return _("Từ %(a)s đến %(b)s") % {"a": f"{q.date_from:%d/%m/%Y}", "b": f"{q.date_to:%d/%m/%Y}"}


def _table(
    sheet: Any,
    title: str,
    head: Sequence[str],
    rows: Sequence[tuple[Sequence[Any], Figures]],
    columns: Sequence[Column],
) -> None:
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([*head, *(c.label for c in columns)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for keys, figures in rows:
        sheet.append([*keys, *(_cell_value(c, figures) for c in columns)])
        for offset, column in enumerate(columns):
            cell = sheet.cell(row=sheet.max_row, column=len(keys) + 1 + offset)
            cell.number_format = NUMBER_FORMATS[column.kind]


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    """Return the workbook: totals, months, agencies, procedures, distribution, late list."""
    book = Workbook()
    totals = book.active
    totals.title = _("Tổng hợp")[:31]
    totals.append([_("Thống kê tình hình giải quyết hồ sơ")])
    totals.append([_period(dashboard)])
    totals.append([_("Chỉ tiêu"), _("Số liệu")])
    for column in headline_columns():
        totals.append([column.label, _cell_value(column, dashboard.totals)])
        totals.cell(row=totals.max_row, column=2).number_format = NUMBER_FORMATS[column.kind]
    totals.column_dimensions["A"].width = 42

    months = book.create_sheet(_("Theo tháng"))
    _table(
        months,
        _("Theo tháng"),
        [_("Tháng")],
        [([f"{m.month:%m/%Y}"], m.figures) for m in dashboard.months],
        month_columns(),
    )
    agencies = book.create_sheet(_("Theo cơ quan"))
    _table(
        agencies,
        _("Theo cơ quan"),
        [_("Mã cơ quan"), _("Cơ quan")],
        [([r.agency.code, r.agency.name], r.figures) for r in dashboard.agencies],
        table_columns(),
    )
    agencies.column_dimensions["B"].width = 50
    procedures = book.create_sheet(_("Theo thủ tục"))
    _table(
        procedures,
        _("Theo thủ tục"),
        [_("Mã thủ tục"), _("Thủ tục")],
        [
            ([r.procedure.code, _procedure_name(r.procedure)], r.figures)
            for r in dashboard.procedures
        ],
        table_columns(),
    )
    procedures.column_dimensions["B"].width = 60
    distribution = book.create_sheet(_("Thời gian giải quyết"))
    distribution.append([_("Thời gian giải quyết"), _("Số hồ sơ")])
    for bucket in dashboard.buckets:
        distribution.append([bucket.label, bucket.count])
    late = book.create_sheet(_("Hồ sơ đang quá hạn"))
    late.append([_("Mã hồ sơ"), _("Cơ quan"), _("Thủ tục"), _("Hẹn trả"), _("Trạng thái")])
    for dossier in dashboard.late:
        late.append(
            [
                dossier.code,
                dossier.agency.name,
                dossier.procedure.code,
                _local(dossier.due_at),
                str(dossier.get_status_display()),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _procedure_name(procedure: Any) -> str:
    version = procedure.current_version
    return str(version.name) if version is not None else str(procedure.code)


def _local(moment: Any) -> str:
    return "" if moment is None else f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def dashboard_csv(dashboard: Dashboard) -> str:
    """Return the totals, then the table by agency, as CSV (UTF-8, comma-separated)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Chỉ tiêu"), _("Số liệu"), _period(dashboard)])
    for column in headline_columns():
        writer.writerow([column.label, _cell_value(column, dashboard.totals)])
    writer.writerow([])
    columns = table_columns()
    writer.writerow([_("Mã cơ quan"), _("Cơ quan"), *(c.label for c in columns)])
    for row in dashboard.agencies:
        writer.writerow(
            [row.agency.code, row.agency.name, *(_cell_value(c, row.figures) for c in columns)]
        )
    return out.getvalue()
