"""Read API of periodic reports, scoped like the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.accounts.models import User
from dichvucong.dossiers.api.backoffice import IsVerifiedOfficer

from .. import selectors
from ..models import AgencyReport
from .serializers import PeriodSerializer, ReportSerializer


class FilesOrSupervises(BasePermission):
    """An officer who files reports for an agency or supervises."""

    message = _("Chỉ quản trị đơn vị, lãnh đạo phê duyệt và cán bộ giám sát xem được báo cáo.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not isinstance(user, User):
            return False
        access = selectors.report_access(user=user)
        request.report_access = access  # type: ignore[attr-defined]
        return access.any


@extend_schema(tags=["reports"], responses=PeriodSerializer(many=True))
class PeriodListView(APIView):
    """The report periods, with who has filed (supervisors) and the caller's own reports."""

    permission_classes = (IsVerifiedOfficer, FilesOrSupervises)

    def get(self, request: Request) -> Response:
        access: selectors.ReportAccess = request.report_access  # type: ignore[attr-defined]
        periods = list(selectors.period_list())
        summaries = selectors.period_summaries(periods=periods) if access.supervisor else {}
        own = selectors.own_reports_by_period(access=access, periods=periods)
        data = []
        for period in periods:
            reports = [
                {
                    "agency": row.agency.code,
                    "report": row.report.pk if row.report else None,
                    "status": row.report.status if row.report else "not_started",
                    "late": bool(row.report and row.report.late),
                }
                for row in own[period.pk]
            ]
            summary = summaries.get(period.pk)
            period.summary = summary.__dict__ if summary else None  # type: ignore[attr-defined]
            period.own_reports = reports  # type: ignore[attr-defined]
            data.append(period)
        return Response(PeriodSerializer(data, many=True).data)


@extend_schema(
    tags=["reports"],
    responses={
        200: ReportSerializer,
        404: OpenApiResponse(description="No such report among those the caller may read."),
    },
)
class ReportDetailView(APIView):
    """An agency's report: its figures (frozen once filed, live while a draft), its text."""

    permission_classes = (IsVerifiedOfficer, FilesOrSupervises)

    def get(self, request: Request, pk: int) -> Response:
        user = request.user
        assert isinstance(user, User)  # noqa: S101 - FilesOrSupervises checked it
        try:
            report = selectors.report_get_for_user(user=user, pk=pk)
        except AgencyReport.DoesNotExist:
            raise Http404 from None
        figures, report.figures_as_of = selectors.report_figures_shown(
            period=report.period, agency=report.agency, report=report
        )
        return Response(ReportSerializer(report, context={"figures": figures}).data)
