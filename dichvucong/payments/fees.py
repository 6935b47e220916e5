"""Fee computation: what a dossier owes under its procedure's fee schedule.

The fees of the dossier's case and channel (`catalogue.Fee`) give the lines: a fixed
amount, or a unit amount times the number of copies or pages the applicant asked for. An
exemption (claimed by the applicant with a reason, checked by the officer) sets the
exemptible lines to zero. For an online dossier the province's discount
(`settings.PAYMENT_ONLINE_DISCOUNT_PERCENT`) is taken off each line, rounded to the đồng
in the applicant's favour. Amounts are whole đồng.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from dichvucong.catalogue.models import Channel, Fee, FeeBasis, ProcedureCase

# Keys of a dossier's e-form data that the applicant states counts and claims in.
COPIES_FIELD = "so_ban"
PAGES_FIELD = "so_trang"
EXEMPTION_FIELD = "ly_do_mien_phi"
COUNT_MAX = 1000


@dataclass(frozen=True)
class FeeLine:
    fee_id: int
    kind: str
    name: str
    basis: str
    unit_amount: int
    quantity: int
    exempt: bool
    discount: int
    amount: int

    def as_json(self) -> dict[str, Any]:
        return {
            "fee": self.fee_id,
            "kind": self.kind,
            "name": self.name,
            "basis": self.basis,
            "unit_amount": self.unit_amount,
            "quantity": self.quantity,
            "exempt": self.exempt,
            "discount": self.discount,
            "amount": self.amount,
        }


@dataclass(frozen=True)
class FeeComputation:
    lines: list[FeeLine] = field(default_factory=list)
    discount_percent: int = 0

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def case_fees(*, case: ProcedureCase, channel: str) -> list[Fee]:
    """Return the fees of a case for a channel (online falls back to the direct channel's)."""
    fees = list(Fee.objects.filter(processing_time__case=case).select_related("processing_time"))
    for wanted in (channel, Channel.DIRECT):
        matching = [f for f in fees if f.processing_time.channel == wanted]
        if matching:
            return sorted(matching, key=lambda f: (f.processing_time.position, f.position))
    return []


def _line_name(fee: Fee) -> str:
    """Name a line as receipts do, in the language of the documents: "Lệ phí: ..."."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(fee.get_kind_display())
    return f"{kind}: {fee.description}" if fee.description else kind


def _count(value: Any, *, name: str, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {name: [_("%(label)s phải là số nguyên.") % {"label": label}]}
        ) from None
    if not 1 <= number <= COUNT_MAX:
        raise ValidationError(
            {name: [_("%(label)s từ 1 đến %(max)d.") % {"label": label, "max": COUNT_MAX}]}
        )
    return number


def fee_compute(
    *,
    fees: list[Fee],
    channel: str,
    copies: int = 1,
    pages: int = 0,
    exempt: bool = False,
) -> FeeComputation:
    """Return the lines and total owed for `fees`.

    Raise ValidationError (in Vietnamese, by field) when a count is missing or out of
    range: per-page fees need the number of pages, counts are 1 to 1000.
    """
    copies = _count(copies, name="copies", label=_("Số bản"))
    needs_pages = any(f.basis == FeeBasis.PER_PAGE for f in fees)
    if needs_pages:
        pages = _count(pages, name="pages", label=_("Số trang"))
    discount = settings.PAYMENT_ONLINE_DISCOUNT_PERCENT if channel == Channel.ONLINE else 0
    lines = []
    for fee in fees:
        quantity = 1
        if fee.basis == FeeBasis.PER_COPY:
            quantity = copies
        elif fee.basis == FeeBasis.PER_PAGE:
            quantity = pages
        gross = fee.amount * quantity
        exempted = exempt and fee.exemptible
        # Rounded down: the discount never leaves the applicant a fraction of a đồng to pay.
        reduction = 0 if exempted else (gross * discount + 99) // 100
        amount = 0 if exempted else gross - reduction
        lines.append(
            FeeLine(
                fee_id=fee.pk,
                kind=fee.kind,
                name=_line_name(fee),
                basis=fee.basis,
                unit_amount=fee.amount,
                quantity=quantity,
                exempt=exempted,
                discount=reduction,
                amount=amount,
            )
        )
    return FeeComputation(lines=lines, discount_percent=discount)
