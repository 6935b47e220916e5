"""Reads of the roadmap: plans, progress against the computed level, the quality view.

Counting rules (see docs/roadmap.md):

- a service is a procedure of the catalogue with a current version; its tier is that
  version's: `province` counts under the plan's `department` tier, `district` under
  `district`, and `commune` under `district` when the plan says so (the seed sets targets
  for the provincial departments and for the districts, whose count includes what their
  communes provide);
- a procedure at level 4 also counts at level 3 (the seed defines level 4 as "level 3
  and ..."; its district targets, 378 at level 3 and 72 at level 4 out of 416
  procedures, only add up that way);
- the level is the computed one (`Procedure.level`), never the declared one; for a past
  year, the level recorded at the end of that year (`LevelRecord`), for the current year
  today's level, for a future year nothing yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.accounts.selectors import is_officer, is_supervisor
from dichvucong.catalogue.models import Procedure
from dichvucong.organizations.models import Tier

from .models import AnnexEntry, LevelRecord, Plan, PlanTarget, PlanTier

AnyUser = AbstractBaseUser | AnonymousUser


# Who may do what ----------------------------------------------------------------------


def roadmap_can_read(*, user: AnyUser) -> bool:
    """Return whether the user may open the roadmap pages: any officer, or staff."""
    return bool(
        user.is_authenticated and (getattr(user, "is_staff", False) or is_officer(user=user))
    )


def roadmap_can_edit(*, user: AnyUser) -> bool:
    """Return whether the user may import annexes and edit plans: supervisors and staff."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_staff", False)) or is_supervisor(user=user)


# Plans ---------------------------------------------------------------------------------


def plan_list() -> QuerySet[Plan]:
    """Return every plan, the newest first."""
    return Plan.objects.order_by("-first_year", "slug")


def plan_get(*, slug: str) -> Plan:
    """Return the plan with this slug; raise `Plan.DoesNotExist` otherwise."""
    return Plan.objects.get(slug=slug)


def plan_target_list(*, plan: Plan) -> QuerySet[PlanTarget]:
    """Return the plan's targets by year, tier and level."""
    return PlanTarget.objects.filter(plan=plan).order_by("year", "tier", "level")


def plan_tier(*, procedure_tier: str, plan: Plan) -> str | None:
    """Return the plan tier a procedure of `procedure_tier` counts under, or None."""
    if procedure_tier == Tier.PROVINCE:
        return PlanTier.DEPARTMENT.value
    if procedure_tier == Tier.DISTRICT:
        return PlanTier.DISTRICT.value
    if procedure_tier == Tier.COMMUNE and plan.commune_counts_as_district:
        return PlanTier.DISTRICT.value
    return None


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def year_end(year: int) -> dt.datetime:
    """Return the first instant after `year` in the province's time zone."""
    return dt.datetime(year + 1, 1, 1, tzinfo=_local_zone())


def levels_at(*, moments: Iterable[dt.datetime]) -> dict[dt.datetime, dict[int, int]]:
    """Return, for each moment, the recorded level of every procedure just before it.

    A procedure with no record before a moment is absent from that moment's map (its
    level then is unknown, counted as not online). One query.
    """
    ordered = sorted(set(moments))
    result: dict[dt.datetime, dict[int, int]] = {}
    if not ordered:
        return result
    records = (
        LevelRecord.objects.filter(recorded_at__lt=ordered[-1])
        .order_by("recorded_at", "pk")
        .values_list("procedure_id", "level", "recorded_at")
        .iterator(chunk_size=5000)
    )
    current: dict[int, int] = {}
    pending = next(records, None)
    for moment in ordered:
        while pending is not None and pending[2] < moment:
            current[pending[0]] = pending[1]
            pending = next(records, None)
        result[moment] = dict(current)
    return result


@dataclass(frozen=True)
class ProgressRow:
    year: int
    tier: str
    level: int
    target: int
    actual: int | None

    @property
    def tier_label(self) -> str:
        return str(PlanTier(self.tier).label)

    @property
    def gap(self) -> int | None:
        """Return how many services are missing to reach the target (0 when reached)."""
        if self.actual is None:
            return None
        return max(self.target - self.actual, 0)

    @property
    def percent(self) -> int | None:
        """Return the actual as a whole percentage of the target (None without a target)."""
        if self.actual is None or self.target == 0:
            return None
        return round(100 * self.actual / self.target)

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.actual >= self.target


def plan_progress(
    *, plan: Plan, year: int | None = None, now: dt.datetime | None = None
) -> list[ProgressRow]:
    """Return the plan's targets, by year, tier and level, next to the services reached.

    Three queries: the targets, the procedures with their tier and level, the level
    history up to the last past year.
    """
    now = now or timezone.now()
    targets = PlanTarget.objects.filter(plan=plan).order_by("year", "tier", "level")
    if year is not None:
        targets = targets.filter(year=year)
    target_rows = list(targets.values_list("year", "tier", "level", "target"))
    if not target_rows:
        return []
    procedures = Procedure.objects.filter(current_version__isnull=False).values_list(
        "id", "current_version__tier", "level"
    )
    tiers: dict[int, str] = {}
    live: dict[int, int] = {}
    for procedure_id, procedure_tier, level in procedures:
        counted = plan_tier(procedure_tier=procedure_tier, plan=plan)
        if counted is not None:
            tiers[procedure_id] = counted
            live[procedure_id] = level
    local_now = timezone.localtime(now, _local_zone())
    past_years = {y for y, *_rest in target_rows if y < local_now.year}
    history = levels_at(moments=[year_end(y) for y in past_years])

    counts: dict[int, dict[tuple[str, int], int]] = {}

    def counts_for(levels: dict[int, int]) -> dict[tuple[str, int], int]:
        tally: dict[tuple[str, int], int] = defaultdict(int)
        for procedure_id, level in levels.items():
            counted = tiers.get(procedure_id)
            if counted is None:
                continue
            for threshold in (3, 4):
                if level >= threshold:
                    tally[(counted, threshold)] += 1
        return tally

    rows: list[ProgressRow] = []
    for row_year, tier, level, target in target_rows:
        actual: int | None
        if row_year > local_now.year:
            actual = None
        else:
            if row_year not in counts:
                levels = live if row_year == local_now.year else history[year_end(row_year)]
                counts[row_year] = counts_for(levels)
            actual = counts[row_year].get((tier, level), 0)
        rows.append(
            ProgressRow(year=row_year, tier=tier, level=level, target=target, actual=actual)
        )
    return rows


@dataclass(frozen=True)
class ChartSeries:
    tier: str
    level: int
    label: str
    points: list[ProgressRow]


def progress_series(rows: list[ProgressRow]) -> list[ChartSeries]:
    """Group progress rows into one series per tier and level, in year order."""
    grouped: dict[tuple[str, int], list[ProgressRow]] = defaultdict(list)
    for row in rows:
        grouped[(row.tier, row.level)].append(row)
    return [
        ChartSeries(
            tier=tier,
            level=level,
            label=_("%(tier)s, mức độ %(level)s") % {"tier": PlanTier(tier).label, "level": level},
            points=sorted(points, key=lambda r: r.year),
        )
        for (tier, level), points in sorted(grouped.items())
    ]


# Annexes -------------------------------------------------------------------------------


def annex_entry_list(
    *,
    plan: Plan,
    tier: str = "",
    level: int | None = None,
    year: int | None = None,
    agency_id: int | None = None,
) -> QuerySet[AnnexEntry]:
    """Return the plan's annex rows with their procedure and agency, filtered."""
    entries = AnnexEntry.objects.filter(plan=plan).select_related(
        "procedure", "procedure__current_version", "agency"
    )
    if tier:
        entries = entries.filter(tier=tier)
    if level is not None:
        entries = entries.filter(target_level=level)
    if year is not None:
        entries = entries.filter(target_year=year)
    if agency_id is not None:
        entries = entries.filter(agency_id=agency_id)
    return entries.order_by("position", "pk")


def annex_behind_schedule(*, plan: Plan, now: dt.datetime | None = None) -> QuerySet[AnnexEntry]:
    """Return the annex rows whose year has passed and whose procedure is below its level.

    A row whose code is not in the catalogue is behind too: no service exists for it.
    """
    now = now or timezone.now()
    this_year = timezone.localtime(now, _local_zone()).year
    return (
        AnnexEntry.objects.filter(plan=plan, target_year__lt=this_year)
        .filter(Q(procedure__isnull=True) | Q(procedure__level__lt=F("target_level")))
        .select_related("procedure", "procedure__current_version", "agency")
        .order_by("target_year", "position", "pk")
    )


# Quality view --------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityRow:
    procedure_id: int
    code: str
    name: str
    tier: str
    level: int
    online_dossiers: int

    @property
    def tier_label(self) -> str:
        return str(PlanTier(self.tier).label)


@dataclass(frozen=True)
class QualityView:
    date_from: dt.date
    date_to: dt.date
    few_threshold: int
    upgrade_threshold: int
    unused: list[QualityRow]
    upgradable: list[QualityRow]


def default_quality_period(
    *, plan: Plan, now: dt.datetime | None = None
) -> tuple[dt.date, dt.date]:
    """Return the period the quality view opens on: the plan's last year, or this year so far."""
    today = timezone.localtime(now or timezone.now(), _local_zone()).date()
    if plan.last_year < today.year:
        return dt.date(plan.last_year, 1, 1), dt.date(plan.last_year, 12, 31)
    return dt.date(today.year, 1, 1), today


def online_dossier_counts(*, date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """Return the number of dossiers received online per procedure in the period.

    Read from the statistics' daily figures (`reporting.selectors.statistics_by_procedure`),
    so the count is the statistics' "received online" and costs no scan of the dossiers.
    """
    from dichvucong.reporting.selectors import StatisticsQuery, statistics_by_procedure

    rows = statistics_by_procedure(query=StatisticsQuery(date_from=date_from, date_to=date_to))
    return {row.procedure.pk: row.figures.received_online for row in rows}


def quality_view(
    *,
    plan: Plan,
    date_from: dt.date,
    date_to: dt.date,
    few_threshold: int | None = None,
    upgrade_threshold: int | None = None,
) -> QualityView:
    """Return the online services little used in the period, and level-3 ones to upgrade.

    Little used: computed level 3 or more, fewer than `few_threshold` online dossiers.
    To upgrade: computed level exactly 3, at least `upgrade_threshold` online dossiers.
    Both thresholds default to the plan's. One query of ours and the statistics' few.
    """
    few = plan.few_online_threshold if few_threshold is None else few_threshold
    upgrade = plan.upgrade_threshold if upgrade_threshold is None else upgrade_threshold
    counts = online_dossier_counts(date_from=date_from, date_to=date_to)
    online = Procedure.objects.filter(current_version__isnull=False, level__gte=3).values_list(
        "id", "code", "current_version__name", "current_version__tier", "level"
    )
    unused: list[QualityRow] = []
    upgradable: list[QualityRow] = []
    for procedure_id, code, name, procedure_tier, level in online:
        counted = plan_tier(procedure_tier=procedure_tier, plan=plan)
        if counted is None:
            continue
        row = QualityRow(
            procedure_id=procedure_id,
            code=code,
            name=name,
            tier=counted,
            level=level,
            online_dossiers=counts.get(procedure_id, 0),
        )
        if row.online_dossiers < few:
            unused.append(row)
        if level == 3 and row.online_dossiers >= upgrade:
            upgradable.append(row)
    unused.sort(key=lambda r: (r.online_dossiers, r.code))
    upgradable.sort(key=lambda r: (-r.online_dossiers, r.code))
    return QualityView(
        date_from=date_from,
        date_to=date_to,
        few_threshold=few,
        upgrade_threshold=upgrade,
        unused=unused,
        upgradable=upgradable,
    )
