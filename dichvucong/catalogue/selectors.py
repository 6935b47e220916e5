"""Reads of the catalogue. The catalogue is public: no permission applies here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dichvucong.core.text import search_terms
from dichvucong.organizations.models import Agency

from .models import (
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessingTime,
    RequiredDocument,
)


def _published() -> QuerySet[Procedure]:
    return Procedure.objects.filter(current_version__isnull=False)


def current_versions() -> QuerySet[ProcedureVersion]:
    """Return the versions that are their procedure's current one."""
    return ProcedureVersion.objects.filter(procedure__current_version=F("pk"))


@dataclass(frozen=True)
class ProcedureFilters:
    search: str = ""
    agency: Agency | None = None
    tier: str = ""
    field: Field | None = None
    level: int | None = None
    applicant_type: str = ""


def procedure_search(*, filters: ProcedureFilters) -> QuerySet[Procedure]:
    """Return the published procedures matching the filters, best matches first.

    The search is accent-insensitive: every term of the query, folded, must begin a word
    of the procedure's folded name, code, keywords or field ("xay" finds "xây dựng",
    "ho" does not find "học"). Procedures whose text holds the whole phrase come first.
    """
    queryset = _published()
    ordering: list[str] = []
    terms = search_terms(filters.search)
    if terms:
        queryset = queryset.filter(current_version__search_text__words=terms)
    if len(terms) > 1:
        queryset = queryset.annotate(
            rank=Case(
                When(current_version__search_text__contains=f" {' '.join(terms)}", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        ordering.append("rank")
    if filters.agency is not None:
        queryset = queryset.filter(current_version__agencies=filters.agency)
    if filters.tier:
        queryset = queryset.filter(current_version__tier=filters.tier)
    if filters.field is not None:
        queryset = queryset.filter(current_version__fields=filters.field)
    if filters.level is not None:
        queryset = queryset.filter(level=filters.level)
    if filters.applicant_type == "citizen":
        queryset = queryset.filter(current_version__for_citizens=True)
    elif filters.applicant_type == "business":
        queryset = queryset.filter(current_version__for_businesses=True)
    # search_text starts with the folded name: alphabetical order regardless of case and
    # diacritics, the same on SQLite and PostgreSQL whatever their collation.
    return queryset.order_by(*ordering, "current_version__search_text", "code")


def procedure_list_qs(queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """Return `queryset` with what a list of procedures shows, in one query per page.

    The list shows the first implementing agency (a district procedure has one per
    district, a commune procedure dozens) and the number of them, and the first field:
    correlated subqueries, so no agency or field rows are loaded into Python.
    """
    version = OuterRef("current_version")
    agencies = Agency.objects.filter(procedure_versions=version).order_by("code")
    fields = Field.objects.filter(versions=version).order_by("code")
    agency_count = (
        ProcedureVersion.agencies.through.objects.filter(  # type: ignore[misc]
            procedureversion_id=version
        )
        .order_by()
        .values("procedureversion_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        queryset.select_related("current_version")
        .only(
            "code",
            "level",
            "current_version__name",
            "current_version__declared_level",
            "current_version__tier",
            "current_version__for_citizens",
            "current_version__for_businesses",
        )
        .annotate(
            agency_code=Subquery(agencies.values("code")[:1]),
            agency_name=Subquery(agencies.values("name")[:1]),
            agency_count=Coalesce(Subquery(agency_count), 0),
            field_code=Subquery(fields.values("code")[:1]),
            field_name=Subquery(fields.values("name")[:1]),
        )
    )


def procedure_version_detail_qs() -> QuerySet[ProcedureVersion]:
    """Return versions with everything the detail page, API and export show."""
    return ProcedureVersion.objects.select_related(
        "procedure", "publishing_agency"
    ).prefetch_related(
        Prefetch("agencies", queryset=Agency.objects.order_by("code")),
        Prefetch("fields", queryset=Field.objects.order_by("code")),
        "legal_basis",
        "results",
        "forms",
        Prefetch(
            "cases",
            queryset=ProcedureCase.objects.order_by("position").prefetch_related(
                "steps",
                Prefetch(
                    "processing_times",
                    queryset=ProcessingTime.objects.order_by("position").prefetch_related("fees"),
                ),
                Prefetch(
                    "documents",
                    queryset=RequiredDocument.objects.order_by("position").select_related("form"),
                ),
            ),
        ),
    )


@dataclass(frozen=True)
class CatalogueFigures:
    procedures: int
    level_2_or_more: int
    fields: int


def catalogue_figures() -> CatalogueFigures:
    """Return the live figures of the portal's home page."""
    by_level = dict(_published().values_list("level").annotate(n=Count("pk")).order_by())
    fields = (
        Field.objects.filter(versions__procedure__current_version=F("versions__pk"))
        .distinct()
        .count()
    )
    return CatalogueFigures(
        procedures=sum(by_level.values()),
        level_2_or_more=sum(n for level, n in by_level.items() if level >= 2),
        fields=fields,
    )


def procedure_popular(*, limit: int) -> QuerySet[Procedure]:
    """Return the most viewed published procedures."""
    return procedure_list_qs(_published().order_by("-view_count", "code"))[:limit]


def procedure_version_get(*, code: str, number: int | None = None) -> ProcedureVersion:
    """Return a version of the procedure (the current one by default), fully prefetched.

    Raise ProcedureVersion.DoesNotExist when there is no such procedure or version.
    """
    queryset = procedure_version_detail_qs().filter(procedure__code=code)
    if number is None:
        return queryset.get(pk__in=current_versions())
    return queryset.get(number=number)


def procedure_versions(*, code: str) -> QuerySet[ProcedureVersion]:
    """Return the procedure's versions, newest first."""
    return ProcedureVersion.objects.filter(procedure__code=code).order_by("-number")


def field_list() -> QuerySet[Field]:
    """Return the fields with the number of published procedures in each."""
    return Field.objects.annotate(
        procedure_count=Count(
            "versions",
            filter=Q(versions__procedure__current_version=F("versions__pk")),
            distinct=True,
        )
    ).order_by("name")


def agency_procedure_counts() -> dict[int, int]:
    """Return, per agency id, how many published procedures it implements."""
    rows = current_versions().values("agencies").annotate(total=Count("pk"))
    return {row["agencies"]: row["total"] for row in rows if row["agencies"] is not None}
