"""Reads of payments, each checked against who asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import officer_scope

from . import services
from .fees import EXEMPTION_FIELD, FeeComputation
from .models import Payment, PaymentRequest, PaymentStatus


def payments_for_dossier(*, dossier: Dossier) -> QuerySet[Payment]:
    """Return a dossier's payment attempts, newest first.

    The caller has already checked that the user may see `dossier`.
    """
    return (
        Payment.objects.filter(dossier=dossier)
        .select_related("request")
        .order_by("-created_at", "-pk")
    )


def dossier_get_for_payer(*, applicant: User, code: str) -> Dossier:
    """Return the applicant's submitted dossier `code`; raise Dossier.DoesNotExist otherwise."""
    return Dossier.objects.select_related("procedure", "case", "agency", "version").get(
        applicant=applicant, code=code, code__isnull=False
    )


def payment_get_for_applicant(*, applicant: User, code: str, pk: int) -> Payment:
    """Return a payment of the applicant's dossier `code`; raise Payment.DoesNotExist."""
    return Payment.objects.select_related("dossier__agency", "dossier__version", "request").get(
        pk=pk, dossier__code=code, dossier__applicant=applicant
    )


def payment_get_for_officer(*, user: User, code: str, pk: int) -> Payment:
    """Return a payment of a dossier the officer may read; raise Payment.DoesNotExist."""
    scope = officer_scope(user=user)
    visible = Dossier.objects.filter(scope.visible(), code=code)
    return Payment.objects.select_related("dossier__agency", "dossier__version", "request").get(
        pk=pk, dossier__in=visible
    )


def payment_get_by_reference(*, txn_ref: str) -> Payment | None:
    """Return the payment with this gateway reference (the return page shows it)."""
    return Payment.objects.select_related("dossier").filter(txn_ref=txn_ref).first()


@dataclass(frozen=True)
class DossierPayments:
    """What a dossier page shows of payments: what is due, and the attempts."""

    open_request: PaymentRequest | None
    submission_fees: FeeComputation | None
    payments: list[Payment]
    requests: list[PaymentRequest]
    # The exemption the applicant claimed in the e-form (the officer checks it).
    exemption_claim: str = ""

    @property
    def amount_due(self) -> int:
        if self.open_request is not None:
            return self.open_request.total
        return self.submission_fees.total if self.submission_fees else 0

    @property
    def payable(self) -> bool:
        return self.amount_due > 0

    @property
    def due_lines(self) -> list[dict[str, object]]:
        if self.open_request is not None:
            return list(self.open_request.lines)
        return (
            [line.as_json() for line in self.submission_fees.lines] if self.submission_fees else []
        )

    @property
    def paid(self) -> list[Payment]:
        return [p for p in self.payments if p.status == PaymentStatus.PAID]


def dossier_payments(*, dossier: Dossier) -> DossierPayments:
    """Return the dossier's payment summary (the caller checked who may see it)."""
    requests = list(PaymentRequest.objects.filter(dossier=dossier).order_by("-created_at", "-pk"))
    open_request = next((r for r in requests if r.is_open), None)
    submission = None
    if not requests:
        submission = services.submission_fees(dossier=dossier)
    if open_request is not None:
        try:
            services.payable_check(dossier=dossier, request=open_request)
        except services.ValidationError:
            open_request = None
    data = dossier.form_data if isinstance(dossier.form_data, dict) else {}
    return DossierPayments(
        exemption_claim=str(data.get(EXEMPTION_FIELD) or "").strip(),
        open_request=open_request,
        submission_fees=submission,
        payments=list(payments_for_dossier(dossier=dossier)),
        requests=requests,
    )
