"""The statistics over BENCH_REPORTING_DOSSIERS (10,000,000) dossiers on PostgreSQL.

The database (bench/seed_reporting.py): the demo province (`load_demo --no-history`),
then N dossiers over six years inserted set-based, and the daily figures built from
them. Rows measured in-process (Django, local settings, no HTTP), each the median and
the worst of BENCH_REPORTING_RUNS runs after one warm-up:

- the provincial dashboard: everything `/mot-cua/thong-ke/` computes for the province
  over the current year (totals, months, agencies, procedures, the processing-time
  distribution, the in-progress counts and the first page of late dossiers), and the
  same over the whole six years;
- one agency's dashboard (the largest agency, current year);
- the consolidated annual report's table: `statistics_by_agency` over the last full year;
- the consolidated annual report itself (`periodic.selectors.report_consolidated_compute`):
  every reporting agency's figures, filed or live, and the province's totals.

Target: under 1 second each. BENCH_REUSE_DATABASE=1 keeps the seeded database of a
previous run (topped up when it holds fewer dossiers).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import common

ROOT = common.ROOT
PYTHON = common.PYTHON
DATABASE_URL = os.environ.get(
    "BENCH_REPORTING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dvc_bench_reporting"
)
DOSSIERS = int(os.environ.get("BENCH_REPORTING_DOSSIERS", "10000000"))
RUNS = int(os.environ.get("BENCH_REPORTING_RUNS", "5"))
REUSE = os.environ.get("BENCH_REUSE_DATABASE") == "1"
TARGET_MS = 1000


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }


def _count(sql: str) -> int:
    try:
        with common.connect(DATABASE_URL, common.database_name(DATABASE_URL)) as connection:
            row = connection.execute(sql).fetchone()
            return int(row[0]) if row else 0
    except Exception:  # no database yet, or not migrated yet
        return 0


def _state() -> tuple[int, int]:
    """Return (bench dossiers, monthly rows) of an existing database, or zeros."""
    return (
        _count("SELECT count(*) FROM dossiers_dossier WHERE code LIKE 'BENCH-%'"),
        _count("SELECT count(*) FROM reporting_monthlyfigures"),
    )


def seed() -> None:
    """Create the database and seed it; with BENCH_REUSE_DATABASE=1 top up an existing one."""
    env = _env()
    started = time.monotonic()
    dossiers, monthly = _state() if REUSE else (0, 0)
    if dossiers == 0:
        common.recreate_database(DATABASE_URL)
        common.run([PYTHON, "manage.py", "migrate", "--no-input"], env)
        common.run([PYTHON, "manage.py", "load_demo", "--no-history"], env)
    else:
        common.run([PYTHON, "manage.py", "migrate", "--no-input"], env)
    if dossiers == DOSSIERS and monthly:
        print(f"reusing {dossiers:,} dossiers", file=sys.stderr)
        return
    if dossiers > DOSSIERS:
        raise SystemExit(f"the database holds {dossiers:,} dossiers, more than {DOSSIERS:,}")
    for step in (["dossiers", str(DOSSIERS)], ["figures"], ["analyze"]):
        common.run([PYTHON, "bench/seed_reporting.py", *step], env)
    print(f"seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)


def measure(name: str, work: Callable[[], Any]) -> dict[str, Any]:
    work()  # warm-up: plans, caches, the first page of each index
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "benchmark": "reporting",
        "endpoint": name,
        "dossiers": DOSSIERS,
        "median_ms": round(statistics.median(times)),
        "max_ms": round(max(times)),
        "target_ms": TARGET_MS,
        "ok": max(times) < TARGET_MS,
    }


def main() -> int:
    seed()
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Sum

    from dichvucong.accounts.models import Membership, Role, User
    from dichvucong.organizations.models import Agency
    from dichvucong.reporting.dashboard import dashboard_build
    from dichvucong.reporting.models import DailyFigures
    from dichvucong.reporting.periodic.models import PeriodKind
    from dichvucong.reporting.periodic.selectors import report_consolidated_compute
    from dichvucong.reporting.periodic.services import report_periods_ensure
    from dichvucong.reporting.selectors import StatisticsQuery, statistics_by_agency

    supervisor = User.objects.filter(
        memberships__role=Role.SUPERVISOR, is_active=True
    ).first() or _supervisor(User, Membership, Role, Agency)
    today = date.today()  # noqa: DTZ011 - a calendar year, the zone does not matter here
    year = StatisticsQuery(date_from=today.replace(month=1, day=1), date_to=today)
    whole = StatisticsQuery(date_from=today.replace(year=today.year - 6), date_to=today)
    last_year = StatisticsQuery(
        date_from=date(today.year - 1, 1, 1), date_to=date(today.year - 1, 12, 31)
    )
    largest = (
        DailyFigures.objects.values("agency_id")
        .annotate(n=Sum("received"))
        .order_by("-n")
        .values_list("agency_id", flat=True)
        .first()
    )
    agency_year = StatisticsQuery(date_from=year.date_from, date_to=year.date_to, agency_id=largest)
    # Last year's annual report, consolidated for the province (every agency's figures).
    annual = next(
        p for p in report_periods_ensure(year=today.year - 1) if p.kind == PeriodKind.ANNUAL
    )
    rows = [
        measure(
            "provincial dashboard, current year",
            lambda: dashboard_build(query=year, officer=supervisor),
        ),
        measure(
            "provincial dashboard, six years",
            lambda: dashboard_build(query=whole, officer=supervisor),
        ),
        measure(
            "largest agency's dashboard, current year",
            lambda: dashboard_build(query=agency_year, officer=supervisor),
        ),
        measure(
            "annual report table (statistics_by_agency, last year)",
            lambda: statistics_by_agency(query=last_year),
        ),
        measure(
            "consolidated annual report (report_consolidated_compute, last year)",
            lambda: report_consolidated_compute(period=annual),
        ),
    ]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print(json.dumps({"benchmark": "reporting", "endpoint": "targets", "each_ms": TARGET_MS}))
    return 0 if all(r["ok"] for r in rows) else 1


def _supervisor(User: Any, Membership: Any, Role: Any, Agency: Any) -> Any:
    user, _ = User.objects.get_or_create(username="bench-supervisor")
    Membership.objects.get_or_create(
        user=user, agency=Agency.objects.order_by("code").first(), role=Role.SUPERVISOR
    )
    return user


if __name__ == "__main__":
    sys.exit(main())
