"""The Circular 01/2018 forms of a dossier, for whoever may have them.

Each function checks access in its query and raises `DoesNotExist` for what the caller
may not have, exactly as for what does not exist (a 404 for views): an officer reaches
the forms of their agencies' dossiers (a supervisor, every agency's), an applicant only
the forms of their own dossiers that the law hands them (01 to 04). Downloads return
`(filename, content)`; the PDFs come signed by the dossier's (or register's) agency when
the signing PKI has a key for it, and as they are (logged) when it has none.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dichvucong.accounts.models import User
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierEvent
from dichvucong.dossiers.selectors import officer_scope, register_for_officer
from dichvucong.organizations.models import Agency

from . import dossier_forms
from .circular01 import Form, Register, form_filename, form_pdf, register_xlsx
from .dossier_forms import APPLICANT_FORM_NUMBERS, FORM_DOSSIER_RELATED, FormRef
from .models import DocumentSignatureCheck
from .services import PDF_KINDS, dossier_signature_checks_queue
from .signing import pdf_sign_if_configured

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FormNotFound(Dossier.DoesNotExist):
    """No such form for this dossier (unknown number, or not produced yet)."""


def _officer_dossier(*, user: User, code: str) -> Dossier:
    scope = officer_scope(user=user)
    return (
        Dossier.objects.filter(scope.visible()).select_related(*FORM_DOSSIER_RELATED).get(code=code)
    )


def _applicant_dossier(*, applicant: User, code: str) -> Dossier:
    if not applicant.is_authenticated:
        raise Dossier.DoesNotExist
    return (
        Dossier.objects.select_related(*FORM_DOSSIER_RELATED)
        .exclude(code__isnull=True)
        .get(applicant_id=applicant.pk, code=code)
    )


def forms_list_for_officer(*, user: User, code: str) -> list[FormRef]:
    """Return the forms of a dossier the officer may read (01 to 05)."""
    return dossier_forms.available_forms(_officer_dossier(user=user, code=code))


def forms_list_for_applicant(*, applicant: User, code: str) -> list[FormRef]:
    """Return the forms of the applicant's own dossier that they receive (01 to 04)."""
    return dossier_forms.applicant_forms(_applicant_dossier(applicant=applicant, code=code))


def _pick(refs: list[FormRef], *, number: int, event_id: int | None) -> FormRef:
    """Return the form asked for: the event's one, or the latest of that number."""
    candidates = [r for r in refs if r.number == number]
    if event_id is not None:
        candidates = [r for r in candidates if r.event_id == event_id]
    if not candidates:
        raise FormNotFound
    return candidates[-1]


_EVENT_BUILDERS: dict[int, Callable[[DossierEvent], Form]] = {
    2: dossier_forms.supplement_request_for,
    3: dossier_forms.refusal_for,
    4: dossier_forms.apology_for,
}


def _render(dossier: Dossier, *, number: int, event_id: int | None) -> tuple[str, bytes]:
    events = dossier_forms.dossier_form_events(dossier)
    ref = _pick(
        dossier_forms.available_forms(dossier, events=events), number=number, event_id=event_id
    )
    data: Form
    if number == 1:
        data = dossier_forms.receipt_for(dossier)
    elif number == 5:
        data = dossier_forms.control_sheet_for(dossier)
    else:
        event = next(e for e in events if e.pk == ref.event_id)
        data = _EVENT_BUILDERS[number](event)
    return ref.filename, _signed(form_pdf(data), agency=dossier.agency, number=number)


_FORM_TITLES = {
    1: gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    2: gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    3: gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    4: gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    5: gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    6: gettext_lazy("Sổ theo dõi hồ sơ"),
}


def _signed(pdf: bytes, *, agency: Agency, number: int) -> bytes:
    """Return the form signed by the agency, or as it is (logged) when it has no key."""
    with translation.override("vi"):  # the form is Vietnamese, and so is its signature
        reason = _("Mẫu số %(number)02d: %(title)s") % {
            "number": number,
            "title": _FORM_TITLES[number],
        }
    return pdf_sign_if_configured(pdf=pdf, agency=agency, reason=reason)


def dossier_form_for_officer(
    *, user: User, code: str, number: int, event_id: int | None = None
) -> tuple[str, bytes]:
    """Return the PDF of form `number` (01-05) of a dossier the officer may read.

    `event_id` picks one of several forms 02 or 04; without it, the latest. Raise
    Dossier.DoesNotExist for another agency's dossier or a form it does not have.
    """
    dossier = _officer_dossier(user=user, code=code)
    return _render(dossier, number=number, event_id=event_id)


def dossier_form_for_applicant(
    *, applicant: User, code: str, number: int, event_id: int | None = None
) -> tuple[str, bytes]:
    """Return the PDF of form `number` (01-04) of the applicant's own dossier.

    Raise Dossier.DoesNotExist for another's dossier, for the office's own records
    (05, 06) and for a form the dossier does not have.
    """
    if number not in APPLICANT_FORM_NUMBERS:
        raise FormNotFound
    dossier = _applicant_dossier(applicant=applicant, code=code)
    return _render(dossier, number=number, event_id=event_id)


# A year of a large agency runs to tens of thousands of rows: the PDF, printed month by
# month, stays within what one request can render; Excel takes the whole year.
REGISTER_PDF_MAX_ROWS = 2000


class RegisterTooLarge(Exception):
    """The register asked for as PDF has more rows than one document may hold."""

    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


def register_rows_for_officer(
    *, user: User, agency_code: str, year: int, month: int | None = None
) -> QuerySet[Dossier]:
    """Return the dossiers of an agency's register for a year (or a month), in order.

    Raise Dossier.DoesNotExist for an unknown agency or one the officer may not read.
    """
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise Dossier.DoesNotExist
    rows = register_for_officer(user=user, agency_id=agency.pk, year=year)
    return _in_month(rows, year, month)


def _in_month(rows: QuerySet[Dossier], year: int, month: int | None) -> QuerySet[Dossier]:
    if month is None:
        return rows
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return rows.filter(accepted_at__gte=start, accepted_at__lt=end)


def _register(
    *, user: User, agency_code: str, year: int, month: int | None = None, limit: int | None = None
) -> tuple[Agency, Register]:
    try:
        agency = Agency.objects.select_related("parent", "administrative_unit").get(
            code=agency_code
        )
    except Agency.DoesNotExist:
        raise Dossier.DoesNotExist from None
    rows = _in_month(register_for_officer(user=user, agency_id=agency.pk, year=year), year, month)
    if limit is not None:
        count = rows.count()
        if count > limit:
            raise RegisterTooLarge(count)
    return agency, dossier_forms.register_for(agency, year, rows)


def register_pdf_for_officer(
    *, user: User, agency_code: str, year: int, month: int | None = None
) -> tuple[str, bytes]:
    """Return the PDF of an agency's register (Form 06) for a year, or one of its months.

    Raise Dossier.DoesNotExist for an unknown agency or one the officer may not read, and
    RegisterTooLarge when it would run past REGISTER_PDF_MAX_ROWS rows.
    """
    agency, register = _register(
        user=user, agency_code=agency_code, year=year, month=month, limit=REGISTER_PDF_MAX_ROWS
    )
    return form_filename(register), _signed(form_pdf(register), agency=agency, number=6)


def register_xlsx_for_officer(
    *, user: User, agency_code: str, year: int, month: int | None = None
) -> tuple[str, bytes]:
    """Return an agency's register (Form 06) for a year, or one of its months, as Excel."""
    _agency, register = _register(user=user, agency_code=agency_code, year=year, month=month)
    return form_filename(register, extension="xlsx"), register_xlsx(register)


# --- Signatures of uploaded documents ---------------------------------------------------


@dataclass(frozen=True)
class DocumentSignatures:
    """An uploaded PDF and its signature check (None while the check is queued)."""

    document: DossierDocument
    check: DocumentSignatureCheck | None


def dossier_document_signatures(*, dossier: Dossier) -> list[DocumentSignatures]:
    """Return the dossier's uploaded PDFs with their signature checks.

    The caller has checked that the user may see the dossier. Documents not checked yet
    (uploaded before this feature, or whose task was lost) are queued now: without a
    broker the check runs at once and is part of the answer; with one, the page says it
    is under way and shows the result on the next visit.
    """
    documents = list(
        DossierDocument.objects.filter(dossier=dossier, kind__in=PDF_KINDS)
        .select_related("signature_check", "required_document")
        .order_by("required_document__position", "uploaded_at", "pk")
    )
    missing = [d.pk for d in documents if not hasattr(d, "signature_check")]
    if missing:
        dossier_signature_checks_queue(document_ids=missing)
        found = {
            c.document_id: c for c in DocumentSignatureCheck.objects.filter(document_id__in=missing)
        }
    else:
        found = {}
    return [
        DocumentSignatures(
            document=d,
            check=getattr(d, "signature_check", None) or found.get(d.pk),
        )
        for d in documents
    ]
