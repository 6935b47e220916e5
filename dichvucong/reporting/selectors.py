"""Read the statistics: totals and breakdowns for a period, an agency, a tier, a procedure.

Counts of what happened in a period (received, processed, on time, paid, rated) are sums
of `DailyFigures` rows; what is still open (in progress within or past the time limit,
the late-dossier list) is read live from `Dossier` through its partial index on open
dossiers. Who may read what: `statistics_query_for_officer` (a supervisor reads every
agency, another officer only their own). Definitions: docs/statistics.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.models import User
from dichvucong.catalogue.models import Channel, Procedure
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import CLOCK_RUNNING_STATUSES, officer_scope
from dichvucong.organizations.models import Agency

from .models import (
    COUNTER_FIELDS,
    PROCESSING_BUCKET_DAYS,
    PROCESSING_BUCKET_FIELDS,
    DailyFigures,
    MonthlyFigures,
    RolledMonth,
)
from .services import DAY_SECONDS, day_start, month_after, months_between


@dataclass(frozen=True)
class StatisticsQuery:
    """What to count: Vietnam-time days `date_from`..`date_to` (inclusive) and filters."""

    date_from: date
    date_to: date
    agency_id: int | None = None  # the receiving agency (Dossier.agency)
    tier: str | None = None  # organizations.models.Tier value of the agency
    procedure_id: int | None = None
    # The agencies the reader may see (None: all); set by statistics_query_for_officer.
    agency_ids: frozenset[int] | None = None

    @property
    def start(self) -> datetime:
        return day_start(self.date_from)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return day_start(self.date_to + timedelta(days=1))


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


@dataclass(frozen=True)
class Figures:
    """The figures of a period; each is defined in docs/statistics.md."""

    received: int = 0
    received_online: int = 0
    received_direct: int = 0
    received_postal: int = 0
    accepted: int = 0
    denied: int = 0
    cancelled: int = 0
    processed: int = 0
    processed_early: int = 0
    processed_on_time: int = 0
    processed_late: int = 0
    processing_counted: int = 0
    processing_seconds: int = 0
    paid_online: int = 0
    paid_online_amount: int = 0
    ratings_very_satisfied: int = 0
    ratings_satisfied: int = 0
    ratings_unsatisfied: int = 0
    # Live: dossiers received up to date_to, open now, whose clock runs.
    in_progress: int = 0
    in_progress_overdue: int = 0
    buckets: tuple[int, ...] = field(default=(0,) * len(PROCESSING_BUCKET_FIELDS))

    @property
    def in_progress_within(self) -> int:
        return self.in_progress - self.in_progress_overdue

    @property
    def processed_in_time(self) -> int:
        """Early plus on time."""
        return self.processed_early + self.processed_on_time

    @property
    def on_time_share(self) -> float | None:
        """Share handed back early or on time, of those with a due date."""
        return _share(self.processed_in_time, self.processed_in_time + self.processed_late)

    @property
    def late_share(self) -> float | None:
        return _share(self.processed_late, self.processed_in_time + self.processed_late)

    @property
    def online_share(self) -> float | None:
        return _share(self.received_online, self.received)

    @property
    def paid_online_share(self) -> float | None:
        return _share(self.paid_online, self.received)

    @property
    def average_processing_days(self) -> float | None:
        if self.processing_counted == 0:
            return None
        return round(self.processing_seconds / self.processing_counted / DAY_SECONDS, 2)

    @property
    def ratings(self) -> int:
        return self.ratings_very_satisfied + self.ratings_satisfied + self.ratings_unsatisfied

    @property
    def satisfaction_share(self) -> float | None:
        """Share "very satisfied" or "satisfied" of all ratings."""
        return _share(self.ratings_very_satisfied + self.ratings_satisfied, self.ratings)

    def as_dict(self) -> dict[str, Any]:
        """Return every figure (stored and derived) as plain JSON-ready values."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data.pop("buckets")
        data.pop("processing_seconds")
        data.pop("processing_counted")
        for name in DERIVED:
            data[name] = getattr(self, name)
        return data


DERIVED = (
    "in_progress_within",
    "processed_in_time",
    "on_time_share",
    "late_share",
    "online_share",
    "paid_online_share",
    "average_processing_days",
    "ratings",
    "satisfaction_share",
)


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    figures: Figures


@dataclass(frozen=True)
class ProcedureFigures:
    procedure: Procedure
    figures: Figures


@dataclass(frozen=True)
class PeriodFigures:
    month: date  # the first day of the month
    figures: Figures


@dataclass(frozen=True)
class Bucket:
    """Dossiers handed back whose processing took more than `lower_days` up to `upper_days`."""

    lower_days: int
    upper_days: int | None  # None: no upper bound
    count: int

    @property
    def label(self) -> str:
        if self.upper_days is None:
            return _("Trên %(n)d ngày") % {"n": self.lower_days}
        if self.lower_days == 0:
            return _("Đến %(n)d ngày") % {"n": self.upper_days}
        return _("Từ trên %(a)d đến %(b)d ngày") % {"a": self.lower_days, "b": self.upper_days}


# --- Permission -----------------------------------------------------------------------


def statistics_query_for_officer(*, user: User, query: StatisticsQuery) -> StatisticsQuery:
    """Return `query` limited to what `user` may read, or raise PermissionDenied.

    A supervisor reads every agency; another officer reads only the agencies they hold a
    role at (and asking for another agency is refused); anyone else is refused.
    """
    scope = officer_scope(user=user)
    if scope.supervisor:
        return replace(query, agency_ids=None)
    agency_ids = frozenset(scope.agency_ids)
    if not agency_ids:
        raise PermissionDenied(_("Bạn không có quyền xem số liệu thống kê."))
    if query.agency_id is not None and query.agency_id not in agency_ids:
        raise PermissionDenied(_("Bạn không có quyền xem số liệu của cơ quan này."))
    return replace(query, agency_ids=agency_ids)


# --- Totals and breakdowns ------------------------------------------------------------


def _scoped(rows: QuerySet[Any], query: StatisticsQuery) -> QuerySet[Any]:
    """Return `rows` (figures or dossiers) limited to the query's agencies and procedure."""
    if query.agency_id is not None:
        rows = rows.filter(agency_id=query.agency_id)
    if query.agency_ids is not None:
        rows = rows.filter(agency_id__in=sorted(query.agency_ids))
    if query.tier:
        rows = rows.filter(agency__tier=query.tier)
    if query.procedure_id is not None:
        rows = rows.filter(procedure_id=query.procedure_id)
    return rows


def _sources(query: StatisticsQuery) -> list[tuple[QuerySet[Any], str]]:
    """Return the row sets that add up to the period, each with its period field.

    Whole months already rolled up (`RolledMonth`) are read from `MonthlyFigures`, the
    rest from `DailyFigures`. A month is whole when the period covers it, or covers it
    up to today (no row can be dated after today).
    """
    today = timezone.localdate()
    rolled = set(
        RolledMonth.objects.filter(
            month__gte=query.date_from.replace(day=1), month__lte=query.date_to
        ).values_list("month", flat=True)
    )
    months: list[date] = []
    segments: list[tuple[date, date]] = []
    for month in months_between(query.date_from, query.date_to):
        last = month_after(month) - timedelta(days=1)
        whole = month >= query.date_from and (last <= query.date_to or query.date_to >= today)
        if whole and month in rolled:
            months.append(month)
        else:
            start, end = max(month, query.date_from), min(last, query.date_to)
            if segments and segments[-1][1] + timedelta(days=1) == start:
                segments[-1] = (segments[-1][0], end)
            else:
                segments.append((start, end))
    sources: list[tuple[QuerySet[Any], str]] = []
    if months:
        sources.append((_scoped(MonthlyFigures.objects.filter(month__in=months), query), "month"))
    if segments:
        condition = Q()
        for start, end in segments:
            condition |= Q(day__gte=start, day__lte=end)
        sources.append((_scoped(DailyFigures.objects.filter(condition), query), "day"))
    return sources


def _add(into: dict[str, int], row: Mapping[str, Any]) -> None:
    for name, value in row.items():
        into[name] = into.get(name, 0) + int(value or 0)


def _sum_rows(query: StatisticsQuery, key: str | None = None) -> dict[Any, dict[str, int]]:
    """Sum the period's rows, in total (key None) or grouped by `key`: agency_id,
    procedure_id, or "month" (the first day of each month)."""
    totals: dict[Any, dict[str, int]] = {}
    for rows, period in _sources(query):
        if key is None:
            _add(totals.setdefault(None, {}), rows.aggregate(**_sums()))
            continue
        field = period if key == "month" else key
        for row in rows.values(field).annotate(**_sums()).order_by():
            values: dict[str, Any] = dict(row)
            group = values.pop(field)
            if key == "month":
                group = group.replace(day=1)
            _add(totals.setdefault(group, {}), values)
    return totals


def _open_dossiers(query: StatisticsQuery) -> QuerySet[Dossier]:
    """Dossiers received before the end of the period whose clock runs now."""
    dossiers = Dossier.objects.filter(status__in=CLOCK_RUNNING_STATUSES)
    if query.end <= timezone.now():
        # A past period: leave out what came after it.
        dossiers = dossiers.filter(submitted_at__lt=query.end)
    return _scoped(dossiers, query)


def _sums() -> dict[str, Sum]:
    sums = {name: Sum(name) for name in COUNTER_FIELDS if name != "received"}
    for channel in Channel.values:
        sums[f"received_{channel}"] = Sum("received", filter=Q(channel=channel))
    return sums


def _figures(row: Mapping[str, Any], live: Mapping[str, int] | None = None) -> Figures:
    def get(name: str) -> int:
        return int(row.get(name) or 0)

    online, direct, postal = (get(f"received_{c}") for c in ("online", "direct", "postal"))
    live = live or {}
    return Figures(
        received=online + direct + postal,
        received_online=online,
        received_direct=direct,
        received_postal=postal,
        accepted=get("accepted"),
        denied=get("denied"),
        cancelled=get("cancelled"),
        processed=get("processed"),
        processed_early=get("processed_early"),
        processed_on_time=get("processed_on_time"),
        processed_late=get("processed_late"),
        processing_counted=get("processing_counted"),
        processing_seconds=get("processing_seconds"),
        paid_online=get("paid_online"),
        paid_online_amount=get("paid_online_amount"),
        ratings_very_satisfied=get("ratings_very_satisfied"),
        ratings_satisfied=get("ratings_satisfied"),
        ratings_unsatisfied=get("ratings_unsatisfied"),
        in_progress=int(live.get("in_progress") or 0),
        in_progress_overdue=int(live.get("in_progress_overdue") or 0),
        buckets=tuple(get(name) for name in PROCESSING_BUCKET_FIELDS),
    )


def _live_counts() -> dict[str, Count]:
    return {
        "in_progress": Count("pk"),
        "in_progress_overdue": Count("pk", filter=Q(due_at__lt=timezone.now())),
    }


@dataclass(frozen=True)
class OpenCounts:
    """The dossiers whose clock runs now, as (agency, procedure, overdue) rows.

    Read once (`statistics_open_counts`) and shared by the totals and the breakdowns of
    one page, so the open dossiers are fetched once instead of once per table.
    """

    rows: tuple[tuple[int, int, bool], ...]

    def total(self) -> dict[str, int]:
        return {
            "in_progress": len(self.rows),
            "in_progress_overdue": sum(1 for _a, _p, late in self.rows if late),
        }

    def by(self, key: str) -> dict[int, dict[str, int]]:
        position = 0 if key == "agency_id" else 1
        live: dict[int, dict[str, int]] = {}
        for row in self.rows:
            counts = live.setdefault(row[position], {"in_progress": 0, "in_progress_overdue": 0})
            counts["in_progress"] += 1
            if row[2]:
                counts["in_progress_overdue"] += 1
        return live


def statistics_open_counts(*, query: StatisticsQuery) -> OpenCounts:
    """Return the open dossiers of `query` for the in-progress counts (one query).

    Counted here rather than grouped in SQL: open dossiers are few, and SQLite's planner
    answers a GROUP BY on agency by walking a whole index of the dossiers table. Whether
    each is overdue is decided in SQL: reading tens of thousands of due dates back as
    datetimes costs more than the query itself.
    """
    overdue = ExpressionWrapper(Q(due_at__lt=timezone.now()), output_field=BooleanField())
    rows = (
        _open_dossiers(query)
        .annotate(overdue=overdue)
        .values_list("agency_id", "procedure_id", "overdue")
        .order_by()
    )
    return OpenCounts(rows=tuple((a, p, bool(late)) for a, p, late in rows))


def statistics_figures(*, query: StatisticsQuery, open_counts: OpenCounts | None = None) -> Figures:
    """Return the totals of the period (three or four queries; fewer with `open_counts`)."""
    row = _sum_rows(query).get(None, {})
    if open_counts is not None:
        return _figures(row, open_counts.total())
    live = _open_dossiers(query).aggregate(**_live_counts())
    return _figures(row, live)


def _grouped(
    query: StatisticsQuery, key: str, open_counts: OpenCounts | None
) -> tuple[dict[int, Figures], list[int]]:
    rows = _sum_rows(query, key)
    live = (open_counts or statistics_open_counts(query=query)).by(key)
    ids = sorted(set(rows) | set(live))
    return {pk: _figures(rows.get(pk, {}), live.get(pk)) for pk in ids}, ids


def statistics_by_agency(
    *, query: StatisticsQuery, open_counts: OpenCounts | None = None
) -> list[AgencyFigures]:
    """Return the figures of each agency with anything in the period, by agency name."""
    figures, ids = _grouped(query, "agency_id", open_counts)
    agencies = Agency.objects.filter(pk__in=ids).order_by("name")
    return [AgencyFigures(agency=a, figures=figures[a.pk]) for a in agencies]


def statistics_by_procedure(
    *, query: StatisticsQuery, open_counts: OpenCounts | None = None
) -> list[ProcedureFigures]:
    """Return the figures of each procedure with anything in the period, by name."""
    figures, ids = _grouped(query, "procedure_id", open_counts)
    procedures = (
        Procedure.objects.filter(pk__in=ids)
        .select_related("current_version")
        .order_by("current_version__name", "code")
    )
    return [ProcedureFigures(procedure=p, figures=figures[p.pk]) for p in procedures]


def statistics_by_month(*, query: StatisticsQuery) -> list[PeriodFigures]:
    """Return each month of the period (every month, empty ones too); no live figures."""
    totals = _sum_rows(query, "month")
    return [
        PeriodFigures(month=m, figures=_figures(totals.get(m, {})))
        for m in months_between(query.date_from, query.date_to)
    ]


def processing_time_distribution(*, query: StatisticsQuery) -> list[Bucket]:
    """Return how many dossiers handed back in the period took how long (calendar days)."""
    figures = statistics_figures(query=query)
    return buckets_of(figures)


def buckets_of(figures: Figures) -> list[Bucket]:
    """Return the processing-time buckets of already computed `figures`."""
    bounds: list[tuple[int, int | None]] = []
    lower = 0
    for limit in PROCESSING_BUCKET_DAYS:
        bounds.append((lower, limit))
        lower = limit
    bounds.append((lower, None))
    return [
        Bucket(lower_days=a, upper_days=b, count=c)
        for (a, b), c in zip(bounds, figures.buckets, strict=True)
    ]


def statistics_late_dossiers(*, query: StatisticsQuery, officer: User) -> QuerySet[Dossier]:
    """Return the overdue dossiers the officer may read, most overdue first.

    Overdue: received before the end of the period, still open with the clock running,
    and past the due date now (read through the partial index on open dossiers). Those
    handed back late are counted in `processed_late`, by agency and by procedure.
    """
    query = statistics_query_for_officer(user=officer, query=query)
    return (
        _open_dossiers(query)
        .filter(due_at__lt=timezone.now())
        .select_related("agency", "procedure")
        .order_by("due_at", "pk")
    )
