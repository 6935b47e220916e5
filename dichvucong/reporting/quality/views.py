"""The public transparency pages (/cong-khai/) and the open data downloads.

No login: everything shown is a figure per agency or procedure, never a dossier.
Computed reports are kept in the public cache for PUBLIC_CACHE_SECONDS, so the figures
shown may be up to that old.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dichvucong.core.cache import cache_key
from dichvucong.organizations.models import Agency, Tier
from dichvucong.organizations.selectors import agency_get
from dichvucong.reporting.charts import Series, grouped_bars
from dichvucong.reporting.selectors import PeriodFigures, StatisticsQuery, statistics_by_month

from .models import IndexSet
from .opendata import DATASETS, LICENCE_NAME, LICENCE_URL, dataset_csv, open_data_document_get
from .params import PublicQuery, public_query_parse
from .periods import PARTS, ParameterError, part_labels
from .selectors import QualityReport, index_set_active, quality_report

SORTS = {
    "name": lambda a: a.agency.name,
    "received": lambda a: a.facts.received,
    "on_time": lambda a: a.on_time_share if a.on_time_share is not None else Decimal(-1),
    "satisfaction": lambda a: (
        a.satisfaction_share if a.satisfaction_share is not None else Decimal(-1)
    ),
    "score": lambda a: a.score if a.score is not None else Decimal(-1),
}


def _report(
    query: PublicQuery, index_set: IndexSet | None, *, with_province: bool = True
) -> QualityReport:
    """Return the report of `query`, from the public cache when it is there."""
    key = cache_key(
        "quality-report",
        get_language() or "",
        query.period.date_from.isoformat(),
        query.period.date_to.isoformat(),
        query.agency.code if query.agency else "",
        query.tier,
        index_set.code if index_set else "",
        str(with_province),
    )
    public = caches["public"]
    report: QualityReport | None = public.get(key)
    if report is None:
        report = quality_report(
            period=query.period,
            index_set=index_set,
            agency=query.agency,
            tier=query.tier,
            with_province=with_province,
        )
        public.set(key, report, timeout=settings.PUBLIC_CACHE_SECONDS)
    return report


def _period_choices(query: PublicQuery) -> dict[str, Any]:
    return {
        "years": list(range(timezone.localdate().year, 2014, -1)),
        "parts": [(code, part_labels()[code]) for code in PARTS],
        "tiers": Tier.choices,
        "selected_year": query.period.year,
        "selected_part": query.period.part,
        "selected_tier": query.tier,
    }


def _error_page(request: HttpRequest, error: ParameterError) -> HttpResponse:
    return render(
        request,
        "service_quality/bad_request.html",
        {"error": error},
        status=400,
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The province's agencies: on-time share, satisfaction and index score."""
    try:
        query = public_query_parse(request.GET, allow_range=False)
    except ParameterError as error:
        return _error_page(request, error)
    if query.agency is not None:
        query = PublicQuery(period=query.period, tier=query.tier)
    index_set = index_set_active()
    report = _report(query, index_set)
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = "score" if index_set is not None else "name"
    descending = request.GET.get("order", "desc" if sort != "name" else "asc") == "desc"
    agencies = sorted(report.agencies, key=SORTS[sort], reverse=descending)
    params = request.GET.copy()
    params.pop("sort", None)
    params.pop("order", None)
    context = {
        "report": report,
        "agencies": agencies,
        "headers": _sort_headers(params.urlencode(), sort, descending),
        "sort": sort,
        "sort_choices": _sort_choices(has_index=index_set is not None),
        "period_query": _period_query(query),
        **_period_choices(query),
    }
    return render(request, "service_quality/index.html", context)


def _sort_choices(*, has_index: bool) -> list[tuple[str, str]]:
    """Return the sort keys of the form (phones have no column headers to click)."""
    choices = [
        ("score", _("Điểm chỉ số cao nhất")),
        ("on_time", _("Tỷ lệ đúng hạn cao nhất")),
        ("satisfaction", _("Tỷ lệ hài lòng cao nhất")),
        ("received", _("Nhiều hồ sơ nhất")),
        ("name", _("Tên cơ quan")),
    ]
    return choices if has_index else choices[1:]


def _sort_headers(base: str, sort: str, descending: bool) -> dict[str, dict[str, str]]:
    """Return, per sortable column, the link that sorts by it and its aria-sort value."""
    headers = {}
    for key in SORTS:
        if key == sort:
            order = "asc" if descending else "desc"
            aria = "descending" if descending else "ascending"
        else:
            order = "asc" if key == "name" else "desc"
            aria = "none"
        query = f"{base}&" if base else ""
        headers[key] = {"url": f"?{query}sort={key}&order={order}", "aria": aria}
    return headers


def _period_query(query: PublicQuery) -> str:
    return urlencode({"year": query.period.year, "period": query.period.part})


@require_GET
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One agency's figures, index by group and indicator, and its months."""
    try:
        agency = agency_get(code=code)
    except Agency.DoesNotExist:
        raise Http404 from None
    try:
        query = public_query_parse(request.GET, allow_range=False)
    except ParameterError as error:
        return _error_page(request, error)
    query = PublicQuery(period=query.period, agency=agency)
    index_set = index_set_active()
    report = _report(query, index_set, with_province=False)
    months = statistics_by_month(
        query=StatisticsQuery(
            date_from=query.period.date_from, date_to=query.period.date_to, agency_id=agency.pk
        )
    )
    context = {
        "agency": agency,
        "report": report,
        "quality": report.agencies[0],
        "months": months,
        "chart": _month_chart(months),
        "period_query": _period_query(query),
        **_period_choices(query),
    }
    return render(request, "service_quality/agency_detail.html", context)


RECEIVED_COLOR = "#0b57a4"
PROCESSED_COLOR = "#1e7b3b"
CHART_WIDTH = 576


def _month_chart(months: list[PeriodFigures]) -> SafeString:
    """Return the received and processed bars, one pair per month."""
    return grouped_bars(
        title=_("Số hồ sơ tiếp nhận và đã giải quyết mỗi tháng"),
        labels=[f"{month.month:%m}" for month in months],  # the year is the page's period
        series=[
            Series(
                label=_("Tiếp nhận"),
                values=[month.figures.received for month in months],
                color=RECEIVED_COLOR,
                css_class="received",
            ),
            Series(
                label=_("Đã giải quyết"),
                values=[month.figures.processed for month in months],
                color=PROCESSED_COLOR,
                css_class="processed",
            ),
        ],
        width=CHART_WIDTH,
    )


@require_GET
def method(request: HttpRequest) -> HttpResponse:
    """What each indicator of the active set measures and how many points it carries."""
    index_set = index_set_active()
    return render(request, "service_quality/method.html", {"index_set": index_set})


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """The open datasets: what each holds, its columns, the download links."""
    try:
        query = public_query_parse(request.GET, allow_range=False)
    except ParameterError as error:
        return _error_page(request, error)
    datasets = [(dataset, dataset.columns()) for dataset in DATASETS.values()]
    context = {
        "datasets": datasets,
        "period_query": _period_query(query),
        "period": query.period,
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        **_period_choices(query),
    }
    return render(request, "service_quality/open_data.html", context)


def open_data_error(error: ParameterError) -> JsonResponse:
    """Return the project's API error shape for a bad parameter (HTTP 400)."""
    return JsonResponse(
        {
            "detail": _("Tham số không hợp lệ: %(names)s.") % {"names": error.parameter},
            "errors": {error.parameter: [error.message]},
        },
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def open_data_download(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """Download dataset `slug` as CSV or JSON."""
    if slug not in DATASETS:
        raise Http404
    try:
        document = open_data_document_get(slug=slug, params=request.GET.dict())
    except ParameterError as error:
        return open_data_error(error)
    period = document["period"]
    filename = f"{slug}_{period['from']}_{period['to']}.{extension}"
    if extension == "csv":
        response = HttpResponse(dataset_csv(document), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
