"""Statistics: daily figures per agency, procedure and channel, kept as events happen.

One `DailyFigures` row holds what happened on one day (Vietnam time) to the dossiers of
one receiving agency and one procedure that came in through one channel: how many were
received, accepted, denied, withdrawn, handed back (early, on time, late, and how long
they took), paid online and rated. The dashboard, the periodic reports and the open
data sum these rows instead of counting millions of dossiers. The rows follow the
dossier event log (`reporting.services.daily_figures_event_apply`, called for every
event) and can be rebuilt from it at any time (`manage.py reporting_rebuild`).
Definitions of every counter: docs/statistics.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.catalogue.models import Channel

# Upper bounds (in days, inclusive) of the processing-time buckets; the last is open.
PROCESSING_BUCKET_DAYS = (1, 3, 7, 15, 30)
PROCESSING_BUCKET_FIELDS = (
    "processing_le_1",
    "processing_le_3",
    "processing_le_7",
    "processing_le_15",
    "processing_le_30",
    "processing_gt_30",
)
# Every counter of a row, in the order the upsert and the rebuild write them.
COUNTER_FIELDS = (
    "received",
    "accepted",
    "denied",
    "cancelled",
    "processed",
    "processed_early",
    "processed_on_time",
    "processed_late",
    "processing_counted",
    "processing_seconds",
    *PROCESSING_BUCKET_FIELDS,
    "paid_online",
    "paid_online_amount",
    "ratings_very_satisfied",
    "ratings_satisfied",
    "ratings_unsatisfied",
)


def _counter(verbose_name: Any) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(verbose_name, default=0)


class Counters(models.Model):
    """The counters of a row of figures (definitions: docs/statistics.md)."""

    received = _counter(_("tiếp nhận (nộp)"))
    accepted = _counter(_("được tiếp nhận"))
    denied = _counter(_("từ chối tiếp nhận"))
    cancelled = _counter(_("công dân rút"))
    processed = _counter(_("đã trả kết quả"))
    processed_early = _counter(_("trả trước hạn"))
    processed_on_time = _counter(_("trả đúng hạn"))
    processed_late = _counter(_("trả trễ hạn"))
    processing_counted = _counter(_("số hồ sơ tính thời gian xử lý"))
    processing_seconds = models.PositiveBigIntegerField(_("tổng thời gian xử lý (giây)"), default=0)
    processing_le_1 = _counter(_("xử lý trong 1 ngày"))
    processing_le_3 = _counter(_("xử lý từ trên 1 đến 3 ngày"))
    processing_le_7 = _counter(_("xử lý từ trên 3 đến 7 ngày"))
    processing_le_15 = _counter(_("xử lý từ trên 7 đến 15 ngày"))
    processing_le_30 = _counter(_("xử lý từ trên 15 đến 30 ngày"))
    processing_gt_30 = _counter(_("xử lý trên 30 ngày"))
    paid_online = _counter(_("thanh toán trực tuyến"))
    paid_online_amount = models.PositiveBigIntegerField(
        _("số tiền thanh toán trực tuyến (đồng)"), default=0
    )
    ratings_very_satisfied = _counter(_("rất hài lòng"))
    ratings_satisfied = _counter(_("hài lòng"))
    ratings_unsatisfied = _counter(_("chưa hài lòng"))

    class Meta:
        abstract = True


class KeyedCounters(Counters):
    """The counters of one receiving agency, one procedure and one channel.

    The period column (`day` or `month`) and the indexes belong to each subclass.
    """

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)

    class Meta:
        abstract = True


class DailyFigures(KeyedCounters):
    """What happened on one day to one agency's dossiers of one procedure, by channel."""

    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("số liệu theo ngày")
        verbose_name_plural = _("số liệu theo ngày")
        ordering = ["day", "agency", "procedure", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "channel"], name="daily_figures_unique"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "day"], name="daily_figures_agency_day"),
            models.Index(fields=["procedure", "day"], name="daily_figures_procedure_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_id} {self.channel}"


class MonthlyFigures(KeyedCounters):
    """The sum of a month's `DailyFigures` rows per agency, procedure and channel.

    Kept like the daily rows (the listener updates both) and recomputed from them by
    `daily_figures_rebuild`; the selectors read it only for the months listed in
    `RolledMonth`, i.e. months whose rows were last computed from the daily rows.
    """

    month = models.DateField(_("tháng (ngày đầu tháng)"))

    class Meta:
        verbose_name = _("số liệu theo tháng")
        verbose_name_plural = _("số liệu theo tháng")
        ordering = ["month", "agency", "procedure", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "channel"], name="monthly_figures_unique"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "month"], name="monthly_figures_agency_month"),
            models.Index(fields=["procedure", "month"], name="monthly_figures_procedure"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_id} {self.channel}"


class RolledMonth(models.Model):
    """A month whose `MonthlyFigures` rows equal the sum of its daily rows."""

    month = models.DateField(_("tháng"), unique=True)
    rolled_at = models.DateTimeField(_("tổng hợp lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tháng đã tổng hợp")
        verbose_name_plural = _("tháng đã tổng hợp")
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
