"""Every change to the catalogue goes through these functions."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from dichvucong.core.cache import public_data_changed
from dichvucong.core.services import model_upsert
from dichvucong.core.text import searchable
from dichvucong.organizations.models import Agency

from . import levels
from .models import (
    Fee,
    Field,
    FormTemplate,
    LegalDocument,
    Procedure,
    ProcedureCase,
    ProcedureResult,
    ProcedureStep,
    ProcedureVersion,
    ProcessingTime,
    RequiredDocument,
    fee_basis_from_label,
)
from .national import ProcedureRecord, RecordError, parse_record


def field_upsert(*, code: str, name: str) -> Field:
    """Return the field with `code`, created or renamed to `name`."""
    field, written = model_upsert(Field, lookup={"code": code}, values={"name": name})
    if written:
        public_data_changed()
    return field


def legal_document_upsert(
    *,
    number: str,
    title: str,
    issued_on: datetime.date | None,
    effective_on: datetime.date | None,
    issuer: str,
    url: str,
) -> LegalDocument:
    """Return the legal document numbered `number`, created or updated with these values."""
    values = {
        "title": title,
        "issued_on": issued_on,
        "effective_on": effective_on,
        "issuer": issuer,
        "url": url,
    }
    document, _ = model_upsert(LegalDocument, lookup={"number": number}, values=values)
    return document


def _build_search_text(record: ProcedureRecord) -> str:
    return searchable(record.name, record.code, record.keywords, *(f.name for f in record.fields))


def _agencies_by_code(codes: list[str], field_name: str) -> dict[str, Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({field_name: f"unknown agency code(s): {', '.join(missing)}"})
    return found


@transaction.atomic
def procedure_publish(*, record: ProcedureRecord) -> tuple[ProcedureVersion, bool]:
    """Publish `record` as the procedure's new current version.

    Return the current version and whether a new one was published: a record identical to
    the current version publishes nothing, so importing the same file twice is harmless.
    Raise ValidationError, keyed by the national field name, when the record refers to
    agencies that do not exist.
    """
    content_hash = record.content_hash()
    procedure = Procedure.objects.select_for_update().filter(code=record.code).first()
    if procedure is None:
        procedure = Procedure(code=record.code)
        procedure.full_clean()
        procedure.save()
    current = procedure.current_version
    if current is not None and current.content_hash == content_hash:
        return current, False

    if not record.agencies:
        raise ValidationError({"COQUANTHUCHIEN": "at least one implementing agency is required"})
    agencies = _agencies_by_code([a.code for a in record.agencies], "COQUANTHUCHIEN")
    publishing_agency = None
    if record.publishing_agency:
        publishing_agency = _agencies_by_code([record.publishing_agency], "MACOQUANCONGBO")[
            record.publishing_agency
        ]

    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion(
        procedure=procedure,
        number=last + 1,
        decision_number=record.decision_number,
        decision_date=record.decision_date,
        effective_from=record.effective_from,
        name=record.name,
        procedure_type=record.procedure_type,
        record_status=record.record_status,
        keywords=record.keywords,
        conditions=record.conditions,
        reception_address=record.reception_address,
        declared_level=record.declared_level,
        tier=record.tier,
        applicant_types=record.applicant_types,
        for_citizens=record.for_citizens,
        for_businesses=record.for_businesses,
        publishing_agency=publishing_agency,
        authority_agencies=[asdict(a) for a in record.authority_agencies],
        delegated_agencies=[asdict(a) for a in record.delegated_agencies],
        coordinating_agencies=[asdict(a) for a in record.coordinating_agencies],
        related_procedures=record.related_procedures,
        interconnected_procedures=record.interconnected_procedures,
        is_demo=record.is_demo,
        search_text=_build_search_text(record),
        content_hash=content_hash,
    )
    version.full_clean(exclude=["procedure"])
    version.save()
    version.agencies.set(agencies.values())
    version.fields.set([field_upsert(code=f.code, name=f.name) for f in record.fields])
    version.legal_basis.set([legal_document_upsert(**asdict(d)) for d in record.legal_basis])
    _create_contents(version, record)

    if current is not None:
        _close_version(current, successor=version)
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    procedure_refresh_level(procedure=procedure)
    public_data_changed()
    return version, True


def _close_version(version: ProcedureVersion, *, successor: ProcedureVersion) -> None:
    if version.effective_to is not None:
        return
    start = successor.effective_from
    if start is not None and (version.effective_from is None or start > version.effective_from):
        version.effective_to = start - datetime.timedelta(days=1)
    else:
        version.effective_to = start
    version.save(update_fields=["effective_to"])


def _create_contents(version: ProcedureVersion, record: ProcedureRecord) -> None:
    """Write the version's cases, steps, time limits, fees, forms, documents and results.

    One bulk insert per table: bulk_create sets primary keys on PostgreSQL and SQLite,
    so the children can refer to the rows just written.
    """
    cases = dict(
        zip(
            record.case_names(),
            ProcedureCase.objects.bulk_create(
                ProcedureCase(version=version, name=name, position=position)
                for position, name in enumerate(record.case_names())
            ),
            strict=True,
        )
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(case=cases[case], position=position, description=description)
        for case, descriptions in record.steps
        for position, description in enumerate(descriptions, start=1)
    )
    times = ProcessingTime.objects.bulk_create(
        ProcessingTime(
            case=cases[time.case],
            channel=time.channel,
            duration=time.duration,
            unit=time.unit,
            description=time.description,
            position=position,
        )
        for position, time in enumerate(record.times)
    )
    Fee.objects.bulk_create(
        Fee(
            processing_time=processing_time,
            kind=fee.kind,
            amount=fee.amount,
            currency_label=fee.currency_label,
            description=fee.description,
            position=fee_position,
            basis=fee_basis_from_label(fee.currency_label, fee.description),
        )
        for processing_time, time in zip(times, record.times, strict=True)
        for fee_position, fee in enumerate(time.fees)
    )
    form_urls: dict[str, str] = {}
    for document in record.documents:
        if document.form_name:
            form_urls.setdefault(document.form_name, document.form_url)
    forms = dict(
        zip(
            form_urls,
            FormTemplate.objects.bulk_create(
                FormTemplate(version=version, name=name, source_url=url, position=position)
                for position, (name, url) in enumerate(form_urls.items())
            ),
            strict=True,
        )
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            case=cases[document.case],
            position=position,
            code=document.code,
            name=document.name,
            originals=document.originals,
            copies=document.copies,
            form=forms.get(document.form_name),
            replaced_by_result_code=document.replaced_by_result_code,
        )
        for position, document in enumerate(record.documents)
    )
    ProcedureResult.objects.bulk_create(
        ProcedureResult(version=version, code=r.code, name=r.name, url=r.url, position=position)
        for position, r in enumerate(record.results)
    )


def procedure_refresh_level(*, procedure: Procedure) -> int:
    """Recompute and store the procedure's level; return it."""
    level = levels.compute_level(procedure)
    if level != procedure.level:
        procedure.level = level
        procedure.save(update_fields=["level"])
        public_data_changed()
    return level


@transaction.atomic
def form_template_attach_file(*, form: FormTemplate, filename: str, content: bytes) -> FormTemplate:
    """Store `content` as the form's downloadable file and refresh the procedure's level."""
    if not content:
        raise ValidationError({"file": _("Tệp trống.")})
    if form.file:
        form.file.delete(save=False)
    form.file.save(filename, ContentFile(content), save=False)
    form.full_clean()
    form.save(update_fields=["file"])
    procedure_refresh_level(procedure=form.version.procedure)
    return form


class CatalogueImportError(Exception):
    """An import file is malformed; nothing was written. Names the record and field."""

    def __init__(self, *, index: int, code: str, field: str, message: str) -> None:
        self.index, self.code, self.field, self.message = index, code, field, message
        where = f"record {index}" + (f" ({code})" if code else "")
        super().__init__(f"{where}, field {field}: {message}")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


def procedures_import(*, data: Any) -> ImportSummary:
    """Publish every record of a national-format file, all or nothing.

    `data` is the decoded JSON: a list of records, or an object with the list under
    "data". Raise CatalogueImportError (record number from 1, code, field) on the first
    bad record; then nothing has been written.
    """
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise CatalogueImportError(
            index=0, code="", field="(file)", message="expected a list of procedure records"
        )
    records: list[ProcedureRecord] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(data, start=1):
        code = str(raw.get("MATTHC", "")) if isinstance(raw, dict) else ""
        try:
            record = parse_record(raw)
        except RecordError as exc:
            raise CatalogueImportError(
                index=index, code=code, field=exc.field_name, message=exc.message
            ) from exc
        if record.code in seen:
            raise CatalogueImportError(
                index=index,
                code=code,
                field="MATTHC",
                message=f"the same code as record {seen[record.code]}",
            )
        seen[record.code] = index
        records.append(record)

    created = updated = unchanged = 0
    with transaction.atomic():
        existing = set(Procedure.objects.filter(code__in=seen).values_list("code", flat=True))
        for index, record in enumerate(records, start=1):
            existed = record.code in existing
            try:
                _, published = procedure_publish(record=record)
            except ValidationError as exc:
                field, message = _first_error(exc)
                raise CatalogueImportError(
                    index=index, code=record.code, field=field, message=message
                ) from exc
            except DatabaseError as exc:  # a value the parser let through but the column refuses
                raise CatalogueImportError(
                    index=index, code=record.code, field="(record)", message=str(exc).strip()
                ) from exc
            if not published:
                unchanged += 1
            elif existed:
                updated += 1
            else:
                created += 1
    return ImportSummary(created=created, updated=updated, unchanged=unchanged)


def _first_error(exc: ValidationError) -> tuple[str, str]:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return field, "; ".join(errors)
    return "(record)", "; ".join(exc.messages)


def procedure_record_view(*, procedure: Procedure) -> None:
    """Count one view of the procedure's page (the portal's "popular procedures")."""
    Procedure.objects.filter(pk=procedure.pk).update(view_count=F("view_count") + 1)
