"""Shapes of the dossier API's answers and requests."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Dossier, DossierDocument, DossierEvent, DossierStatus
from ..selectors import document_field


class DocumentRequirementSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Multipart field name to upload this document under.")
    name = serializers.CharField(source="document.name")
    originals = serializers.IntegerField(source="document.originals")
    copies = serializers.IntegerField(source="document.copies")
    mandatory = serializers.BooleanField(
        source="needs_upload",
        help_text="True when a dossier cannot be submitted without a file for it.",
    )
    filled_online = serializers.BooleanField(
        help_text="True for the declaration the e-form produces: nothing to upload."
    )


class AgencyBriefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseBriefSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    name = serializers.CharField()


class EFormSerializer(serializers.Serializer[Any]):
    procedure = serializers.CharField()
    case = CaseBriefSerializer()
    title = serializers.CharField()
    schema = serializers.JSONField(help_text="JSON Schema (draft 2020-12) of form_data.")
    layout = serializers.JSONField(help_text="Sections and the order of the fields.")
    example = serializers.JSONField(help_text="A valid form_data.")
    documents = DocumentRequirementSerializer(many=True)
    agencies = AgencyBriefSerializer(
        many=True, help_text="Agencies that receive dossiers; send one as `agency`."
    )
    allowed_types = serializers.ListField(child=serializers.CharField())
    max_file_bytes = serializers.IntegerField()
    max_total_bytes = serializers.IntegerField()


class DossierCreateSerializer(serializers.Serializer[Any]):
    """The multipart request of a submission (files go under each document's field)."""

    procedure = serializers.CharField(max_length=50, help_text="Procedure code.")
    case = serializers.IntegerField(
        required=False, min_value=0, help_text="Case position; the first case when omitted."
    )
    agency = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=35,
        help_text="Receiving agency code; omitted: the one serving the applicant's address.",
    )
    form_data = serializers.JSONField(help_text="The filled e-form, as JSON text.")

    def validate_form_data(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Nội dung tờ khai phải là một đối tượng JSON."))
        return value


class DossierDocumentSerializer(serializers.ModelSerializer[DossierDocument]):
    field = serializers.SerializerMethodField()
    document_name = serializers.CharField(source="required_document.name")

    class Meta:
        model = DossierDocument
        fields = ["id", "field", "document_name", "original_name", "kind", "size", "sha256"]

    def get_field(self, obj: DossierDocument) -> str:
        return document_field(obj.required_document)


class DossierEventSerializer(serializers.ModelSerializer[DossierEvent]):
    action_display = serializers.CharField()

    class Meta:
        model = DossierEvent
        fields = ["action", "action_display", "from_status", "to_status", "comment", "created_at"]


class DossierListSerializer(serializers.ModelSerializer[Dossier]):
    status_display = serializers.CharField(source="get_status_display")
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="version.name")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_display",
            "procedure",
            "procedure_name",
            "agency",
            "agency_name",
            "channel",
            "submitted_at",
            "due_at",
        ]


class DossierCreatedSerializer(DossierListSerializer):
    """The answer to a submission, built from what the submission wrote."""

    documents = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [*DossierListSerializer.Meta.fields, "form_data", "documents"]

    @extend_schema_field(DossierDocumentSerializer(many=True))
    def get_documents(self, obj: Dossier) -> Any:
        return DossierDocumentSerializer(self.context["documents"], many=True).data


class DossierDetailSerializer(DossierListSerializer):
    case = serializers.CharField(source="case.name")
    documents = DossierDocumentSerializer(many=True)
    events = DossierEventSerializer(many=True)

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "case",
            "form_data",
            "applicant_name",
            "withdrawn_at",
            "documents",
            "events",
        ]


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class LookupSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_display = serializers.CharField()
    procedure = serializers.CharField(source="procedure_code")
    procedure_name = serializers.CharField()
    agency = serializers.CharField(source="agency_code")
    agency_name = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
