"""Catalogue search through the HTTP API, production server, PostgreSQL, 2,000 procedures.

Prints one JSON object per measured endpoint: requests per second and p50/p95/p99
latency in milliseconds, for the search endpoint and for a trivial Django view
(`/healthz/`) served by the same gunicorn in the same run. The load comes from wrk
(Debian's package) on loopback; each endpoint is loaded with the same connections for
the same time.

Target (issue 2): search p95 under 50 ms and search throughput at least half of the
trivial view's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import common
import psycopg
import redis

ROOT = common.ROOT
PYTHON = common.PYTHON
run = common.run
wait_until_up = common.wait_until_up
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dichvucong_bench"
)
PORT = int(os.environ.get("BENCH_PORT", "8731"))
PROCEDURES = int(os.environ.get("BENCH_PROCEDURES", "2000"))
DURATION = os.environ.get("BENCH_DURATION", "20s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
WORKERS = os.environ.get("BENCH_WORKERS", "3")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

SEARCHES = [
    {"search": "giay phep xay dung"},
    {"search": "Giấy phép xây dựng"},
    {"search": "dang ky ho kinh doanh"},
    {"search": "ho tich", "tier": "commune"},
    {"search": "chứng thực"},
    {"search": "ly lich tu phap"},
    {"agency": "000.00.01.H10"},
    {"level": "2", "applicant_type": "business"},
    {"search": "an toan thuc pham", "page": "2"},
    {"tier": "province", "page": "3"},
    {"search": "cap lai"},
    {"field": "G01-TP05"},
]

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status + summary.errors.connect
      + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def connect(dbname: str) -> psycopg.Connection[Any]:
    return common.connect(DATABASE_URL, dbname)


def recreate_database() -> None:
    common.recreate_database(DATABASE_URL)


def analyze() -> None:
    """Update the planner's statistics, as autovacuum would soon after a bulk load."""
    with connect(common.database_name(DATABASE_URL)) as connection:
        connection.execute("ANALYZE")


def load(name: str, paths: list[str], connections: str = CONNECTIONS) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    base = f"http://127.0.0.1:{PORT}"
    # Warm up, then measure.
    subprocess.run(
        ["wrk", "-t2", "-c4", "-d3s", "-s", script.name, base], check=True, capture_output=True
    )
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, int(connections))}",
            f"-c{connections}",
            f"-d{DURATION}",
            "-s",
            script.name,
            base,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, errors = (int(x) for x in line.split()[1:])
    return {
        "benchmark": "catalogue_search",
        "endpoint": name,
        "connections": int(connections),
        "requests": requests,
        "errors": errors,
        "rps": round(requests / (duration_us / 1e6), 1),
        "p50_ms": round(p50 / 1000, 2),
        "p95_ms": round(p95 / 1000, 2),
        "p99_ms": round(p99 / 1000, 2),
    }


@contextlib.contextmanager
def serve(env: dict[str, str]) -> Iterator[None]:
    """Run gunicorn with `env` while the block runs; check every search finds something."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            WORKERS,
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz/")
        for query in SEARCHES:
            url = f"http://127.0.0.1:{PORT}/api/v1/procedures/?{urlencode(query)}"
            with urllib.request.urlopen(url) as response:
                if json.load(response)["count"] == 0:
                    raise RuntimeError(f"{url} finds nothing")
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DICHVUCONG_VAR_DIR": str(ROOT / "var" / "bench"),
    }
    started = time.monotonic()
    # BENCH_REUSE_DATABASE=1 keeps the database of the previous run (while tuning).
    if not os.environ.get("BENCH_REUSE_DATABASE"):
        recreate_database()
        run([PYTHON, "manage.py", "migrate", "--noinput"], env)
        run([PYTHON, "bench/seed_catalogue.py", str(PROCEDURES)], env)
        analyze()
    run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
    print(f"seeded {PROCEDURES} procedures in {time.monotonic() - started:.0f} s", file=sys.stderr)

    search_paths = [f"/api/v1/procedures/?{urlencode(q)}" for q in SEARCHES]
    # Production runs with the shared Redis cache; the second server has it switched off
    # (PUBLIC_CACHE_SECONDS=0) to show what a search costs when it is not cached.
    with serve({**env, "CACHE_URL": REDIS_URL}):
        trivial = load("trivial view /healthz/", ["/healthz/"])
        search = load("search (cache on, as in production)", search_paths)
    with serve({**env, "PUBLIC_CACHE_SECONDS": "0"}):
        uncached = load("search (no cache)", search_paths)
        single = load("search (no cache)", search_paths, connections="1")
    results = [trivial, search, uncached, single]
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    verdict = {
        "benchmark": "catalogue_search",
        "endpoint": "targets",
        "search_p95_under_50ms": search["p95_ms"] < 50,
        "uncached_search_p95_under_50ms": uncached["p95_ms"] < 50,
        "search_rps_at_least_half_of_trivial": search["rps"] >= trivial["rps"] / 2,
        "ratio": round(search["rps"] / trivial["rps"], 2),
    }
    print(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
