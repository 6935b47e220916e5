"""Seed the dossier benchmark's database (after `manage.py migrate` and `load_demo`).

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set:

    python bench/seed_dossiers.py applicants 200
        N applicants (users `bench-applicant-NNNNN`) with a complete profile and an API
        token each.
    python bench/seed_dossiers.py dossiers 1000000
        N submitted dossiers in one INSERT … SELECT generate_series: valid procedures,
        current versions, first cases and receiving agencies (every pair the catalogue
        has), the applicants above, codes `<agency code>-<YYMMDD>-<NNNN>` spread over
        the days before today (today's numbers stay free for live submissions), a mix
        of statuses as a province's history would have.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def applicants(count: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from dichvucong.accounts.models import Profile, User
    from dichvucong.organizations.models import AdministrativeUnit

    units = list(AdministrativeUnit.objects.filter(parent__isnull=False).order_by("code"))
    password = make_password("mat-khau-bench-12345")  # hashed once: PBKDF2 is slow on purpose
    users = User.objects.bulk_create(
        User(
            username=f"bench-applicant-{index:05d}",
            email=f"bench-applicant-{index:05d}@example.vn",
            password=password,
        )
        for index in range(count)
    )
    now = timezone.now()
    Profile.objects.bulk_create(
        Profile(
            user=user,
            full_name=f"Nguyễn Văn Thử {index:05d}",
            citizen_id=f"0740900{index:05d}",
            phone=f"09{index:08d}",
            address_line=f"{index + 1} đường Phú Riềng Đỏ",
            administrative_unit=units[index % len(units)] if units else None,
            email_verified_at=now,
        )
        for index, user in enumerate(users)
    )
    Token.objects.bulk_create(Token(key=Token.generate_key(), user=u) for u in users)
    print(f"{len(users)} applicants with tokens", file=sys.stderr)


SEED_SQL = """
CREATE TEMP TABLE bench_combo AS
SELECT row_number() OVER (ORDER BY p.id, a.id) - 1 AS k,
       p.id AS procedure_id, v.id AS version_id, c.id AS case_id,
       a.id AS agency_id, a.code AS agency_code
FROM catalogue_procedure p
JOIN catalogue_procedureversion v ON v.id = p.current_version_id
JOIN catalogue_procedureversion_agencies va ON va.procedureversion_id = v.id
JOIN organizations_agency a ON a.id = va.agency_id
JOIN LATERAL (
    SELECT id FROM catalogue_procedurecase WHERE version_id = v.id
    ORDER BY position, id LIMIT 1
) c ON true;

CREATE TEMP TABLE bench_applicant AS
SELECT row_number() OVER (ORDER BY u.id) - 1 AS k, u.id, u.email,
       p.full_name, p.citizen_id, p.phone, p.address_line
FROM accounts_user u JOIN accounts_profile p ON p.user_id = u.id;

INSERT INTO dossiers_dossier (
    code, form_data, channel, status, applicant_name, applicant_id_number, applicant_phone,
    applicant_email, applicant_address, idempotency_key, request_fingerprint,
    created_at, updated_at, submitted_at, due_at, withdrawn_at, copies, timeliness,
    agency_id, applicant_id, case_id, eform_id, procedure_id, version_id
)
SELECT
    c.agency_code || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad(s.number::text, 4, '0'),
    '{}'::jsonb,
    CASE WHEN s.i %% 3 = 0 THEN 'direct' ELSE 'online' END,
    s.status,
    a.full_name, a.citizen_id, a.phone, a.email, a.address_line, '', '',
    s.at, s.at, s.at,
    CASE WHEN s.status IN ('receiving', 'cancelled') THEN NULL ELSE s.at + interval '10 days' END,
    CASE WHEN s.status = 'cancelled' THEN s.at + interval '1 hour' END,
    1, '',
    c.agency_id, a.id, c.case_id, NULL, c.procedure_id, c.version_id
FROM (
    SELECT g.i,
           current_date - 1 - (g.i %% %(days)s)::int AS day,
           g.i / %(days)s + 1 AS number,
           ((current_date - 1 - (g.i %% %(days)s)::int) + time '07:30'
             + make_interval(secs => (g.i * 37) %% 34200)) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at,
           (ARRAY['receiving', 'receiving', 'new', 'new', 'processing', 'processing',
                  'processing', 'waiting', 'paying', 'cancelled', 'denied', 'releasing',
                  'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done'])[g.i %% 20 + 1]
             AS status
    FROM generate_series(0::bigint, %(count)s - 1) AS g(i)
) s
JOIN bench_combo c ON c.k = (s.i * 7919) %% (SELECT count(*) FROM bench_combo)
JOIN bench_applicant a ON a.k = s.i %% (SELECT count(*) FROM bench_applicant);
"""


def dossiers(count: int) -> None:
    from django.db import connection, transaction

    # (day, number) determine the row, so codes are unique; keep numbers to four digits.
    days = max(730, -(-count // 9999))
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SEED_SQL % {"days": days, "count": count})
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        (total,) = cursor.fetchone()
    print(
        f"{total} dossiers over {days} days in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    command, count = sys.argv[1], int(sys.argv[2])
    if command == "applicants":
        applicants(count)
    elif command == "dossiers":
        dossiers(count)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
