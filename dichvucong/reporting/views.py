"""The statistics dashboard for officers and supervisors (/mot-cua/thong-ke/)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.backoffice.access import forbidden, officer_required
from dichvucong.organizations.models import Agency, Tier

from . import charts
from .dashboard import dashboard_build, headline_columns, table_columns
from .exports import dashboard_csv, dashboard_xlsx
from .forms import StatisticsFilterForm
from .selectors import statistics_query_for_officer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show (or export with ?format=xlsx|csv) the figures of the chosen period and filters."""
    user = request.user
    if not isinstance(user, User):  # officer_required let only officers through
        return forbidden(request)
    form = StatisticsFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request, "reporting/dashboard.html", {"form": form, "board": None}, status=400
        )
    try:
        query = statistics_query_for_officer(user=user, query=form.query())
    except PermissionDenied:
        return forbidden(request)
    board = dashboard_build(query=query, officer=user)
    name = f"thong-ke-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}"
    export = request.GET.get("format", "")
    if export == "xlsx":
        response = HttpResponse(dashboard_xlsx(board), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if export == "csv":
        response = HttpResponse(
            "\ufeff" + dashboard_csv(board), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    agencies = Agency.objects.local().order_by("name").only("code", "name")
    if query.agency_ids is not None:
        agencies = agencies.filter(pk__in=sorted(query.agency_ids))
    totals = board.totals
    month_labels = [f"{m.month:%m/%Y}" for m in board.months]
    params = request.GET.copy()
    params.pop("format", None)
    params.pop("agency", None)
    context = {
        "form": form,
        "board": board,
        "agencies": list(agencies),
        "tiers": Tier.choices,
        "headline": [(c.key, c.label, c.text(totals)) for c in headline_columns()],
        "columns": table_columns(),
        "agency_rows": [
            (r.agency, [c.text(r.figures) for c in table_columns()]) for r in board.agencies
        ],
        "procedure_rows": [
            (r.procedure, [c.text(r.figures) for c in table_columns()]) for r in board.procedures
        ],
        "slowest_agencies": board.slowest_agencies,
        "slowest_procedures": board.slowest_procedures,
        "base_query": params.urlencode(),
        "export_query": request.GET.urlencode(),
        "chart_months": charts.grouped_bars(
            title=_("Hồ sơ tiếp nhận và đã giải quyết theo tháng"),
            labels=month_labels,
            series=[
                charts.Series(
                    _("Tiếp nhận"), [m.figures.received for m in board.months], charts.COLORS[0]
                ),
                charts.Series(
                    _("Đã giải quyết"),
                    [m.figures.processed for m in board.months],
                    charts.COLORS[2],
                ),
                charts.Series(
                    _("Trễ hạn"), [m.figures.processed_late for m in board.months], charts.COLORS[3]
                ),
            ],
        ),
        "chart_timeliness": charts.stacked_bar(
            title=_("Kết quả giải quyết: trước hạn, đúng hạn, trễ hạn"),
            parts=[
                (_("Trước hạn"), totals.processed_early),
                (_("Đúng hạn"), totals.processed_on_time),
                (_("Trễ hạn"), totals.processed_late),
            ],
            colors=charts.TIMELINESS_COLORS,
        ),
        "chart_channels": charts.stacked_bar(
            title=_("Hình thức nộp hồ sơ"),
            parts=[
                (_("Trực tuyến"), totals.received_online),
                (_("Trực tiếp"), totals.received_direct),
                (_("Bưu chính"), totals.received_postal),
            ],
        ),
        "chart_distribution": charts.horizontal_bars(
            title=_("Phân bố thời gian giải quyết"),
            rows=[(b.label, b.count) for b in board.buckets],
        ),
    }
    return render(request, "reporting/dashboard.html", context)
