"""Open data API: the public statistics and the service quality index as JSON."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.core.api.views import PublicAPIMixin
from dichvucong.organizations.models import Tier

from ..opendata import DATASETS, open_data_document_get
from ..periods import PARTS, ParameterError

PARAMETERS = [
    OpenApiParameter(
        "dataset",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        enum=list(DATASETS),
        description="agencies-monthly, procedures or quality-index",
    ),
    OpenApiParameter("year", int, description="default: the latest past year with figures"),
    OpenApiParameter("period", enum=list(PARTS), description="part of the year (default year)"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="instead of year: first day"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="instead of year: last day"),
    OpenApiParameter("agency", description="agency code"),
    OpenApiParameter("tier", enum=Tier.values),
]


class OpenDataView(PublicAPIMixin, APIView):
    """Return one open dataset: its description, schema, licence and rows."""

    @extend_schema(
        operation_id="open_data_retrieve",
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, dataset: str) -> Response:
        if dataset not in DATASETS:
            raise Http404
        try:
            document = open_data_document_get(slug=dataset, params=request.query_params.dict())
        except ParameterError as error:
            raise ValidationError({error.parameter: [error.message]}) from None
        return Response(document)


class OpenDataListView(PublicAPIMixin, APIView):
    """List the open datasets with their schema."""

    @extend_schema(operation_id="open_data_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "datasets": [
                    {
                        "dataset": d.slug,
                        "title": str(d.title),
                        "description": str(d.description),
                        "schema": [
                            {"name": c.name, "type": c.type, "description": str(c.description)}
                            for c in d.columns()
                        ],
                    }
                    for d in DATASETS.values()
                ]
            }
        )
