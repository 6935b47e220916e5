"""A realistic processing history for the demo: dossiers filed from 2015 to 2020.

`demo_history_load` writes, with bulk inserts, `size` dossiers (200,000 by default)
submitted between 1 January 2015 and 31 December 2020 at the demo agencies, for their
published procedures, each with the whole life the workflow engine would have written:
the dossier row in its final state, its `DossierEvent` rows (submission, acceptance,
assignment, proposal, approval, hand-back, and the requests for documents, refusals,
withdrawals and rework of some), the online payments of the procedures that take them
and the applicants' satisfaction ratings. The statistics, the roadmap and the periodic
reports then have six years to show. See docs/demo-history.md.

Every dossier is finished (handed back, refused or withdrawn): the last ones are handed
back in the first weeks of 2021, nothing of the history looks overdue today. Officers'
actions carry their role (`actor_role`) but no officer (`actor` NULL): the history
predates the demo accounts. Online dossiers belong to generated citizen accounts
(`lichsu.<seed>.NNNNN`, no usable password) so that payments have a payer.

The generation is deterministic: the same seed and catalogue give the same history.
It runs in one transaction. Dossiers are marked by their idempotency key
`history:<seed>:<n>`; loading again with the same size and seed does nothing, another
size or seed asks for `replace=True` (`load_demo --history-replace`), which deletes the
history first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext

from dichvucong.accounts.models import Role, User
from dichvucong.catalogue.models import (
    Channel,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessingTime,
    RequiredDocument,
    TimeUnit,
)
from dichvucong.core import workdays
from dichvucong.core.sequences import counters_raise
from dichvucong.core.text import fold
from dichvucong.dossiers.intake import COUNTER_EVENT
from dichvucong.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierSequence,
    RegisterSequence,
)
from dichvucong.dossiers.selectors import case_for_version, receiving_agencies
from dichvucong.dossiers.services import dossier_code_format
from dichvucong.feedback.models import Rating
from dichvucong.organizations.models import AdministrativeUnit, Agency, Tier
from dichvucong.payments.fees import case_fees, fee_compute
from dichvucong.payments.models import Payment, PaymentEvent, PaymentRequest
from dichvucong.reporting.services import daily_figures_rebuild
from dichvucong.workflows.models import SYSTEM, Workflow, WorkflowAction, WorkflowState

DEFAULT_SIZE = 200_000
DEFAULT_SEED = 2015
FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2020, 12, 31)
KEY_PREFIX = "history:"
USERNAME_PREFIX = "lichsu."
BATCH = 20_000
# The steps of the default workflow the history's dossiers take: (from state, action).
TRANSITIONS = (
    ("submitted", "withdraw"),
    ("submitted", "refuse"),
    ("submitted", "request_documents"),
    ("reception_waiting", "supplement"),
    ("submitted", "accept"),
    ("assigning", "assign"),
    ("examining", "request_documents"),
    ("processing_waiting", "supplement"),
    ("examining", "propose"),
    ("approving", "return_for_rework"),
    ("approving", "approve"),
    ("releasing", "hand_back"),
)

# --- the shape of the history ----------------------------------------------------------

# Volume of dossiers per year (relative), per month (year-end peak, Tết dip) and weekday.
YEAR_GROWTH = {2015: 0.80, 2016: 0.90, 2017: 1.0, 2018: 1.10, 2019: 1.20, 2020: 1.22}
MONTH_FACTOR = {
    1: 1.05,
    2: 0.85,
    3: 1.0,
    4: 0.95,
    5: 1.0,
    6: 1.05,
    7: 1.0,
    8: 0.98,
    9: 1.0,
    10: 1.05,
    11: 1.15,
    12: 1.28,
}
WEEKDAY_FACTOR = (1.18, 1.05, 1.0, 0.97, 0.85)
# The lunar new year: a rush in the fortnight before, a slow restart in the ten days after.
TET = {
    2015: dt.date(2015, 2, 19),
    2016: dt.date(2016, 2, 8),
    2017: dt.date(2017, 1, 28),
    2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
}
# Social distancing (Directive 16/CT-TTg), April 2020.
DISTANCING = (dt.date(2020, 4, 1), dt.date(2020, 4, 22))
# Share of the dossiers of an online procedure filed online, by year (the roadmap).
ONLINE_SHARE = {2015: 0.04, 2016: 0.09, 2017: 0.17, 2018: 0.27, 2019: 0.38, 2020: 0.50}
# Share of the online dossiers of a procedure with online payment paid online.
PAID_SHARE = {2015: 0.0, 2016: 0.08, 2017: 0.45, 2018: 0.65, 2019: 0.78, 2020: 0.85}
# Share of the dossiers handed back late, by year of submission.
LATE_SHARE = {2015: 0.10, 2016: 0.09, 2017: 0.075, 2018: 0.065, 2019: 0.055, 2020: 0.05}
ON_TIME_SHARE = 0.16
VERY_LATE_SHARE = 0.12  # of the late ones
POSTAL_SHARE = 0.04
WITHDRAW_SHARE = 0.02  # of the dossiers not accepted at the counter
REFUSE_SHARE = 0.035
RECEPTION_REQUEST_SHARE = 0.06
PROCESSING_REQUEST_SHARE = 0.05
REWORK_SHARE = 0.02
RATED_SHARE: dict[str, float] = {Channel.ONLINE: 0.35, Channel.DIRECT: 0.10, Channel.POSTAL: 0.06}
TIER_WEIGHT: dict[str, float] = {Tier.PROVINCE: 36.0, Tier.DISTRICT: 4.2, Tier.COMMUNE: 1.0}
# Procedures citizens file most (civil status, certified copies, households, land).
POPULAR_WORDS = ("hộ tịch", "khai sinh", "kết hôn", "chứng thực", "bản sao", "hộ kinh doanh")

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 3),
    ("Huỳnh", 3),
    ("Phan", 4),
    ("Vũ", 2),
    ("Võ", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 0.5),
    ("Trương", 0.5),
    ("Lâm", 0.4),
    ("Đoàn", 0.4),
    ("Mai", 0.3),
    ("Điểu", 0.3),
    ("Thị", 0.1),
)
MIDDLE_MALE = ("Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng")
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Long",
    "Lộc",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
]
GIVEN_FEMALE = [
    "Anh",
    "Châu",
    "Chi",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Yến",
]
STREETS = (
    "Phú Riềng Đỏ",
    "Hùng Vương",
    "Trần Hưng Đạo",
    "Lê Duẩn",
    "Nguyễn Huệ",
    "Trường Chinh",
    "Lý Thường Kiệt",
    "Nguyễn Văn Linh",
    "Tôn Đức Thắng",
    "Lê Quý Đôn",
    "Điểu Ong",
    "Quốc lộ 14",
    "Quốc lộ 13",
    "ĐT 741",
)
PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "039", "035")
BANKS = ("NCB", "VCB", "BIDV", "VIETINBANK", "AGRIBANK", "TECHCOMBANK", "SACOMBANK", "MBBANK")

RECEPTION_REQUESTS = (
    ("Bản sao giấy tờ tùy thân", "Chưa có chứng thực hoặc không đối chiếu được bản chính"),
    ("Tờ khai", "Thiếu chữ ký của người đề nghị"),
    ("Giấy tờ chứng minh nơi cư trú", "Thông tin không khớp với tờ khai"),
)
PROCESSING_REQUESTS = (
    ("Bản vẽ, sơ đồ kèm theo", "Thiếu xác nhận của đơn vị lập"),
    ("Văn bản ý kiến của cơ quan liên quan", "Cần bổ sung để có cơ sở giải quyết"),
    ("Giấy tờ về quyền sử dụng đất", "Bản sao không rõ nội dung"),
)
REFUSALS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.",
    "Người nộp không thuộc đối tượng được giải quyết theo quy định.",
    "Hồ sơ đã được giải quyết trước đó, không giải quyết lại.",
)
PROPOSALS = (
    "Hồ sơ đủ điều kiện, đề nghị phê duyệt.",
    "Đã thẩm định, hồ sơ hợp lệ; trình lãnh đạo ký.",
    "Đủ điều kiện giải quyết theo quy định.",
)
REWORKS = (
    "Đề nghị kiểm tra lại thông tin trên dự thảo kết quả.",
    "Dự thảo còn sai sót, đề nghị chỉnh sửa.",
)
UNSATISFIED_COMMENTS = (
    "Trả kết quả chậm hơn ngày hẹn.",
    "Phải đi lại nhiều lần để bổ sung hồ sơ.",
    "Thời gian chờ tại quầy lâu.",
    "",
    "",
)


@dataclass(frozen=True)
class HistorySummary:
    """What `demo_history_load` did (all zero when the history was already there)."""

    dossiers: int
    events: int
    payments: int
    ratings: int
    accounts: int
    figures_rows: int  # daily figure rows rebuilt (reporting)
    existing: int = 0  # history dossiers found and kept


class HistoryMismatch(Exception):
    """A history of another size or seed is loaded; replace it explicitly."""


def demo_history_status() -> tuple[int, int | None]:
    """Return how many history dossiers are loaded and with which seed (None if none)."""
    history = Dossier.objects.filter(idempotency_key__startswith=KEY_PREFIX)
    count = history.count()
    if not count:
        return 0, None
    key = history.order_by("pk").values_list("idempotency_key", flat=True).first() or ""
    try:
        seed = int(key.split(":")[1])
    except (IndexError, ValueError):
        seed = None
    return count, seed


@transaction.atomic
def demo_history_delete() -> int:
    """Delete the generated history (its dossiers, events, payments, ratings, accounts).

    One DELETE per table with a subquery: the collector of `QuerySet.delete()` would
    list hundreds of thousands of ids.
    """
    using = connection.alias
    history = {"dossier__idempotency_key__startswith": KEY_PREFIX}
    PaymentEvent.objects.filter(
        payment__dossier__idempotency_key__startswith=KEY_PREFIX
    )._raw_delete(using)
    for model in (Payment, PaymentRequest, Rating, DossierEvent):
        model.objects.filter(**history)._raw_delete(using)
    deleted: int = Dossier.objects.filter(idempotency_key__startswith=KEY_PREFIX)._raw_delete(using)
    User.objects.filter(username__startswith=USERNAME_PREFIX, dossiers__isnull=True).delete()
    return deleted


def demo_history_load(
    *, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, replace: bool = False
) -> HistorySummary:
    """Generate the history (see the module docstring); return what was written.

    Raise HistoryMismatch when a history of another size or seed is loaded and
    `replace` is not set; ValueError for a negative size.
    """
    if size < 0:
        raise ValueError("The size of the history cannot be negative.")
    existing, existing_seed = demo_history_status()
    if existing:
        if existing == size and existing_seed == seed and not replace:
            return HistorySummary(0, 0, 0, 0, 0, 0, existing=existing)
        if not replace:
            raise HistoryMismatch(
                f"A history of {existing} dossiers (seed {existing_seed}) is loaded; "
                f"asked for {size} (seed {seed}). Run load_demo --history-replace to "
                "replace it."
            )
        demo_history_delete()
    if size == 0:
        return HistorySummary(0, 0, 0, 0, 0, 0)
    # SQLite checks no foreign key row by row while the generated rows go in (they are
    # consistent by construction; the tests load with the checks on). The pragma only
    # takes effect outside a transaction, PostgreSQL is left as it is.
    with connection.constraint_checks_disabled(), transaction.atomic():
        summary = _Generator(size=size, seed=seed).run()
    return summary


# --- office time in whole seconds ------------------------------------------------------


class _Calendar:
    """The working-day calendar of `core.workdays` as integer arithmetic on tables.

    Instants are epoch seconds. An *office position* counts office seconds from the
    opening of the first working day of the table: working day `i` holds positions
    `i*W` (its opening) to `(i+1)*W` (its close), W being the office seconds of a day.
    Due dates follow `workdays.working_time_add`: a position at a session boundary is
    the close of the earlier session. The tests check it against `workdays`.
    """

    def __init__(self, first: dt.date, last: dt.date) -> None:
        zone = ZoneInfo(settings.TIME_ZONE)
        offsets = {
            dt.datetime(year, month, 1, tzinfo=zone).utcoffset()
            for year in range(first.year, last.year + 1)
            for month in (1, 7)
        }
        if len(offsets) != 1:  # pragma: no cover (Vietnam keeps UTC+7 all year)
            raise RuntimeError("The history assumes a time zone without daylight saving.")
        offset = offsets.pop() or dt.timedelta(0)
        self.offset = int(offset.total_seconds())
        sessions = [
            (t.start.hour * 3600 + t.start.minute * 60, t.end.hour * 3600 + t.end.minute * 60)
            for t in workdays.office_hours()
        ]
        cutoff = workdays.reception_cutoff()
        cutoff_clock = cutoff.hour * 3600 + cutoff.minute * 60
        self.close = sessions[-1][1]
        # Position within the day -> local clock (a boundary opens the next session), and
        # the same for a due date (a boundary closes the earlier one).
        clock_at: list[int] = []
        due_clock_at: list[int] = []
        ends: set[int] = set()
        for start, end in sessions:
            clock_at.extend(range(start, end))
            ends.add(len(clock_at))
        clock_at.append(self.close)
        due_clock_at = list(clock_at)
        for position in ends:
            due_clock_at[position] = clock_at[position - 1] + 1
        self.W = len(clock_at) - 1
        self.clock_at = clock_at
        self.due_clock_at = due_clock_at
        # Local clock -> position the clock starts at on a working day (before the cut-off).
        start_at = [-1] * 86400
        for clock in range(cutoff_clock):
            done = 0
            for start, end in sessions:
                if clock < start:
                    start_at[clock] = done
                    break
                if clock < end:
                    start_at[clock] = done + clock - start
                    break
                done += end - start
        self.start_at = start_at
        # Local days since the epoch -> working day index (-1 on a day off), and the
        # index of the first working day on or after it.
        epoch = dt.date(1970, 1, 1).toordinal()
        self.base = first.toordinal() - epoch
        self.dates: list[dt.date] = []
        self.day_index_of: list[int] = []
        day = first
        while day <= last:
            if workdays.is_working_day(day):
                self.day_index_of.append(len(self.dates))
                self.dates.append(day)
            else:
                self.day_index_of.append(-1)
            day += dt.timedelta(days=1)
        self.next_index_of = [0] * len(self.day_index_of)
        following = len(self.dates)
        for i in range(len(self.day_index_of) - 1, -1, -1):
            if self.day_index_of[i] >= 0:
                following = self.day_index_of[i]
            self.next_index_of[i] = following
        self.midnight = [(d.toordinal() - epoch) * 86400 - self.offset for d in self.dates]

    def day_index(self, day: dt.date) -> int:
        """Return the index of `day` if it is a working day, else of the next one."""
        return self.next_index_of[day.toordinal() - dt.date(1970, 1, 1).toordinal() - self.base]

    def local_day(self, epoch: int) -> int:
        """Return the local day of an instant, in days since the epoch."""
        return (epoch + self.offset) // 86400

    def to_epoch(self, position: int) -> int:
        """Return the instant of an office position (a boundary opens a session)."""
        index, seconds = divmod(position, self.W)
        return self.midnight[index] + self.clock_at[seconds]

    def due_epoch(self, position: int) -> int:
        """Return the instant of an office position taken as a deadline."""
        index, seconds = divmod(position, self.W)
        if seconds == 0:
            return self.midnight[index - 1] + self.close
        return self.midnight[index] + self.due_clock_at[seconds]

    def clock_start(self, epoch: int) -> int:
        """Return the office position at which the clock starts (`workdays.clock_start`)."""
        day, clock = divmod(epoch + self.offset, 86400)
        slot = day - self.base
        index = self.day_index_of[slot]
        if index >= 0:
            within = self.start_at[clock]
            if within >= 0:
                return index * self.W + within
        return self.next_index_of[slot + 1] * self.W

    def limit(self, amount: Decimal, unit: str) -> tuple[bool, int]:
        """Return a time limit as (in calendar days?, office seconds or days)."""
        if unit == TimeUnit.DAYS:
            return True, math.ceil(amount)
        per_unit = self.W if unit == TimeUnit.WORKING_DAYS else 3600
        return False, int((amount * per_unit).to_integral_value(rounding=ROUND_HALF_UP))

    def due(self, start_epoch: int, limit: tuple[bool, int]) -> tuple[int, int]:
        """Return (position, instant) of `workdays.due_at_compute` for a `limit`."""
        begin = self.clock_start(start_epoch)
        calendar_days, value = limit
        if calendar_days:
            day = self.dates[begin // self.W].toordinal() - dt.date(1970, 1, 1).toordinal()
            index = self.next_index_of[day + value - self.base]
            return (index + 1) * self.W, self.midnight[index] + self.close
        position = begin + value
        return position, self.due_epoch(position)

    def timeliness(self, due_epoch: int, done_epoch: int) -> str:
        """`workdays.timeliness` on instants."""
        if done_epoch > due_epoch:
            return "late"
        offset = self.offset
        if (done_epoch + offset) // 86400 == (due_epoch + offset) // 86400:
            return "on_time"
        return "early"


# --- database writing ------------------------------------------------------------------


class _Writer:
    """Bulk inserts: executemany on SQLite, COPY on PostgreSQL.

    Datetime columns are given as epoch seconds: SQLite turns them into its text form
    (`datetime(?, 'unixepoch')`, UTC, as Django stores them), PostgreSQL gets UTC text.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        epoch_day = dt.date(1970, 1, 1).toordinal()
        self.first_day = FIRST_DAY.toordinal() - epoch_day - 400
        days = (LAST_DAY.toordinal() - FIRST_DAY.toordinal()) + 1200
        self.day_text = [
            dt.date.fromordinal(epoch_day + self.first_day + i).isoformat() for i in range(days)
        ]
        self.clock_text = [
            f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in range(86400)
        ]

    def ts(self, epoch: int | None) -> str | None:
        """UTC text of an instant, for PostgreSQL."""
        if epoch is None:
            return None
        day, clock = divmod(epoch, 86400)
        return f"{self.day_text[day - self.first_day]} {self.clock_text[clock]}+00:00"

    def iso_local(self, epoch: int, offset: int) -> str:
        """ISO 8601 text of an instant in local time (what the engine puts in event data)."""
        day, clock = divmod(epoch + offset, 86400)
        sign = "+" if offset >= 0 else "-"
        hours, minutes = divmod(abs(offset) // 60, 60)
        return (
            f"{self.day_text[day - self.first_day]}T{self.clock_text[clock]}"
            f"{sign}{hours:02d}:{minutes:02d}"
        )

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        datetimes: Sequence[str] = (),
    ) -> int:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        moments = [i for i, c in enumerate(columns) if c in datetimes]
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                ts = self.ts
                raw = cursor.cursor
                statement = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
                with raw.copy(statement) as copy:
                    for row in rows:
                        values = list(row)
                        for i in moments:
                            values[i] = ts(values[i])
                        copy.write_row(values)
                        count += 1
                return count
            marks = ", ".join(
                "datetime(%s, 'unixepoch')" if i in moments else "%s" for i in range(len(columns))
            )
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    @contextlib.contextmanager
    def bulk_mode(self, tables: Sequence[str]) -> Iterator[None]:
        """On SQLite, write the tables without their secondary indexes, then build them.

        Building an index once from the finished table is several times faster than
        updating it on every row; a larger page cache helps both. The statements run
        in the caller's transaction: a failure leaves the indexes as they were.
        """
        if self.postgres:
            yield
            return
        marks = ", ".join(["%s"] * len(tables))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({marks})",
                list(tables),
            )
            indexes = cursor.fetchall()
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size = -131072")
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for _name, sql in indexes:
                    cursor.execute(sql)
                cursor.execute(f"PRAGMA cache_size = {cache_size}")

    def next_id(self, model: type[Any]) -> int:
        return int(model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def reset_sequences(self, models: Sequence[type[Any]]) -> None:
        """Move PostgreSQL's id sequences past the ids written, never back.

        (Sequences are not transactional: lowering one, for a smaller history replacing
        a bigger one, would hand out taken ids should the transaction roll back.)
        """
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id written
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in models:
                table, column = model._meta.db_table, model._meta.pk.column
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), column])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608
                last = int(cursor.fetchone()[0])
                cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
                highest = int(cursor.fetchone()[0] or 0)
                if highest > last:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, highest])


# --- the generator ---------------------------------------------------------------------


@dataclass
class _Pair:
    """A procedure at an agency that receives it, with what its dossiers need."""

    agency: Agency
    procedure_id: int
    version_id: int
    case_id: int
    level: int
    online_from: int  # first year with online dossiers (9999: never)
    limits: dict[str, tuple[Decimal, str]]  # channel -> (amount, unit)
    received_json: str  # the counter intake event's data
    fee: dict[str, Any] | None  # the submission payment request, if paid online
    communes: list[str]


class _Life:
    """One generated dossier: its instants, final state and events, then its numbers."""

    __slots__ = (
        "accepted",
        "applicant",
        "channel",
        "code",
        "due",
        "entered",
        "events",
        "handed",
        "pair",
        "payment",
        "person",
        "register",
        "result",
        "state",
        "state_due",
        "status",
        "submitted",
        "timeliness",
        "withdrawn",
    )  # fmt: skip

    def __init__(
        self,
        submitted: int,
        pair: _Pair,
        channel: str,
        applicant: int | None,
        person: int,
        events: list[tuple[Any, ...]],
        accepted: int | None,
        status: str,
        state: str,
        entered: int,
        *,
        state_due: int | None = None,
        due: int | None = None,
        result: int | None = None,
        handed: int | None = None,
        withdrawn: int | None = None,
        timeliness: str = "",
        payment: tuple[int, int] | None = None,
    ) -> None:
        self.submitted, self.pair, self.channel = submitted, pair, channel
        self.applicant, self.person, self.events = applicant, person, events
        self.accepted, self.status, self.state, self.entered = accepted, status, state, entered
        self.state_due, self.due, self.result, self.handed = state_due, due, result, handed
        self.withdrawn, self.timeliness, self.payment = withdrawn, timeliness, payment
        self.code = ""
        self.register: tuple[int | None, int | None] = (None, None)


DOSSIER_COLUMNS = [
    "id",
    "code",
    "applicant_id",
    "procedure_id",
    "version_id",
    "case_id",
    "agency_id",
    "form_data",
    "channel",
    "status",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "idempotency_key",
    "request_fingerprint",
    "created_at",
    "updated_at",
    "submitted_at",
    "due_at",
    "withdrawn_at",
    "copies",
    "workflow_id",
    "state_id",
    "state_entered_at",
    "state_due_at",
    "accepted_at",
    "result_at",
    "handed_back_at",
    "timeliness",
    "register_year",
    "register_number",
]
EVENT_COLUMNS = [
    "dossier_id",
    # an event's transition
    "action",
    "action_name",
    "from_status",
    "to_status",
    "from_state",
    "to_state",
    "actor_role",
    # the rest of the event
    "created_at",
    "actor_id",
    "comment",
    "step_started_at",
    "step_due_at",
    "step_timeliness",
    "data",
]


def _weighted(rng: random.Random, items: Sequence[tuple[str, float]], k: int) -> list[str]:
    names = [n for n, _w in items]
    return rng.choices(names, weights=[w for _n, w in items], k=k)


def _fold(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


class _Generator:
    def __init__(self, *, size: int, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.cal = _Calendar(dt.date(2014, 11, 1), dt.date(2022, 12, 31))
        self.out = _Writer()

    # -- reference data ------------------------------------------------------------------

    def _workflow(self) -> None:
        """Load the default workflow: its states and the transitions the history takes."""
        workflow = Workflow.objects.get(is_default=True)
        self.workflow_id = workflow.pk
        self.states = {s.code: s for s in WorkflowState.objects.filter(workflow=workflow)}
        # (from state, action) -> the event's (action, action_name, from_status, to_status,
        # from_state, to_state, actor_role), as the engine writes it.
        self.transitions: dict[tuple[str, str], tuple[str, ...]] = {
            (a.from_state.code, a.code): (
                a.code,
                a.name,
                a.from_state.status,
                a.to_state.status,
                a.from_state.code,
                a.to_state.code,
                a.roles[0] if a.roles else "",
            )
            for a in WorkflowAction.objects.filter(workflow=workflow).select_related(
                "from_state", "to_state"
            )
        }
        missing = set(TRANSITIONS) - set(self.transitions)
        if "submitted" not in self.states or missing:
            raise RuntimeError(
                f"The default workflow lacks the steps the history uses: {sorted(missing)}."
            )

    def _communes(self) -> dict[int, list[str]]:
        units = {u.pk: u for u in AdministrativeUnit.objects.all()}

        def label(unit: AdministrativeUnit) -> str:
            parts = []
            current: AdministrativeUnit | None = unit
            while current is not None:
                parts.append(f"{current.get_kind_display().lower()} {current.name}")
                current = units.get(current.parent_id) if current.parent_id else None
            return ", ".join(parts)

        by_ancestor: dict[int, list[str]] = defaultdict(list)
        for unit in sorted(units.values(), key=lambda u: u.code):
            if unit.tier != Tier.COMMUNE:
                continue
            text = label(unit)
            current: AdministrativeUnit | None = unit
            while current is not None:
                by_ancestor[current.pk].append(text)
                current = units.get(current.parent_id) if current.parent_id else None
        return by_ancestor

    def _pairs(self) -> list[_Pair]:
        communes = self._communes()
        # Procedures bound to a workflow of their own (at an agency or province-wide).
        through = Workflow.procedures.through
        bound = {
            (procedure_id, agency_id)
            for procedure_id, agency_id in through.objects.exclude(
                workflow__is_default=True
            ).values_list("procedure_id", "workflow__agency_id")
        }
        pairs: list[_Pair] = []
        procedures = (
            Procedure.objects.filter(current_version__isnull=False)
            .select_related("current_version")
            .order_by("code")
        )
        for procedure in procedures:
            version = procedure.current_version
            if version is None:
                continue
            try:
                case: ProcedureCase = case_for_version(version=version)
            except ProcedureCase.DoesNotExist:
                continue  # a version without cases takes no dossiers
            times = [
                t
                for t in ProcessingTime.objects.filter(case=case).order_by("position")
                if t.duration is not None and t.duration > 0
            ]
            if not times:
                continue
            limits: dict[str, tuple[Decimal, str]] = {}
            for channel in Channel.values:
                chosen = next((t for t in times if t.channel == channel), times[0])
                limits[channel] = (Decimal(chosen.duration or 1), chosen.unit)
            documents = list(
                RequiredDocument.objects.filter(case=case).order_by("position", "pk")[:8]
            )
            received = json.dumps(
                {
                    "received_documents": [{"id": d.pk, "name": d.name} for d in documents],
                    "copies": 1,
                },
                ensure_ascii=False,
            )
            fee: dict[str, Any] | None = None
            if procedure.online_payment_enabled:
                try:
                    computation = fee_compute(
                        fees=case_fees(case=case, channel=Channel.ONLINE),
                        channel=Channel.ONLINE,
                        copies=1,
                        pages=0,
                    )
                except ValidationError:  # a per-page fee: no online payment without pages
                    computation = None
                if computation is not None and computation.total > 0:
                    fee = {
                        "lines": json.dumps(
                            [line.as_json() for line in computation.lines], ensure_ascii=False
                        ),
                        "total": computation.total,
                        "discount": computation.discount_percent,
                    }
            stable = random.Random(zlib.crc32(procedure.code.encode()) ^ self.seed)  # noqa: S311
            online_from = 9999
            if procedure.online_submission_enabled:
                online_from = 2015 + stable.choice(
                    (0, 0, 1, 1, 2, 3) if procedure.level >= 4 else (0, 1, 2, 2, 3, 4)
                )
            for agency in receiving_agencies(version=version):
                if (procedure.pk, agency.pk) in bound or (procedure.pk, None) in bound:
                    continue  # another workflow than the default one
                pairs.append(
                    _Pair(
                        agency=agency,
                        procedure_id=procedure.pk,
                        version_id=version.pk,
                        case_id=case.pk,
                        level=procedure.level,
                        online_from=online_from,
                        limits=limits,
                        received_json=received,
                        fee=fee,
                        communes=communes.get(agency.administrative_unit_id) or ["tỉnh Bình Phước"],
                    )
                )
        pairs.sort(key=lambda p: (p.agency.code, p.procedure_id))
        return pairs

    def _pair_weights(self, pairs: list[_Pair]) -> list[float]:
        names = dict(
            ProcedureVersion.objects.filter(pk__in={p.version_id for p in pairs}).values_list(
                "pk", "name"
            )
        )
        popularity: dict[int, float] = {}
        weights = []
        for pair in pairs:
            if pair.procedure_id not in popularity:
                stable = random.Random(pair.procedure_id * 7919 + self.seed)  # noqa: S311
                value = stable.lognormvariate(0, 0.9)
                name = str(names.get(pair.version_id, "")).lower()
                if any(word in name for word in POPULAR_WORDS):
                    value *= 4
                popularity[pair.procedure_id] = value
            weights.append(popularity[pair.procedure_id] * TIER_WEIGHT.get(pair.agency.tier, 1.0))
        return weights

    def _day_weights(self) -> tuple[list[int], list[float]]:
        cal = self.cal
        days: list[int] = []
        weights: list[float] = []
        first, last = cal.day_index(FIRST_DAY), cal.day_index(LAST_DAY + dt.timedelta(days=1))
        for index in range(first, last):
            day = cal.dates[index]
            weight = (
                YEAR_GROWTH[day.year]
                * MONTH_FACTOR[day.month]
                * WEEKDAY_FACTOR[min(day.weekday(), 4)]
            )
            tet = TET.get(day.year)
            if tet is not None:
                if dt.timedelta(0) < tet - day <= dt.timedelta(days=14):
                    weight *= 1.25
                elif dt.timedelta(0) <= day - tet <= dt.timedelta(days=14):
                    weight *= 0.65
            if DISTANCING[0] <= day <= DISTANCING[1]:
                weight *= 0.45
            days.append(index)
            weights.append(weight)
        return days, weights

    # -- people --------------------------------------------------------------------------

    def _people(self, count: int) -> list[tuple[str, str, str, str]]:
        """Return (name, citizen id, phone, email) of `count` fictitious people."""
        rng = random.Random(self.seed * 31 + 7)  # noqa: S311
        families = _weighted(rng, FAMILY_NAMES, count)
        people = []
        for i in range(count):
            female = rng.random() < 0.5
            middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
            given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            name = f"{families[i]} {middle} {given}"
            born = rng.randint(1950, 2000)
            century = (2 if born >= 2000 else 0) + (1 if female else 0)
            citizen_id = f"070{century}{born % 100:02d}{rng.randrange(10**6):06d}"
            phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7):07d}"
            email = f"{_fold(given)}.{_fold(families[i])}{i}@example.vn"
            people.append((name, citizen_id, phone, email))
        return people

    def _accounts(self, people: list[tuple[str, str, str, str]]) -> list[int]:
        """Create the citizen accounts of the first people; return their user ids."""
        users = []
        for i, (name, _cid, _phone, email) in enumerate(people):
            last, _sp, first = name.rpartition(" ")
            users.append(
                User(
                    username=f"{USERNAME_PREFIX}{self.seed}.{i:05d}",
                    first_name=first,
                    last_name=last,
                    email=email,
                    password="!history-no-password",  # noqa: S106 (unusable: cannot sign in)
                    is_active=True,
                )
            )
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(
            User.objects.filter(username__startswith=f"{USERNAME_PREFIX}{self.seed}.").values_list(
                "username", "pk"
            )
        )
        return [ids[u.username] for u in users]

    # -- the run -------------------------------------------------------------------------

    def run(self) -> HistorySummary:
        self._workflow()
        pairs = self._pairs()
        if not pairs:
            return HistorySummary(0, 0, 0, 0, 0, 0)
        days, day_weights = self._day_weights()
        self.picked_days = self.rng.choices(days, weights=day_weights, k=self.size)
        self.picked_pairs = self.rng.choices(
            range(len(pairs)), weights=self._pair_weights(pairs), k=self.size
        )
        self.people = self._people(max(200, self.size // 8))
        self.account_ids = self._accounts(self.people[: max(50, self.size // 40)])
        dossiers = self._lives(pairs)
        day_counters, year_counters = self._number(dossiers)
        # The event table's indexes take rows in dossier order cheaply: kept.
        with self.out.bulk_mode([Dossier._meta.db_table]):
            written, events, payments, ratings = self._write(dossiers)
        self._sequences(day_counters, year_counters)
        self.out.reset_sequences([Dossier, PaymentRequest, Payment])
        return HistorySummary(
            dossiers=written,
            events=events,
            payments=payments,
            ratings=ratings,
            accounts=len(self.account_ids),
            # Bulk inserts bypass the event listeners that keep the figures.
            figures_rows=daily_figures_rebuild(date_from=FIRST_DAY, date_to=dt.date(2021, 12, 31)),
        )

    def _lives(self, pairs: list[_Pair]) -> list[_Life]:
        """Pass 1: the life of each dossier, in instants (epoch seconds).

        An event is (at, transition, actor, comment, step_started, step_due, data); its
        step's timeliness is derived when it is written. `data` is JSON text, or a tuple
        the writer completes with the numbers given in pass 2, or None for the payment.
        """
        rng, cal = self.rng, self.cal
        W = cal.W
        step = {
            code: cal.limit(Decimal(s.time_limit), s.time_limit_unit)
            for code, s in self.states.items()
            if s.time_limit is not None
        }
        sub_limit = step.get("submitted", cal.limit(Decimal("0.5"), TimeUnit.WORKING_DAYS))
        assign_limit = step.get("assigning", cal.limit(Decimal(4), TimeUnit.HOURS))
        approve_limit = step.get("approving", cal.limit(Decimal(1), TimeUnit.WORKING_DAYS))
        # The events' transitions: the workflow's steps, the submission and the payment.
        t = self.transitions
        initial = self.states["submitted"]
        SUBMIT = ("submitted", "", "", initial.status, "", initial.code, "")
        COUNTER = (
            COUNTER_EVENT,
            gettext("Tiếp nhận hồ sơ giấy tại quầy"),  # as dossiers.intake names it
            "",
            initial.status,
            "",
            initial.code,
            str(Role.RECEPTION),
        )
        PAID = (
            "payment_received",
            gettext("Đã thanh toán phí, lệ phí trực tuyến"),  # as payments.services names it
            initial.status,
            initial.status,
            "",
            "",
            SYSTEM,
        )
        WITHDRAW, REFUSE = t["submitted", "withdraw"], t["submitted", "refuse"]
        ASK, SUPPLY = t["submitted", "request_documents"], t["reception_waiting", "supplement"]
        ACCEPT, ASSIGN = t["submitted", "accept"], t["assigning", "assign"]
        ASK_MORE = t["examining", "request_documents"]
        SUPPLY_MORE = t["processing_waiting", "supplement"]
        PROPOSE, REWORK = t["examining", "propose"], t["approving", "return_for_rework"]
        APPROVE, HAND_BACK = t["approving", "approve"], t["releasing", "hand_back"]
        effect = {
            e: json.dumps({"effect": e})
            for e in ("assign", "approve", "hand_back", "refuse", "withdraw")
        }
        supplied = json.dumps({"effect": "supplement", "documents": []})

        requested = {
            item: json.dumps(
                {
                    "effect": "request_documents",
                    "items": [{"document": item[0], "reason": item[1]}],
                },
                ensure_ascii=False,
            )
            for item in (*RECEPTION_REQUESTS, *PROCESSING_REQUESTS)
        }
        limits = [{c: cal.limit(*p.limits[c]) for c in p.limits} for p in pairs]
        random_, randrange, uniform = rng.random, rng.randrange, rng.uniform
        to_epoch, due_epoch, clock_start, due = (
            cal.to_epoch,
            cal.due_epoch,
            cal.clock_start,
            cal.due,
        )
        accounts = len(self.account_ids)
        people = len(self.people)
        lives: list[_Life] = []
        for n in range(self.size):
            p = self.picked_pairs[n]
            pair = pairs[p]
            day = self.picked_days[n]
            year = cal.dates[day].year
            online = year >= pair.online_from and random_() < min(
                0.85, ONLINE_SHARE[year] * (1.3 if pair.level >= 4 else 1.0)
            )
            if online:
                channel = "online"
                person = randrange(accounts)
                applicant: int | None = self.account_ids[person]
                r = random_()
                if r < 0.30:  # in the evening
                    submitted = cal.midnight[day] + randrange(17 * 3600, 23 * 3600)
                elif (
                    r < 0.38
                    and cal.day_index_of[cal.local_day(cal.midnight[day]) - 1 - cal.base] < 0
                ):
                    submitted = cal.midnight[day] - 86400 + randrange(8 * 3600, 21 * 3600)
                else:
                    submitted = to_epoch(day * W + randrange(W - 300))
                events: list[tuple[Any, ...]] = [
                    (submitted, SUBMIT, applicant, "", None, None, "{}")
                ]
            else:
                channel = "postal" if random_() < POSTAL_SHARE else "direct"
                person = randrange(people)
                applicant = None
                submitted = to_epoch(day * W + int((W - 300) * random_() ** 1.3))
                events = [(submitted, COUNTER, None, "", None, None, pair.received_json)]
            limit = limits[p][channel]
            entered = submitted
            step_due = due(entered, sub_limit)[1]
            payment: tuple[int, int] | None = None
            if channel == "direct":
                accepted = submitted  # taken in and accepted at the counter at once
            else:
                earliest = submitted
                if pair.fee is not None and online and random_() < PAID_SHARE[year]:
                    paid = submitted + randrange(120, 900)
                    payment = (submitted + 60, paid)
                    events.append((paid, PAID, None, "", None, None, None))
                    earliest = paid + 300
                start = clock_start(earliest)
                r = random_()
                if r < WITHDRAW_SHARE and online and payment is None:
                    at = max(submitted + 600, to_epoch(start + randrange(600, W)))
                    events.append(
                        (at, WITHDRAW, applicant, "", entered, step_due, effect["withdraw"])
                    )
                    lives.append(
                        _Life(
                            submitted, pair, channel, applicant, person, events, None,
                            "cancelled", "withdrawn", at, withdrawn=at,
                        )
                    )  # fmt: skip
                    continue
                if r < WITHDRAW_SHARE + REFUSE_SHARE and payment is None:
                    at = max(earliest + 600, to_epoch(start + randrange(1800, int(W * 0.8))))
                    comment = rng.choice(REFUSALS)
                    events.append((at, REFUSE, None, comment, entered, step_due, effect["refuse"]))
                    lives.append(
                        _Life(
                            submitted, pair, channel, applicant, person, events, None,
                            "denied", "refused", at, result=at,
                        )
                    )  # fmt: skip
                    continue
                if r < WITHDRAW_SHARE + REFUSE_SHARE + RECEPTION_REQUEST_SHARE:
                    asked = max(earliest + 300, to_epoch(start + randrange(900, int(W * 0.6))))
                    items = rng.choice(RECEPTION_REQUESTS)
                    comment = f"Đề nghị bổ sung: {items[0].lower()}."
                    events.append((asked, ASK, None, comment, entered, step_due, requested[items]))
                    back = to_epoch(clock_start(asked) + randrange(W // 2, W * 6))
                    comment = "Đã bổ sung giấy tờ theo yêu cầu."
                    events.append((back, SUPPLY, applicant, comment, asked, None, supplied))
                    entered = earliest = back
                    step_due = due(entered, sub_limit)[1]
                    start = clock_start(back)
                # Accepted within the half day mostly, later sometimes.
                delay = randrange(300, 3 * 3600) if random_() < 0.9 else randrange(3 * 3600, 2 * W)
                accepted = max(earliest + 60, to_epoch(start + delay))
            due_position, due_at = due(accepted, limit)
            events.append((accepted, ACCEPT, None, "", entered, step_due, ("accept", due_at)))
            begin = clock_start(accepted)
            assign_due = due(accepted, assign_limit)[1]
            window = max(due_position - begin, 1800)
            assigned = max(
                accepted + 60, to_epoch(begin + min(int(window * uniform(0.004, 0.06)), 2 * W) + 60)
            )
            events.append((assigned, ASSIGN, None, "", accepted, assign_due, effect["assign"]))
            examining_from = assigned
            start = clock_start(assigned)
            if random_() < PROCESSING_REQUEST_SHARE and due_position - start > 3600:
                asked = max(
                    assigned + 300,
                    to_epoch(start + int((due_position - start) * uniform(0.1, 0.45))),
                )
                items = rng.choice(PROCESSING_REQUESTS)
                comment = f"Đề nghị bổ sung: {items[0].lower()}."
                events.append(
                    (asked, ASK_MORE, None, comment, examining_from, due_at, requested[items])
                )
                back = to_epoch(clock_start(asked) + randrange(W, W * 10))
                previous = due_at
                due_position, due_at = due(back, limit)
                comment = "Đã nộp bổ sung giấy tờ theo yêu cầu."
                data = ("supplement", previous, due_at)
                events.append((back, SUPPLY_MORE, applicant, comment, asked, None, data))
                examining_from = back
                start = clock_start(back)
            # When the result is ready: early, on the due day, or late.
            due_day_start = ((due_position - 1) // W) * W
            r = random_()
            late_share = LATE_SHARE[year]
            if r < late_share:
                span = max(due_position - start, 3600)
                over = max(1800, int(span * uniform(0.02, 0.35)))
                if random_() < VERY_LATE_SHARE:
                    over = min(int(span * uniform(1.0, 3.0)), 60 * W)
                ready = due_position + over
            elif r < late_share + ON_TIME_SHARE or due_day_start <= start + 1800:
                low = max(start + 600, due_day_start)
                ready = (
                    low + int((due_position - low) * random_())
                    if due_position > low
                    else due_position
                )
            else:
                ready = start + int((due_day_start - start) * rng.triangular(0.2, 0.999, 0.8))
                ready = min(max(ready, start + 600), due_day_start - 60)
            work = ready - start
            if random_() < REWORK_SHARE:  # proposed, sent back, then proposed again
                proposed = max(to_epoch(start + work // 2), examining_from + 60)
                comment = rng.choice(PROPOSALS)
                events.append((proposed, PROPOSE, None, comment, examining_from, due_at, "{}"))
                approve_due = due(proposed, approve_limit)[1]
                returned = max(to_epoch(start + work * 6 // 10), proposed + 60)
                comment = rng.choice(REWORKS)
                events.append((returned, REWORK, None, comment, proposed, approve_due, "{}"))
                examining_from = returned
                proposed = max(to_epoch(start + int(work * uniform(0.75, 0.9))), returned + 60)
            else:
                proposed = max(
                    to_epoch(start + int(work * uniform(0.55, 0.92))), examining_from + 60
                )
            comment = rng.choice(PROPOSALS)
            events.append((proposed, PROPOSE, None, comment, examining_from, due_at, "{}"))
            approve_due = due(proposed, approve_limit)[1]
            result = max(due_epoch(ready), proposed + 60)
            events.append((result, APPROVE, None, "", proposed, approve_due, effect["approve"]))
            if random_() < 0.3:
                handed = result + randrange(600, 3 * 3600)
            else:
                handed = max(
                    result + 600, to_epoch(clock_start(result) + randrange(W // 4, int(W * 2.5)))
                )
            events.append((handed, HAND_BACK, None, "", result, due_at, effect["hand_back"]))
            lives.append(
                _Life(
                    submitted, pair, channel, applicant, person, events, accepted, "done",
                    "done", handed, state_due=due_at, due=due_at, result=result, handed=handed,
                    timeliness=cal.timeliness(due_at, result), payment=payment,
                )
            )  # fmt: skip
        return lives

    def _number(
        self, lives: list[_Life]
    ) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
        """Pass 2: ids, codes and register numbers in the order the system gives them."""
        lives.sort(key=lambda life: life.submitted)
        self.first_id = self.out.next_id(Dossier)
        cal = self.cal
        epoch = dt.date(1970, 1, 1).toordinal()
        day_counters: dict[tuple[int, int], int] = defaultdict(int)
        dates: dict[int, dt.date] = {}
        for life in lives:
            agency = life.pair.agency
            day = cal.local_day(life.submitted)
            key = (agency.pk, day)
            day_counters[key] += 1
            date = dates.get(day)
            if date is None:
                date = dates[day] = dt.date.fromordinal(epoch + day)
            life.code = dossier_code_format(
                agency_code=agency.code, day=date, number=day_counters[key]
            )
        year_counters: dict[tuple[int, int], int] = defaultdict(int)
        years: dict[int, int] = {}
        for life in sorted(
            (x for x in lives if x.accepted is not None), key=lambda x: x.accepted or 0
        ):
            day = cal.local_day(life.accepted or 0)
            year = years.get(day)
            if year is None:
                year = years[day] = dt.date.fromordinal(epoch + day).year
            key = (life.pair.agency.pk, year)
            year_counters[key] += 1
            life.register = (year, year_counters[key])
        return day_counters, year_counters

    def _write(self, lives: list[_Life]) -> tuple[int, int, int, int]:
        """Pass 3: insert the dossiers, events, payments and ratings."""
        out, cal = self.out, self.cal
        first_id, seed, people = self.first_id, self.seed, self.people
        workflow_id = self.workflow_id
        state_ids = {code: s.pk for code, s in self.states.items()}

        def dossier_rows() -> Iterator[tuple[Any, ...]]:
            for i, life in enumerate(lives):
                pair = life.pair
                name, citizen_id, phone, email = people[life.person]
                communes = pair.communes
                commune = communes[(life.person * 7 + i) % len(communes)]
                house = (life.person * 13 + i) % 180 + 1
                if pair.agency.tier == Tier.COMMUNE and (life.person + i) % 3:
                    address = f"Tổ {house % 12 + 1}, ấp {house % 9 + 1}, {commune}"
                else:
                    street = STREETS[(life.person + house) % len(STREETS)]
                    address = f"Số {house}, đường {street}, {commune}"
                year, number = life.register
                yield (
                    first_id + i, life.code, life.applicant, pair.procedure_id, pair.version_id,
                    pair.case_id, pair.agency.pk, "{}", life.channel, life.status, name,
                    citizen_id, phone, email if life.channel == "online" else "", address,
                    f"{KEY_PREFIX}{seed}:{i}", "", life.submitted, life.events[-1][0],
                    life.submitted, life.due, life.withdrawn, 1, workflow_id,
                    state_ids[life.state], life.entered, life.state_due, life.accepted,
                    life.result, life.handed, life.timeliness, year, number,
                )  # fmt: skip

        written = out.insert(
            Dossier._meta.db_table,
            DOSSIER_COLUMNS,
            dossier_rows(),
            datetimes=[
                "created_at",
                "updated_at",
                "submitted_at",
                "due_at",
                "withdrawn_at",
                "state_entered_at",
                "state_due_at",
                "accepted_at",
                "result_at",
                "handed_back_at",
            ],
        )

        # Payments get their ids first: the dossier events name them.
        request_id, payment_id = out.next_id(PaymentRequest), out.next_id(Payment)
        paid = [(i, life) for i, life in enumerate(lives) if life.payment is not None]
        token = random.Random(seed + 99)  # noqa: S311 (a demo reference, not a secret)
        refs: dict[int, tuple[int, int, str, int]] = {}
        for n, (i, _life) in enumerate(paid):
            ref = f"{first_id + i}T{token.getrandbits(48):012X}"
            refs[i] = (request_id + n, payment_id + n, ref, n)
        offset = cal.offset
        iso, timeliness = out.iso_local, cal.timeliness

        def event_rows() -> Iterator[tuple[Any, ...]]:
            for i, life in enumerate(lives):
                dossier_id = first_id + i
                for at, transition, actor, comment, started, step_due, data in life.events:
                    if data is None:  # the online payment
                        _r, pid, ref, _n = refs[i]
                        fee = life.pair.fee or {}
                        data = json.dumps(
                            {"payment": {"id": pid, "txn_ref": ref, "amount": fee["total"]}}
                        )
                    elif type(data) is tuple:
                        if data[0] == "accept":
                            year, number = life.register
                            data = (
                                f'{{"effect": "accept", "due_at": "{iso(data[1], offset)}", '
                                f'"register": {{"year": {year}, "number": {number}}}}}'
                            )
                        else:
                            data = (
                                '{"effect": "supplement", '
                                f'"previous_due_at": "{iso(data[1], offset)}", '
                                f'"due_at": "{iso(data[2], offset)}", "documents": []}}'
                            )
                    step = "" if step_due is None else timeliness(step_due, at)
                    yield (
                        dossier_id, *transition, at, actor, comment, started, step_due, step,
                        data,
                    )  # fmt: skip

        events = out.insert(
            DossierEvent._meta.db_table,
            EVENT_COLUMNS,
            event_rows(),
            datetimes=("created_at", "step_started_at", "step_due_at"),
        )
        self._payments(lives, paid, refs)
        ratings = out.insert(
            Rating._meta.db_table,
            ["dossier_id", "level", "comment", "created_at"],
            self._ratings(lives),
            datetimes=("created_at",),
        )
        return written, events, len(paid), ratings

    def _payments(
        self,
        lives: list[_Life],
        paid: list[tuple[int, _Life]],
        refs: dict[int, tuple[int, int, str, int]],
    ) -> None:
        out, first_id = self.out, self.first_id
        zone = ZoneInfo(settings.TIME_ZONE)
        url = f"{settings.VNPAY_PAYMENT_URL}?vnp_TxnRef="
        expiry = int(settings.PAYMENT_EXPIRE_MINUTES) * 60
        requests, payments, logs = [], [], []
        for i, life in paid:
            fee = life.pair.fee or {}
            created, at = life.payment or (0, 0)
            rid, pid, ref, n = refs[i]
            number, bank = f"{14000000 + n:08d}", BANKS[n % len(BANKS)]
            requests.append(
                (rid, first_id + i, "submission", fee["lines"], fee["total"], 1, 0, "",
                 fee["discount"], None, created, at, None)
            )  # fmt: skip
            payments.append(
                (pid, rid, first_id + i, life.applicant, "vnpay", ref, fee["total"], "paid", "",
                 f"Nộp phí, lệ phí hồ sơ {life.code}", url + ref, "", created, created + expiry,
                 at, at, number, bank, "00", at, None)
            )  # fmt: skip
            params = {
                "vnp_TxnRef": ref,
                "vnp_Amount": str(fee["total"] * 100),
                "vnp_ResponseCode": "00",
                "vnp_TransactionStatus": "00",
                "vnp_TransactionNo": number,
                "vnp_BankCode": bank,
                "vnp_PayDate": dt.datetime.fromtimestamp(at, zone).strftime("%Y%m%d%H%M%S"),
            }
            logs.append((pid, "ipn", json.dumps(params), "00", "pending", "paid", "", at))
        out.insert(
            PaymentRequest._meta.db_table,
            [
                "id",
                "dossier_id",
                "stage",
                "lines",
                "total",
                "copies",
                "pages",
                "exemption_reason",
                "discount_percent",
                "requested_by_id",
                "created_at",
                "paid_at",
                "cancelled_at",
            ],
            requests,
            datetimes=("created_at", "paid_at", "cancelled_at"),
        )
        out.insert(
            Payment._meta.db_table,
            [
                "id",
                "request_id",
                "dossier_id",
                "payer_id",
                "provider",
                "txn_ref",
                "amount",
                "status",
                "flag",
                "order_info",
                "payment_url",
                "idempotency_key",
                "created_at",
                "expires_at",
                "paid_at",
                "closed_at",
                "transaction_no",
                "bank_code",
                "response_code",
                "gateway_paid_at",
                "last_query_at",
            ],
            payments,
            datetimes=(
                [
                    "created_at",
                    "expires_at",
                    "paid_at",
                    "closed_at",
                    "gateway_paid_at",
                    "last_query_at",
                ]
            ),
        )
        out.insert(
            PaymentEvent._meta.db_table,
            [
                "payment_id",
                "kind",
                "params",
                "outcome",
                "from_status",
                "to_status",
                "note",
                "created_at",
            ],
            logs,
            datetimes=("created_at",),
        )

    def _ratings(self, lives: list[_Life]) -> Iterator[tuple[Any, ...]]:
        """Ratings of handed-back dossiers: satisfied mostly, less so when late."""
        rng = random.Random(self.seed + 7)  # noqa: S311
        for i, life in enumerate(lives):
            if life.status != "done" or rng.random() >= RATED_SHARE[life.channel]:
                continue
            r = rng.random()
            if life.timeliness == "late":
                level = "very_satisfied" if r < 0.15 else "satisfied" if r < 0.6 else "unsatisfied"
            else:
                level = (
                    "very_satisfied" if r < 0.58 else "satisfied" if r < 0.965 else "unsatisfied"
                )
            comment = rng.choice(UNSATISFIED_COMMENTS) if level == "unsatisfied" else ""
            yield (
                self.first_id + i,
                level,
                comment,
                (life.handed or 0) + rng.randrange(300, 259200),
            )

    def _sequences(
        self,
        day_counters: dict[tuple[int, int], int],
        year_counters: dict[tuple[int, int], int],
    ) -> None:
        """Make the live counters continue after the history (they only ever grow)."""
        epoch = dt.date(1970, 1, 1).toordinal()
        counters_raise(
            model=DossierSequence,
            period_field="day",
            lasts=[
                (agency, dt.date.fromordinal(epoch + day), last)
                for (agency, day), last in day_counters.items()
            ],
        )
        counters_raise(
            model=RegisterSequence,
            period_field="year",
            lasts=[(agency, year, last) for (agency, year), last in year_counters.items()],
        )


# --- load_demo's options ---------------------------------------------------------------


def history_default_size() -> int:
    """The size `load_demo` generates without --size (the test settings make it 0)."""
    return int(getattr(settings, "DEMO_HISTORY_SIZE", DEFAULT_SIZE))


def history_arguments_add(parser: Any) -> None:
    """Add load_demo's history options (--size, --seed, --no-history, --history-replace)."""
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help=(
            "Number of past dossiers (2015-2020) to generate for the statistics "
            f"(default {DEFAULT_SIZE:,}; 0 for none)."
        ),
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="Seed of the generated history."
    )
    parser.add_argument(
        "--no-history", action="store_true", help="Do not generate the past dossiers."
    )
    parser.add_argument(
        "--history-replace",
        action="store_true",
        help="Replace a history of another size or seed (deletes it first).",
    )


def history_command_run(command: Any, options: dict[str, Any]) -> None:
    """Generate the history as load_demo's options ask, and say what happened."""
    size = options.get("size")
    if size is None:
        size = history_default_size()
    if options.get("no_history"):
        command.stdout.write("History: not generated (--no-history).")
        return
    if size == 0:
        if options.get("history_replace"):
            command.stdout.write(f"History: {demo_history_delete()} past dossiers deleted.")
        else:
            command.stdout.write("History: not generated (size 0).")
        return
    if size < 0:
        raise CommandError("--size must be 0 or more.")
    started = time.monotonic()
    try:
        summary = demo_history_load(
            size=size,
            seed=options.get("seed", DEFAULT_SEED),
            replace=options.get("history_replace", False),
        )
    except HistoryMismatch as exc:
        raise CommandError(str(exc)) from exc
    if summary.existing:
        command.stdout.write(f"History: {summary.existing} past dossiers already loaded.")
        return
    command.stdout.write(
        f"History: {summary.dossiers} past dossiers with {summary.events} events, "
        f"{summary.payments} online payments, {summary.ratings} ratings, "
        f"{summary.accounts} citizen accounts; {summary.figures_rows} daily figure rows "
        f"rebuilt ({time.monotonic() - started:.1f} s)."
    )
