"""The roadmap's public API: a plan's progress, year by year.

Public: a province's roadmap and how far it has come are public information (the
decision is published, and the reports it asks for go to the People's Committee).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.core.api.views import PublicAPIMixin

from .. import selectors
from ..models import Plan
from .serializers import RoadmapProgressRowSerializer


def _year_param(request: Request, plan: Plan) -> int | None:
    raw = request.query_params.get("year", "")
    if raw == "":
        return None
    if not raw.isdigit() or int(raw) not in plan.years:
        raise ValidationError(
            {
                "year": [
                    _("“%(value)s” không phải là một năm của lộ trình (%(first)s-%(last)s).")
                    % {"value": raw, "first": plan.first_year, "last": plan.last_year}
                ]
            }
        )
    return int(raw)


class PlanProgressView(PublicAPIMixin, APIView):
    """Return the plan's targets by year, tier and level, with the services really there."""

    @extend_schema(
        operation_id="roadmap_plan_progress",
        parameters=[
            OpenApiParameter("year", int, description="only this year of the plan"),
        ],
        responses={200: RoadmapProgressRowSerializer(many=True)},
    )
    def get(self, request: Request, plan: str) -> Response:
        try:
            found = selectors.plan_get(slug=plan)
        except Plan.DoesNotExist:
            raise Http404 from None
        rows = selectors.plan_progress(plan=found, year=_year_param(request, found))
        data: Any = RoadmapProgressRowSerializer(rows, many=True).data
        return Response(data)
