"""The six forms of Circular 01/2018/TT-VPCP (appendix) as PDF, and Form 06 as Excel.

Each form is a frozen dataclass of plain values (no Django models), so the forms can be
built from dossiers and workflow steps, from tests or from a preview script alike.
`form_pdf` renders one with the Django templates in `templates/documents/circular01/`
and WeasyPrint: Forms 01-05 on A5 portrait, Form 06 (the register) on A4 landscape
(Circular 01/2018 Art. 9(2)). The forms are legal documents and always print in
Vietnamese, whatever the active language; times print in Asia/Ho_Chi_Minh.

The PDFs use the bundled Liberation Serif fonts (SIL OFL, see `fonts/LICENSE.txt`),
so they look the same on every machine, and the renderer never fetches anything but
those font files and `data:` URLs.
"""

from __future__ import annotations

import base64
import enum
import io
import itertools
import re
import threading
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
# A family name of our own: the system may have an older Liberation Serif (1.x, without
# Vietnamese letters) under "Liberation Serif"; this name can only match the bundled files.
# It also names the embedded fonts in the PDF ("LiberationSerif-DVC-Bold").
FONT_FAMILY = "LiberationSerif DVC"
_FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
_TEMPLATE_DIR = "documents/circular01"


# --- Vietnamese dates -------------------------------------------------------------


def _local(value: datetime) -> datetime:
    """Return an aware datetime in Asia/Ho_Chi_Minh; refuse a naive one."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
    return value.astimezone(LOCAL_TZ)


def _day_month(day: date) -> tuple[str, str]:
    """Return day and month as written in administrative documents.

    Decree 30/2020 App. I: a day below 10 and the months 1 and 2 take a leading zero.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month


def vn_date(value: date) -> str:
    """Return "ngày 05 tháng 3 năm 2026" for a date (an aware datetime: its local date)."""
    if isinstance(value, datetime):
        value = _local(value).date()
    day, month = _day_month(value)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": day,
        "month": month,
        "year": value.year,
    }


def vn_datetime(value: datetime) -> str:
    """Return "14 giờ 30 phút, ngày 27 tháng 11 năm 2026" for an aware datetime."""
    local = _local(value)
    return _("%(hour)s giờ %(minute)s phút, %(date)s") % {
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        "date": vn_date(local.date()),
    }


def vn_short_datetime(value: datetime) -> str:
    """Return "14:30 27/11/2026" (local time), for table cells."""
    return _local(value).strftime("%H:%M %d/%m/%Y")


def place_date_line(place: str, day: date) -> str:
    """Return the place-and-date line, e.g. "Đồng Xoài, ngày 27 tháng 11 năm 2026"."""
    return f"{place}, {vn_date(day)}"


# --- The forms --------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyHeading:
    """The agency heading printed top left of every form, and the place of its date."""

    parent_name: str  # governing body printed above the agency ("" when none)
    name: str  # the issuing agency or one-stop unit, printed bold and underlined
    place: str  # place name opening the date line, e.g. "Đồng Xoài"


@dataclass(frozen=True)
class Applicant:
    """The person or organisation who submitted the dossier."""

    name: str  # full name of the citizen, or the organisation's name
    address: str  # postal address as one line
    phone: str  # phone number ("" when unknown)
    email: str  # e-mail address ("" when unknown)


@dataclass(frozen=True)
class SubmittedDocument:
    """One component of a dossier as handed in (Form 01, item 1)."""

    name: str  # name of the document, e.g. "Tờ khai ..."
    originals: int  # number of originals (bản chính) handed in
    copies: int  # number of copies (bản sao) handed in


def _as_tuple(instance: object, name: str) -> None:
    """Store the sequence field `name` of a frozen dataclass as a tuple."""
    object.__setattr__(instance, name, tuple(getattr(instance, name)))


def _check_aware(*values: datetime | None) -> None:
    for value in values:
        if value is not None:
            _local(value)


@dataclass(frozen=True)
class ReceiptSlip:
    """Form 01: receipt of the dossier and appointment for the result."""

    heading: AgencyHeading  # the receiving agency / one-stop unit
    dossier_code: str  # the dossier code, printed and encoded in the QR code
    lookup_url: str  # public status lookup page of this dossier (the QR code's content)
    applicant: Applicant  # who submitted the dossier
    procedure_name: str  # "Nội dung yêu cầu giải quyết": the procedure's name
    documents: Sequence[SubmittedDocument]  # the documents handed in, in order
    sets: int  # "Số lượng hồ sơ": number of sets (bộ) handed in
    time_limit: str  # processing time limit as the catalogue states it
    received_at: datetime  # when the dossier was accepted (aware)
    due_at: datetime  # appointment for the result (aware)
    result_delivery: str  # where or how the result is delivered
    register_book: str  # "Quyển số" of the dossier register
    register_number: int  # "Số thứ tự" in the dossier register
    officer_name: str  # the receiving officer who signs
    issued_on: date | None = None  # date of the date line; default: received_at's date

    def __post_init__(self) -> None:
        _as_tuple(self, "documents")
        _check_aware(self.received_at, self.due_at)


@dataclass(frozen=True)
class SupplementItem:
    """One thing the applicant must add or correct (Form 02)."""

    document: str  # the document or information to add or correct
    reason: str  # why it is needed or what is wrong with it


@dataclass(frozen=True)
class SupplementRequest:
    """Form 02: request to supplement and complete the dossier."""

    heading: AgencyHeading  # the agency asking for the supplement
    dossier_code: str  # the dossier code
    lookup_url: str  # public status lookup page of this dossier
    applicant: Applicant  # who submitted the dossier
    procedure_name: str  # the procedure's name
    items: Sequence[SupplementItem]  # what to add or correct, and why
    officer_name: str  # the officer who gives the guidance and signs
    officer_phone: str  # phone number to call with questions ("" to leave it out)
    issued_on: date  # date of the request
    due_note: str = ""  # deadline or instructions for the supplement ("" when none)

    def __post_init__(self) -> None:
        _as_tuple(self, "items")


@dataclass(frozen=True)
class RefusalSlip:
    """Form 03: refusal to accept the dossier for processing."""

    heading: AgencyHeading  # the refusing agency
    dossier_code: str  # the dossier code
    lookup_url: str  # public status lookup page of this dossier
    applicant: Applicant  # who submitted the dossier
    procedure_name: str  # the procedure's name
    reasons: Sequence[str]  # the reasons for the refusal, one per item
    officer_name: str  # the receiving officer who signs
    issued_on: date  # date of the refusal

    def __post_init__(self) -> None:
        _as_tuple(self, "reasons")


@dataclass(frozen=True)
class ApologySlip:
    """Form 04: apology and new appointment for the result."""

    heading: AgencyHeading  # the agency that is late
    dossier_code: str  # the dossier code
    lookup_url: str  # public status lookup page of this dossier
    applicant: Applicant  # who submitted the dossier
    procedure_name: str  # the procedure's name
    received_at: datetime  # when the dossier was accepted (aware)
    original_due_at: datetime  # the appointment on the receipt (Form 01) (aware)
    reason: str  # why the result is late
    new_due_at: datetime  # the new appointment (aware)
    signer_title: str  # title of the head who signs, e.g. "Chánh Văn phòng"
    signer_name: str  # name of the head who signs
    issued_on: date  # date of the apology

    def __post_init__(self) -> None:
        _check_aware(self.received_at, self.original_due_at, self.new_due_at)


class Timeliness(enum.StrEnum):
    """Result of a hand-over on the control sheet (Form 05)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        """Return the Vietnamese label printed on the form."""
        labels = {
            Timeliness.EARLY: gettext_lazy("Trước hạn"),
            Timeliness.ON_TIME: gettext_lazy("Đúng hạn"),
            Timeliness.LATE: gettext_lazy("Quá hạn"),
        }
        return str(labels[self])


@dataclass(frozen=True)
class HandOver:
    """One hand-over of the dossier between parties (a row of Form 05)."""

    from_party: str  # who hands the dossier over (unit or officer)
    to_party: str  # who receives it
    handed_at: datetime  # when it was handed over (aware)
    timeliness: Timeliness | None  # result of the step handed over; None when not judged
    note: str = ""  # free note ("" when none)

    def __post_init__(self) -> None:
        if self.timeliness is not None:
            object.__setattr__(self, "timeliness", Timeliness(self.timeliness))
        _check_aware(self.handed_at)


@dataclass(frozen=True)
class ControlSheet:
    """Form 05: control sheet of the processing of the dossier."""

    heading: AgencyHeading  # the one-stop unit that opens the sheet
    dossier_code: str  # the dossier code
    lookup_url: str  # public status lookup page of this dossier
    applicant: Applicant  # who submitted the dossier
    procedure_name: str  # the procedure's name
    processing_agency: str  # agency (unit) that processes the dossier
    coordinating_agencies: Sequence[str]  # agencies consulted, in order (may be empty)
    rows: Sequence[HandOver]  # hand-overs in chronological order
    issued_on: date  # date the sheet is printed

    def __post_init__(self) -> None:
        _as_tuple(self, "coordinating_agencies")
        _as_tuple(self, "rows")


@dataclass(frozen=True)
class RegisterRow:
    """One dossier in the register (a row of Form 06)."""

    number: int  # continuous number in the year ("STT")
    dossier_code: str  # the dossier code
    procedure: str  # the procedure's name
    sets: int  # number of sets (bộ) handed in
    applicant: str  # name of the citizen or organisation
    address_phone: str  # address and phone number, as one line
    lead_agency: str  # agency that leads the processing
    received_at: datetime  # when the dossier was accepted (aware)
    due_at: datetime  # appointment for the result (aware)
    transferred_to: str = ""  # agency the dossier was sent to for processing ("" if none)
    result_at: datetime | None = None  # when the result, or the request to return, came
    handed_back_at: datetime | None = None  # when the result was handed to the applicant
    note: str = ""  # free note

    def __post_init__(self) -> None:
        _check_aware(self.received_at, self.due_at, self.result_at, self.handed_back_at)


@dataclass(frozen=True)
class Register:
    """Form 06: the yearly dossier register of an agency.

    Numbers run on without gap through the year; a book opened mid-year starts from
    the last number of the previous one (Circular 01/2018 Art. 10(2)(c)).
    """

    heading: AgencyHeading  # the agency keeping the register
    agency_code: str  # the agency's code, used in file names
    year: int  # the calendar year the register covers
    rows: Sequence[RegisterRow] = field(default=())  # dossiers in order of number
    book: str = ""  # "Quyển số" when the year needs more than one book
    issued_on: date | None = None  # date of the date line; default: not printed

    def __post_init__(self) -> None:
        _as_tuple(self, "rows")
        rows: tuple[RegisterRow, ...] = self.rows  # type: ignore[assignment]
        for previous, row in itertools.pairwise(rows):
            if row.number != previous.number + 1:
                raise ValueError(
                    f"register numbers must run on: {row.number} follows {previous.number}"
                )
        for row in rows:
            if _local(row.received_at).year != self.year:
                raise ValueError(f"dossier {row.dossier_code} was not received in {self.year}")


Form = ReceiptSlip | SupplementRequest | RefusalSlip | ApologySlip | ControlSheet | Register

_FORM_NUMBERS: dict[type, int] = {
    ReceiptSlip: 1,
    SupplementRequest: 2,
    RefusalSlip: 3,
    ApologySlip: 4,
    ControlSheet: 5,
    Register: 6,
}

REGISTER_COLUMNS: tuple[Promise, ...] = (
    gettext_lazy("STT"),
    gettext_lazy("Mã hồ sơ"),
    gettext_lazy("Tên thủ tục hành chính"),
    gettext_lazy("Số lượng hồ sơ (bộ)"),
    gettext_lazy("Tên cá nhân, tổ chức"),
    gettext_lazy("Địa chỉ, số điện thoại"),
    gettext_lazy("Cơ quan chủ trì giải quyết"),
    gettext_lazy("Nhận hồ sơ"),
    gettext_lazy("Hẹn trả kết quả"),
    gettext_lazy("Chuyển hồ sơ đến cơ quan giải quyết"),
    gettext_lazy("Ngày có kết quả/ yêu cầu trả lại dân"),
    gettext_lazy("Trả kết quả"),
    gettext_lazy("Ghi chú"),
)


def form_number(data: Form) -> int:
    """Return the number of the form in the Circular's appendix (1 to 6)."""
    try:
        return _FORM_NUMBERS[type(data)]
    except KeyError:
        raise TypeError(f"not a Circular 01/2018 form: {type(data).__name__}") from None


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9.\-]+")


def form_filename(data: Form, *, extension: str = "pdf") -> str:
    """Return the download name, e.g. "mau-01-000.00.01.H10-261127-0001.pdf".

    The register is named after its agency and year: "mau-06-000.00.01.H10-2026.pdf".
    """
    number = form_number(data)
    if isinstance(data, Register):
        key = f"{data.agency_code}-{data.year}"
        if data.book:
            key += f"-q{data.book}"
    else:
        key = data.dossier_code
    key = _UNSAFE_FILENAME.sub("-", key).strip("-.") or "ho-so"
    return f"mau-{number:02d}-{key}.{extension}"


# --- Rendering ----------------------------------------------------------------------


class LocalURLFetcher(URLFetcher):
    """Fetch only the bundled fonts (`file:` URLs inside FONTS_DIR) and `data:` URLs.

    Anything else (http, https, ftp, other files) is refused, and because the fetcher
    fails on errors, a refused URL stops the rendering instead of being skipped.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the font file or the `data:` content at `url`; refuse anything else."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if path.parent == FONTS_DIR and path.suffix == ".ttf" and path.is_file():
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": "font/ttf"}
                )
        raise ValueError(f"refused to fetch {url!r}: only the bundled fonts and data: URLs")


def font_face_css() -> str:
    """Return the @font-face rules of the bundled Liberation Serif."""
    rules = []
    for (weight, style), filename in _FONT_FILES.items():
        rules.append(
            "@font-face { "
            f'font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("{(FONTS_DIR / filename).as_uri()}"); '
            "}"
        )
    return "\n".join(rules)


@dataclass(frozen=True)
class _RenderState:
    fetcher: LocalURLFetcher
    font_config: FontConfiguration
    font_css: CSS


_thread_state = threading.local()


def _render_state() -> _RenderState:
    """Return this thread's fetcher, font configuration and font stylesheet.

    The fonts are loaded once per thread, on first use: WeasyPrint's font configuration
    is not meant to be shared between threads.
    """
    state: _RenderState | None = getattr(_thread_state, "state", None)
    if state is None:
        fetcher = LocalURLFetcher()
        font_config = FontConfiguration()
        font_css = CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)
        state = _thread_state.state = _RenderState(fetcher, font_config, font_css)
    return state


class _RunPathImage(qrcode.image.svg.SvgPathImage):
    """An SVG QR code drawn as one path with a subpath per horizontal run of modules.

    The stock path image has a square per dark module; merging runs halves the path,
    which WeasyPrint parses and draws in Python, and leaves no seams between modules.
    """

    def process(self) -> None:
        """Replace the per-module squares by one rectangle per run, then build the path."""
        unit = self.units(self.box_size, text=False)
        runs: list[str] = []
        for row_index, row in enumerate(self.modules):
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                x = (start + self.border) * unit
                y = (row_index + self.border) * unit
                width = (column - start) * unit
                runs.append(f"M{x},{y}h{width}v{unit}h-{width}z")
        self._subpaths = runs
        super().process()


def qr_data_uri(text: str) -> str:
    """Return an SVG QR code of `text` as a `data:` URL for an <img>."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=0,
        image_factory=_RunPathImage,
    )
    qr.add_data(text)
    qr.make(fit=True)
    svg = qr.make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _context(data: Form) -> dict[str, Any]:
    """Return the template context of a form."""
    context: dict[str, Any] = {"form": data, "heading": data.heading, "font_family": FONT_FAMILY}
    issued_on = data.issued_on
    if isinstance(data, Register):
        context["columns"] = [str(column) for column in REGISTER_COLUMNS]
    else:
        context["qr"] = qr_data_uri(data.lookup_url)
    if isinstance(data, ReceiptSlip):
        context["documents"] = list(enumerate(data.documents, start=1))
        issued_on = issued_on or _local(data.received_at).date()
    if issued_on is not None:
        context["date_line"] = place_date_line(data.heading.place, issued_on)
    return context


def form_html(data: Form) -> str:
    """Return the HTML of a form, in Vietnamese whatever the active language."""
    number = form_number(data)
    with translation.override("vi"):
        return render_to_string(f"{_TEMPLATE_DIR}/form_{number:02d}.html", _context(data))


def form_pdf(data: Form) -> bytes:
    """Return the PDF of a form (A5 portrait for Forms 01-05, A4 landscape for Form 06)."""
    state = _render_state()
    html = HTML(
        string=form_html(data), base_url=FONTS_DIR.as_uri() + "/", url_fetcher=state.fetcher
    )
    pdf: bytes = html.write_pdf(stylesheets=[state.font_css], font_config=state.font_config)
    return pdf


# --- Form 06 as a spreadsheet -------------------------------------------------------


def _excel_datetime(value: datetime | None) -> datetime | None:
    """Return the local wall-clock time, naive, as Excel stores dates."""
    return None if value is None else _local(value).replace(tzinfo=None)


def register_xlsx(register: Register) -> bytes:
    """Return the register (Form 06) as an Excel workbook.

    Two title rows, the header row with the columns of the printed form, one row per
    dossier; dates are real Excel dates in local time; the header stays frozen.
    """
    with translation.override("vi"):
        columns = [str(column) for column in REGISTER_COLUMNS]
        title = _("SỔ THEO DÕI HỒ SƠ")
        subtitle = _("%(agency)s - Năm %(year)s") % {
            "agency": register.heading.name,
            "year": register.year,
        }
        if register.book:
            subtitle += " - " + _("Quyển số %(book)s") % {"book": register.book}

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = f"{register.year}"
    last_column = get_column_letter(len(columns))
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = subtitle
    sheet["A2"].font = Font(italic=True)
    for row in (1, 2):
        sheet.merge_cells(f"A{row}:{last_column}{row}")
        sheet[f"A{row}"].alignment = Alignment(horizontal="center")

    header_row = 4
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    sheet.row_dimensions[header_row].height = 45

    date_format = "dd/mm/yyyy hh:mm"
    for offset, entry in enumerate(register.rows, start=1):
        values: list[Any] = [
            entry.number,
            entry.dossier_code,
            entry.procedure,
            entry.sets,
            entry.applicant,
            entry.address_phone,
            entry.lead_agency,
            _excel_datetime(entry.received_at),
            _excel_datetime(entry.due_at),
            entry.transferred_to or None,
            _excel_datetime(entry.result_at),
            _excel_datetime(entry.handed_back_at),
            entry.note or None,
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=index, value=value)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, datetime):
                cell.number_format = date_format

    widths = (6, 26, 40, 9, 24, 32, 28, 17, 17, 28, 17, 17, 20)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
