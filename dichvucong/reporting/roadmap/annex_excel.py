"""Excel files of the roadmap: the annex list (read and written) and the progress table.

The annex spreadsheet has a header row with the titles below (in any order, any case,
with or without diacritics); the first sheet is read. The file this module writes for a
plan's annex reads back unchanged, so it is also the template offered for download.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from dichvucong.core.text import fold

from .models import AnnexEntry, Plan, PlanTier
from .selectors import ProgressRow
from .services import (
    COLUMN_AGENCY,
    COLUMN_CODE,
    COLUMN_LEVEL,
    COLUMN_NAME,
    COLUMN_TIER,
    COLUMN_YEAR,
    AnnexImportError,
    AnnexRow,
    RowError,
)

COLUMN_POSITION = "STT"
_FIELDS: dict[str, str] = {
    COLUMN_CODE: "procedure_code",
    COLUMN_NAME: "procedure_name",
    COLUMN_TIER: "tier",
    COLUMN_LEVEL: "target_level",
    COLUMN_YEAR: "target_year",
    COLUMN_AGENCY: "agency_code",
}
_REQUIRED = (COLUMN_CODE, COLUMN_TIER, COLUMN_LEVEL, COLUMN_YEAR)
_HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def annex_rows_read(content: bytes) -> list[AnnexRow]:
    """Return the rows of an annex spreadsheet; raise AnnexImportError if it cannot be read."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise AnnexImportError(
            [RowError(line=0, column="", message=_("Không đọc được tệp: cần tệp Excel (.xlsx)."))]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        columns: dict[str, int] = {}
        header_line = 0
        wanted = {fold(title): title for title in _FIELDS}
        for line, values in enumerate(rows, start=1):
            found = {
                wanted[fold(_text(v))]: i for i, v in enumerate(values) if fold(_text(v)) in wanted
            }
            if COLUMN_CODE in found:
                columns, header_line = found, line
                break
            if line >= _HEADER_SEARCH_ROWS:
                break
        missing = [title for title in _REQUIRED if title not in columns]
        if missing:
            raise AnnexImportError(
                [
                    RowError(
                        line=header_line,
                        column=title,
                        message=_("Thiếu cột “%(column)s” ở dòng tiêu đề.") % {"column": title},
                    )
                    for title in missing
                ]
            )
        result: list[AnnexRow] = []
        for line, values in enumerate(rows, start=header_line + 1):
            cells = {
                _FIELDS[title]: _text(values[i]) if i < len(values) else ""
                for title, i in columns.items()
            }
            if not any(cells.values()):
                continue
            if len(result) >= MAX_ROWS:
                raise AnnexImportError(
                    [
                        RowError(
                            line=line,
                            column="",
                            message=_("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS},
                        )
                    ]
                )
            result.append(AnnexRow(line=line, **cells))
        return result
    finally:
        workbook.close()


def _autosize(sheet: Any, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def annex_workbook(*, plan: Plan, entries: Iterable[AnnexEntry]) -> bytes:
    """Return the plan's annex rows as a spreadsheet that `annex_rows_read` reads back."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("Phụ lục")
    titles = [
        COLUMN_POSITION,
        COLUMN_CODE,
        COLUMN_NAME,
        COLUMN_TIER,
        COLUMN_LEVEL,
        COLUMN_YEAR,
        COLUMN_AGENCY,
    ]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, entry in enumerate(entries, start=1):
        sheet.append(
            [
                number,
                entry.procedure_code,
                entry.procedure_name,
                str(PlanTier(entry.tier).label),
                entry.target_level,
                entry.target_year,
                entry.agency.code if entry.agency is not None else "",
            ]
        )
    _autosize(sheet, [6, 26, 70, 18, 9, 9, 18])
    sheet.freeze_panes = "A2"
    return _bytes(workbook)


PROGRESS_HEADERS = (
    gettext_lazy("Năm"),
    gettext_lazy("Cấp"),
    gettext_lazy("Mức độ"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Thực tế"),
    gettext_lazy("Còn thiếu"),
    gettext_lazy("Tỷ lệ (%)"),
)


def progress_workbook(*, plan: Plan, rows: Iterable[ProgressRow]) -> bytes:
    """Return the progress table (the page's) as a spreadsheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("Tiến độ")
    sheet.append([plan.name])
    sheet["A1"].font = Font(bold=True, size=13)
    decision = plan.decision_number
    if plan.decision_date is not None:
        decision = f"{decision} ({plan.decision_date:%d/%m/%Y})"
    sheet.append([_("Quyết định: %(decision)s") % {"decision": decision}])
    sheet.append(
        [_("Số dịch vụ thực tế tính theo mức độ thực tế (không theo mức độ công bố), lũy kế.")]
    )
    sheet.append([])
    sheet.append([str(title) for title in PROGRESS_HEADERS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        sheet.append(
            [
                row.year,
                row.tier_label,
                row.level,
                row.target,
                row.actual,
                row.gap,
                row.percent,
            ]
        )
    _autosize(sheet, [8, 18, 9, 10, 10, 11, 10])
    sheet.freeze_panes = f"A{header_row + 1}"
    return _bytes(workbook)
