"""Read the public pages' and open data's query parameters (shared by pages and API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from dichvucong.organizations.models import Agency, Tier
from dichvucong.organizations.selectors import agency_get

from .periods import ParameterError, Period, part_parse, range_parse, year_parse
from .selectors import latest_year_with_data


@dataclass(frozen=True)
class PublicQuery:
    period: Period
    agency: Agency | None = None
    tier: str = ""


def default_year() -> int:
    """Return the latest whole year with figures (this year when there are none).

    A whole year: the public page opens on a year that is over, so that its figures no
    longer move and compare with the periodic reports.
    """
    this_year = timezone.localdate().year
    return latest_year_with_data(before=date(this_year, 1, 1)) or this_year


def public_query_parse(
    params: Mapping[str, str], *, allow_range: bool = True, strict: bool = False
) -> PublicQuery:
    """Return the period (year and part, or from..to) and the agency asked for.

    Raises ParameterError naming the first parameter that cannot be read; `strict`
    (downloads and the API) also refuses parameters it does not know, so that a typo
    never silently returns another period's figures.
    """
    known = {"year", "period", "agency", "tier", "sort", "order", "format"}
    if allow_range:
        known |= {"from", "to"}
    if allow_range and (params.get("from") or params.get("to")):
        if params.get("year") or params.get("period"):
            raise ParameterError(
                "from", _("Chọn theo năm (year, period) hoặc theo ngày (from, to), không cả hai.")
            )
        period = range_parse(params.get("from", ""), params.get("to", ""))
    else:
        year_value = params.get("year", "")
        year = year_parse(year_value) if year_value else default_year()
        period = Period.of_year(year, part_parse(params.get("period", "")))
    agency = None
    code = params.get("agency", "")
    if code:
        try:
            agency = agency_get(code=code)
        except Agency.DoesNotExist:
            raise ParameterError(
                "agency", _("Không có cơ quan mã %(code)s.") % {"code": code[:40]}
            ) from None
    tier = params.get("tier", "")
    if tier and tier not in Tier.values:
        raise ParameterError(
            "tier", _("Cấp phải là một trong: %(choices)s.") % {"choices": ", ".join(Tier.values)}
        )
    unknown = sorted(set(params) - known)
    if strict and unknown:
        raise ParameterError(unknown[0], _("Tham số không được hỗ trợ."))
    return PublicQuery(period=period, agency=agency, tier=tier)
