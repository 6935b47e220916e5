"""Writes of the roadmap: plans and targets, annex imports, the level history."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.catalogue.models import Procedure
from dichvucong.core.text import fold
from dichvucong.core.validators import validate_procedure_code
from dichvucong.organizations.models import AdministrativeUnit, Agency

from .models import AnnexEntry, LevelRecord, LevelRecordSource, Plan, PlanTarget, PlanTier
from .selectors import plan_tier

# Plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSpec:
    year: int
    tier: str
    level: int
    target: int


@transaction.atomic
def plan_upsert(
    *,
    slug: str,
    name: str,
    first_year: int,
    last_year: int,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    issuer: str = "",
    province_code: str = "",
    commune_counts_as_district: bool = True,
    targets: Sequence[TargetSpec] | None = None,
) -> tuple[Plan, int]:
    """Create or update the plan `slug`; with `targets`, make its targets exactly those.

    Return the plan and how many rows changed (0 when everything was already so).
    """
    changed = 0
    province = AdministrativeUnit.objects.get(code=province_code) if province_code else None
    values = {
        "name": name,
        "first_year": first_year,
        "last_year": last_year,
        "decision_number": decision_number,
        "decision_date": decision_date,
        "issuer": issuer,
        "province": province,
        "commune_counts_as_district": commune_counts_as_district,
    }
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        plan = Plan(slug=slug, **values)
        plan.full_clean()
        plan.save()
        changed += 1
    else:
        dirty = [key for key, value in values.items() if getattr(plan, key) != value]
        if dirty:
            for key in dirty:
                setattr(plan, key, values[key])
            plan.full_clean()
            plan.save(update_fields=[*dirty, "updated_at"])
            changed += 1
    if targets is not None:
        changed += plan_targets_set(plan=plan, targets=targets)
    return plan, changed


def _targets_check(*, plan: Plan, targets: Sequence[TargetSpec]) -> None:
    """Raise ValidationError unless every target is in the plan's years and none decreases.

    Targets are cumulative (the number of services at the level by the end of the year),
    so a year's target is never below an earlier year's for the same tier and level.
    """
    errors: dict[str, list[str]] = {}
    by_series: dict[tuple[str, int], list[TargetSpec]] = {}
    for spec in targets:
        key = f"{spec.year}-{spec.tier}-{spec.level}"
        if spec.year not in plan.years:
            errors.setdefault(key, []).append(
                _("Năm %(year)s nằm ngoài thời kỳ của lộ trình.") % {"year": spec.year}
            )
        if spec.tier not in PlanTier.values or spec.level not in (3, 4):
            errors.setdefault(key, []).append(_("Cấp hoặc mức độ không hợp lệ."))
        if spec.target < 0:
            errors.setdefault(key, []).append(_("Chỉ tiêu không được âm."))
        by_series.setdefault((spec.tier, spec.level), []).append(spec)
    for series in by_series.values():
        ordered = sorted(series, key=lambda t: t.year)
        for before, after in itertools.pairwise(ordered):
            if after.target < before.target:
                errors.setdefault(f"{after.year}-{after.tier}-{after.level}", []).append(
                    _(
                        "Chỉ tiêu là số lũy kế: năm %(year)s (%(value)s) không được thấp hơn "
                        "năm %(before_year)s (%(before)s)."
                    )
                    % {
                        "year": after.year,
                        "value": after.target,
                        "before_year": before.year,
                        "before": before.target,
                    }
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_targets_set(*, plan: Plan, targets: Sequence[TargetSpec]) -> int:
    """Make the plan's targets exactly `targets`; return how many rows changed.

    Refuses (ValidationError keyed "year-tier-level", nothing written) a year outside the
    plan, a bad tier or level, a negative target, or a target below an earlier year's.
    """
    _targets_check(plan=plan, targets=targets)
    existing = {(t.year, t.tier, t.level): t for t in PlanTarget.objects.filter(plan=plan)}
    wanted = {(t.year, t.tier, t.level): t.target for t in targets}
    changed = 0
    for key, value in wanted.items():
        target = existing.get(key)
        if target is None:
            target = PlanTarget(plan=plan, year=key[0], tier=key[1], level=key[2], target=value)
            target.full_clean()
            target.save()
            changed += 1
        elif target.target != value:
            target.target = value
            target.full_clean()
            target.save(update_fields=["target"])
            changed += 1
    stale = [t.pk for key, t in existing.items() if key not in wanted]
    if stale:
        PlanTarget.objects.filter(pk__in=stale).delete()
        changed += len(stale)
    return changed


# Annex imports -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnexRow:
    """One row of an annex list as read from a file, before validation (text as written)."""

    line: int
    procedure_code: str
    procedure_name: str = ""
    tier: str = ""
    target_level: str = ""
    target_year: str = ""
    agency_code: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("Dòng %(line)s, cột %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line:
            return _("Dòng %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


class AnnexImportError(Exception):
    """The annex list has errors; nothing was imported. Each error names its row and column."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class AnnexImportSummary:
    created: int
    updated: int
    unchanged: int
    deleted: int


# The column titles of the annex spreadsheet (read and written by annex_excel).
COLUMN_CODE = "Mã thủ tục"
COLUMN_NAME = "Tên thủ tục"
COLUMN_TIER = "Cấp"
COLUMN_LEVEL = "Mức độ"
COLUMN_YEAR = "Năm đạt"
COLUMN_AGENCY = "Mã cơ quan"

_TIER_WORDS: dict[str, str] = {
    "department": PlanTier.DEPARTMENT,
    "so, ban, nganh": PlanTier.DEPARTMENT,
    "so ban nganh": PlanTier.DEPARTMENT,
    "so": PlanTier.DEPARTMENT,
    "cap tinh": PlanTier.DEPARTMENT,
    "tinh": PlanTier.DEPARTMENT,
    "district": PlanTier.DISTRICT,
    "cap huyen": PlanTier.DISTRICT,
    "huyen": PlanTier.DISTRICT,
    "cap huyen, thi xa": PlanTier.DISTRICT,
}


def _parse_tier(value: str) -> str | None:
    return _TIER_WORDS.get(fold(value).strip())


def _parse_int(value: str) -> int | None:
    match = re.fullmatch(r"\D*?(\d+)(?:\.0+)?", value.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _CleanRow:
    procedure_code: str
    procedure_name: str
    tier: str
    target_level: int
    target_year: int
    procedure: Procedure | None
    agency: Agency | None


def _annex_rows_clean(*, plan: Plan, rows: Sequence[AnnexRow]) -> list[_CleanRow]:
    """Check every row; return them cleaned or raise AnnexImportError with every error."""
    errors: list[RowError] = []
    codes = {r.procedure_code.strip() for r in rows}
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(code__in=codes).select_related("current_version")
    }
    agency_codes = {r.agency_code.strip() for r in rows if r.agency_code.strip()}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=agency_codes)}
    seen: dict[tuple[str, int], int] = {}
    cleaned: list[_CleanRow] = []
    for row in rows:
        row_errors: list[RowError] = []

        def error(
            column: str, message: str, line: int = row.line, into: list[RowError] = row_errors
        ) -> None:
            into.append(RowError(line=line, column=column, message=message))

        code = row.procedure_code.strip()
        if not code:
            error(COLUMN_CODE, _("Thiếu mã thủ tục."))
        else:
            try:
                validate_procedure_code(code)
            except ValidationError:
                error(COLUMN_CODE, _("Mã thủ tục %(code)s không đúng định dạng.") % {"code": code})
        tier = _parse_tier(row.tier)
        if tier is None:
            error(
                COLUMN_TIER,
                _("“%(value)s” không phải là cấp hợp lệ (Sở, ban, ngành hoặc Cấp huyện).")
                % {"value": row.tier},
            )
        level = _parse_int(row.target_level)
        if level not in (3, 4):
            error(
                COLUMN_LEVEL,
                _("Mức độ phải là 3 hoặc 4, không phải “%(value)s”.") % {"value": row.target_level},
            )
        year = _parse_int(row.target_year)
        if year is None or year not in plan.years:
            error(
                COLUMN_YEAR,
                _("Năm phải nằm trong thời kỳ %(first)s-%(last)s, không phải “%(value)s”.")
                % {"first": plan.first_year, "last": plan.last_year, "value": row.target_year},
            )
        agency = None
        if row.agency_code.strip():
            agency = agencies.get(row.agency_code.strip())
            if agency is None:
                error(
                    COLUMN_AGENCY,
                    _("Không có cơ quan mã %(code)s.") % {"code": row.agency_code.strip()},
                )
        procedure = procedures.get(code)
        name = row.procedure_name.strip()
        if procedure is None and code and not name:
            error(COLUMN_NAME, _("Mã thủ tục chưa có trong danh mục: cần ghi tên thủ tục."))
        if procedure is not None and procedure.current_version is not None and tier is not None:
            counted = plan_tier(procedure_tier=procedure.current_version.tier, plan=plan)
            if counted is not None and counted != tier:
                error(
                    COLUMN_TIER,
                    _("Thủ tục %(code)s thuộc %(tier)s trong danh mục.")
                    % {"code": code, "tier": PlanTier(counted).label},
                )
        if code and level in (3, 4):
            key = (code, level)
            if key in seen:
                error(
                    COLUMN_CODE,
                    _("Thủ tục %(code)s mức độ %(level)s đã có ở dòng %(line)s.")
                    % {"code": code, "level": level, "line": seen[key]},
                )
            else:
                seen[key] = row.line
        if row_errors:
            errors.extend(row_errors)
            continue
        assert tier is not None and level is not None and year is not None  # noqa: S101
        if not name and procedure is not None and procedure.current_version is not None:
            name = procedure.current_version.name
        cleaned.append(
            _CleanRow(
                procedure_code=code,
                procedure_name=name[:1000],
                tier=tier,
                target_level=level,
                target_year=year,
                procedure=procedure,
                agency=agency,
            )
        )
    if not rows:
        errors.append(RowError(line=0, column="", message=_("Tệp không có dòng dữ liệu nào.")))
    if errors:
        raise AnnexImportError(errors)
    return cleaned


@transaction.atomic
def annex_import(
    *, plan: Plan, rows: Sequence[AnnexRow], replace: bool = False
) -> AnnexImportSummary:
    """Import annex rows into the plan: all or nothing, idempotent.

    A row is identified by its procedure code and level: an existing one is updated, a
    new one created, an identical one left alone. With `replace`, the plan's rows absent
    from the list are deleted. Any bad row raises AnnexImportError and writes nothing.
    """
    cleaned = _annex_rows_clean(plan=plan, rows=rows)
    existing = {(e.procedure_code, e.target_level): e for e in AnnexEntry.objects.filter(plan=plan)}
    created = updated = unchanged = 0
    for position, row in enumerate(cleaned, start=1):
        values = {
            "position": position,
            "procedure_id": row.procedure.pk if row.procedure is not None else None,
            "procedure_name": row.procedure_name,
            "tier": row.tier,
            "target_year": row.target_year,
            "agency_id": row.agency.pk if row.agency is not None else None,
        }
        entry = existing.get((row.procedure_code, row.target_level))
        if entry is None:
            entry = AnnexEntry(
                plan=plan,
                procedure_code=row.procedure_code,
                target_level=row.target_level,
                **values,
            )
            entry.full_clean()
            entry.save()
            created += 1
            continue
        dirty = [key for key, value in values.items() if getattr(entry, key) != value]
        if not dirty:
            unchanged += 1
            continue
        for key in dirty:
            setattr(entry, key, values[key])
        entry.full_clean()
        entry.save(update_fields=[key.removesuffix("_id") for key in dirty])
        updated += 1
    deleted = 0
    if replace:
        kept = {(r.procedure_code, r.target_level) for r in cleaned}
        stale = [e.pk for key, e in existing.items() if key not in kept]
        if stale:
            deleted, _details = AnnexEntry.objects.filter(pk__in=stale).delete()
    return AnnexImportSummary(
        created=created, updated=updated, unchanged=unchanged, deleted=deleted
    )


def annex_import_xlsx(*, plan: Plan, content: bytes, replace: bool = False) -> AnnexImportSummary:
    """Read an annex spreadsheet and import it (see `annex_import`); nothing on any error."""
    from .annex_excel import annex_rows_read

    rows = annex_rows_read(content)
    return annex_import(plan=plan, rows=rows, replace=replace)


@transaction.atomic
def annex_entries_link() -> int:
    """Link annex rows whose code has entered the catalogue since they were imported.

    Return how many rows were linked. Run with the daily level record.
    """
    catalogue = Procedure.objects.filter(code=OuterRef("procedure_code"))
    return (
        AnnexEntry.objects.filter(procedure__isnull=True)
        .filter(Exists(catalogue))
        .update(procedure_id=Subquery(catalogue.values("pk")[:1]))
    )


# Level history -------------------------------------------------------------------------


@transaction.atomic
def procedure_levels_record(*, now: dt.datetime | None = None) -> int:
    """Append a level record for every procedure whose computed level changed; return how many.

    Run daily (Celery beat) and by `manage.py roadmap_record_levels`; running it twice
    records nothing new.
    """
    now = now or timezone.now()
    last = (
        LevelRecord.objects.filter(procedure=OuterRef("pk"))
        .order_by("-recorded_at", "-pk")
        .values("level")[:1]
    )
    procedures = Procedure.objects.annotate(last_level=Subquery(last)).values_list(
        "id", "level", "last_level"
    )
    new = [
        LevelRecord(procedure_id=pk, level=level, recorded_at=now)
        for pk, level, last_level in procedures
        if last_level != level
    ]
    LevelRecord.objects.bulk_create(new)
    return len(new)


@dataclass(frozen=True)
class LevelRecordSpec:
    procedure_id: int
    level: int
    recorded_at: dt.datetime


@transaction.atomic
def level_records_add(
    *, records: Sequence[LevelRecordSpec], source: str = LevelRecordSource.OBSERVED
) -> int:
    """Add level records known from elsewhere (a backfill); skip those already there."""
    if source not in LevelRecordSource.values:
        raise ValidationError({"source": _("Nguồn không hợp lệ.")})
    ids = {r.procedure_id for r in records}
    present = set(
        LevelRecord.objects.filter(procedure_id__in=ids).values_list(
            "procedure_id", "level", "recorded_at"
        )
    )
    new = [
        LevelRecord(
            procedure_id=r.procedure_id, level=r.level, recorded_at=r.recorded_at, source=source
        )
        for r in records
        if (r.procedure_id, r.level, r.recorded_at) not in present
    ]
    LevelRecord.objects.bulk_create(new)
    return len(new)
