"""Seed the statistics benchmark's database (after `manage.py migrate` and `load_demo`).

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set (PostgreSQL), on a fresh database:

    python bench/seed_reporting.py dossiers 10000000
        N dossiers in batches of INSERT ... SELECT FROM generate_series, spread over the
        demo's (agency, procedure) pairs (skewed: a few pairs take most dossiers), over
        the six years before now: 94 % handed back (processing 1 to 25 days from
        acceptance against a limit of 3 to 20, so some late), 3 % refused, 2 %
        withdrawn; those of the last 20 days partly still open (12 % of the open ones
        overdue). 70 % online, 27 % at the counter, 3 % by post.
    python bench/seed_reporting.py figures
        Build `reporting_dailyfigures` from those dossiers in one set-based statement:
        the same definitions as `daily_figures_rebuild` (which reads the event log; the
        bench writes no events, so this reads the dossiers' own dates), plus ratings of
        30 % of the handed-back dossiers and online payments of 20 % of the online ones;
        then the monthly rows (`monthly_figures_roll`, as the rebuild does).
    python bench/seed_reporting.py analyze
        VACUUM ANALYZE the tables.

Each step prints what it made and how long it took.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 1_000_000

COMBO_SQL = """
DROP TABLE IF EXISTS bench_combo;
CREATE UNLOGGED TABLE bench_combo AS
SELECT row_number() OVER (ORDER BY va.agency_id, p.id) - 1 AS j, va.agency_id,
       p.id AS procedure_id, v.id AS version_id, c.id AS case_id
FROM catalogue_procedureversion_agencies va
JOIN catalogue_procedure p ON p.current_version_id = va.procedureversion_id
JOIN catalogue_procedureversion v ON v.id = p.current_version_id
JOIN LATERAL (
    SELECT id FROM catalogue_procedurecase WHERE version_id = v.id ORDER BY position, id LIMIT 1
) c ON true;
CREATE UNIQUE INDEX ON bench_combo (j);
ANALYZE bench_combo;
"""

# One batch: ids first..last. The draws are hashed from the id so a batch is repeatable.
INSERT_SQL = """
INSERT INTO dossiers_dossier (
    code, form_data, channel, status, applicant_name, applicant_id_number, applicant_phone,
    applicant_email, applicant_address, idempotency_key, request_fingerprint, copies,
    created_at, updated_at, submitted_at, due_at, withdrawn_at,
    agency_id, procedure_id, version_id, case_id,
    accepted_at, result_at, handed_back_at, timeliness
)
SELECT 'BENCH-' || t.i, '{}'::jsonb, t.channel, t.status, 'Nguyễn Văn Thử', '', '', '', '',
       '', '', 1, t.submitted_at, t.submitted_at, t.submitted_at, t.due_at,
       CASE WHEN t.status = 'cancelled' THEN t.submitted_at + interval '1 hour' END,
       c.agency_id, c.procedure_id, c.version_id, c.case_id,
       t.accepted_at,
       CASE WHEN t.status = 'done' THEN t.handed_back_at - interval '1 hour'
            WHEN t.status = 'denied' THEN t.submitted_at + interval '2 hours' END,
       t.handed_back_at,
       CASE WHEN t.status <> 'done' THEN ''
            WHEN t.handed_back_at - interval '1 hour' > t.due_at THEN 'late'
            WHEN t.handed_back_at - interval '1 hour' > t.due_at - interval '1 day'
            THEN 'on_time' ELSE 'early' END
FROM (
    SELECT s.*,
           CASE WHEN s.status = 'done'
                THEN s.accepted_at + make_interval(secs => (1 + s.u_time * 24) * 86400)
           END AS handed_back_at
    FROM (
        SELECT r.*,
               CASE WHEN r.status IN ('denied', 'cancelled', 'receiving') THEN NULL
                    ELSE r.submitted_at + interval '2 hours' END AS accepted_at,
               CASE WHEN r.status IN ('denied', 'cancelled') THEN NULL
                    WHEN r.status IN ('new', 'processing', 'releasing', 'receiving')
                    THEN CASE WHEN r.u_due < 0.12 THEN now() - r.u_time * interval '5 days'
                              ELSE now() + interval '1 hour' + r.u_time * interval '10 days' END
                    ELSE r.submitted_at + make_interval(days => 3 + floor(r.u_due * 18)::int)
               END AS due_at
        FROM (
            SELECT q.*,
                   CASE WHEN q.recent AND q.u_status < 0.6
                        THEN (ARRAY['receiving', 'new', 'processing', 'releasing'])
                             [1 + floor(q.u_x * 4)::int]
                        WHEN q.u_status < 0.94 THEN 'done'
                        WHEN q.u_status < 0.97 THEN 'denied'
                        WHEN q.u_status < 0.99 THEN 'cancelled'
                        ELSE 'done' END AS status,
                   CASE WHEN q.u_channel < 0.70 THEN 'online'
                        WHEN q.u_channel < 0.97 THEN 'direct' ELSE 'postal' END AS channel
            FROM (
                SELECT p.*,
                       ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - p.days_ago + time '07:30'
                         + make_interval(secs => floor(p.u_sec * 34200)))
                         AT TIME ZONE 'Asia/Ho_Chi_Minh' AS submitted_at,
                       p.days_ago <= 20 AS recent
                FROM (
                    SELECT g.i, h.u_combo, h.u_status, h.u_x, h.u_channel, h.u_due, h.u_time,
                           h.u_sec, 1 + floor(h.u_day * 2190)::int AS days_ago
                    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g(i)
                    CROSS JOIN LATERAL (
                        SELECT ('x' || substr(md5(g.i::text), 1, 8))::bit(32)::bigint / 4294967296.0
                                 AS u_combo,
                               ('x' || substr(md5(g.i::text), 9, 8))::bit(32)::bigint / 4294967296.0
                                 AS u_status,
                               ('x' || substr(md5(g.i::text), 17, 8))::bit(32)::bigint
                                 / 4294967296.0 AS u_x,
                               ('x' || substr(md5(g.i::text), 25, 8))::bit(32)::bigint
                                 / 4294967296.0 AS u_channel,
                               ('x' || substr(md5(g.i::text || 'd'), 1, 8))::bit(32)::bigint
                                 / 4294967296.0 AS u_due,
                               ('x' || substr(md5(g.i::text || 'd'), 9, 8))::bit(32)::bigint
                                 / 4294967296.0 AS u_time,
                               ('x' || substr(md5(g.i::text || 'd'), 17, 8))::bit(32)::bigint
                                 / 4294967296.0 AS u_sec,
                               ('x' || substr(md5(g.i::text || 'd'), 25, 8))::bit(32)::bigint
                                 / 4294967296.0 AS u_day
                    ) h
                ) p
            ) q
        ) r
    ) s
) t
JOIN bench_combo c ON c.j = floor(power(t.u_combo, 2) * %(combos)s)::int;
"""

FIGURES_SQL = """
TRUNCATE reporting_dailyfigures;
INSERT INTO reporting_dailyfigures (
    day, agency_id, procedure_id, channel, received, accepted, denied, cancelled, processed,
    processed_early, processed_on_time, processed_late, processing_counted, processing_seconds,
    processing_le_1, processing_le_3, processing_le_7, processing_le_15, processing_le_30,
    processing_gt_30, paid_online, paid_online_amount, ratings_very_satisfied,
    ratings_satisfied, ratings_unsatisfied
)
SELECT day, agency_id, procedure_id, channel, sum(received), sum(accepted), sum(denied),
       sum(cancelled), sum(done), sum(early), sum(on_time), sum(late), sum(done),
       sum(seconds), sum(b1), sum(b3), sum(b7), sum(b15), sum(b30), sum(b31), sum(paid),
       sum(paid) * 50000, sum(r_very), sum(r_ok), sum(r_no)
FROM (
    SELECT (d.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, d.agency_id,
           d.procedure_id, d.channel, 1 AS received,
           CASE WHEN d.accepted_at IS NOT NULL THEN 1 ELSE 0 END AS accepted,
           CASE WHEN d.status = 'denied' THEN 1 ELSE 0 END AS denied,
           CASE WHEN d.status = 'cancelled' THEN 1 ELSE 0 END AS cancelled,
           0 AS done, 0 AS early, 0 AS on_time, 0 AS late, 0::bigint AS seconds,
           0 AS b1, 0 AS b3, 0 AS b7, 0 AS b15, 0 AS b30, 0 AS b31, 0 AS paid,
           0 AS r_very, 0 AS r_ok, 0 AS r_no
    FROM dossiers_dossier d
    UNION ALL
    SELECT (x.handed_back_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, x.agency_id, x.procedure_id,
           x.channel, 0, 0, 0, 0, 1,
           (x.timeliness = 'early')::int, (x.timeliness = 'on_time')::int,
           (x.timeliness = 'late')::int, x.seconds,
           (x.seconds <= 86400)::int, (x.seconds > 86400 AND x.seconds <= 3 * 86400)::int,
           (x.seconds > 3 * 86400 AND x.seconds <= 7 * 86400)::int,
           (x.seconds > 7 * 86400 AND x.seconds <= 15 * 86400)::int,
           (x.seconds > 15 * 86400 AND x.seconds <= 30 * 86400)::int,
           (x.seconds > 30 * 86400)::int,
           (x.channel = 'online' AND x.id % 5 = 0)::int,
           (x.id % 10 = 1)::int, (x.id % 10 IN (2, 3))::int, (x.id % 20 = 4)::int
    FROM (
        SELECT d.*, (extract(epoch FROM date_trunc('second', d.result_at))
                     - extract(epoch FROM date_trunc('second', d.accepted_at)))::bigint
                    AS seconds
        FROM dossiers_dossier d WHERE d.status = 'done'
    ) x
) p
GROUP BY day, agency_id, procedure_id, channel;
"""


def _setup() -> None:
    import django

    django.setup()


def dossiers(count: int) -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        # A bulk load: the foreign keys are known good (the pairs come from the catalogue),
        # so their per-row triggers are skipped, and the secondary indexes are dropped
        # and built again once at the end, which is several times faster than keeping
        # them up to date row by row. Constraint indexes (primary key, code) stay.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dossiers_dossier' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'dossiers_dossier'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        try:
            cursor.execute(COMBO_SQL)
            cursor.execute("SELECT count(*) FROM bench_combo")
            combos = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM dossiers_dossier WHERE code LIKE 'BENCH-%%'")
            have = cursor.fetchone()[0]
            first = have + 1
            while first <= count:
                last = min(count, first + BATCH - 1)
                step = time.monotonic()
                cursor.execute(INSERT_SQL, {"first": first, "last": last, "combos": combos})
                print(
                    f"  dossiers {first:,}..{last:,}: {time.monotonic() - step:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
                first = last + 1
        finally:
            step = time.monotonic()
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET session_replication_role = DEFAULT")
        print(f"  indexes: {time.monotonic() - step:.1f} s", file=sys.stderr, flush=True)
    print(
        f"{count:,} bench dossiers over {combos} (agency, procedure) pairs "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def figures() -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL)
        cursor.execute("SELECT count(*), min(day), max(day) FROM reporting_dailyfigures")
        rows, first, last = cursor.fetchone()
    print(f"{rows:,} daily rows in {time.monotonic() - started:.1f} s", file=sys.stderr)
    from dichvucong.reporting.services import monthly_figures_roll

    started = time.monotonic()
    months = monthly_figures_roll(date_from=first, date_to=last)
    print(f"{months} months rolled up in {time.monotonic() - started:.1f} s", file=sys.stderr)


def analyze() -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
        cursor.execute("VACUUM ANALYZE reporting_dailyfigures")
        cursor.execute("VACUUM ANALYZE reporting_monthlyfigures")
        cursor.execute("ANALYZE organizations_agency")
    print(f"analyzed in {time.monotonic() - started:.1f} s", file=sys.stderr)


def main(argv: list[str]) -> None:
    _setup()
    step = argv[1] if len(argv) > 1 else ""
    if step == "dossiers":
        dossiers(int(argv[2]))
    elif step == "figures":
        figures()
    elif step == "analyze":
        analyze()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
