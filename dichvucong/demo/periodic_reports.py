"""Periodic reports in the demo: the periods of 2015-2020 and this year, and filed reports.

Most agencies file on time, some late, a few not at all, so the supervisor's overview
and the consolidated reports show a meaningful picture. Which agency does what is
decided by a hash of the agency and the period, so loading twice gives the same result
(and changes nothing the second time). Run after the demo history: the filed reports
freeze the figures computed from it.
"""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from dichvucong.core.models import today
from dichvucong.reporting.periodic.models import AgencyReport, ReportPeriod
from dichvucong.reporting.periodic.selectors import reporting_agencies
from dichvucong.reporting.periodic.services import (
    Narrative,
    agency_report_save,
    agency_report_submit,
    report_periods_ensure,
)

DEMO_YEARS = (2015, 2016, 2017, 2018, 2019, 2020)

SITUATIONS = (
    "Cơ quan đã cung cấp các dịch vụ công trực tuyến mức độ 3 theo lộ trình; hồ sơ nộp "
    "trực tuyến tăng so với kỳ trước, tập trung ở các thủ tục cấp phép và đăng ký.",
    "Bộ phận một cửa tiếp nhận, trả kết quả đúng quy trình; phần lớn hồ sơ được giải "
    "quyết trước và đúng hạn, công khai tiến độ trên Cổng Dịch vụ công của tỉnh.",
    "Đã rà soát, chuẩn hóa biểu mẫu điện tử và hướng dẫn người dân, doanh nghiệp nộp hồ "
    "sơ trực tuyến tại Bộ phận một cửa.",
)
DIFFICULTIES = (
    "Người dân chưa quen nộp hồ sơ trực tuyến, nhiều hồ sơ vẫn nộp trực tiếp; đường "
    "truyền tại một số xã còn chậm.",
    "Thiết bị quét, số hóa hồ sơ tại Bộ phận một cửa còn thiếu; một số thủ tục cần bản "
    "chính giấy tờ nên khó thực hiện hoàn toàn trực tuyến.",
    "Thanh toán trực tuyến phí, lệ phí mới triển khai, số giao dịch còn ít; cán bộ kiêm "
    "nhiệm nhiều việc.",
)
PROPOSALS = (
    "Đề nghị Sở Thông tin và Truyền thông tiếp tục tập huấn cho cán bộ một cửa và tăng "
    "cường tuyên truyền về dịch vụ công trực tuyến.",
    "Đề nghị UBND tỉnh bố trí kinh phí trang bị máy quét và nâng cấp đường truyền cho Bộ "
    "phận một cửa cấp huyện, cấp xã.",
    "Đề nghị giảm phí, lệ phí cho hồ sơ nộp và thanh toán trực tuyến để khuyến khích người "
    "dân sử dụng.",
)


def _pick(agency_code: str, period: ReportPeriod) -> int:
    """Return a stable number from 0 to 99 for the agency and the period."""
    digest = hashlib.sha256(f"{agency_code}:{period.kind}:{period.year}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def _filed_at(day: datetime.date, hour: int) -> datetime.datetime:
    local = datetime.datetime.combine(day, datetime.time(hour, 30))
    return timezone.make_aware(local)


def demo_periodic_reports_load() -> int:
    """Open the demo periods and file the demo reports; return how many things changed."""
    changed = 0
    current = today()
    periods: list[ReportPeriod] = []
    for year in (*DEMO_YEARS, current.year):
        before = ReportPeriod.objects.filter(year=year).count()
        periods += report_periods_ensure(year=year)
        changed += ReportPeriod.objects.filter(year=year).count() - before
    existing = set(AgencyReport.objects.values_list("period_id", "agency_id"))
    agencies = list(reporting_agencies())
    for period in periods:
        for agency in agencies:
            if (period.pk, agency.pk) in existing:
                continue
            pick = _pick(agency.code, period)
            narrative = Narrative(
                situation=SITUATIONS[pick % 3],
                difficulties=DIFFICULTIES[(pick // 3) % 3],
                proposals=PROPOSALS[(pick // 9) % 3],
            )
            if pick < 70:  # on time: one to twenty days before the due date
                when = _filed_at(period.due_on - datetime.timedelta(days=1 + pick % 20), 9)
            elif pick < 85:  # late: one to fifteen days after
                when = _filed_at(period.due_on + datetime.timedelta(days=1 + pick % 15), 15)
            elif pick < 92:  # a draft, never filed
                if period.covers_from <= current:
                    agency_report_save(
                        period=period, agency=agency, narrative=narrative, actor=None
                    )
                    changed += 1
                continue
            else:  # nothing at all
                continue
            if when > timezone.now():
                continue  # not yet: this year's reports due later
            agency_report_submit(
                period=period, agency=agency, actor=None, narrative=narrative, now=when
            )
            changed += 1
    return changed
