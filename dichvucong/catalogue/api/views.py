"""Read API of the catalogue: thin views over the selectors."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from dichvucong.core.api.views import PublicAPIMixin
from dichvucong.organizations.models import Tier

from .. import selectors
from ..forms import ProcedureFilterForm
from ..models import ApplicantType, Field, Procedure, ProcedureVersion, ServiceLevel
from .serializers import (
    FieldSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
    ProcedureVersionSummarySerializer,
)


def filters_from_query(params: dict[str, str]) -> selectors.ProcedureFilters:
    """Validate the query parameters; raise a 400 naming each bad parameter."""
    form = ProcedureFilterForm(params)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form.to_filters()


@extend_schema(
    parameters=[
        OpenApiParameter(
            "search", description="Words of the name, code or keywords; diacritics optional."
        ),
        OpenApiParameter("agency", description="Code of an implementing agency."),
        OpenApiParameter("tier", enum=Tier.values),
        OpenApiParameter("field", description="Code of a field (lĩnh vực)."),
        OpenApiParameter(
            "level", type=int, enum=ServiceLevel.values, description="Computed level."
        ),
        OpenApiParameter("applicant_type", enum=ApplicantType.values),
    ]
)
class ProcedureListView(PublicAPIMixin, generics.ListAPIView[Procedure]):
    """Search the published procedures."""

    serializer_class = ProcedureListSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        filters = filters_from_query(self.request.query_params.dict())
        return selectors.procedure_list_qs(selectors.procedure_search(filters=filters))


@extend_schema(
    parameters=[
        OpenApiParameter("version", type=int, description="A version number (default: current).")
    ]
)
class ProcedureDetailView(PublicAPIMixin, generics.RetrieveAPIView[ProcedureVersion]):
    """Return the full record of a procedure: documents, fees, time limits, legal basis, forms."""

    serializer_class = ProcedureDetailSerializer

    def get_object(self) -> ProcedureVersion:
        raw = self.request.query_params.get("version")
        number = None
        if raw is not None:
            if not raw.isdigit():
                raise ValidationError({"version": [_("version phải là số nguyên.")]})
            number = int(raw)
        try:
            return selectors.procedure_version_get(code=self.kwargs["code"], number=number)
        except ProcedureVersion.DoesNotExist:
            raise Http404 from None


class ProcedureVersionListView(PublicAPIMixin, generics.ListAPIView[ProcedureVersion]):
    """List the published versions of a procedure, newest first."""

    serializer_class = ProcedureVersionSummarySerializer

    def get_queryset(self) -> QuerySet[ProcedureVersion]:
        code = self.kwargs["code"]
        if not Procedure.objects.filter(code=code).exists():
            raise Http404
        return selectors.procedure_versions(code=code)


class FieldListView(PublicAPIMixin, generics.ListAPIView[Field]):
    """List the fields (lĩnh vực) with how many published procedures each has."""

    serializer_class = FieldSerializer

    def get_queryset(self) -> QuerySet[Field]:
        return selectors.field_list()
