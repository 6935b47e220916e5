"""Seed the back-office benchmark's database (after `manage.py migrate` and `load_demo`).

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set, in this order, on a fresh database:

    python bench/seed_backoffice.py agencies 150
        Make exactly N agencies receive dossiers (an agency named by a current procedure
        version): the demo has fewer, so synthetic departments `000.99.NN.H10` of the
        province are created and each made to receive four province-level procedures.
    python bench/seed_backoffice.py officers
        Officers of the first 150 receiving agencies (by code; its index is the agency
        index): per agency one reception officer, one unit head, one approver and ten
        specialists, users `bench-<role>-<agency index>-<n>`, each with a membership,
        an API token and a confirmed TOTP device (secret BENCH_TOTP_SECRET).
    python bench/seed_backoffice.py dossiers 1000000
        N dossiers in a few INSERT … SELECT statements, spread over the officers'
        agencies (sizes ~ 1/sqrt(rank), 12:1 between the largest and the smallest), in
        the default workflow with the status mix of a province's two-year history
        (86 % done), each in the state of its status, with its deadlines (12 % of the
        open ones overdue, 15 % due within a day), assignee (a specialist of its agency
        from the examination on) and register number (continuous per agency and year,
        in order of acceptance). The register and daily code sequences are moved past
        the numbers used, so live actions and submissions continue them.
    python bench/seed_backoffice.py pool 8000
        Make at least N dossiers wait for acceptance (state `submitted`) at the
        officers' agencies, adding the missing ones as today's intake, spread evenly.
    python bench/seed_backoffice.py analyze
        VACUUM ANALYZE the dossiers, ANALYZE the rest: statistics and visibility,
        what autovacuum would have done soon after a bulk load.
    python bench/seed_backoffice.py explain bench-reception-000-1 'scope=mine&page=1'
        Print EXPLAIN (ANALYZE, BUFFERS) of the queue endpoint's queries (count, page)
        for that officer and query string (a diagnostic, not a seeding step).

Each step prints what it made and how long it took.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The base32 secret of every bench officer's authenticator (the benchmark computes codes).
TOTP_SECRET = os.environ.get("BENCH_TOTP_SECRET", "KRSXG5CCMVXGG2BAN5TGM2LDMVZHGMBQ")
PASSWORD = "mat-khau-bench-12345"  # noqa: S105
AGENCIES = 150
SPECIALISTS = 10
ROLES = ("reception", "unit_head", "approver")
PROCEDURES_PER_BENCH_AGENCY = 4
TIME_ZONE = "Asia/Ho_Chi_Minh"

# The default workflow's states and their share of the history (cumulative bounds below).
STATE_SHARES = (
    ("done", 0.86),
    ("refused", 0.02),
    ("withdrawn", 0.02),
    ("submitted", 0.015),
    ("reception_waiting", 0.005),
    ("assigning", 0.01),
    ("examining", 0.04),
    ("processing_waiting", 0.01),
    ("approving", 0.01),
    ("releasing", 0.01),
)
FINISHED = ("done", "refused", "withdrawn")
ACCEPTED = ("assigning", "examining", "processing_waiting", "approving", "releasing", "done")
ASSIGNED = ("examining", "processing_waiting", "approving", "releasing", "done")
WAITING = ("reception_waiting", "processing_waiting")


class Step:
    """Time a step and print what it did."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> Step:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            print(f"  {self.name}: {time.monotonic() - self.started:.1f} s", file=sys.stderr)


def _receiving_agency_ids() -> list[int]:
    from dichvucong.catalogue.models import Procedure, ProcedureVersion

    current = Procedure.objects.exclude(current_version=None).values("current_version_id")
    through = ProcedureVersion.agencies.through
    return sorted(
        set(
            through.objects.filter(procedureversion_id__in=current).values_list(
                "agency_id", flat=True
            )
        )
    )


def bench_agencies(count: int = AGENCIES) -> list[Any]:
    """Return the first `count` receiving agencies by code: the benchmark's agencies."""
    from dichvucong.organizations.models import Agency

    return list(Agency.objects.filter(pk__in=_receiving_agency_ids()).order_by("code")[:count])


def agencies(count: int) -> None:
    from django.conf import settings
    from django.db import transaction

    from dichvucong.catalogue.models import Procedure, ProcedureVersion
    from dichvucong.organizations.models import AdministrativeUnit, Agency, AgencyKind

    started = time.monotonic()
    missing = count - len(_receiving_agency_ids())
    created = 0
    if missing > 0:
        # The installation's province (the demo also holds a neighbour's, for the exchange).
        province = AdministrativeUnit.objects.get(parent__isnull=True, name=settings.PROVINCE_NAME)
        # Province-level procedures (received by a department), those with a case.
        versions = list(
            Procedure.objects.filter(
                current_version__agencies__kind=AgencyKind.DEPARTMENT,
                current_version__cases__isnull=False,
            )
            .distinct()
            .order_by("code")
            .values_list("current_version_id", flat=True)
        )
        if not versions:
            raise SystemExit("no province-level procedure to attach the bench agencies to")
        through = ProcedureVersion.agencies.through
        with transaction.atomic():
            for n in range(1, missing + 1):
                agency = Agency(
                    code=f"000.99.{n:02d}.H10",
                    name=f"Cơ quan thử tải số {n:02d}",
                    kind=AgencyKind.DEPARTMENT,
                    administrative_unit=province,
                )
                agency.full_clean()
                agency.save()
                through.objects.bulk_create(
                    through(
                        procedureversion_id=versions[(n * 7 + i) % len(versions)],
                        agency_id=agency.pk,
                    )
                    for i in range(PROCEDURES_PER_BENCH_AGENCY)
                )
                created += 1
    total = len(_receiving_agency_ids())
    print(
        f"{total} receiving agencies ({created} bench agencies created) "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def officers() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    from dichvucong.accounts.models import Membership, User
    from dichvucong.accounts.otp import DEVICE_NAME, hex_key_from_base32

    started = time.monotonic()
    chosen = bench_agencies()
    if len(chosen) < AGENCIES:
        raise SystemExit(f"only {len(chosen)} receiving agencies: run `agencies {AGENCIES}`")
    password = make_password(PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    key = hex_key_from_base32(TOTP_SECRET)
    people: list[tuple[User, Any, str]] = []
    for index, agency in enumerate(chosen):
        roles = [(role, 1) for role in ROLES] + [
            ("specialist", n) for n in range(1, SPECIALISTS + 1)
        ]
        for role, n in roles:
            username = f"bench-{role}-{index:03d}-{n}"
            user = User(
                username=username,
                email=f"{username}@example.vn",
                password=password,
                first_name=f"Thử {n}",
                last_name=f"Cán bộ {role} {index:03d}",
            )
            people.append((user, agency, role))
    with transaction.atomic():
        users = User.objects.bulk_create(user for user, _agency, _role in people)
        Membership.objects.bulk_create(
            Membership(user=user, agency=agency, role=role)
            for user, (_u, agency, role) in zip(users, people, strict=True)
        )
        Token.objects.bulk_create(Token(key=Token.generate_key(), user=u) for u in users)
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=u, name=DEVICE_NAME, key=key, confirmed=True) for u in users
        )
    print(
        f"{len(users)} officers at {len(chosen)} agencies (memberships, tokens, TOTP devices) "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def agency_bounds(count: int) -> list[float]:
    """Return the lower bounds of each agency's share of [0, 1) (width_bucket's array).

    Agency k's size is proportional to 1/sqrt(rank + 1), its rank a fixed shuffle of the
    indexes, so large and small agencies alternate in code order.
    """
    weights = [0.0] * count
    for k in range(count):
        rank = (k * 37) % count if math.gcd(37, count) == 1 else k
        weights[k] = 1 / math.sqrt(rank + 1)
    total = sum(weights)
    bounds, edge = [], 0.0
    for weight in weights:
        bounds.append(edge)
        edge += weight / total
    return bounds


def _state_case() -> str:
    branches, edge = [], 0.0
    for state, share in STATE_SHARES[:-1]:
        edge += share
        branches.append(f"WHEN u_state < {edge:.6f} THEN '{state}'")
    return "CASE " + " ".join(branches) + f" ELSE '{STATE_SHARES[-1][0]}' END"


def _in(states: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{s}'" for s in states) + ")"


# The agencies, their procedures, specialists, applicants and the workflow's states.
CONTEXT_SQL = """
CREATE TEMP TABLE bench_agency ON COMMIT DROP AS
SELECT split_part(u.username, '-', 3)::int AS k, m.agency_id, a.code AS agency_code,
       0 AS ncombo
FROM accounts_user u
JOIN accounts_membership m ON m.user_id = u.id AND m.role = 'reception'
JOIN organizations_agency a ON a.id = m.agency_id
WHERE u.username LIKE 'bench-reception-%%';

CREATE TEMP TABLE bench_combo ON COMMIT DROP AS
SELECT ba.k, row_number() OVER (PARTITION BY ba.k ORDER BY p.id) - 1 AS j,
       p.id AS procedure_id, v.id AS version_id, c.id AS case_id
FROM bench_agency ba
JOIN catalogue_procedureversion_agencies va ON va.agency_id = ba.agency_id
JOIN catalogue_procedure p ON p.current_version_id = va.procedureversion_id
JOIN catalogue_procedureversion v ON v.id = p.current_version_id
JOIN LATERAL (
    SELECT id FROM catalogue_procedurecase WHERE version_id = v.id
    ORDER BY position, id LIMIT 1
) c ON true;

UPDATE bench_agency ba SET ncombo = (SELECT count(*) FROM bench_combo c WHERE c.k = ba.k);

CREATE TEMP TABLE bench_specialist ON COMMIT DROP AS
SELECT split_part(u.username, '-', 3)::int AS k, split_part(u.username, '-', 4)::int - 1 AS n,
       u.id AS user_id
FROM accounts_user u WHERE u.username LIKE 'bench-specialist-%%';

CREATE TEMP TABLE bench_applicant ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY u.id) - 1 AS k, u.id, u.email,
       p.full_name, p.citizen_id, p.phone, p.address_line
FROM accounts_user u JOIN accounts_profile p ON p.user_id = u.id;

CREATE TEMP TABLE bench_state ON COMMIT DROP AS
SELECT s.code, s.id, s.status, w.id AS workflow_id
FROM workflows_workflowstate s JOIN workflows_workflow w ON w.id = s.workflow_id
WHERE w.is_default;
"""

# One row per dossier: its agency (weighted), state, and the random draws the times use.
GENERATE_SQL = """
SELECT setseed(0.2026);
CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
SELECT g.i, width_bucket(random(), %(bounds)s::float8[]) - 1 AS k,
       random() AS u_combo, random() AS u_state, random() AS u_day, random() AS u_sec,
       random() AS u_due, random() AS u_x, random() AS u_spec, random() AS u_channel
FROM generate_series(0::bigint, %(count)s - 1) AS g(i);
"""

# The times of each dossier, in layers: submission, acceptance and deadline, the step.
TIMES_SQL = """
CREATE TEMP TABLE bench_row ON COMMIT DROP AS
SELECT t.*,
       CASE WHEN t.state = 'submitted' THEN t.submitted_at + interval '12 hours'
            WHEN t.state = 'assigning' THEN t.state_entered_at + interval '4 hours'
            WHEN t.state = 'approving' THEN t.state_entered_at + interval '1 day'
            WHEN t.state IN ('examining', 'releasing', 'done') THEN t.due_at
       END AS state_due_at,
       CASE WHEN t.state = 'done' THEN greatest(t.accepted_at, t.handed_back_at - interval '1 day')
            WHEN t.state IN ('releasing', 'refused') THEN t.state_entered_at
       END AS result_at,
       CASE WHEN t.accepted_at IS NOT NULL
            THEN extract(year FROM t.accepted_at AT TIME ZONE '%(tz)s')::int
       END AS register_year
FROM (
    SELECT a.*,
           CASE a.state
               WHEN 'submitted' THEN a.submitted_at
               WHEN 'reception_waiting' THEN a.submitted_at + interval '2 hours'
               WHEN 'refused' THEN a.submitted_at + interval '2 hours'
               WHEN 'withdrawn' THEN a.submitted_at + interval '1 hour'
               WHEN 'assigning' THEN a.accepted_at
               WHEN 'examining' THEN a.accepted_at + (%(now)s - a.accepted_at) * 0.3
               WHEN 'processing_waiting' THEN a.accepted_at + (%(now)s - a.accepted_at) * 0.5
               WHEN 'approving' THEN a.accepted_at + (%(now)s - a.accepted_at) * 0.7
               WHEN 'releasing' THEN a.accepted_at + (%(now)s - a.accepted_at) * 0.85
               WHEN 'done' THEN a.handed_back_at
           END AS state_entered_at
    FROM (
        SELECT d.*,
               CASE WHEN d.state = 'done'
                    THEN least(d.accepted_at + (d.due_at - d.accepted_at) * (0.3 + d.u_x * 0.75),
                               %(now)s - interval '1 hour')
               END AS handed_back_at
        FROM (
            SELECT s.*,
                   CASE WHEN s.state = 'done'
                        THEN s.accepted_at + make_interval(days => 3 + floor(s.u_due * 20)::int)
                        WHEN s.accepted_at IS NULL THEN NULL
                        WHEN s.u_due < 0.12  -- overdue
                        THEN greatest(s.accepted_at + interval '4 hours',
                                      %(now)s - interval '1 hour' - s.u_x * interval '5 days')
                        WHEN s.u_due < 0.27  -- due within a day
                        THEN %(now)s + interval '1 hour' + s.u_x * interval '20 hours'
                        ELSE %(now)s + interval '30 hours' + s.u_x * interval '14 days'
                   END AS due_at
            FROM (
                SELECT r.*,
                       CASE WHEN r.state IN %(accepted)s
                            THEN r.submitted_at + interval '3 hours'
                       END AS accepted_at
                FROM (
                    SELECT q.*,
                           ((%(today)s::date - q.days_ago) + time '07:30'
                             + make_interval(secs => floor(q.u_sec * 34200)))
                             AT TIME ZONE '%(tz)s' AS submitted_at
                    FROM (
                        SELECT w.*,
                               CASE WHEN w.state IN %(finished)s
                                    THEN 2 + floor(w.u_day * 728)::int
                                    WHEN w.state = 'submitted' THEN 1 + floor(w.u_day * 3)::int
                                    ELSE 1 + floor(w.u_day * 20)::int
                               END AS days_ago
                        FROM (SELECT b.*, %(state_case)s AS state FROM bench_draw b) w
                    ) q
                ) r
            ) s
        ) d
    ) a
) t;
"""

INSERT_SQL = """
INSERT INTO dossiers_dossier (
    code, form_data, channel, status, applicant_name, applicant_id_number, applicant_phone,
    applicant_email, applicant_address, idempotency_key, request_fingerprint, copies,
    created_at, updated_at, submitted_at, due_at, withdrawn_at,
    agency_id, applicant_id, case_id, eform_id, procedure_id, version_id,
    workflow_id, state_id, state_entered_at, state_due_at, assignee_id,
    accepted_at, paused_at, result_at, handed_back_at, timeliness, overdue_at,
    register_year, register_number
)
SELECT
    ba.agency_code || '-' || to_char(r.day, 'YYMMDD') || '-'
      || lpad((r.n + coalesce(ds.last, 0))::text,
              greatest(4, length((r.n + coalesce(ds.last, 0))::text)), '0'),
    '{}'::jsonb,
    CASE WHEN r.u_channel < 0.3 THEN 'direct' ELSE 'online' END,
    st.status,
    coalesce(ap.full_name, 'Nguyễn Văn Thử'), coalesce(ap.citizen_id, ''),
    coalesce(ap.phone, ''), coalesce(ap.email, ''), coalesce(ap.address_line, ''), '', '', 1,
    r.submitted_at, coalesce(r.state_entered_at, r.submitted_at), r.submitted_at, r.due_at,
    CASE WHEN r.state = 'withdrawn' THEN r.state_entered_at END,
    ba.agency_id, ap.id, c.case_id, NULL, c.procedure_id, c.version_id,
    st.workflow_id, st.id, r.state_entered_at, r.state_due_at,
    CASE WHEN r.state IN %(assigned)s THEN sp.user_id END,
    r.accepted_at,
    CASE WHEN r.state IN %(waiting)s THEN r.state_entered_at END,
    r.result_at, r.handed_back_at,
    CASE WHEN r.state <> 'done' THEN ''
         WHEN r.result_at > r.due_at THEN 'late'
         WHEN (r.result_at AT TIME ZONE '%(tz)s')::date = (r.due_at AT TIME ZONE '%(tz)s')::date
         THEN 'on_time'
         ELSE 'early' END,
    CASE WHEN r.state IN %(accepted)s AND r.state NOT IN %(waiting)s AND r.state <> 'done'
              AND r.due_at < %(now)s - interval '15 minutes'
         THEN r.due_at + interval '15 minutes' END,
    r.register_year,
    CASE WHEN r.register_year IS NOT NULL THEN r.rn + coalesce(rs.last, 0) END
FROM (
    SELECT x.*,
           row_number() OVER (PARTITION BY x.k, x.day ORDER BY x.submitted_at, x.i) AS n,
           row_number() OVER (PARTITION BY x.k, x.register_year ORDER BY x.accepted_at, x.i) AS rn
    FROM (
        SELECT b.*, (b.submitted_at AT TIME ZONE '%(tz)s')::date AS day FROM bench_row b
    ) x
) r
JOIN bench_agency ba ON ba.k = r.k
JOIN bench_combo c ON c.k = r.k AND c.j = floor(r.u_combo * ba.ncombo)::int
JOIN bench_state st ON st.code = r.state
LEFT JOIN bench_specialist sp ON sp.k = r.k AND sp.n = floor(r.u_spec * %(specialists)s)::int
LEFT JOIN bench_applicant ap
  ON ap.k = r.i %% greatest(1, (SELECT count(*) FROM bench_applicant))
LEFT JOIN dossiers_dossiersequence ds ON ds.agency_id = ba.agency_id AND ds.day = r.day
LEFT JOIN dossiers_registersequence rs
  ON rs.agency_id = ba.agency_id AND rs.year = r.register_year
ORDER BY r.submitted_at, r.i;
"""

# Move the daily code and yearly register sequences past the numbers used.
SEQUENCES_SQL = """
INSERT INTO dossiers_registersequence (agency_id, year, last)
SELECT agency_id, register_year, max(register_number)
FROM dossiers_dossier WHERE register_number IS NOT NULL
GROUP BY agency_id, register_year
ON CONFLICT (agency_id, year) DO UPDATE
SET last = greatest(dossiers_registersequence.last, EXCLUDED.last);

INSERT INTO dossiers_dossiersequence (agency_id, day, last)
SELECT agency_id, (submitted_at AT TIME ZONE '%(tz)s')::date,
       max(split_part(code, '-', 3)::int)
FROM dossiers_dossier WHERE code IS NOT NULL
GROUP BY 1, 2
ON CONFLICT (agency_id, day) DO UPDATE
SET last = greatest(dossiers_dossiersequence.last, EXCLUDED.last);
"""


def _params(now: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "now": f"'{now.isoformat()}'::timestamptz",
        "today": f"'{timezone.localtime(now).date().isoformat()}'",
        "tz": TIME_ZONE,
        "accepted": _in(ACCEPTED),
        "assigned": _in(ASSIGNED),
        "finished": _in(FINISHED),
        "waiting": _in(WAITING),
        "state_case": _state_case(),
        "specialists": SPECIALISTS,
    }


def dossiers(count: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.monotonic()
    params = _params(timezone.now())
    bounds = "ARRAY[" + ",".join(f"{b:.9f}" for b in agency_bounds(AGENCIES)) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL jit = off")  # compiling the long expressions costs seconds
        with Step("agencies, procedures, specialists, applicants"):
            cursor.execute(CONTEXT_SQL % {})
            cursor.execute("SELECT count(*), min(ncombo) FROM bench_agency")
            agencies, combos = cursor.fetchone()
        if agencies != AGENCIES or not combos:
            raise SystemExit(
                f"{agencies} bench agencies (need {AGENCIES}), fewest procedures {combos}"
            )
        with Step(f"draw {count} rows"):
            cursor.execute(GENERATE_SQL % {"bounds": bounds, "count": count})
        with Step("states and times"):
            cursor.execute(TIMES_SQL % params)
        with Step("insert the dossiers"):
            cursor.execute(INSERT_SQL % params)
            inserted = cursor.rowcount
        with Step("register and code sequences"):
            cursor.execute(SEQUENCES_SQL % params)
    print(
        f"{inserted} dossiers at {agencies} agencies in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    if inserted != count:
        raise SystemExit(f"{inserted} dossiers inserted, {count} asked")


POOL_SQL = """
INSERT INTO dossiers_dossier (
    code, form_data, channel, status, applicant_name, applicant_id_number, applicant_phone,
    applicant_email, applicant_address, idempotency_key, request_fingerprint, copies,
    created_at, updated_at, submitted_at, agency_id, applicant_id, case_id, procedure_id,
    version_id, workflow_id, state_id, state_entered_at, state_due_at, timeliness
)
SELECT
    ba.agency_code || '-' || to_char(%(today)s::date, 'YYMMDD') || '-'
      || lpad((g.n + coalesce(ds.last, 0))::text,
              greatest(4, length((g.n + coalesce(ds.last, 0))::text)), '0'),
    '{}'::jsonb, 'online', st.status,
    coalesce(ap.full_name, 'Nguyễn Văn Thử'), coalesce(ap.citizen_id, ''),
    coalesce(ap.phone, ''), coalesce(ap.email, ''), coalesce(ap.address_line, ''), '', '', 1,
    g.at, g.at, g.at, ba.agency_id, ap.id, c.case_id, c.procedure_id, c.version_id,
    st.workflow_id, st.id, g.at, g.at + interval '12 hours', ''
FROM (
    SELECT i, i %% %(agencies)s AS k, i / %(agencies)s + 1 AS n,
           greatest(%(now)s - make_interval(secs => (i * 7) %% 3600),
                    %(today)s::date::timestamp AT TIME ZONE '%(tz)s') AS at
    FROM generate_series(0::bigint, %(count)s - 1) AS s(i)
) g
JOIN bench_agency ba ON ba.k = g.k
JOIN bench_combo c ON c.k = g.k AND c.j = g.i %% ba.ncombo
JOIN bench_state st ON st.code = 'submitted'
LEFT JOIN bench_applicant ap
  ON ap.k = g.i %% greatest(1, (SELECT count(*) FROM bench_applicant))
LEFT JOIN dossiers_dossiersequence ds ON ds.agency_id = ba.agency_id AND ds.day = %(today)s
ORDER BY g.i;
"""

POOL_COUNT_SQL = """
SELECT count(*) FROM dossiers_dossier d
JOIN workflows_workflowstate s ON s.id = d.state_id AND s.code = 'submitted'
WHERE d.agency_id IN (
    SELECT m.agency_id FROM accounts_membership m JOIN accounts_user u ON u.id = m.user_id
    WHERE u.username LIKE 'bench-reception-%%'
)
"""


def pool(count: int) -> None:
    """Make at least `count` dossiers wait for acceptance at the bench agencies."""
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.monotonic()
    params = _params(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(POOL_COUNT_SQL % {})
        (waiting,) = cursor.fetchone()
        added = max(0, count - waiting)
        if added:
            cursor.execute(CONTEXT_SQL % {})
            cursor.execute(POOL_SQL % (params | {"count": added, "agencies": AGENCIES}))
            cursor.execute(SEQUENCES_SQL % params)
    print(
        f"{waiting + added} dossiers waiting for acceptance ({added} added) "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def analyze() -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
        cursor.execute("ANALYZE")
    print(f"vacuum analyze in {time.monotonic() - started:.1f} s", file=sys.stderr)


def explain(username: str, query: str) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of the queue endpoint's queries for an officer.

    `query` is the endpoint's query string (`scope=mine&page=20`); the queries are those
    the endpoint runs (the paginator's count, then the page), captured from the selector.
    """
    from urllib.parse import parse_qs

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dichvucong.accounts.models import User
    from dichvucong.dossiers import selectors

    params = {k: v[0] for k, v in parse_qs(query).items()}
    page = int(params.get("page", "1"))
    user = User.objects.get(username=username)
    filters = selectors.InboxFilters(
        scope=params.get("scope", "mine"),
        status=params.get("status", ""),
        procedure=params.get("procedure", ""),
        due=params.get("due", ""),
        query=params.get("q", ""),
        ordering=params.get("ordering", "due_at"),
    )
    with CaptureQueriesContext(connection) as captured:
        dossiers = selectors.dossier_inbox_for_officer(user=user, filters=filters)
        count = dossiers.count()
        rows = list(dossiers[(page - 1) * 20 : page * 20])
    print(f"== {username} ?{query}: {count} dossiers, {len(rows)} on page {page}")
    with connection.cursor() as cursor:
        for sql in (q["sql"] for q in captured.captured_queries):
            if "dossiers_dossier" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
            print()


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    command = sys.argv[1]
    if command == "agencies":
        agencies(int(sys.argv[2]) if len(sys.argv) > 2 else AGENCIES)
    elif command == "officers":
        officers()
    elif command == "dossiers":
        dossiers(int(sys.argv[2]))
    elif command == "pool":
        pool(int(sys.argv[2]))
    elif command == "analyze":
        analyze()
    elif command == "explain":
        explain(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
