"""Dossier submissions through the API and public lookups by code, with 1,000,000 dossiers.

Production server (gunicorn, production settings), PostgreSQL, Redis as the cache and as
the Celery broker (tasks are queued, as in production; no worker runs during the
benchmark, so the two cores serve requests only). The load comes from wrk (Debian's
package) on loopback. One server serves every row, in this order:

- the trivial view `/healthz/`, the machine's yardstick;
- submissions, `POST /api/v1/dossiers/`, multipart: the demo e-form's example as form
  data and one ~100 kB PDF (generated, valid) for the procedure's one document to upload,
  a token per applicant (rotated over BENCH_APPLICANTS applicants) and a fresh
  Idempotency-Key per request. For each procedure of BENCH_DOSSIERS_PROCEDURES: the
  marriage registration (42 communes receive it; the submissions name them in turn) and
  the driving licence (one agency: every submission takes the same daily counter row).
  The first is also run with one connection (the time of one submission, unloaded).
  Every answer's status is counted; after each run the dossiers added to the database
  must equal the 201s (wrk stops sending at the deadline and waits for the answers);
- lookups, `GET /api/v1/lookup/{code}/` (public, no authentication), over 5,000 random
  existing codes among BENCH_DOSSIERS seeded dossiers, loaded and with one connection.
  The lookup throttle is raised out of the way (LOOKUP_RATE=100000000/min); its counter
  is still read and written in Redis on every request.

Targets (the dossier issue, 2-core machine): at least 100 submissions/s with p95 under
300 ms; lookup p99 under 50 ms.
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
from typing import Any, cast

import common
import psycopg
import redis

ROOT = common.ROOT
PYTHON = common.PYTHON
run = common.run
wait_until_up = common.wait_until_up
DATABASE_URL = os.environ.get(
    "BENCH_DOSSIERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dichvucong_bench_dossiers"
)
PORT = int(os.environ.get("BENCH_PORT", "8731"))
DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
APPLICANTS = int(os.environ.get("BENCH_APPLICANTS", "200"))
DURATION = os.environ.get("BENCH_DURATION", "20s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
WORKERS = os.environ.get("BENCH_DOSSIERS_WORKERS", "5")
THREADS = os.environ.get("BENCH_DOSSIERS_THREADS", "1")
# Marriage registration: one document to upload, received by each of the 42 communes (the
# submissions name their commune in turn); the driving licence: one document, one agency,
# so every submission takes the same agency's daily number (one counter row).
PROCEDURES = os.environ.get(
    "BENCH_DOSSIERS_PROCEDURES", "1.701017.000.00.00.H10,1.000040.000.00.00.H10"
).split(",")
LOOKUP_CODES = 5000
CACHE_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
PDF_BYTES = 100 * 1024

SUBMIT_SCRIPT = """
local tokens = {%(tokens)s}
local fields = {%(fields)s}
local agencies = {%(agencies)s}
local boundary = "----dichvucongbench7MA4YWxkTrZu0gW"
local threads = {}
local bodies = {}
%(clock)s
setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

init = function(args)
  run = args[1] or "run"
  started = now()
  deadline = started + tonumber(args[2])
  last = started
  math.randomseed(os.time() * 1000 + id)
  counter, created, replayed, refused = 0, 0, 0, 0
  first_error = ""
  local pdf = slurp(%(pdf)s)
  local form_data = slurp(%(form_data)s)
  -- One body per receiving agency (the multipart field `agency`), or one without it.
  for index = 1, math.max(#agencies, 1) do
    local parts = {
      "--" .. boundary .. "\\r\\n",
      'Content-Disposition: form-data; name="procedure"\\r\\n\\r\\n',
      %(procedure)s .. "\\r\\n",
      "--" .. boundary .. "\\r\\n",
      'Content-Disposition: form-data; name="form_data"\\r\\n',
      "Content-Type: application/json; charset=utf-8\\r\\n\\r\\n",
      form_data .. "\\r\\n",
    }
    if #agencies > 0 then
      table.insert(parts, "--" .. boundary .. "\\r\\n")
      table.insert(parts, 'Content-Disposition: form-data; name="agency"\\r\\n\\r\\n')
      table.insert(parts, agencies[index] .. "\\r\\n")
    end
    for _, field in ipairs(fields) do
      table.insert(parts, "--" .. boundary .. "\\r\\n")
      table.insert(parts, 'Content-Disposition: form-data; name="' .. field
        .. '"; filename="giay-to-' .. field .. '.pdf"\\r\\n')
      table.insert(parts, "Content-Type: application/pdf\\r\\n\\r\\n")
      table.insert(parts, pdf .. "\\r\\n")
    end
    table.insert(parts, "--" .. boundary .. "--\\r\\n")
    bodies[index] = table.concat(parts)
  end
end

request = function()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["Authorization"] = "Token " .. tokens[(counter * %(nthreads)s + id) %% #tokens + 1],
    ["Idempotency-Key"] = string.format("bench-%%s-%%d-%%d-%%d", run, id, counter,
      math.random(1, 1000000000)),
  }
  local body = bodies[(counter * %(nthreads)s + id) %% #bodies + 1]
  return wrk.format("POST", "/api/v1/dossiers/", headers, body)
end

response = function(status, headers, response_body)
  last = now()
  if status == 201 then
    created = created + 1
    if headers["Idempotent-Replayed"] then replayed = replayed + 1 end
  else
    refused = refused + 1
    if first_error == "" then
      first_error = status .. " " .. string.sub(response_body, 1, 300)
    end
  end
end

done = function(summary, latency, requests)
  local c, r, x, e = 0, 0, 0, ""
  local first, final = math.huge, 0
  for _, thread in ipairs(threads) do
    first = math.min(first, thread:get("started"))
    final = math.max(final, thread:get("last"))
    c = c + thread:get("created")
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

LOOKUP_SCRIPT = """
local codes = {%(codes)s}
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
  math.randomseed(os.time() * 1000 + id)
  ok, refused = 0, 0
end

request = function()
  return wrk.format("GET", "/api/v1/lookup/" .. codes[math.random(#codes)] .. "/")
end

response = function(status, headers, body)
  last = now()
  if status == 200 then ok = ok + 1 else refused = refused + 1 end
end

done = function(summary, latency, requests)
  local c, x = 0, 0
  local first, final = math.huge, 0
  for _, thread in ipairs(threads) do
    first = math.min(first, thread:get("started"))
    final = math.max(final, thread:get("last"))
    c = c + thread:get("ok")
    x = x + thread:get("refused")
  end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d 0 %%d\\n",
    summary.requests, (final - first) * 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, c, x))
  io.write("FIRST_ERROR\\n")
end
"""


# Stop sending at the deadline (the second script argument, in seconds) and let wrk run a
# little longer (the grace): every request sent is answered and counted before wrk ends,
# so the 201s seen equal the dossiers created, and the rate is the requests answered over
# the time from the first request to the last answer. Latency counts from the write.
CLOCK = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local timespec = ffi.new("bench_timespec")
function now()
  ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

delay = function()
  if now() >= deadline then return 3600000 end
  return 0
end
"""


TRIVIAL_SCRIPT = LOOKUP_SCRIPT.replace(
    '"/api/v1/lookup/" .. codes[math.random(#codes)] .. "/"', '"/healthz/"'
).replace("local codes = {%(codes)s}", "")


def pdf_document(size: int = PDF_BYTES) -> bytes:
    """Return a valid one-page PDF of about `size` bytes (its content stream is padded)."""
    text = b"BT /F1 14 Tf 72 760 Td (Giay to chung thuc - benchmark) Tj ET\n"
    line = b"% " + b"0123456789abcdef" * 4 + b"\n"
    padding = line * max(0, (size - 700) // len(line))
    content = text + padding
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def dbname() -> str:
    return common.database_name(DATABASE_URL)


def connect(name: str) -> psycopg.Connection[Any]:
    return common.connect(DATABASE_URL, name)


def query(sql: str) -> list[tuple[Any, ...]]:
    with connect(dbname()) as connection:
        return connection.execute(cast(Any, sql)).fetchall()


def recreate_database() -> None:
    common.recreate_database(DATABASE_URL)


def lua_strings(values: list[str]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def seconds(duration: str) -> int:
    """Return wrk's duration (`20s`, `2m`, `1h` or a number of seconds) in seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1:] in units:
        return int(float(duration[:-1]) * units[duration[-1]])
    return int(duration)


def wrk(script: str, connections: str, duration: str, tag: str, grace: int = 3) -> dict[str, Any]:
    """Load for `duration`, then wait until every request sent is answered."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(2, int(connections))}",
                f"-c{connections}",
                f"-d{seconds(duration) + grace}s",
                "--timeout",
                "10s",
                "-s",
                file.name,
                f"http://127.0.0.1:{PORT}",
                "--",
                tag,
                str(seconds(duration)),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(file.name)
    lines = output.splitlines()
    result = next(line for line in lines if line.startswith("RESULT")).split()[1:]
    requests, duration_us, p50, p95, p99, socket_errors, ok, replayed, refused = map(int, result)
    first_error = next(line for line in lines if line.startswith("FIRST_ERROR"))[12:]
    return {
        "requests": requests,
        "seconds": duration_us / 1e6,
        "p50_ms": round(p50 / 1000, 2),
        "p95_ms": round(p95 / 1000, 2),
        "p99_ms": round(p99 / 1000, 2),
        "socket_errors": socket_errors,
        "ok": ok,
        "replayed": replayed,
        "refused": refused,
        "first_error": first_error.strip(),
    }


@contextlib.contextmanager
def serve(env: dict[str, str], workers: str, threads: str) -> Iterator[None]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            workers,
            "--threads",
            threads,
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
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def row(endpoint: str, connections: str, measured: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "benchmark": "dossiers",
        "endpoint": endpoint,
        "connections": int(connections),
        "requests": measured["requests"],
        "errors": measured["refused"] + measured["socket_errors"],
        "rps": round(measured["requests"] / measured["seconds"], 1),
        "p50_ms": measured["p50_ms"],
        "p95_ms": measured["p95_ms"],
        "p99_ms": measured["p99_ms"],
        **extra,
    }


def submission_script(workdir: Path, procedure: str) -> tuple[str, int]:
    """Fetch the e-form, write the example and the PDF; the wrk script and its agencies."""
    url = f"http://127.0.0.1:{PORT}/api/v1/procedures/{procedure}/eform/"
    with urllib.request.urlopen(url) as response:
        eform = json.load(response)
    fields = [d["field"] for d in eform["documents"] if d["mandatory"] and not d["filled_online"]]
    if not fields:
        raise RuntimeError(f"{procedure} has no document to upload")
    agencies = [a["code"] for a in eform["agencies"]]
    (workdir / "form_data.json").write_text(
        json.dumps(eform["example"], ensure_ascii=False), encoding="utf-8"
    )
    (workdir / "document.pdf").write_bytes(pdf_document())
    tokens = [
        key
        for (key,) in query(
            "SELECT t.key FROM authtoken_token t JOIN accounts_user u ON u.id = t.user_id "
            "WHERE u.username LIKE 'bench-applicant-%' ORDER BY u.id"
        )
    ]
    script = SUBMIT_SCRIPT % {
        "tokens": lua_strings(tokens),
        "fields": lua_strings(fields),
        "agencies": lua_strings(agencies if len(agencies) > 1 else []),
        "pdf": json.dumps(str(workdir / "document.pdf")),
        "form_data": json.dumps(str(workdir / "form_data.json")),
        "procedure": json.dumps(procedure),
        "nthreads": 7,
        "clock": CLOCK,
    }
    return script, len(agencies)


def count_submitted() -> int:
    return int(query("SELECT count(*) FROM dossiers_dossier WHERE idempotency_key <> ''")[0][0])


def submissions(script: str, connections: str, tag: str, **extra: Any) -> dict[str, Any]:
    """Submit for BENCH_DURATION; check every 201 is one new dossier and nothing else is."""
    before = count_submitted()
    measured = wrk(script, connections, DURATION, tag, grace=12)
    added = count_submitted() - before
    if measured["first_error"]:
        print(f"first refused submission: {measured['first_error']}", file=sys.stderr)
    return row(
        f"submission POST /api/v1/dossiers/ ({PDF_BYTES // 1024} kB PDF)",
        connections,
        measured,
        created_201=measured["ok"],
        created_per_s=round(measured["ok"] / measured["seconds"], 1),
        dossiers_added=added,
        consistent=added == measured["ok"] and measured["replayed"] == 0,
        **extra,
    )


def lookup_script() -> str:
    codes = [
        code
        for (code,) in query(
            "SELECT code FROM dossiers_dossier WHERE idempotency_key = '' "  # noqa: S608
            f"ORDER BY random() LIMIT {LOOKUP_CODES:d}"
        )
    ]
    return LOOKUP_SCRIPT % {"codes": lua_strings(codes), "clock": CLOCK}


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="dichvucong-bench-dossiers-"))
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DICHVUCONG_VAR_DIR": str(workdir / "var"),
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_URL": "console://",
        # The lookup throttle (60/min per address by default) would refuse nearly every
        # request from one client; it still reads and writes its counter in Redis.
        "LOOKUP_RATE": "100000000/min",
    }
    queues = [redis.Redis.from_url(CACHE_URL), redis.Redis.from_url(BROKER_URL)]
    for queue in queues:
        queue.flushdb()
    results = []
    try:
        started = time.monotonic()
        # BENCH_REUSE_DATABASE=1 keeps the database of the previous run (while tuning).
        if not os.environ.get("BENCH_REUSE_DATABASE"):
            recreate_database()
            run([PYTHON, "manage.py", "migrate", "--noinput"], env)
            run([PYTHON, "manage.py", "load_demo"], env)
            run([PYTHON, "bench/seed_dossiers.py", "applicants", str(APPLICANTS)], env)
            run([PYTHON, "bench/seed_dossiers.py", "dossiers", str(DOSSIERS)], env)
            with connect(dbname()) as connection:
                # What autovacuum would do soon after a bulk load: statistics, visibility.
                connection.execute("VACUUM ANALYZE")
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        print(f"database ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
        total = query("SELECT count(*) FROM dossiers_dossier")[0][0]
        server = {"workers": f"{WORKERS}x{THREADS}", "dossiers_in_db": total}
        with serve(env, WORKERS, THREADS):
            trivial = TRIVIAL_SCRIPT % {"clock": CLOCK}
            wrk(trivial, "4", "3s", "warm")
            results.append(
                row(
                    "trivial view /healthz/",
                    CONNECTIONS,
                    wrk(trivial, CONNECTIONS, DURATION, "run"),
                )
                | server
            )
            for position, procedure in enumerate(PROCEDURES):
                script, agencies = submission_script(workdir, procedure)
                shape = {"procedure": procedure, "agencies": agencies}
                warm = submissions(script, "4", f"warm{position}x{int(time.time())}")
                if warm["errors"] or not warm["consistent"]:
                    print(f"warm-up: {warm}", file=sys.stderr)
                for connections in (CONNECTIONS, "1") if position == 0 else (CONNECTIONS,):
                    tag = f"run{position}x{connections}x{int(time.time())}"
                    results.append(submissions(script, connections, tag, **shape) | server)
            results[-1]["files_stored"] = sum(1 for _ in (workdir / "var" / "media").rglob("*.pdf"))
            results[-1]["tasks_queued"] = queues[1].llen("celery")
            script = lookup_script()
            wrk(script, "4", "3s", "warm")
            for connections in (CONNECTIONS, "1"):
                measured = wrk(script, connections, DURATION, "run")
                results.append(
                    row("lookup GET /api/v1/lookup/{code}/", connections, measured)
                    | {"distinct_codes": LOOKUP_CODES}
                    | server
                )
    finally:
        for queue in queues:
            queue.flushdb()
        shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    subs = [r for r in results if "created_201" in r]
    lookups = [r for r in results if r["endpoint"].startswith("lookup")]
    loaded = [r for r in subs if r["connections"] == int(CONNECTIONS)]
    verdict: dict[str, Any] = {"benchmark": "dossiers", "endpoint": "targets"}
    for r in loaded:
        label = f"{r['procedure']} ({r['agencies']} agencies)"
        verdict[f"submissions >= 100/s, {label}"] = met(r["created_per_s"] >= 100)
        verdict[f"submissions p95 < 300 ms, {label}"] = met(r["p95_ms"] < 300)
    verdict["submissions without errors, each 201 one dossier"] = met(
        all(r["errors"] == 0 and r["consistent"] for r in subs)
    )
    for r in lookups:
        verdict[f"lookups p99 < 50 ms, {r['connections']} connections"] = met(r["p99_ms"] < 50)
    verdict["lookups without errors"] = met(all(r["errors"] == 0 for r in lookups))
    print(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
