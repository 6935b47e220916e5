"""Reads of electronic results and postal deliveries, each checked against the reader."""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from django.conf import settings

from dichvucong.accounts.models import User
from dichvucong.accounts.selectors import officer_display_name
from dichvucong.catalogue.models import Procedure, ProcedureResult
from dichvucong.documents.dossier_forms import agency_heading
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import officer_scope
from dichvucong.eforms.models import EForm
from dichvucong.organizations.models import Agency, AgencyKind
from dichvucong.organizations.selectors import address_text

from .models import IssuedResult, PostalDelivery, ResultStatus, ResultTemplate
from .rendering import DEFAULT_TITLE, ResultDocument, default_body

_RESULT_RELATED = (
    "dossier__version",
    "dossier__agency",
    "agency__parent",
    "agency__administrative_unit",
    "template__result",
    "approved_by",
)


def issued_result_for_applicant(*, applicant: User, code: str) -> IssuedResult:
    """Return the issued (signed) result of the applicant's dossier `code`.

    Raise IssuedResult.DoesNotExist for anyone else's dossier, and while the result is
    not issued yet.
    """
    return IssuedResult.objects.select_related("dossier").get(
        dossier__applicant=applicant, dossier__code=code, status=ResultStatus.ISSUED
    )


def issued_result_for_officer(*, user: User, code: str) -> IssuedResult:
    """Return the result of a dossier the officer may read, whatever its status.

    Raise IssuedResult.DoesNotExist for another agency's dossier or a dossier without one.
    """
    scope = officer_scope(user=user)
    visible = Dossier.objects.filter(scope.visible(), code=code).values("pk")
    return IssuedResult.objects.select_related("dossier").get(dossier__in=visible)


def issued_result_public(*, uuid: str | uuid_module.UUID) -> IssuedResult:
    """Return an issued result by its public id (the QR code's); DoesNotExist otherwise."""
    return IssuedResult.objects.select_related("dossier__version", "agency").get(
        uuid=uuid, status=ResultStatus.ISSUED
    )


def result_for_dossier(*, dossier: Dossier) -> IssuedResult | None:
    """Return the dossier's result row (any status); the caller has checked access."""
    return IssuedResult.objects.filter(dossier=dossier).first()


def delivery_for_dossier(*, dossier: Dossier) -> PostalDelivery | None:
    """Return the dossier's postal delivery with its log; the caller has checked access."""
    return PostalDelivery.objects.prefetch_related("events").filter(dossier=dossier).first()


def postal_fee(*, procedure_id: int) -> int:
    """Return the postage of a procedure's result: its template's, or the setting's."""
    fee = (
        ResultTemplate.objects.filter(procedure_id=procedure_id)
        .values_list("postal_fee", flat=True)
        .first()
    )
    return int(fee) if fee is not None else int(settings.RESULTS_POSTAL_FEE)


def signer_title_for(agency: Agency) -> str:
    """Return the default title of who signs for an agency, by its kind."""
    if agency.kind == AgencyKind.PEOPLE_COMMITTEE:
        return "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    if agency.kind == AgencyKind.DEPARTMENT:
        return "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    return "THỦ TRƯỞNG CƠ QUAN"


def _result_name(procedure: Procedure, template: ResultTemplate | None) -> str:
    if template is not None and template.result is not None:
        return template.result.name
    name = (
        ProcedureResult.objects.filter(version_id=procedure.current_version_id)
        .order_by("position")
        .values_list("name", flat=True)
        .first()
    )
    return name or ""


def _form_value(dossier: Dossier, source: str) -> str:
    """Return the answer of the e-form field prefilled from `source`, or ""."""
    eform = dossier.eform
    if eform is None:
        return ""
    for name, prop in (eform.schema.get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("x-prefill") == source:
            return address_text(value=dossier.form_data.get(name))
    return ""


def result_document_for(result: IssuedResult) -> ResultDocument:
    """Return what the result of `result.dossier` prints (load it with _RESULT_RELATED)."""
    dossier = result.dossier
    template = result.template
    heading = agency_heading(result.agency)
    return ResultDocument(
        uuid=str(result.uuid),
        number=result.number,
        title=template.title
        if template
        else (_result_name(dossier.procedure, None).upper() or DEFAULT_TITLE),
        body=template.body if template else default_body(),
        signer_title=(
            template.signer_title
            if template and template.signer_title
            else signer_title_for(result.agency)
        ),
        signer_name=officer_display_name(user=result.approved_by) if result.approved_by else "",
        heading_parent=heading.parent_name,
        heading_name=heading.name,
        place=heading.place,
        dossier_code=dossier.code or "",
        procedure_name=dossier.version.name,
        result_name=_result_name(dossier.procedure, template),
        applicant_name=_form_value(dossier, "organization_name")
        or _form_value(dossier, "full_name")
        or dossier.applicant_name,
        applicant_id_number=_form_value(dossier, "tax_code")
        or _form_value(dossier, "citizen_id")
        or dossier.applicant_id_number,
        applicant_address=_form_value(dossier, "address") or dossier.applicant_address,
        applicant_date_of_birth=_form_value(dossier, "date_of_birth"),
        received_at=dossier.accepted_at or dossier.submitted_at,
        approved_at=result.approved_at,
        register_number=dossier.register_number,
        register_year=dossier.register_year,
        form=dict(dossier.form_data),
    )


def issued_result_load(*, result_id: int) -> IssuedResult:
    """Return a result with what its document prints joined."""
    return IssuedResult.objects.select_related(
        *_RESULT_RELATED, "dossier__procedure", "dossier__eform"
    ).get(pk=result_id)


def sample_document(
    *,
    procedure: Procedure,
    title: str,
    body: str,
    signer_title: str = "",
    result: ProcedureResult | None = None,
) -> ResultDocument:
    """Return a result document of `procedure` filled with sample data (preview, checks)."""
    from django.utils import timezone

    version = procedure.current_version
    agency = (
        version.agencies.select_related("parent", "administrative_unit").first()
        if version
        else None
    )
    heading = agency_heading(agency) if agency is not None else None
    eform = EForm.objects.filter(procedure=procedure).order_by("case_name").first()
    example: dict[str, Any] = dict(eform.example) if eform is not None else {}
    now = timezone.now()
    return ResultDocument(
        uuid="00000000-0000-4000-8000-000000000000",
        number=f"01/{timezone.localtime(now).year}/KQ",
        title=title,
        body=body,
        signer_title=signer_title or (signer_title_for(agency) if agency else "CHỦ TỊCH"),
        signer_name="Nguyễn Văn Mẫu",
        heading_parent=heading.parent_name if heading else "",
        heading_name=heading.name if heading else "Ủy ban nhân dân",
        place=heading.place if heading else "Bình Phước",
        dossier_code="000.00.20.H10-260305-0001",
        procedure_name=version.name if version else procedure.code,
        result_name=result.name if result else _result_name(procedure, None),
        applicant_name="Nguyễn Văn An",
        applicant_id_number="074090001234",
        applicant_address="12 đường Phú Riềng Đỏ, phường Tân Phú, thị xã Đồng Xoài",
        applicant_date_of_birth="01/01/1990",
        received_at=now,
        approved_at=now,
        register_number=1,
        register_year=timezone.localtime(now).year,
        form=example,
    )
