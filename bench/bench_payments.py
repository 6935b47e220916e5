"""The gateway's IPN calls, `GET /payments/vnpay/ipn/`, signed as VNPay signs them.

Production server (gunicorn, production settings), PostgreSQL, Redis as the cache and the
Celery broker (the payer's notification is queued, no worker runs). The database holds
the demo plus BENCH_PAYMENTS submitted dossiers (default 20,000), each owing 100.000 đồng
with one open payment; wrk sends each payment's signed success once (every answer must be
00: the signature checked, the payment row locked, paid, its request settled, the
dossier's timeline written, the notification queued), then replays them (answers 02: the
same checks and the lock, nothing written but the event log). One connection measures
the time of one IPN, unloaded.

Target (payments issue, 2-core machine): at least 300 IPN/s with p99 under 100 ms.
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
from pathlib import Path
from typing import Any

import bench_dossiers as shared
import common
import redis

ROOT = common.ROOT
PYTHON = common.PYTHON
DATABASE_URL = os.environ.get(
    "BENCH_PAYMENTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dichvucong_bench_payments"
)
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "20000"))
DURATION = os.environ.get("BENCH_DURATION", "20s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
WORKERS = os.environ.get("BENCH_PAYMENTS_WORKERS", "5")
THREADS = os.environ.get("BENCH_PAYMENTS_THREADS", "1")
# wrk and the server share bench_dossiers' BENCH_PORT; this script's own default differs.
PORT = shared.PORT = int(os.environ.get("BENCH_PORT", "8733"))

# Each wrk thread walks its own share of the IPNs (no two threads send the same one in
# the first pass), from a line offset so the loaded and the unloaded runs do not overlap;
# the replay walks only the lines the first pass confirmed.
IPN_SCRIPT = """
local lines = {}
local threads = {}
%(clock)s
setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

init = function(args)
  started = now()
  deadline = started + tonumber(args[2])
  last = started
  for line in io.lines(%(path)s) do table.insert(lines, line) end
  counter = 0
  confirmed, replayed, refused = 0, 0, 0
  first_error = ""
end

request = function()
  local count = %(count)d
  if count == 0 then count = #lines end
  local index = (%(offset)d + (counter * %(nthreads)d + id - 1) * %(step)d) %% count + 1
  counter = counter + 1
  return wrk.format("GET", "/payments/vnpay/ipn/?" .. lines[index])
end

response = function(status, headers, body)
  last = now()
  if status == 200 and string.find(body, '"RspCode": "00"', 1, true) then
    confirmed = confirmed + 1
  elseif status == 200 and string.find(body, '"RspCode": "02"', 1, true) then
    replayed = replayed + 1
  else
    refused = refused + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body, 1, 200) end
  end
end

done = function(summary, latency, requests)
  local c, r, x, e = 0, 0, 0, ""
  local first, final = math.huge, 0
  for _, thread in ipairs(threads) do
    first = math.min(first, thread:get("started"))
    final = math.max(final, thread:get("last"))
    c = c + thread:get("confirmed")
    r = r + thread:get("replayed")
    x = x + thread:get("refused")
    if e == "" then e = thread:get("first_error") end
  end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n",
    summary.requests, (final - first) * 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, c, r, x))
  io.write("FIRST_ERROR " .. string.gsub(e, "\\n", " ") .. "\\n")
end
"""


def script(path: Path, *, offset: int, connections: str, step: int = 1, count: int = 0) -> str:
    """The wrk script sending the IPNs from line `offset` on (`step` 0: that one only),
    cycling over the first `count` lines (0: all of them)."""
    return IPN_SCRIPT % {
        "clock": shared.CLOCK,
        "path": json.dumps(str(path)),
        "offset": offset,
        "nthreads": min(2, int(connections)),
        "step": step,
        "count": count,
    }


def row(endpoint: str, connections: str, measured: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "benchmark": "payments",
        "endpoint": endpoint,
        "connections": int(connections),
        "requests": measured["requests"],
        "confirmed_00": measured["ok"],
        "replayed_02": measured["replayed"],
        "errors": measured["refused"] + measured["socket_errors"],
        "rps": round(measured["requests"] / measured["seconds"], 1),
        "p50_ms": measured["p50_ms"],
        "p95_ms": measured["p95_ms"],
        "p99_ms": measured["p99_ms"],
        **extra,
    }


@contextlib.contextmanager
def serve(env: dict[str, str]) -> Iterator[None]:
    """Run gunicorn as bench_dossiers does, waiting longer for it on a busy machine."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            WORKERS,
            "--threads",
            THREADS,
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                url = f"http://127.0.0.1:{PORT}/healthz/"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"the server did not answer on port {PORT}") from None
                time.sleep(0.5)
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def paid_count() -> int:
    with common.connect(DATABASE_URL, common.database_name(DATABASE_URL)) as connection:
        cursor = connection.execute("SELECT count(*) FROM payments_payment WHERE status = 'paid'")
        found = cursor.fetchone()
        return int(found[0]) if found else 0


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="dichvucong-bench-payments-"))
    ipn_file = workdir / "ipn.txt"
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DICHVUCONG_VAR_DIR": str(workdir / "var"),
        "CACHE_URL": shared.CACHE_URL,
        "CELERY_BROKER_URL": shared.BROKER_URL,
        "EMAIL_URL": "console://",
    }
    queues = [redis.Redis.from_url(shared.CACHE_URL), redis.Redis.from_url(shared.BROKER_URL)]
    for queue in queues:
        queue.flushdb()
    results = []
    try:
        started = time.monotonic()
        common.recreate_database(DATABASE_URL)
        common.run([PYTHON, "manage.py", "migrate", "--noinput"], env)
        common.run([PYTHON, "manage.py", "load_demo"], env)
        common.run([PYTHON, "bench/seed_payments.py", str(PAYMENTS), str(ipn_file)], env)
        common.run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        print(f"database ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
        server = {"workers": f"{WORKERS}x{THREADS}", "payments_in_db": PAYMENTS}
        # The unloaded run's first line: past what the loaded runs reach (about 9,000 lines
        # in 20 s at 450/s), before the warm-up's last line.
        unloaded = PAYMENTS * 3 // 4
        with serve(env):
            # Warm-up: the last IPN over and over (credited once, then replays).
            warm = script(ipn_file, offset=PAYMENTS - 1, connections="1", step=0)
            shared.wrk(warm, "1", "2s", "warm")
            before = paid_count()
            measured = shared.wrk(
                script(ipn_file, offset=0, connections=CONNECTIONS),
                CONNECTIONS,
                DURATION,
                "run",
                grace=12,
            )
            credited = paid_count() - before
            results.append(
                row("IPN success (00)", CONNECTIONS, measured, credited=credited) | server
            )
            # Only lines the first pass confirmed (its two threads end some lines apart,
            # hence the tenth left out): every answer is 02.
            confirmed = max(1, credited * 9 // 10)
            measured = shared.wrk(
                script(ipn_file, offset=0, connections=CONNECTIONS, count=confirmed),
                CONNECTIONS,
                DURATION,
                "replay",
                grace=12,
            )
            results.append(row("IPN replay (02)", CONNECTIONS, measured) | server)
            measured = shared.wrk(
                script(ipn_file, offset=unloaded, connections="1"), "1", "5s", "one"
            )
            results.append(row("IPN success (00), one connection", "1", measured) | server)
            results[-1]["tasks_queued"] = queues[1].llen("celery")
    finally:
        for queue in queues:
            queue.flushdb()
        shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    loaded = results[0]
    verdict: dict[str, Any] = {"benchmark": "payments", "endpoint": "targets"}
    verdict["IPN >= 300/s"] = met(loaded["rps"] >= 300)
    verdict["IPN p99 < 100 ms"] = met(loaded["p99_ms"] < 100)
    verdict["each 00 one credit, no errors"] = met(
        loaded["credited"] == loaded["confirmed_00"] and all(r["errors"] == 0 for r in results)
    )
    print(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
