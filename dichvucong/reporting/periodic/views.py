"""Pages of periodic reports under /mot-cua/bao-cao/ (thin: parse, call, render).

Agencies' administrators and approvers write and file their agency's report;
supervisors see who has filed, open periods, send a report back, and read the
consolidated provincial report. Everything exports to Excel and PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts.models import User
from dichvucong.backoffice.access import officer_required
from dichvucong.core.models import today
from dichvucong.organizations.models import Agency

from . import exports, selectors, services
from .figures import SUMMARY_ROWS, figure_cells, figure_lines
from .forms import NarrativeForm, PeriodCreateForm, ReopenForm
from .models import ReportPeriod

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def reports_required(view: View) -> View:
    """Let through verified officers who file reports or supervise; 403 for the others."""

    @officer_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = selectors.report_access(user=_user(request))
        if not access.any:
            return render(request, "periodic_reports/forbidden.html", status=403)
        return view(request, access, *args, **kwargs)

    return wrapped


def _period_or_404(pk: int) -> ReportPeriod:
    try:
        return selectors.period_get(pk=pk)
    except ReportPeriod.DoesNotExist:
        raise Http404(_("Không có kỳ báo cáo này.")) from None


def _agency_or_404(access: selectors.ReportAccess, code: str) -> Agency:
    try:
        return selectors.report_agency_for_user(access=access, agency_code=code)
    except Agency.DoesNotExist:
        raise Http404(_("Không có báo cáo này.")) from None


@reports_required
@require_http_methods(["GET"])
def index(request: HttpRequest, access: selectors.ReportAccess) -> HttpResponse:
    """List the periods: with who has filed for supervisors, with the own reports otherwise."""
    periods = list(selectors.period_list())
    own = selectors.own_reports_by_period(access=access, periods=periods)
    summary = selectors.period_summaries(periods=periods) if access.supervisor else {}
    rows = [
        {"period": period, "mine": own[period.pk], "summary": summary.get(period.pk)}
        for period in periods
    ]
    context = {
        "access": access,
        "rows": rows,
        "create_form": PeriodCreateForm() if access.supervisor else None,
    }
    return render(request, "periodic_reports/index.html", context)


@reports_required
@require_POST
def period_create(request: HttpRequest, access: selectors.ReportAccess) -> HttpResponse:
    """Open a period (supervisors): the kind, the year and, optionally, other dates."""
    if not access.supervisor:
        raise PermissionDenied
    form = PeriodCreateForm(request.POST)
    if form.is_valid():
        try:
            period, created = services.report_period_create(
                **form.cleaned_data, actor=_user(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("Đã mở %(title)s.") % {"title": period.title})
            else:
                messages.info(request, _("%(title)s đã có từ trước.") % {"title": period.title})
            return redirect("periodic_reports:period", period.pk)
    return render(request, "periodic_reports/period_create.html", {"create_form": form}, status=400)


@reports_required
@require_http_methods(["GET"])
def period_detail(request: HttpRequest, access: selectors.ReportAccess, pk: int) -> HttpResponse:
    """Show who has filed for the period (supervisors); officers go to their own report."""
    period = _period_or_404(pk)
    if not access.supervisor:
        agencies = selectors.filing_agencies(access=access)
        if not agencies:
            raise Http404
        return redirect("periodic_reports:report", period.pk, agencies[0].code)
    rows = selectors.period_filing_rows(period=period)
    counts = {
        state: sum(1 for r in rows if r.state == state)
        for state in ("on_time", "late", "draft", "not_started", "overdue")
    }
    context = {"period": period, "rows": rows, "counts": counts, "total": len(rows)}
    return render(request, "periodic_reports/period_detail.html", context)


def _report_context(
    request: HttpRequest, access: selectors.ReportAccess, period: ReportPeriod, agency: Agency
) -> dict[str, Any]:
    report = selectors.report_find(period=period, agency=agency)
    figures, as_of = selectors.report_figures_shown(period=period, agency=agency, report=report)
    may_edit = access.may_file(agency.pk) and (report is None or not report.is_submitted)
    base = reverse("periodic_reports:report", args=[period.pk, agency.code])
    return {
        "period": period,
        "agency": agency,
        "report": report,
        "figures": figures,
        "lines": figure_lines(figures),
        "as_of": as_of,
        "may_edit": may_edit,
        "may_reopen": access.supervisor and report is not None and report.is_submitted,
        "events": selectors.report_events(report=report) if report is not None else [],
        "overdue": (report is None or not report.is_submitted) and today() > period.due_on,
        "exports": [("Excel", base + "xlsx/"), ("PDF", base + "pdf/")],
        "access": access,
    }


@reports_required
@require_http_methods(["GET", "POST"])
def report_detail(
    request: HttpRequest, access: selectors.ReportAccess, pk: int, code: str
) -> HttpResponse:
    """An agency's report: the figures, the narrative form, filing; read-only once filed."""
    period = _period_or_404(pk)
    agency = _agency_or_404(access, code)
    if request.method == "POST":
        if not access.may_file(agency.pk):
            raise Http404(_("Không có báo cáo này."))
        form = NarrativeForm(request.POST)
        if form.is_valid():
            narrative = services.Narrative(**form.cleaned_data)
            try:
                if "submit" in request.POST:
                    report, filed = services.agency_report_submit(
                        period=period, agency=agency, actor=_user(request), narrative=narrative
                    )
                    if not filed:
                        messages.info(request, _("Báo cáo đã được nộp trước đó."))
                    elif report.late:
                        messages.warning(
                            request,
                            _("Đã nộp báo cáo. Báo cáo nộp sau hạn, được ghi nhận nộp muộn."),
                        )
                    else:
                        messages.success(request, _("Đã nộp báo cáo."))
                else:
                    services.agency_report_save(
                        period=period, agency=agency, narrative=narrative, actor=_user(request)
                    )
                    messages.success(request, _("Đã lưu báo cáo."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("periodic_reports:report", period.pk, agency.code)
        context = _report_context(request, access, period, agency)
        context["form"] = form
        return render(request, "periodic_reports/report_detail.html", context, status=400)
    context = _report_context(request, access, period, agency)
    report = context["report"]
    initial = {name: getattr(report, name) for name in services.NARRATIVE_FIELDS} if report else {}
    context["form"] = NarrativeForm(initial=initial)
    context["reopen_form"] = ReopenForm()
    return render(request, "periodic_reports/report_detail.html", context)


@reports_required
@require_POST
def report_reopen(
    request: HttpRequest, access: selectors.ReportAccess, pk: int, code: str
) -> HttpResponse:
    """Send a filed report back to its agency for correction (supervisors)."""
    period = _period_or_404(pk)
    agency = _agency_or_404(access, code)
    if not access.supervisor:
        raise PermissionDenied
    report = selectors.report_find(period=period, agency=agency)
    if report is None:
        raise Http404
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.agency_report_reopen(
                report=report, actor=_user(request), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã trả lại báo cáo để cơ quan bổ sung."))
    else:
        messages.error(request, _("Ghi rõ nội dung cần bổ sung, chỉnh sửa."))
    return redirect("periodic_reports:report", period.pk, agency.code)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@reports_required
@require_http_methods(["GET"])
def report_export(
    request: HttpRequest, access: selectors.ReportAccess, pk: int, code: str, fmt: str
) -> HttpResponse:
    """The agency's report as Excel or PDF, with the figures the page shows."""
    period = _period_or_404(pk)
    agency = _agency_or_404(access, code)
    context = _report_context(request, access, period, agency)
    data = exports.AgencyReportDocument(
        period=period,
        agency=agency,
        report=context["report"],
        figures=context["figures"],
        as_of=context["as_of"],
    )
    name = f"bao-cao-{period.kind}-{period.year}-{agency.code}"
    if fmt == "xlsx":
        return _download(exports.agency_report_xlsx(data), f"{name}.xlsx", XLSX)
    return _download(exports.agency_report_pdf(data), f"{name}.pdf", "application/pdf")


def _consolidated(access: selectors.ReportAccess, pk: int) -> selectors.ConsolidatedReport:
    if not access.supervisor:
        raise PermissionDenied
    return selectors.report_consolidated_compute(period=_period_or_404(pk))


@reports_required
@require_http_methods(["GET"])
def consolidated(request: HttpRequest, access: selectors.ReportAccess, pk: int) -> HttpResponse:
    """The consolidated provincial report of a period (supervisors)."""
    report = _consolidated(access, pk)
    base = reverse("periodic_reports:consolidated", args=[pk])
    context = {
        "consolidated": report,
        "period": report.period,
        "lines": figure_lines(report.totals),
        "columns": SUMMARY_ROWS,
        "table": [{"row": row, "cells": figure_cells(row.figures)} for row in report.rows],
        "exports": [("Excel", base + "xlsx/"), ("PDF", base + "pdf/")],
    }
    return render(request, "periodic_reports/consolidated.html", context)


@reports_required
@require_http_methods(["GET"])
def consolidated_export(
    request: HttpRequest, access: selectors.ReportAccess, pk: int, fmt: str
) -> HttpResponse:
    """The consolidated report as Excel or PDF (supervisors)."""
    report = _consolidated(access, pk)
    name = f"bao-cao-tong-hop-{report.period.kind}-{report.period.year}"
    if fmt == "xlsx":
        return _download(exports.consolidated_xlsx(report), f"{name}.xlsx", XLSX)
    issuer = selectors.supervisor_agency(user=_user(request))
    pdf = exports.consolidated_pdf(report, issuer=issuer)
    return _download(pdf, f"{name}.pdf", "application/pdf")
