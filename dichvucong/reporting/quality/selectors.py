"""Reads of the service quality index and of the public statistics.

Everything here is public: figures per agency and procedure, never a dossier, a name or
a code of a dossier. The dossier figures come from the statistics selectors
(`dichvucong.reporting.selectors`, pre-aggregated daily figures); the catalogue facts,
signed results and uploaded documents from one grouped query each, so a page costs the
same few queries whatever the number of agencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from dichvucong.catalogue.models import Channel, Fee, Procedure
from dichvucong.dossiers.models import Dossier, DossierDocument
from dichvucong.organizations.models import Agency, Tier
from dichvucong.reporting.models import DailyFigures
from dichvucong.reporting.selectors import (
    AgencyFigures,
    Figures,
    StatisticsQuery,
    statistics_by_agency,
    statistics_by_procedure,
    statistics_figures,
)
from dichvucong.reporting.services import day_start
from dichvucong.results.models import IssuedResult, ResultStatus

from .computations import Facts, compute
from .models import IndexSet, Indicator, IndicatorGroup
from .periods import Period

HUNDRED = Decimal(100)
TIER_ORDER: dict[str, int] = {Tier.PROVINCE: 0, Tier.DISTRICT: 1, Tier.COMMUNE: 2}
TWO_PLACES = Decimal("0.01")


# --- the index set ---------------------------------------------------------------------


def index_set_active() -> IndexSet | None:
    """Return the active index set with its indicators, or None when none is active."""
    return IndexSet.objects.filter(is_active=True).prefetch_related("indicators").first()


def index_set_get(*, code: str) -> IndexSet:
    """Return the index set `code` with its indicators (raises IndexSet.DoesNotExist)."""
    return IndexSet.objects.prefetch_related("indicators").get(code=code)


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    value: Decimal | None  # the share measured, 0..1; None: nothing to measure
    points: Decimal | None  # value x max points, 2 decimals

    @property
    def percent(self) -> Decimal | None:
        return None if self.value is None else (self.value * HUNDRED).quantize(TWO_PLACES)


@dataclass(frozen=True)
class GroupScore:
    group: str
    label: str
    points: Decimal
    max_points: Decimal  # of the indicators measured
    total_points: Decimal  # of all its indicators
    indicators: list[IndicatorScore] = field(default_factory=list)


@dataclass(frozen=True)
class IndexScore:
    groups: list[GroupScore]
    points: Decimal  # earned
    max_points: Decimal  # of the indicators measured
    total_points: Decimal  # of the whole set

    @property
    def score(self) -> Decimal | None:
        """Return the points on a scale of 100, counting only the indicators measured."""
        if self.max_points <= 0:
            return None
        return (self.points * HUNDRED / self.max_points).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def indicators(self) -> list[IndicatorScore]:
        return [score for group in self.groups for score in group.indicators]


def index_score(*, indicators: Iterable[Indicator], facts: Facts) -> IndexScore:
    """Score `facts` with `indicators` (pure: no query)."""
    by_group: dict[str, list[IndicatorScore]] = {}
    for indicator in sorted(indicators, key=lambda i: (i.position, i.code)):
        value = compute(indicator.computation, facts)
        points = (
            None
            if value is None
            else (value * indicator.max_points).quantize(TWO_PLACES, ROUND_HALF_UP)
        )
        by_group.setdefault(indicator.group, []).append(
            IndicatorScore(indicator=indicator, value=value, points=points)
        )
    groups = []
    for group, label in IndicatorGroup.choices:
        scores = by_group.get(group)
        if not scores:
            continue
        measured = [s for s in scores if s.points is not None]
        groups.append(
            GroupScore(
                group=group,
                label=str(label),
                points=sum((s.points for s in measured if s.points is not None), Decimal(0)),
                max_points=sum((s.indicator.max_points for s in measured), Decimal(0)),
                total_points=sum((s.indicator.max_points for s in scores), Decimal(0)),
                indicators=scores,
            )
        )
    return IndexScore(
        groups=groups,
        points=sum((g.points for g in groups), Decimal(0)),
        max_points=sum((g.max_points for g in groups), Decimal(0)),
        total_points=sum((g.total_points for g in groups), Decimal(0)),
    )


# --- the facts ---------------------------------------------------------------------------


def _moment_range(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Return [start, end) of the Vietnam-time days date_from..date_to."""
    return day_start(date_from), day_start(date_to + timedelta(days=1))


def _figure_facts(figures: Figures) -> dict[str, int]:
    return {
        "received": figures.received,
        "received_online": figures.received_online,
        "processed": figures.processed,
        "processed_on_time": figures.processed_in_time,
        "processed_due": figures.processed_in_time + figures.processed_late,
        "in_progress": figures.in_progress,
        "in_progress_within": figures.in_progress_within,
        "paid_online": figures.paid_online,
        "ratings": figures.ratings,
        "ratings_satisfied": figures.ratings_very_satisfied + figures.ratings_satisfied,
    }


def _catalogue_counts() -> dict[str, Count]:
    """Return the counts of procedures by level, fee and online payment."""
    with_fee = Q(current_version_id__in=Fee.objects.values("processing_time__case__version_id"))
    return {
        "procedures": Count("pk", distinct=True),
        "procedures_level1": Count("pk", filter=Q(level__gte=1), distinct=True),
        "procedures_level2": Count("pk", filter=Q(level__gte=2), distinct=True),
        "procedures_level3": Count("pk", filter=Q(level__gte=3), distinct=True),
        "procedures_level4": Count("pk", filter=Q(level__gte=4), distinct=True),
        "procedures_with_fee": Count("pk", filter=with_fee, distinct=True),
        "procedures_payment_enabled": Count(
            "pk", filter=with_fee & Q(online_payment_enabled=True), distinct=True
        ),
    }


CATALOGUE_KEYS = (
    "procedures",
    "procedures_level1",
    "procedures_level2",
    "procedures_level3",
    "procedures_level4",
    "procedures_with_fee",
    "procedures_payment_enabled",
)


def _catalogue_by_agency() -> dict[int, dict[str, int]]:
    """Return, per agency, its procedures as they are now (current versions) by level."""
    rows: Iterable[Any] = (
        Procedure.objects.filter(current_version__agencies__isnull=False)
        .values("current_version__agencies")
        .annotate(**_catalogue_counts())
        .order_by()
    )
    return {row["current_version__agencies"]: {k: row[k] for k in CATALOGUE_KEYS} for row in rows}


def _catalogue_province() -> dict[str, int]:
    """Return the province's procedures (every current one) by level."""
    row = Procedure.objects.filter(current_version__isnull=False).aggregate(**_catalogue_counts())
    return {key: int(row[key] or 0) for key in CATALOGUE_KEYS}


def _results_signed(start: datetime, end: datetime) -> dict[int, int]:
    """Return, per agency, the signed electronic results issued in [start, end)."""
    rows = (
        IssuedResult.objects.filter(
            status=ResultStatus.ISSUED, issued_at__gte=start, issued_at__lt=end
        )
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["agency_id"]: row["n"] for row in rows}


def _dossiers_digitised(start: datetime, end: datetime) -> dict[int, int]:
    """Return, per agency, the dossiers received in [start, end) with an uploaded file."""
    rows = (
        Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .filter(Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"))))
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["agency_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class AgencyQuality:
    """An agency's public figures and index score for one period."""

    agency: Agency
    figures: Figures
    facts: Facts
    index: IndexScore | None

    @property
    def on_time_share(self) -> Decimal | None:
        return _percent(self.facts.processed_on_time, self.facts.processed_due)

    @property
    def satisfaction_share(self) -> Decimal | None:
        return _percent(self.facts.ratings_satisfied, self.facts.ratings)

    @property
    def score(self) -> Decimal | None:
        return None if self.index is None else self.index.score


@dataclass(frozen=True)
class QualityReport:
    """The province and every agency with dossiers in the period."""

    period: Period
    index_set: IndexSet | None
    province_figures: Figures
    province_facts: Facts
    province_index: IndexScore | None
    agencies: list[AgencyQuality]

    @property
    def province_on_time_share(self) -> Decimal | None:
        return _percent(self.province_facts.processed_on_time, self.province_facts.processed_due)

    @property
    def province_satisfaction_share(self) -> Decimal | None:
        return _percent(self.province_facts.ratings_satisfied, self.province_facts.ratings)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _has_dossiers(figures: Figures) -> bool:
    return bool(figures.received or figures.processed or figures.in_progress)


def quality_report(
    *,
    period: Period,
    index_set: IndexSet | None,
    agency: Agency | None = None,
    tier: str = "",
    with_province: bool = True,
) -> QualityReport:
    """Return the public figures and index of the province and its agencies for `period`.

    The list holds the agencies with dossiers in the period (of `tier` if given); with
    `agency`, that agency alone (even without dossiers). The province's totals are the
    whole province's either way (empty, saving three queries, without `with_province`).
    """
    query = StatisticsQuery(date_from=period.date_from, date_to=period.date_to)
    start, end = _moment_range(period.date_from, period.date_to)
    indicators: Sequence[Indicator] = (
        list(index_set.indicators.all()) if index_set is not None else []
    )
    catalogue = _catalogue_by_agency()
    signed = _results_signed(start, end)
    digitised = _dossiers_digitised(start, end)

    def score(facts: Facts) -> IndexScore | None:
        return index_score(indicators=indicators, facts=facts) if index_set else None

    agencies = []
    agency_query = query if agency is None else replace(query, agency_id=agency.pk)
    rows = statistics_by_agency(query=agency_query)
    if agency is not None and not rows:
        rows = [AgencyFigures(agency=agency, figures=Figures())]
    for row in rows:
        if agency is None and not _has_dossiers(row.figures):
            continue
        if tier and row.agency.tier != tier:
            continue
        facts = Facts(
            **_figure_facts(row.figures),
            **catalogue.get(row.agency.pk, {}),
            results_signed=signed.get(row.agency.pk, 0),
            dossiers_digitised=digitised.get(row.agency.pk, 0),
        )
        agencies.append(
            AgencyQuality(agency=row.agency, figures=row.figures, facts=facts, index=score(facts))
        )
    province_figures, province_facts = Figures(), Facts()
    if with_province:
        province_figures = statistics_figures(query=query)
        province_facts = Facts(
            **_figure_facts(province_figures),
            **_catalogue_province(),
            results_signed=sum(signed.values()),
            dossiers_digitised=sum(digitised.values()),
        )
    agencies.sort(key=lambda a: (TIER_ORDER.get(a.agency.tier, 9), a.agency.name))
    return QualityReport(
        period=period,
        index_set=index_set,
        province_figures=province_figures,
        province_facts=province_facts,
        province_index=score(province_facts),
        agencies=agencies,
    )


def latest_year_with_data(*, before: date | None = None) -> int | None:
    """Return the last year (before the day `before`) in which dossiers were received.

    A year with only the tail of the previous one (dossiers handed back in January) does
    not count. Reads the daily rows through their index on the day: the last day, then
    one year back at a time.
    """
    rows = DailyFigures.objects.all()
    if before is not None:
        rows = rows.filter(day__lt=before)
    last = rows.aggregate(last=Max("day"))["last"]
    if last is None:
        return None
    for year in range(last.year, last.year - 3, -1):
        if rows.filter(
            day__gte=date(year, 1, 1), day__lte=date(year, 12, 31), received__gt=0
        ).exists():
            return year
    return int(last.year)


# --- open data ---------------------------------------------------------------------------


MONTHLY_COUNTERS = (
    "processed",
    "processed_early",
    "processed_on_time",
    "processed_late",
    "paid_online",
    "ratings_very_satisfied",
    "ratings_satisfied",
    "ratings_unsatisfied",
)


def open_data_agency_monthly(
    *, period: Period, agency: Agency | None = None
) -> list[dict[str, Any]]:
    """Return one row per agency and month of `period` with dossiers (one query).

    Sums the statistics' daily rows by agency and month: the columns are stored counters
    (no live figure), so one grouped query answers for every agency and month.
    """
    rows = DailyFigures.objects.filter(day__gte=period.date_from, day__lte=period.date_to)
    if agency is not None:
        rows = rows.filter(agency=agency)
    sums: dict[str, Any] = {
        f"received_{channel}": Sum("received", filter=Q(channel=channel))
        for channel in Channel.values
    }
    sums.update({name: Sum(name) for name in MONTHLY_COUNTERS})
    grouped: Iterable[Any] = (
        rows.annotate(month=TruncMonth("day"))
        .values("month", "agency__code", "agency__name")
        .annotate(**sums)
        .order_by("month", "agency__name", "agency__code")
    )
    result = []
    for row in grouped:
        counts = {name: int(row[name] or 0) for name in sums}
        received = sum(counts[f"received_{channel}"] for channel in Channel.values)
        if not (received or counts["processed"]):
            continue
        result.append(
            {
                "year": row["month"].year,
                "month": row["month"].month,
                "agency_code": row["agency__code"],
                "agency_name": row["agency__name"],
                "received": received,
                **counts,
            }
        )
    return result


def _dossier_columns(figures: Figures) -> dict[str, Any]:
    return {
        "received": figures.received,
        "received_online": figures.received_online,
        "received_direct": figures.received_direct,
        "received_postal": figures.received_postal,
        "processed": figures.processed,
        "processed_early": figures.processed_early,
        "processed_on_time": figures.processed_on_time,
        "processed_late": figures.processed_late,
        "paid_online": figures.paid_online,
        "ratings_very_satisfied": figures.ratings_very_satisfied,
        "ratings_satisfied": figures.ratings_satisfied,
        "ratings_unsatisfied": figures.ratings_unsatisfied,
    }


def open_data_procedures(*, period: Period, agency: Agency | None = None) -> list[dict[str, Any]]:
    """Return one row per procedure with dossiers in `period`."""
    query = StatisticsQuery(
        date_from=period.date_from,
        date_to=period.date_to,
        agency_id=agency.pk if agency is not None else None,
    )
    rows = []
    found = [
        r for r in statistics_by_procedure(query=query) if r.figures.received or r.figures.processed
    ]
    for row in found:
        figures = row.figures
        rows.append(
            {
                "date_from": period.date_from.isoformat(),
                "date_to": period.date_to.isoformat(),
                "procedure_code": row.procedure.code,
                "procedure_name": (
                    row.procedure.current_version.name if row.procedure.current_version else ""
                ),
                **_dossier_columns(figures),
                "average_processing_days": figures.average_processing_days,
            }
        )
    return rows


INDEX_COLUMNS = (
    "date_from",
    "date_to",
    "scope",
    "agency_code",
    "agency_name",
    "received",
    "processed",
    "processed_on_time",
    "on_time_percent",
    "ratings",
    "satisfied_percent",
    *(f"points_{group}" for group in IndicatorGroup.values),
    "points",
    "max_points",
    "score",
)


def _index_row(
    period: Period, scope: str, code: str, name: str, facts: Facts, index: IndexScore | None
) -> dict[str, Any]:
    groups = {g.group: g for g in index.groups} if index is not None else {}
    return {
        "date_from": period.date_from.isoformat(),
        "date_to": period.date_to.isoformat(),
        "scope": scope,
        "agency_code": code,
        "agency_name": name,
        "received": facts.received,
        "processed": facts.processed,
        "processed_on_time": facts.processed_on_time,
        "on_time_percent": _percent(facts.processed_on_time, facts.processed_due),
        "ratings": facts.ratings,
        "satisfied_percent": _percent(facts.ratings_satisfied, facts.ratings),
        **{
            f"points_{group}": groups[group].points if group in groups else None
            for group in IndicatorGroup.values
        },
        "points": index.points if index is not None else None,
        "max_points": index.max_points if index is not None else None,
        "score": index.score if index is not None else None,
    }


def open_data_index(*, report: QualityReport) -> list[dict[str, Any]]:
    """Return the index rows of a report: the province first, then each agency."""
    rows = [
        _index_row(report.period, "province", "", "", report.province_facts, report.province_index)
    ]
    rows.extend(
        _index_row(report.period, "agency", a.agency.code, a.agency.name, a.facts, a.index)
        for a in report.agencies
    )
    return rows
