"""The electronic receipt (biên lai điện tử) of a paid payment, as a PDF.

Rendered like the forms of Circular 01/2018 (`documents.circular01`): the same heading,
the bundled fonts, WeasyPrint with a fetcher that reads nothing but those fonts and
`data:` URLs; always in Vietnamese, times in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from dichvucong.documents.circular01 import (
    FONT_FAMILY,
    FONTS_DIR,
    AgencyHeading,
    LocalURLFetcher,
    font_face_css,
    place_date_line,
    qr_data_uri,
)
from dichvucong.documents.dossier_forms import agency_heading, lookup_url
from dichvucong.documents.signing import pdf_sign_if_configured

from .models import Payment

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three_digits(number: int, *, leading: bool) -> list[str]:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def vnd_in_words(amount: int) -> str:
    """Return an amount of đồng in Vietnamese words, as receipts write it.

    >>> vnd_in_words(1_250_000)
    'Một triệu hai trăm năm mươi nghìn đồng'
    """
    if amount < 0:
        raise ValueError("A receipt's amount is never negative.")
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _three_digits(group, leading=index == len(groups) - 1)
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} đồng"


def vnd(amount: int) -> str:
    """Return an amount with dots between thousands: 1.250.000."""
    return f"{amount:,}".replace(",", ".")


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int
    amount: str


@dataclass(frozen=True)
class Receipt:
    heading: AgencyHeading
    number: str  # the payment reference (vnp_TxnRef)
    transaction_no: str
    bank_code: str
    dossier_code: str
    procedure_name: str
    payer_name: str
    payer_address: str
    lines: tuple[ReceiptLine, ...]
    amount: str
    amount_in_words: str
    paid_at: datetime
    lookup_url: str


def receipt_for(payment: Payment) -> Receipt:
    """Return the receipt of a paid payment."""
    dossier = payment.dossier
    paid_at = payment.gateway_paid_at or payment.paid_at or timezone.now()
    lines = tuple(
        ReceiptLine(
            name=str(line.get("name", "")),
            quantity=int(line.get("quantity", 1)),
            amount=vnd(int(line.get("amount", 0))),
        )
        for line in payment.request.lines
    )
    return Receipt(
        heading=agency_heading(dossier.agency),
        number=payment.txn_ref,
        transaction_no=payment.transaction_no,
        bank_code=payment.bank_code,
        dossier_code=dossier.code or "",
        procedure_name=dossier.version.name,
        payer_name=dossier.applicant_name,
        payer_address=dossier.applicant_address,
        lines=lines,
        amount=vnd(payment.amount),
        amount_in_words=vnd_in_words(payment.amount),
        paid_at=timezone.localtime(paid_at),
        lookup_url=lookup_url(dossier.code or ""),
    )


def receipt_html(receipt: Receipt) -> str:
    with translation.override("vi"):
        return render_to_string(
            "payments/receipt.html",
            {
                "form": receipt,
                "heading": receipt.heading,
                "font_family": FONT_FAMILY,
                "qr": qr_data_uri(receipt.lookup_url),
                "date_line": place_date_line(receipt.heading.place, receipt.paid_at.date()),
            },
        )


_state = threading.local()


def receipt_pdf(receipt: Receipt) -> bytes:
    """Return the receipt as an A5 PDF."""
    state = getattr(_state, "value", None)
    if state is None:
        fetcher = LocalURLFetcher()
        font_config = FontConfiguration()
        css = CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)
        state = _state.value = (fetcher, font_config, css)
    fetcher, font_config, css = state
    html = HTML(
        string=receipt_html(receipt), base_url=FONTS_DIR.as_uri() + "/", url_fetcher=fetcher
    )
    pdf: bytes = html.write_pdf(stylesheets=[css], font_config=font_config)
    return pdf


def receipt_filename(payment: Payment) -> str:
    return f"bien-lai-{payment.txn_ref}.pdf"


def payment_receipt(payment: Payment) -> tuple[str, bytes]:
    """Return the file name and PDF of a paid payment's receipt; LookupError if unpaid.

    The PDF is signed with the receiving agency's key (PAdES, `documents.signing`); an
    agency without a key gets it unsigned (logged), as the forms of Circular 01 are.
    """
    if payment.status != "paid":
        raise LookupError("Only a paid payment has a receipt.")
    receipt = receipt_for(payment)
    pdf = pdf_sign_if_configured(
        pdf=receipt_pdf(receipt),
        agency=payment.dossier.agency,
        reason="Biên lai điện tử thu phí, lệ phí",
        location=receipt.heading.place,
    )
    return receipt_filename(payment), pdf
