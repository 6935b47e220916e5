"""The citizens' portal: server-rendered pages over the catalogue selectors."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from dichvucong.catalogue import levels, selectors
from dichvucong.catalogue.forms import ProcedureFilterForm
from dichvucong.catalogue.models import FormTemplate, Procedure, ProcedureVersion
from dichvucong.catalogue.services import procedure_record_view
from dichvucong.organizations.models import Agency, AgencyKind, Tier
from dichvucong.organizations.selectors import agency_get, agency_list

PAGE_SIZE = 20


def _filtered_procedures(
    request: HttpRequest, *, agency: Agency | None = None
) -> tuple[ProcedureFilterForm, Page[Procedure] | None]:
    form = ProcedureFilterForm(request.GET or None)
    if agency is None:
        form.group_agency_choices()
    filters = selectors.ProcedureFilters(agency=agency)
    if form.is_bound:
        if not form.is_valid():
            return form, None
        filters = form.to_filters(agency=agency)
    queryset = selectors.procedure_list_qs(selectors.procedure_search(filters=filters))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return form, page


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "form": ProcedureFilterForm(),
        "popular": selectors.procedure_popular(limit=8),
        "figures": selectors.catalogue_figures(),
        "agency_count": agency_list().exclude(kind=AgencyKind.ONE_STOP_UNIT).count(),
        "departments": agency_list(tier=Tier.PROVINCE).exclude(kind=AgencyKind.ONE_STOP_UNIT),
        "districts": agency_list(tier=Tier.DISTRICT, kind=AgencyKind.PEOPLE_COMMITTEE),
    }
    return render(request, "portal/home.html", context)


@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    form, page = _filtered_procedures(request)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "portal/procedure_search.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
        status=status,
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    try:
        version = selectors.procedure_version_get(code=code, number=number)
    except ProcedureVersion.DoesNotExist:
        raise Http404(_("Không có thủ tục này.")) from None
    procedure = version.procedure
    if number is None:
        procedure_record_view(procedure=procedure)
    assessment = levels.assess(procedure, version)
    context = {
        "version": version,
        "procedure": procedure,
        "is_current": procedure.current_version_id == version.pk,
        "versions": selectors.procedure_versions(code=code),
        "cases": list(version.cases.all()),
        "assessment": assessment,
        "unmet_level_1": assessment.unmet_for(1),
        "unmet_level_2": assessment.unmet_for(2),
    }
    return render(request, "portal/procedure_detail.html", context)


@require_GET
def agency_index(request: HttpRequest) -> HttpResponse:
    counts = selectors.agency_procedure_counts()
    agencies = list(agency_list().exclude(kind=AgencyKind.ONE_STOP_UNIT))
    for agency in agencies:
        agency.procedure_count = counts.get(agency.pk, 0)  # type: ignore[attr-defined]
    provincial = [a for a in agencies if a.tier == Tier.PROVINCE]
    communes: dict[int | None, list[Agency]] = defaultdict(list)
    for agency in agencies:
        if agency.tier == Tier.COMMUNE:
            communes[agency.parent_id].append(agency)
    groups = [(a, communes[a.pk]) for a in agencies if a.tier == Tier.DISTRICT]
    return render(
        request, "portal/agency_index.html", {"provincial": provincial, "district_groups": groups}
    )


def _agency_or_404(code: str) -> Agency:
    try:
        return agency_get(code=code)
    except Agency.DoesNotExist:
        raise Http404(_("Không có cơ quan này.")) from None


@require_GET
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency_or_404(code)
    form, page = _filtered_procedures(request, agency=agency)
    embed_url = request.build_absolute_uri(reverse("portal:agency-embed", args=[agency.code]))
    context = {
        "agency": agency,
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "embed_url": embed_url,
        "one_stop_units": agency.children.filter(kind=AgencyKind.ONE_STOP_UNIT),
        "sub_agencies": agency.children.exclude(kind=AgencyKind.ONE_STOP_UNIT).order_by("code"),
    }
    return render(request, "portal/agency_detail.html", context)


@require_GET
@xframe_options_exempt
def agency_embed(request: HttpRequest, code: str) -> HttpResponse:
    """The list of an agency's procedures, made to be framed by the agency's own website."""
    agency = _agency_or_404(code)
    form, page = _filtered_procedures(request, agency=agency)
    response = render(
        request,
        "portal/agency_embed.html",
        {"agency": agency, "form": form, "page": page, "query": _query_without_page(request)},
    )
    response["Content-Security-Policy"] = "frame-ancestors *"
    return response


@require_GET
def form_download(request: HttpRequest, pk: int) -> FileResponse:
    form = FormTemplate.objects.filter(pk=pk).exclude(file="").first()
    if form is None:
        raise Http404(_("Không có biểu mẫu này."))
    handle = form.file.open("rb")
    filename = (form.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)
