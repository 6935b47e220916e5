"""Keep the daily figures in step with the dossiers, and rebuild them from the event log.

`daily_figures_event_apply` is registered as a dossier-event listener (see apps.py): it
runs inside the transaction that wrote the event and adds the event's contribution to
one `DailyFigures` row with a single upsert (`INSERT ... ON CONFLICT DO UPDATE`), which
on PostgreSQL holds the row lock until the transaction ends, so concurrent events on
the same row add up and a rolled-back action takes its contribution with it. Ratings
do not write dossier events: `daily_figures_rating_apply` is called by
`feedback.services.rating_submit`.

`daily_figures_rebuild` recomputes the rows of a range of days from the event log,
the dossiers and the ratings with one set-based `INSERT ... SELECT ... GROUP BY`: the
same definitions as the listener, so rebuilt rows equal live ones.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dichvucong.dossiers.models import DossierEvent, DossierStatus

if TYPE_CHECKING:
    from dichvucong.feedback.models import Rating

from .models import (
    COUNTER_FIELDS,
    PROCESSING_BUCKET_DAYS,
    PROCESSING_BUCKET_FIELDS,
    DailyFigures,
    MonthlyFigures,
    RolledMonth,
)

# Statuses a dossier can reach when the agency accepts it (the workflow's first move out
# of "receiving" that is not a request for documents, a refusal or a withdrawal).
ACCEPTED_STATUSES = (
    DossierStatus.NEW,
    DossierStatus.PROCESSING,
    DossierStatus.PAYING,
    DossierStatus.RELEASING,
    DossierStatus.INTEROPERATING,
    DossierStatus.DONE,
)
SUBMISSION_FROM = ("", DossierStatus.DRAFT)
RATING_FIELDS = {
    "very_satisfied": "ratings_very_satisfied",
    "satisfied": "ratings_satisfied",
    "unsatisfied": "ratings_unsatisfied",
}
DAY_SECONDS = 86400


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    """Return the calendar day of `moment` in Vietnam time (the statistics' day)."""
    return moment.astimezone(_zone()).date()


def day_start(day: date) -> datetime:
    """Return the first instant of `day` in Vietnam time, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=_zone())


def processing_seconds(*, accepted_at: datetime, finished_at: datetime) -> int:
    """Return whole seconds from acceptance to the result (each end cut to the second)."""
    return max(0, int(finished_at.timestamp()) - int(accepted_at.timestamp()))


def processing_bucket_field(seconds: int) -> str:
    """Return the bucket counter of a processing time of `seconds`."""
    for limit, name in zip(PROCESSING_BUCKET_DAYS, PROCESSING_BUCKET_FIELDS, strict=False):
        if seconds <= limit * DAY_SECONDS:
            return name
    return PROCESSING_BUCKET_FIELDS[-1]


@dataclass(frozen=True)
class RowKey:
    day: date
    agency_id: int
    procedure_id: int
    channel: str


def event_contribution(event: DossierEvent) -> dict[str, int]:
    """Return what `event` adds to its daily row (only the counters it changes)."""
    dossier = event.dossier
    add: dict[str, int] = {}
    source, target = event.from_status, event.to_status
    if source in SUBMISSION_FROM and target not in SUBMISSION_FROM:
        add["received"] = 1
    if source == DossierStatus.RECEIVING and target in ACCEPTED_STATUSES:
        add["accepted"] = 1
    if target == DossierStatus.DENIED and source != DossierStatus.DENIED:
        add["denied"] = 1
    if target == DossierStatus.CANCELLED and source != DossierStatus.CANCELLED:
        add["cancelled"] = 1
    if target == DossierStatus.DONE and source != DossierStatus.DONE:
        add["processed"] = 1
        if dossier.timeliness:
            add[f"processed_{dossier.timeliness}"] = 1
        finished_at = dossier.result_at or dossier.handed_back_at
        if dossier.accepted_at is not None and finished_at is not None:
            seconds = processing_seconds(accepted_at=dossier.accepted_at, finished_at=finished_at)
            add["processing_counted"] = 1
            add["processing_seconds"] = seconds
            add[processing_bucket_field(seconds)] = 1
    payment = event.data.get("payment") if isinstance(event.data, dict) else None
    if isinstance(payment, dict) and payment.get("amount") is not None:
        add["paid_online"] = 1
        add["paid_online_amount"] = int(payment["amount"])
    return add


def _upsert_sql(
    table: str, period_column: str, key: RowKey, period: date, add: dict[str, int]
) -> tuple[str, list[Any]]:
    """Return the statement adding `add` to one row of `table` (created at zero if missing)."""
    table = connection.ops.quote_name(table)
    columns = ", ".join(COUNTER_FIELDS)
    placeholders = ", ".join(["%s"] * (4 + len(COUNTER_FIELDS)))
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in add)
    values: list[Any] = [period, key.agency_id, key.procedure_id, key.channel]
    values.extend(add.get(name, 0) for name in COUNTER_FIELDS)
    sql = (
        f"INSERT INTO {table} ({period_column}, agency_id, procedure_id, channel, {columns}) "  # noqa: S608
        f"VALUES ({placeholders}) "
        f"ON CONFLICT ({period_column}, agency_id, procedure_id, channel) "
        f"DO UPDATE SET {updates}"
    )
    return sql, values


def _upsert(key: RowKey, add: dict[str, int]) -> None:
    """Add `add` to the day's row and to the month's row (created at zero if missing).

    On PostgreSQL both go in one statement (the day's upsert as a data-modifying WITH):
    one round trip fewer inside every action's transaction, which holds these rows'
    locks from here to its commit.
    """
    day_sql, day_values = _upsert_sql(DailyFigures._meta.db_table, "day", key, key.day, add)
    month_sql, month_values = _upsert_sql(
        MonthlyFigures._meta.db_table, "month", key, key.day.replace(day=1), add
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH daily AS ({day_sql}) {month_sql}", day_values + month_values)
        else:
            cursor.execute(day_sql, day_values)
            cursor.execute(month_sql, month_values)


def daily_figures_event_apply(event: DossierEvent) -> None:
    """Add `event`'s contribution to its daily row (a dossier-event listener)."""
    add = event_contribution(event)
    if not add:
        return
    dossier = event.dossier
    key = RowKey(
        day=local_day(event.created_at),
        agency_id=dossier.agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
    )
    _upsert(key, add)


def daily_figures_rating_apply(*, rating: Rating) -> None:
    """Count a new rating in its day's and month's rows; call it in the rating's transaction."""
    field = RATING_FIELDS.get(rating.level)
    if field is None:
        return
    dossier = rating.dossier
    key = RowKey(
        day=local_day(rating.created_at),
        agency_id=dossier.agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
    )
    _upsert(key, {field: 1})


# --- Rebuild --------------------------------------------------------------------------


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


class _Dialect:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def day(self, column: str) -> str:
        if self.postgres:
            return f"CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS date)"
        offset = timezone.now().astimezone(_zone()).utcoffset() or timedelta(0)
        return f"date({column}, '{int(offset.total_seconds())} seconds')"

    def epoch(self, column: str) -> str:
        if self.postgres:
            return f"CAST(EXTRACT(EPOCH FROM date_trunc('second', {column})) AS bigint)"
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"

    def month(self, column: str) -> str:
        if self.postgres:
            return f"CAST(date_trunc('month', {column}) AS date)"
        return f"date({column}, 'start of month')"

    def payment_amount(self, column: str) -> str:
        if self.postgres:
            return f"CAST(({column} -> 'payment' ->> 'amount') AS bigint)"
        return f"CAST(json_extract({column}, '$.payment.amount') AS INTEGER)"


def _rebuild_sql(dialect: _Dialect) -> str:
    """Return the INSERT ... SELECT that recomputes the rows of a range of instants."""
    table = DailyFigures._meta.db_table
    seconds = (
        f"({dialect.epoch('COALESCE(d.result_at, d.handed_back_at)')}"
        f" - {dialect.epoch('d.accepted_at')})"
    )
    counted = "(p.done = 1 AND p.accepted_at IS NOT NULL AND p.finished_at IS NOT NULL)"
    bucket_cases = []
    lower = 0
    for limit, name in zip(PROCESSING_BUCKET_DAYS, PROCESSING_BUCKET_FIELDS, strict=False):
        condition = f"p.seconds <= {limit * DAY_SECONDS}"
        if lower:
            condition += f" AND p.seconds > {lower * DAY_SECONDS}"
        bucket_cases.append(f"SUM(CASE WHEN {counted} AND {condition} THEN 1 ELSE 0 END) AS {name}")
        lower = limit
    bucket_cases.append(
        f"SUM(CASE WHEN {counted} AND p.seconds > {lower * DAY_SECONDS} THEN 1 ELSE 0 END)"
        f" AS {PROCESSING_BUCKET_FIELDS[-1]}"
    )
    submission = _quoted(SUBMISSION_FROM)
    accepted = _quoted(ACCEPTED_STATUSES)
    amount = dialect.payment_amount("e.data")
    events = f"""
        SELECT {dialect.day("e.created_at")} AS day, d.agency_id, d.procedure_id, d.channel,
          CASE WHEN e.from_status IN ({submission}) AND e.to_status NOT IN ({submission})
               THEN 1 ELSE 0 END AS received,
          CASE WHEN e.from_status = 'receiving' AND e.to_status IN ({accepted})
               THEN 1 ELSE 0 END AS accepted,
          CASE WHEN e.to_status = 'denied' AND e.from_status <> 'denied' THEN 1 ELSE 0 END
               AS denied,
          CASE WHEN e.to_status = 'cancelled' AND e.from_status <> 'cancelled'
               THEN 1 ELSE 0 END AS cancelled,
          CASE WHEN e.to_status = 'done' AND e.from_status <> 'done' THEN 1 ELSE 0 END AS done,
          d.timeliness, d.accepted_at, COALESCE(d.result_at, d.handed_back_at) AS finished_at,
          CASE WHEN d.accepted_at IS NOT NULL
                AND COALESCE(d.result_at, d.handed_back_at) IS NOT NULL
               THEN CASE WHEN {seconds} > 0 THEN {seconds} ELSE 0 END ELSE 0 END AS seconds,
          {amount} AS amount,
          '' AS rating
        FROM dossiers_dossierevent e JOIN dossiers_dossier d ON d.id = e.dossier_id
        WHERE e.created_at >= %s AND e.created_at < %s AND (
          (e.from_status IN ({submission}) AND e.to_status NOT IN ({submission}))
          OR (e.from_status = 'receiving' AND e.to_status IN ({accepted}))
          OR (e.to_status IN ('denied', 'cancelled', 'done') AND e.from_status <> e.to_status)
          OR {amount} IS NOT NULL)
    """  # noqa: S608
    ratings = f"""
        SELECT {dialect.day("r.created_at")} AS day, d.agency_id, d.procedure_id, d.channel,
          0, 0, 0, 0, 0, '', NULL, NULL, 0, NULL, r.level
        FROM feedback_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id
        WHERE r.created_at >= %s AND r.created_at < %s
    """  # noqa: S608
    columns = ", ".join(COUNTER_FIELDS)
    return f"""
        INSERT INTO {table} (day, agency_id, procedure_id, channel, {columns})
        SELECT p.day, p.agency_id, p.procedure_id, p.channel,
          SUM(p.received), SUM(p.accepted), SUM(p.denied), SUM(p.cancelled), SUM(p.done),
          SUM(CASE WHEN p.done = 1 AND p.timeliness = 'early' THEN 1 ELSE 0 END),
          SUM(CASE WHEN p.done = 1 AND p.timeliness = 'on_time' THEN 1 ELSE 0 END),
          SUM(CASE WHEN p.done = 1 AND p.timeliness = 'late' THEN 1 ELSE 0 END),
          SUM(CASE WHEN {counted} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {counted} THEN p.seconds ELSE 0 END),
          {", ".join(bucket_cases)},
          SUM(CASE WHEN p.amount IS NOT NULL THEN 1 ELSE 0 END),
          SUM(COALESCE(p.amount, 0)),
          SUM(CASE WHEN p.rating = 'very_satisfied' THEN 1 ELSE 0 END),
          SUM(CASE WHEN p.rating = 'satisfied' THEN 1 ELSE 0 END),
          SUM(CASE WHEN p.rating = 'unsatisfied' THEN 1 ELSE 0 END)
        FROM ({events} UNION ALL {ratings}) p
        GROUP BY p.day, p.agency_id, p.procedure_id, p.channel
    """  # noqa: S608


def _first_day() -> date | None:
    first = DossierEvent.objects.order_by("created_at").values_list("created_at", flat=True)[:1]
    moment = next(iter(first), None)
    return None if moment is None else local_day(moment)


def daily_figures_rebuild(*, date_from: date | None = None, date_to: date | None = None) -> int:
    """Recompute the daily rows of `date_from`..`date_to` (inclusive; all when omitted).

    Delete the rows of those days, then insert them again from the event log, the
    dossiers and the ratings in one statement; return the number of rows written.
    """
    if date_from is None:
        date_from = _first_day() or timezone.localdate()
    if date_to is None:
        date_to = max(timezone.localdate(), date_from)
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    start = day_start(date_from)
    end = day_start(date_to + timedelta(days=1))
    sql = _rebuild_sql(_Dialect())
    bounds = [connection.ops.adapt_datetimefield_value(v) for v in (start, end)]
    with transaction.atomic():
        DailyFigures.objects.filter(day__gte=date_from, day__lte=date_to).delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bounds, *bounds])
            written = cursor.rowcount
        monthly_figures_roll(date_from=date_from, date_to=date_to)
    return int(written)


def month_after(month: date) -> date:
    """Return the first day of the month after the one `month` falls in."""
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def months_between(date_from: date, date_to: date) -> list[date]:
    """Return the first day of every month touching `date_from`..`date_to`."""
    months = []
    month = date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = month_after(month)
    return months


def monthly_figures_roll(*, date_from: date, date_to: date) -> int:
    """Recompute the monthly rows of every month touching `date_from`..`date_to` from the
    daily rows, and mark those months rolled; return the number of months."""
    first = date_from.replace(day=1)
    end = month_after(date_to)
    months = months_between(date_from, date_to)
    dialect = _Dialect()
    table = MonthlyFigures._meta.db_table
    columns = ", ".join(COUNTER_FIELDS)
    sums = ", ".join(f"SUM({name})" for name in COUNTER_FIELDS)
    with transaction.atomic():
        MonthlyFigures.objects.filter(month__gte=first, month__lt=end).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (month, agency_id, procedure_id, channel, {columns}) "  # noqa: S608
                f"SELECT {dialect.month('day')}, agency_id, procedure_id, channel, {sums} "
                f"FROM {DailyFigures._meta.db_table} WHERE day >= %s AND day < %s "
                f"GROUP BY {dialect.month('day')}, agency_id, procedure_id, channel",
                [first, end],
            )
        RolledMonth.objects.filter(month__in=months).delete()
        RolledMonth.objects.bulk_create(RolledMonth(month=m) for m in months)
    return len(months)
