"""Reads of periodic reports. Each read that needs a permission checks it here.

Who may do what (docs/periodic-reports.md):

- an agency's administrator (`agency_admin`) and its leaders who sign (`approver`) read,
  edit and file their own agency's reports;
- supervisors read every agency's reports, see who has filed and who is late, create
  periods, send a filed report back for correction, and produce the consolidated
  provincial report;
- nobody else reads a report: another agency's report does not exist for them (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from dichvucong.accounts.models import Membership, Role, User
from dichvucong.catalogue.models import Procedure
from dichvucong.core.models import today
from dichvucong.organizations.models import Agency, AgencyKind, Tier
from dichvucong.reporting.selectors import (
    Figures,
    StatisticsQuery,
    statistics_by_agency,
    statistics_figures,
)

from .figures import ReportFigures, figures_sum
from .models import AgencyReport, AgencyReportEvent, ReportPeriod, ReportStatus

# The roles that write and file an agency's report.
FILING_ROLES: tuple[str, ...] = (Role.AGENCY_ADMIN, Role.APPROVER)


@dataclass(frozen=True)
class ReportAccess:
    """What the user may do with periodic reports, from their memberships (one query)."""

    user_id: int
    filing_agency_ids: frozenset[int]
    supervisor: bool

    @property
    def any(self) -> bool:
        return self.supervisor or bool(self.filing_agency_ids)

    def may_read(self, agency_id: int) -> bool:
        return self.supervisor or agency_id in self.filing_agency_ids

    def may_file(self, agency_id: int) -> bool:
        return agency_id in self.filing_agency_ids


def report_access(*, user: User) -> ReportAccess:
    """Return the user's access to periodic reports (read from the database each time)."""
    filing: set[int] = set()
    supervisor = False
    if user.is_authenticated and user.is_active:
        for agency_id, role in Membership.objects.filter(user_id=user.pk).values_list(
            "agency_id", "role"
        ):
            if role == Role.SUPERVISOR:
                supervisor = True
            elif role in FILING_ROLES:
                filing.add(agency_id)
    return ReportAccess(
        user_id=user.pk or 0, filing_agency_ids=frozenset(filing), supervisor=supervisor
    )


def supervisor_agency(*, user: User) -> Agency | None:
    """Return the agency the user supervises for (the issuer of a consolidated report)."""
    membership = (
        Membership.objects.filter(user_id=user.pk, role=Role.SUPERVISOR)
        .select_related("agency")
        .order_by("agency__code")
        .first()
    )
    return membership.agency if membership is not None else None


def reporting_agencies(*, on: date | None = None) -> QuerySet[Agency]:
    """Return the agencies that file periodic reports, by code.

    The provincial departments (sở, ban, ngành) and the district People's Committees
    (which report for their communes), as the seed decision lists them; in force on `on`.
    """
    return (
        Agency.objects.valid_on(on)
        .local()
        .filter(
            Q(kind=AgencyKind.DEPARTMENT, tier=Tier.PROVINCE)
            | Q(kind=AgencyKind.PEOPLE_COMMITTEE, tier=Tier.DISTRICT)
        )
        .order_by("code")
    )


def period_list() -> QuerySet[ReportPeriod]:
    """Return every period, the latest first."""
    return ReportPeriod.objects.order_by("-year", "-due_on", "-pk")


def period_get(*, pk: int) -> ReportPeriod:
    """Return a period; raise ReportPeriod.DoesNotExist."""
    return ReportPeriod.objects.get(pk=pk)


def report_agency_for_user(*, access: ReportAccess, agency_code: str) -> Agency:
    """Return the agency whose reports the user may read; raise Agency.DoesNotExist."""
    agency = Agency.objects.select_related("administrative_unit", "parent").get(code=agency_code)
    if not access.may_read(agency.pk):
        raise Agency.DoesNotExist
    return agency


def report_find(*, period: ReportPeriod, agency: Agency) -> AgencyReport | None:
    """Return the agency's report for the period, if it has been started."""
    return (
        AgencyReport.objects.select_related("submitted_by")
        .filter(period=period, agency=agency)
        .first()
    )


def report_get_for_user(*, user: User, pk: int) -> AgencyReport:
    """Return a report the user may read; raise AgencyReport.DoesNotExist otherwise."""
    access = report_access(user=user)
    report = AgencyReport.objects.select_related(
        "period", "agency", "agency__administrative_unit", "agency__parent", "submitted_by"
    ).get(pk=pk)
    if not access.may_read(report.agency_id):
        raise AgencyReport.DoesNotExist
    return report


def report_events(*, report: AgencyReport) -> list[AgencyReportEvent]:
    """Return the report's log, oldest first, with the actors."""
    return list(report.events.select_related("actor").order_by("pk"))


def figures_as_of(*, period: ReportPeriod, on: date | None = None) -> date:
    """Return the last day the figures of a report written on `on` (today) can cover."""
    return min(period.covers_to, on or today())


# --- Computing the figures -------------------------------------------------------------


def _services_by_agency(agency_ids: list[int] | None) -> dict[int, tuple[int, int]]:
    """Return, per agency, its published procedures at level 3 and at level 4."""
    rows = Procedure.objects.filter(current_version__isnull=False, level__gte=3)
    if agency_ids is not None:
        rows = rows.filter(current_version__agencies__in=agency_ids)
    counts: dict[int, list[int]] = {}
    for agency_id, level in rows.values_list("current_version__agencies", "level"):
        if agency_id is None:
            continue
        entry = counts.setdefault(agency_id, [0, 0])
        entry[0 if level == 3 else 1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _from_statistics(stats: Figures | None, services: tuple[int, int]) -> ReportFigures:
    """Return the report's counts from the statistics' `Figures` (None: nothing counted)."""
    stats = stats or Figures()
    return ReportFigures(
        received=stats.received,
        received_online=stats.received_online,
        received_counter=stats.received_direct,
        received_post=stats.received_postal,
        processed=stats.processed,
        processed_early=stats.processed_early,
        processed_on_time=stats.processed_on_time,
        processed_late=stats.processed_late,
        in_progress=stats.in_progress,
        in_progress_overdue=stats.in_progress_overdue,
        paid_online=stats.paid_online,
        paid_online_amount=stats.paid_online_amount,
        processing_counted=stats.processing_counted,
        processing_seconds=stats.processing_seconds,
        ratings_very_satisfied=stats.ratings_very_satisfied,
        ratings_satisfied=stats.ratings_satisfied,
        ratings_unsatisfied=stats.ratings_unsatisfied,
        services_level_3=services[0],
        services_level_4=services[1],
    )


def report_figures_compute(
    *, period: ReportPeriod, agency: Agency, as_of: date | None = None
) -> ReportFigures:
    """Return the agency's figures over the period, up to `as_of` (today) at the latest."""
    until = figures_as_of(period=period, on=as_of)
    services = _services_by_agency([agency.pk]).get(agency.pk, (0, 0))
    if until < period.covers_from:  # a period that has not started: nothing to count yet
        return _from_statistics(None, services)
    stats = statistics_figures(
        query=StatisticsQuery(date_from=period.covers_from, date_to=until, agency_id=agency.pk)
    )
    return _from_statistics(stats, services)


def report_figures_shown(
    *, period: ReportPeriod, agency: Agency, report: AgencyReport | None
) -> tuple[ReportFigures, date | None]:
    """Return the figures a report shows and the last day they cover.

    Frozen once filed; computed live, up to today, while a draft or not started.
    """
    if report is not None and report.is_submitted:
        return ReportFigures.from_json(report.figures), report.figures_as_of
    figures = report_figures_compute(period=period, agency=agency)
    return figures, figures_as_of(period=period)


def report_figures(*, report: AgencyReport) -> ReportFigures:
    """Return a report's figures: frozen once filed, computed live while a draft."""
    return report_figures_shown(period=report.period, agency=report.agency, report=report)[0]


# --- Who has filed, and the consolidated report ---------------------------------------


@dataclass(frozen=True)
class FilingRow:
    """One reporting agency's state for a period, on the supervisor's overview."""

    agency: Agency
    report: AgencyReport | None
    overdue: bool  # not filed and the due date has passed

    @property
    def state(self) -> str:
        if self.report is not None and self.report.is_submitted:
            return "late" if self.report.late else "on_time"
        if self.overdue:
            return "overdue"
        return "draft" if self.report is not None else "not_started"


def period_filing_rows(*, period: ReportPeriod, on: date | None = None) -> list[FilingRow]:
    """Return every reporting agency with its report for the period (two queries)."""
    on = on or today()
    agencies = list(reporting_agencies(on=min(period.covers_to, on)))
    reports = {
        r.agency_id: r
        for r in AgencyReport.objects.filter(period=period).select_related("submitted_by")
    }
    # An agency that filed and has since closed is still listed.
    missing = set(reports) - {a.pk for a in agencies}
    if missing:
        agencies += list(Agency.objects.filter(pk__in=missing))
        agencies.sort(key=lambda a: a.code)
    rows = []
    for agency in agencies:
        report = reports.get(agency.pk)
        filed = report is not None and report.is_submitted
        rows.append(
            FilingRow(agency=agency, report=report, overdue=not filed and on > period.due_on)
        )
    return rows


@dataclass(frozen=True)
class ConsolidatedRow:
    """One agency's line in the consolidated report."""

    agency: Agency
    report: AgencyReport | None
    figures: ReportFigures

    @property
    def filed(self) -> bool:
        return self.report is not None and self.report.is_submitted


@dataclass(frozen=True)
class ConsolidatedReport:
    """The provincial report for a period: the totals, a row per agency, the narratives."""

    period: ReportPeriod
    as_of: date
    rows: list[ConsolidatedRow]
    totals: ReportFigures
    filed: int
    late: int
    missing: int
    narratives: list[ConsolidatedRow] = field(default_factory=list)


def report_consolidated_compute(*, period: ReportPeriod) -> ConsolidatedReport:
    """Compute the consolidated provincial report of a period.

    A filed report contributes the figures it was filed with; an agency that has not
    filed contributes what the system computes for it now (its row says it has not
    filed). The statistics of all agencies come from one grouped query over the daily
    figures (`statistics_by_agency`), so the cost does not grow with the dossiers.
    """
    until = figures_as_of(period=period)
    filing = period_filing_rows(period=period)
    agency_ids = [row.agency.pk for row in filing]
    by_agency = (
        statistics_by_agency(query=StatisticsQuery(date_from=period.covers_from, date_to=until))
        if until >= period.covers_from
        else []
    )
    stats = {item.agency.pk: item.figures for item in by_agency}
    services = _services_by_agency(agency_ids)
    rows: list[ConsolidatedRow] = []
    for entry in filing:
        report = entry.report
        if report is not None and report.is_submitted:
            figures = ReportFigures.from_json(report.figures)
        else:
            figures = _from_statistics(
                stats.get(entry.agency.pk), services.get(entry.agency.pk, (0, 0))
            )
        rows.append(ConsolidatedRow(agency=entry.agency, report=report, figures=figures))
    filed = [r for r in rows if r.filed]
    return ConsolidatedReport(
        period=period,
        as_of=until,
        rows=rows,
        totals=figures_sum(r.figures for r in rows),
        filed=len(filed),
        late=sum(1 for r in filed if r.report is not None and r.report.late),
        missing=len(rows) - len(filed),
        narratives=[
            r
            for r in filed
            if r.report is not None
            and (
                r.report.situation or r.report.difficulties or r.report.proposals or r.report.other
            )
        ],
    )


def filing_agencies(*, access: ReportAccess) -> list[Agency]:
    """Return the agencies the officer files reports for, by code."""
    return list(Agency.objects.filter(pk__in=access.filing_agency_ids).order_by("code"))


def own_reports_by_period(
    *, access: ReportAccess, periods: list[ReportPeriod], on: date | None = None
) -> dict[int, list[FilingRow]]:
    """Return, per period, a row for each agency the officer files for (two queries)."""
    on = on or today()
    agencies = filing_agencies(access=access)
    if not agencies:
        return {p.pk: [] for p in periods}
    reports = {
        (r.period_id, r.agency_id): r
        for r in AgencyReport.objects.filter(
            agency_id__in=access.filing_agency_ids, period__in=[p.pk for p in periods]
        )
    }
    rows: dict[int, list[FilingRow]] = {}
    for period in periods:
        rows[period.pk] = []
        for agency in agencies:
            report = reports.get((period.pk, agency.pk))
            filed = report is not None and report.is_submitted
            rows[period.pk].append(
                FilingRow(agency=agency, report=report, overdue=not filed and on > period.due_on)
            )
    return rows


@dataclass(frozen=True)
class PeriodSummary:
    """How many agencies have filed for a period, on the supervisor's list."""

    expected: int
    filed: int
    late: int


def period_summaries(*, periods: list[ReportPeriod]) -> dict[int, PeriodSummary]:
    """Return, per period, the reporting agencies and the reports filed (two queries)."""
    expected = reporting_agencies().count()
    counts: dict[int, dict[str, int]] = {}
    for period_id, late, total in (
        AgencyReport.objects.filter(
            period__in=[p.pk for p in periods], status=ReportStatus.SUBMITTED
        )
        .values_list("period_id", "late")
        .annotate(total=Count("pk"))
        .order_by()
    ):
        entry = counts.setdefault(period_id, {"filed": 0, "late": 0})
        entry["filed"] += total
        if late:
            entry["late"] += total
    return {
        p.pk: PeriodSummary(
            expected=max(expected, counts.get(p.pk, {}).get("filed", 0)),
            filed=counts.get(p.pk, {}).get("filed", 0),
            late=counts.get(p.pk, {}).get("late", 0),
        )
        for p in periods
    }
