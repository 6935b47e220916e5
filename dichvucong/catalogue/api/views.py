"""Read API of the catalogue: thin views over the selectors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from dichvucong.core.cache import cache_key, cached
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
    data = form.cleaned_data
    return selectors.ProcedureFilters(
        search=data["search"],
        agency=data["agency"],
        tier=data["tier"],
        field=data["field"],
        level=data["level"],
        applicant_type=data["applicant_type"],
    )


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
class ProcedureListView(generics.ListAPIView[Procedure]):
    """Search the published procedures."""

    serializer_class = ProcedureListSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        filters = filters_from_query(self.request.query_params.dict())
        return selectors.procedure_list_qs(selectors.procedure_search(filters=filters))

    def list(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """Answer JSON from the public-data cache: the same searches come again and again.

        The rendered JSON is cached, so a repeated search costs one cache read. The
        browsable HTML rendering is not cached.
        """
        if not isinstance(request.accepted_renderer, JSONRenderer):
            return super().list(request, *args, **kwargs)
        key = cache_key(
            "api-procedure-list",
            get_language() or "",
            request.build_absolute_uri("/"),
            urlencode(sorted(request.query_params.lists()), doseq=True),
        )

        def render() -> bytes:
            data = super(ProcedureListView, self).list(request, *args, **kwargs).data
            return JSONRenderer().render(data)

        return HttpResponse(cached(key, render), content_type="application/json")


@extend_schema(
    parameters=[
        OpenApiParameter("version", type=int, description="A version number (default: current).")
    ]
)
class ProcedureDetailView(generics.RetrieveAPIView[ProcedureVersion]):
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


class ProcedureVersionListView(generics.ListAPIView[ProcedureVersion]):
    """List the published versions of a procedure, newest first."""

    serializer_class = ProcedureVersionSummarySerializer

    def get_queryset(self) -> QuerySet[ProcedureVersion]:
        code = self.kwargs["code"]
        if not Procedure.objects.filter(code=code).exists():
            raise Http404
        return selectors.procedure_versions(code=code)


class FieldListView(generics.ListAPIView[Field]):
    """List the fields (lĩnh vực) with how many published procedures each has."""

    serializer_class = FieldSerializer

    def get_queryset(self) -> QuerySet[Field]:
        return selectors.field_list()
