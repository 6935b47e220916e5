"""API shapes of the catalogue. Read-only: the catalogue changes through import."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dichvucong.organizations.api.serializers import AgencyRefSerializer

from ..models import (
    Field,
    FormTemplate,
    LegalDocument,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
)


class FieldRefSerializer(serializers.ModelSerializer[Field]):
    class Meta:
        model = Field
        fields = ["code", "name"]


class FieldSerializer(serializers.ModelSerializer[Field]):
    procedure_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Field
        fields = ["code", "name", "procedure_count"]


def _applicant_groups(version: ProcedureVersion) -> list[str]:
    groups = []
    if version.for_citizens:
        groups.append("citizen")
    if version.for_businesses:
        groups.append("business")
    return groups


def _current(procedure: Procedure) -> ProcedureVersion:
    """Return the current version (list querysets only hold published procedures)."""
    return cast(ProcedureVersion, procedure.current_version)


class ProcedureListSerializer(serializers.Serializer[Procedure]):
    code = serializers.CharField()
    name = serializers.CharField(source="current_version.name")
    level = serializers.IntegerField(help_text="The computed service level (0 to 4).")
    declared_level = serializers.IntegerField(source="current_version.declared_level")
    tier = serializers.CharField(source="current_version.tier")
    field = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    agency_count = serializers.SerializerMethodField()
    applicant_types = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(FieldRefSerializer(allow_null=True))
    def get_field(self, procedure: Procedure) -> dict[str, str] | None:
        """The first field (see `selectors.procedure_list_qs`)."""
        code = getattr(procedure, "field_code", None)
        return {"code": code, "name": getattr(procedure, "field_name", "")} if code else None

    @extend_schema_field(AgencyRefSerializer(allow_null=True))
    def get_agency(self, procedure: Procedure) -> dict[str, str] | None:
        """The first implementing agency (a district procedure has one per district)."""
        code = getattr(procedure, "agency_code", None)
        return {"code": code, "name": getattr(procedure, "agency_name", "")} if code else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_agency_count(self, procedure: Procedure) -> int:
        return int(getattr(procedure, "agency_count", 0))

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(["citizen", "business"]))
    )
    def get_applicant_types(self, procedure: Procedure) -> list[str]:
        return _applicant_groups(_current(procedure))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, procedure: Procedure) -> str:
        path = reverse("api:procedure-detail", kwargs={"code": procedure.code})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class LegalDocumentSerializer(serializers.ModelSerializer[LegalDocument]):
    class Meta:
        model = LegalDocument
        fields = ["number", "title", "issued_on", "effective_on", "issuer", "url"]


class FormTemplateSerializer(serializers.ModelSerializer[FormTemplate]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = FormTemplate
        fields = ["name", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, form: FormTemplate) -> str | None:
        if form.file:
            path = reverse("portal:form-download", kwargs={"pk": form.pk})
            request = self.context.get("request")
            return request.build_absolute_uri(path) if request else path
        return form.source_url or None


class ResultSerializer(serializers.ModelSerializer[ProcedureResult]):
    class Meta:
        model = ProcedureResult
        fields = ["code", "name", "url"]


class StepSerializer(serializers.Serializer[Any]):
    case = serializers.CharField()
    position = serializers.IntegerField()
    description = serializers.CharField()


class DocumentSerializer(serializers.Serializer[Any]):
    case = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    form = serializers.CharField(allow_null=True)


class ProcessingTimeSerializer(serializers.Serializer[Any]):
    case = serializers.CharField()
    channel = serializers.CharField()
    duration = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    unit = serializers.CharField()
    description = serializers.CharField()


class FeeSerializer(serializers.Serializer[Any]):
    case = serializers.CharField()
    channel = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    description = serializers.CharField()


class ExternalAgencySerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureDetailSerializer(serializers.Serializer[ProcedureVersion]):
    """The full record of one procedure version (the current one unless asked)."""

    code = serializers.CharField(source="procedure.code")
    version = serializers.IntegerField(source="number")
    name = serializers.CharField()
    level = serializers.IntegerField(source="procedure.level")
    declared_level = serializers.IntegerField()
    tier = serializers.CharField()
    fields = FieldRefSerializer(many=True)  # type: ignore[assignment]
    procedure_type = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True)
    keywords = serializers.CharField()
    conditions = serializers.CharField()
    reception_address = serializers.CharField()
    applicant_types = serializers.SerializerMethodField()
    applicants = serializers.ListField(source="applicant_types", child=serializers.CharField())
    agencies = AgencyRefSerializer(many=True)
    publishing_agency = AgencyRefSerializer(allow_null=True)
    authority_agencies = ExternalAgencySerializer(many=True)
    delegated_agencies = ExternalAgencySerializer(many=True)
    coordinating_agencies = ExternalAgencySerializer(many=True)
    cases = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    processing_time = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField()
    results = ResultSerializer(many=True)
    forms = FormTemplateSerializer(many=True)
    legal_basis = LegalDocumentSerializer(many=True)
    is_demo = serializers.BooleanField()

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(["citizen", "business"]))
    )
    def get_applicant_types(self, version: ProcedureVersion) -> list[str]:
        return _applicant_groups(version)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_cases(self, version: ProcedureVersion) -> list[str]:
        return [case.name for case in version.cases.all() if case.name]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, version: ProcedureVersion) -> list[dict[str, Any]]:
        return [
            {"case": case.name, "position": step.position, "description": step.description}
            for case in version.cases.all()
            for step in case.steps.all()
        ]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, version: ProcedureVersion) -> list[dict[str, Any]]:
        return [
            {
                "case": case.name,
                "code": doc.code,
                "name": doc.name,
                "originals": doc.originals,
                "copies": doc.copies,
                "form": doc.form.name if doc.form else None,
            }
            for case in version.cases.all()
            for doc in case.documents.all()
        ]

    @extend_schema_field(ProcessingTimeSerializer(many=True))
    def get_processing_time(self, version: ProcedureVersion) -> list[dict[str, Any]]:
        return [
            {
                "case": case.name,
                "channel": time.channel,
                "duration": time.duration,
                "unit": time.unit,
                "description": time.description,
            }
            for case in version.cases.all()
            for time in case.processing_times.all()
        ]

    @extend_schema_field(FeeSerializer(many=True))
    def get_fees(self, version: ProcedureVersion) -> list[dict[str, Any]]:
        return [
            {
                "case": case.name,
                "channel": time.channel,
                "kind": fee.kind,
                "amount": fee.amount,
                "currency": fee.currency_label,
                "description": fee.description,
            }
            for case in version.cases.all()
            for time in case.processing_times.all()
            for fee in time.fees.all()
        ]


class ProcedureVersionSummarySerializer(serializers.ModelSerializer[ProcedureVersion]):
    # Declared, not derived from the model: the derived bounds depend on the database.
    number = serializers.IntegerField(read_only=True, min_value=1)

    class Meta:
        model = ProcedureVersion
        fields = [
            "number",
            "name",
            "decision_number",
            "decision_date",
            "effective_from",
            "effective_to",
            "published_at",
        ]
