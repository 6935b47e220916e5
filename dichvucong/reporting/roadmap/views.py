"""The roadmap pages of the back office (/mot-cua/lo-trinh/).

Every officer reads them (the roadmap and its progress are public information); only
supervisors and staff import annexes. The views parse input, call selectors and
services, and render.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dichvucong.backoffice.access import is_verified
from dichvucong.documents.selectors import XLSX_CONTENT_TYPE
from dichvucong.reporting.charts import Series, grouped_bars

from . import selectors
from .annex_excel import PROGRESS_HEADERS, annex_workbook, progress_workbook
from .forms import AnnexFilterForm, AnnexImportForm, PlanTargetsForm, QualityForm, target_field_name
from .models import Plan
from .services import AnnexImportError, TargetSpec, annex_import_xlsx, plan_targets_set

View = Callable[..., HttpResponse]
ANNEX_PAGE_SIZE = 50


def _xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "roadmap/forbidden.html", {"message": message}, status=403)


def reader_required(view: View) -> View:
    """Let through verified officers and staff; others sign in, or get the 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_verified(request):
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not selectors.roadmap_can_read(user=request.user):
            return _forbidden(request, _("Trang lộ trình dành cho cán bộ, công chức."))
        return view(request, *args, **kwargs)

    return wrapped


def _plan(slug: str) -> Plan:
    try:
        return selectors.plan_get(slug=slug)
    except Plan.DoesNotExist:
        raise Http404 from None


@reader_required
def index(request: HttpRequest) -> HttpResponse:
    """List the plans; with a single plan, open it."""
    plans = list(selectors.plan_list())
    if len(plans) == 1:
        return redirect("roadmap:plan", slug=plans[0].slug)
    return render(request, "roadmap/index.html", {"plans": plans})


TARGET_COLOR = "#9db5da"
ACTUAL_COLOR = "#1f3d6b"
CHART_WIDTH = 520


def _charts(rows: list[selectors.ProgressRow]) -> list[tuple[str, SafeString]]:
    """Return, per tier and level, its title and the target and actual bars by year."""
    return [
        (
            series.label,
            grouped_bars(
                title=_("%(chart)s: chỉ tiêu và thực tế theo năm, chi tiết trong bảng bên dưới")
                % {"chart": series.label},
                labels=[str(point.year) for point in series.points],
                series=[
                    Series(
                        label=_("Chỉ tiêu"),
                        values=[point.target for point in series.points],
                        color=TARGET_COLOR,
                        css_class="bar-target",
                    ),
                    Series(
                        label=_("Thực tế"),
                        values=[point.actual for point in series.points],
                        color=ACTUAL_COLOR,
                        css_class="bar-actual",
                    ),
                ],
                width=CHART_WIDTH,
            ),
        )
        for series in selectors.progress_series(rows)
    ]


@reader_required
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a plan: progress by year, chart, behind-schedule list, quality view, annex."""
    plan = _plan(slug)
    rows = selectors.plan_progress(plan=plan)
    behind = list(selectors.annex_behind_schedule(plan=plan))

    start, end = selectors.default_quality_period(plan=plan)
    quality_form = QualityForm(
        request.GET or None,
        initial={
            "tu": start,
            "den": end,
            "it": plan.few_online_threshold,
            "nang": plan.upgrade_threshold,
        },
    )
    few = upgrade = None
    if quality_form.is_bound and quality_form.is_valid():
        start = quality_form.cleaned_data["tu"] or start
        end = quality_form.cleaned_data["den"] or end
        few = quality_form.cleaned_data["it"]
        upgrade = quality_form.cleaned_data["nang"]
        if start > end:
            start, end = end, start
    quality = selectors.quality_view(
        plan=plan, date_from=start, date_to=end, few_threshold=few, upgrade_threshold=upgrade
    )

    annex_form = AnnexFilterForm(request.GET or None, plan=plan)
    filters: dict[str, Any] = {}
    if annex_form.is_bound and annex_form.is_valid():
        data = annex_form.cleaned_data
        agency = data["co_quan"]
        filters = {
            "tier": data["cap"],
            "level": data["muc_do"],
            "year": data["nam"],
            "agency_id": agency.pk if agency is not None else None,
        }
    entries = selectors.annex_entry_list(plan=plan, **filters)
    page = Paginator(entries, ANNEX_PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)

    return render(
        request,
        "roadmap/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "headers": [str(h) for h in PROGRESS_HEADERS],
            "charts": _charts(rows),
            "behind": behind,
            "quality": quality,
            "quality_form": quality_form,
            "annex_form": annex_form,
            "page": page,
            "query": query.urlencode(),
            "can_edit": selectors.roadmap_can_edit(user=request.user),
        },
    )


@reader_required
def plan_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Download the progress table as Excel, the same rows as the page."""
    plan = _plan(slug)
    content = progress_workbook(plan=plan, rows=selectors.plan_progress(plan=plan))
    return _xlsx_download(content, f"lo-trinh-{plan.slug}.xlsx")


@reader_required
def annex_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Download the plan's annex list as Excel (also the template of the import)."""
    plan = _plan(slug)
    content = annex_workbook(plan=plan, entries=selectors.annex_entry_list(plan=plan))
    return _xlsx_download(content, f"phu-luc-{plan.slug}.xlsx")


@reader_required
@require_http_methods(["GET", "POST"])
def annex_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Import an annex list from Excel (supervisors and staff): all rows or none."""
    plan = _plan(slug)
    if not selectors.roadmap_can_edit(user=request.user):
        return _forbidden(
            request, _("Chỉ cán bộ giám sát (Sở Thông tin và Truyền thông) được nhập phụ lục.")
        )
    form = AnnexImportForm(request.POST or None, request.FILES or None)
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = annex_import_xlsx(
                plan=plan,
                content=form.cleaned_data["file"].read(),
                replace=form.cleaned_data["replace"],
            )
        except AnnexImportError as error:
            import_errors = [str(e) for e in error.errors]
        else:
            messages.success(
                request,
                _(
                    "Đã nhập phụ lục: %(created)s dòng mới, %(updated)s dòng cập nhật, "
                    "%(unchanged)s dòng không đổi, %(deleted)s dòng xóa."
                )
                % {
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "deleted": summary.deleted,
                },
            )
            return redirect(reverse("roadmap:plan", kwargs={"slug": plan.slug}) + "#phu-luc")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "roadmap/annex_import.html",
        {"plan": plan, "form": form, "import_errors": import_errors},
        status=status,
    )


@reader_required
@require_http_methods(["GET", "POST"])
def targets_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the plan's yearly targets (supervisors and staff): all or nothing."""
    plan = _plan(slug)
    if not selectors.roadmap_can_edit(user=request.user):
        return _forbidden(
            request, _("Chỉ cán bộ giám sát (Sở Thông tin và Truyền thông) được sửa chỉ tiêu.")
        )
    current = {
        target_field_name(t.year, t.tier, t.level): t.target
        for t in selectors.plan_target_list(plan=plan)
    }
    form = PlanTargetsForm(request.POST or None, plan=plan, initial_targets=current)
    if request.method == "POST" and form.is_valid():
        specs = []
        for name, value in form.cleaned_data.items():
            if value is None:
                continue
            year, tier, level = name.split("-")
            specs.append(TargetSpec(year=int(year), tier=tier, level=int(level), target=value))
        try:
            changed = plan_targets_set(plan=plan, targets=specs)
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages_)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu: %(n)s dòng thay đổi.") % {"n": changed})
            return redirect(reverse("roadmap:plan", kwargs={"slug": plan.slug}))
    status = 400 if request.method == "POST" else 200
    return render(request, "roadmap/targets_edit.html", {"plan": plan, "form": form}, status=status)
