"""The statistics dashboard for officers and supervisors (/mot-cua/thong-ke/)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dichvucong.accounts.models import User
from dichvucong.backoffice.access import forbidden, officer_required
from dichvucong.organizations.models import Agency, Tier

from . import charts
from .dashboard import dashboard_build, headline_columns, table_columns
from .exports import dashboard_csv, dashboard_xlsx
from .forms import StatisticsFilterForm
from .selectors import statistics_query_for_officer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query_without(request: HttpRequest, name: str) -> str:
    """Return the page's query string without `name`, for a link that sets it anew."""
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()


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
    columns = table_columns()
    context = {
        "form": form,
        "board": board,
        "agencies": list(agencies),
        "tiers": Tier.choices,
        "headline": [(c.key, c.label, c.text(board.totals)) for c in headline_columns()],
        "columns": columns,
        "agency_rows": [(r.agency, [c.text(r.figures) for c in columns]) for r in board.agencies],
        "procedure_rows": [
            (r.procedure, [c.text(r.figures) for c in columns]) for r in board.procedures
        ],
        "slowest_agencies": board.slowest_agencies,
        "slowest_procedures": board.slowest_procedures,
        "agency_query": _query_without(request, "agency"),
        "procedure_query": _query_without(request, "procedure"),
        "export_query": request.GET.urlencode(),
        **charts.dashboard_charts(board),
    }
    return render(request, "reporting/dashboard.html", context)
