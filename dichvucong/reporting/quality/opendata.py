"""Open data: the public statistics as CSV and JSON, with a documented schema.

Three datasets, each a list of rows with stable English column names: the figures per
agency per month, per procedure for a period, and the service quality index per agency.
The JSON document carries the schema and the licence next to the rows; the CSV is UTF-8
with a byte order mark so that Excel opens it with the Vietnamese letters intact.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dichvucong.core.cache import cache_key
from dichvucong.organizations.models import Agency

from .models import IndexSet, IndicatorGroup
from .params import public_query_parse
from .periods import Period
from .selectors import (
    INDEX_COLUMNS,
    index_set_active,
    open_data_agency_monthly,
    open_data_index,
    open_data_procedures,
    quality_report,
)

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "integer", "number", "string" or "date"
    description: str | Promise


DOSSIER_COLUMNS = (
    Column("received", "integer", _("Số hồ sơ tiếp nhận (mọi hình thức nộp)")),
    Column("received_online", "integer", _("Số hồ sơ nộp trực tuyến")),
    Column("received_direct", "integer", _("Số hồ sơ nộp trực tiếp tại bộ phận một cửa")),
    Column("received_postal", "integer", _("Số hồ sơ nộp qua dịch vụ bưu chính")),
    Column("processed", "integer", _("Số hồ sơ đã trả kết quả")),
    Column("processed_early", "integer", _("Số hồ sơ trả kết quả trước hạn")),
    Column("processed_on_time", "integer", _("Số hồ sơ trả kết quả đúng hạn")),
    Column("processed_late", "integer", _("Số hồ sơ trả kết quả quá hạn")),
    Column("paid_online", "integer", _("Số hồ sơ thanh toán phí, lệ phí trực tuyến")),
    Column("ratings_very_satisfied", "integer", _("Số đánh giá “Rất hài lòng”")),
    Column("ratings_satisfied", "integer", _("Số đánh giá “Hài lòng”")),
    Column("ratings_unsatisfied", "integer", _("Số đánh giá “Chưa hài lòng”")),
)

AGENCY_COLUMNS = (
    Column("agency_code", "string", _("Mã định danh của cơ quan tiếp nhận")),
    Column("agency_name", "string", _("Tên cơ quan tiếp nhận")),
)

PERIOD_COLUMNS = (
    Column("date_from", "date", _("Ngày đầu kỳ (giờ Việt Nam), YYYY-MM-DD")),
    Column("date_to", "date", _("Ngày cuối kỳ (giờ Việt Nam), YYYY-MM-DD")),
)

GROUP_LABELS = dict(IndicatorGroup.choices)


def _index_columns() -> tuple[Column, ...]:
    described: dict[str, Column] = {
        c.name: c
        for c in (
            *PERIOD_COLUMNS,
            *AGENCY_COLUMNS,
            Column("scope", "string", _("“province”: cả tỉnh; “agency”: một cơ quan")),
            Column("received", "integer", _("Số hồ sơ tiếp nhận")),
            Column("processed", "integer", _("Số hồ sơ đã trả kết quả")),
            Column("processed_on_time", "integer", _("Số hồ sơ trả trước hạn hoặc đúng hạn")),
            Column(
                "on_time_percent",
                "number",
                _("Tỷ lệ % trả kết quả trước hạn hoặc đúng hạn (trên số hồ sơ có hạn)"),
            ),
            Column("ratings", "integer", _("Số đánh giá")),
            Column(
                "satisfied_percent", "number", _("Tỷ lệ % đánh giá “Rất hài lòng” hoặc “Hài lòng”")
            ),
            Column("points", "number", _("Tổng điểm đạt được")),
            Column("max_points", "number", _("Tổng điểm tối đa của các chỉ số đo được")),
            Column("score", "number", _("Điểm quy về thang 100 (points / max_points * 100)")),
        )
    }
    for group in IndicatorGroup.values:
        described[f"points_{group}"] = Column(
            f"points_{group}",
            "number",
            _("Điểm nhóm: %(group)s") % {"group": GROUP_LABELS[group]},
        )
    return tuple(described[name] for name in INDEX_COLUMNS)


Builder = Callable[[Period, Agency | None, str, IndexSet | None], list[dict[str, Any]]]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str | Promise
    description: str | Promise
    columns: Callable[[], tuple[Column, ...]]
    build: Builder


def _agency_monthly(
    period: Period, agency: Agency | None, tier: str, index_set: IndexSet | None
) -> list[dict[str, Any]]:
    rows = open_data_agency_monthly(period=period, agency=agency)
    if tier:
        tiers = dict(Agency.objects.filter(tier=tier).values_list("code", "tier"))
        rows = [r for r in rows if r["agency_code"] in tiers]
    return rows


def _procedures(
    period: Period, agency: Agency | None, tier: str, index_set: IndexSet | None
) -> list[dict[str, Any]]:
    return open_data_procedures(period=period, agency=agency)


def _index(
    period: Period, agency: Agency | None, tier: str, index_set: IndexSet | None
) -> list[dict[str, Any]]:
    report = quality_report(period=period, index_set=index_set, agency=agency, tier=tier)
    return open_data_index(report=report)


DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            slug="agencies-monthly",
            title=_("Hồ sơ theo cơ quan và theo tháng"),
            description=_(
                "Mỗi dòng: một cơ quan tiếp nhận trong một tháng của kỳ (chỉ những tháng có "
                "hồ sơ): số hồ sơ tiếp nhận theo hình thức nộp, đã giải quyết (trước hạn, "
                "đúng hạn, quá hạn), thanh toán trực tuyến và đánh giá."
            ),
            columns=lambda: (
                Column("year", "integer", _("Năm")),
                Column("month", "integer", _("Tháng (1 đến 12)")),
                *AGENCY_COLUMNS,
                *DOSSIER_COLUMNS,
            ),
            build=_agency_monthly,
        ),
        Dataset(
            slug="procedures",
            title=_("Hồ sơ theo thủ tục"),
            description=_(
                "Mỗi dòng: một thủ tục hành chính có hồ sơ trong kỳ, với số hồ sơ tiếp nhận, "
                "đã giải quyết, đúng hạn, quá hạn và thời gian giải quyết trung bình."
            ),
            columns=lambda: (
                *PERIOD_COLUMNS,
                Column("procedure_code", "string", _("Mã thủ tục trên CSDL quốc gia")),
                Column("procedure_name", "string", _("Tên thủ tục")),
                *DOSSIER_COLUMNS,
                Column(
                    "average_processing_days",
                    "number",
                    _("Thời gian giải quyết trung bình (ngày), của hồ sơ đã trả kết quả"),
                ),
            ),
            build=_procedures,
        ),
        Dataset(
            slug="quality-index",
            title=_("Chỉ số chất lượng phục vụ"),
            description=_(
                "Dòng đầu: cả tỉnh; mỗi dòng sau: một cơ quan có hồ sơ trong kỳ, với tỷ lệ "
                "đúng hạn, tỷ lệ hài lòng, điểm từng nhóm chỉ số và điểm quy về thang 100."
            ),
            columns=_index_columns,
            build=_index,
        ),
    )
}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def dataset_document(
    *,
    dataset: Dataset,
    period: Period,
    agency: Agency | None,
    tier: str,
    index_set: IndexSet | None,
) -> dict[str, Any]:
    """Return the JSON document of `dataset`: what it is, its schema, licence and rows."""
    columns = dataset.columns()
    rows = dataset.build(period, agency, tier, index_set)
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "publisher": settings.PORTAL_NAME,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "period": {
            "from": period.date_from.isoformat(),
            "to": period.date_to.isoformat(),
            "label": period.label,
        },
        "agency": agency.code if agency is not None else None,
        "tier": tier or None,
        "index_set": index_set.code
        if index_set is not None and dataset.slug == "quality-index"
        else None,
        "schema": [
            {"name": c.name, "type": c.type, "description": str(c.description)} for c in columns
        ],
        "rows": [{c.name: _plain(row.get(c.name)) for c in columns} for row in rows],
    }


def dataset_csv(document: dict[str, Any]) -> bytes:
    """Return the rows of a dataset document as CSV (UTF-8 with BOM, header row)."""
    buffer = io.StringIO()
    names = [c["name"] for c in document["schema"]]
    numbers = {c["name"] for c in document["schema"] if c["type"] == "number"}

    def cell(name: str, value: Any) -> Any:
        if value is None:
            return ""
        if name in numbers:
            return f"{value:.2f}"  # every number of the datasets has two decimals
        return value

    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in document["rows"]:
        writer.writerow([cell(name, row[name]) for name in names])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def open_data_document_get(*, slug: str, params: Mapping[str, str]) -> dict[str, Any]:
    """Return the document of dataset `slug` (which must exist) for query `params`.

    Kept in the public cache for PUBLIC_CACHE_SECONDS. Raises ParameterError naming a
    bad parameter.
    """
    dataset = DATASETS[slug]
    params = {k: v for k, v in params.items() if k != "format"}
    query = public_query_parse(params, strict=True)
    index_set = index_set_active()
    key = cache_key(
        "open-data",
        slug,
        get_language() or "",
        json.dumps(sorted(params.items())),
        index_set.code if index_set is not None else "",
    )
    public = caches["public"]
    document: dict[str, Any] | None = public.get(key)
    if document is None:
        document = dataset_document(
            dataset=dataset,
            period=query.period,
            agency=query.agency,
            tier=query.tier,
            index_set=index_set,
        )
        public.set(key, document, timeout=settings.PUBLIC_CACHE_SECONDS)
    return document
