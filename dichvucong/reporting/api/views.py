"""The statistics API: totals and breakdowns for officers, scoped like the dashboard."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.dossiers.api.backoffice import IsVerifiedOfficer

from ..forms import StatisticsFilterForm
from ..selectors import (
    Figures,
    statistics_by_agency,
    statistics_by_month,
    statistics_figures,
    statistics_open_counts,
    statistics_query_for_officer,
)


def _figures_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    sample = Figures().as_dict()
    out: dict[str, serializers.Field[Any, Any, Any, Any]] = {}
    for name, value in sample.items():
        out[name] = (
            serializers.IntegerField()
            if isinstance(value, int)
            else serializers.FloatField(allow_null=True)
        )
    return out


FiguresSerializer = inline_serializer("StatisticsFigures", fields=_figures_fields())
StatisticsSerializer = inline_serializer(
    "Statistics",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "agency": serializers.CharField(allow_null=True),
        "tier": serializers.CharField(allow_null=True),
        "procedure": serializers.CharField(allow_null=True),
        "totals": FiguresSerializer,
        "by_agency": inline_serializer(
            "StatisticsAgencyRow",
            fields={
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "tier": serializers.CharField(),
                "figures": FiguresSerializer,
            },
            many=True,
        ),
        "by_month": inline_serializer(
            "StatisticsMonthRow",
            fields={"month": serializers.CharField(), "figures": FiguresSerializer},
            many=True,
        ),
    },
)


class StatisticsView(APIView):
    """Figures of a period for the province, an agency, a tier or a procedure."""

    permission_classes = [IsVerifiedOfficer]

    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Thống kê hồ sơ theo kỳ",
        description=(
            "Totals and breakdowns (by agency, by month) of the dossiers of a period "
            "(Vietnam-time days, inclusive). A supervisor reads every agency; another "
            "officer only their own agencies (403 otherwise). Definitions: docs/statistics.md."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default 1 Jan)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default today)."),
            OpenApiParameter("agency", str, description="Receiving agency code."),
            OpenApiParameter("tier", str, enum=["province", "district", "commune"]),
            OpenApiParameter("procedure", str, description="Procedure code."),
        ],
        responses={
            200: StatisticsSerializer,
            400: OpenApiResponse(description="A parameter is malformed or unknown."),
            403: OpenApiResponse(description="Not an officer, or another agency's figures."),
        },
        tags=["statistics"],
    )
    def get(self, request: Request) -> Response:
        form = StatisticsFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.param_errors())
        query = statistics_query_for_officer(user=request.user, query=form.query())  # type: ignore[arg-type]
        open_counts = statistics_open_counts(query=query)
        totals = statistics_figures(query=query, open_counts=open_counts)
        return Response(
            {
                "from": query.date_from.isoformat(),
                "to": query.date_to.isoformat(),
                "agency": form.cleaned_data["agency"] or None,
                "tier": query.tier,
                "procedure": form.cleaned_data["procedure"] or None,
                "totals": totals.as_dict(),
                "by_agency": [
                    {
                        "code": row.agency.code,
                        "name": row.agency.name,
                        "tier": row.agency.tier,
                        "figures": row.figures.as_dict(),
                    }
                    for row in statistics_by_agency(query=query, open_counts=open_counts)
                ],
                "by_month": [
                    {"month": f"{row.month:%Y-%m}", "figures": row.figures.as_dict()}
                    for row in statistics_by_month(query=query)
                ],
            }
        )
