"""The officers' back office with 1,000,000 dossiers: queues, the register and actions.

Production server (gunicorn, production settings), PostgreSQL, Redis as the cache and as
the Celery broker (tasks are queued, as in production; no worker runs). The load comes
from wrk on loopback, BENCH_CONNECTIONS connections. The database (bench/seed_backoffice.py)
has 150 receiving agencies of sizes 12:1, each with one reception officer, one unit head,
one approver and ten specialists (API tokens), and BENCH_BACKOFFICE_DOSSIERS dossiers of
a two-year history in the default workflow (86 % done). One server serves every row:

- the trivial view `/healthz/`, the machine's yardstick;
- the queue, `GET /api/v1/backoffice/dossiers/` (token authentication), each request
  from an officer drawn at random (its own token): the reception officers' queue
  (`scope=mine`: waiting for acceptance or for hand-back), the unit heads' (to assign),
  BENCH_BACKOFFICE_SPECIALISTS specialists per agency (their own dossiers under
  examination), page 1 and a deep page (page 20, or the officer's last page when the
  queue is shorter; officers with a one-page queue are left out of that row); the unit
  heads' overdue dossiers (`scope=all&due=overdue`), the approvers' dossiers in
  processing (`scope=all&status=processing`) and the reception officers' agency-wide
  list, newest first (`scope=all&ordering=-submitted_at`, page 1 and deep). Each officer
  asks page 1 once before the rows (which checks it and gives its number of pages);
- the register listing (Form 06) of the officer's agency for the current year, page 1
  and a deep page: a JSON listing at `/api/v1/backoffice/register/` if there is one,
  else the back-office page `/mot-cua/so-theo-doi/` with a session signed in through
  the real two-step sign-in (password, then the TOTP code); a row says which is missing;
- actions, `POST /api/v1/backoffice/dossiers/{code}/actions/` `{"action": "accept"}` by
  the reception officer of the dossier's agency, every request on a different dossier
  waiting for acceptance (the pool, topped up to 2 x 200/s x the duration). After the
  run, the dossiers that left `submitted` and the `accept` events written must both
  equal the 200 answers.

Every answer's status is counted (anything but 200 is an error). Targets (2-core
machine): queue and register p95 under 150 ms; at least 200 actions/s.

BENCH_REUSE_DATABASE=1 keeps the seeded database of a previous run (the pool is topped up).
BENCH_BACKOFFICE_ONLY=actions measures the actions alone.
BENCH_BACKOFFICE_EXPLAIN=1 prints EXPLAIN (ANALYZE, BUFFERS) of the queue queries of a
reception officer and a specialist of the largest agency to stderr.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import common
import redis

ROOT = common.ROOT
PYTHON = common.PYTHON
run = common.run
DATABASE_URL = os.environ.get(
    "BENCH_BACKOFFICE_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/dichvucong_bench_backoffice",
)
PORT = int(os.environ.get("BENCH_BACKOFFICE_PORT", "8741"))
BASE = f"http://127.0.0.1:{PORT}"
DOSSIERS = int(os.environ.get("BENCH_BACKOFFICE_DOSSIERS", "1000000"))
DURATION = os.environ.get("BENCH_DURATION", "20s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
WORKERS = os.environ.get("BENCH_BACKOFFICE_WORKERS", "5")
THREADS = os.environ.get("BENCH_BACKOFFICE_THREADS", "1")
SPECIALISTS = int(os.environ.get("BENCH_BACKOFFICE_SPECIALISTS", "3"))
# "actions": measure the actions alone (with BENCH_REUSE_DATABASE, a minute's run).
ONLY = os.environ.get("BENCH_BACKOFFICE_ONLY", "")
SESSIONS = int(os.environ.get("BENCH_BACKOFFICE_SESSIONS", "30"))
CACHE_URL = os.environ.get("BENCH_BACKOFFICE_REDIS_URL", "redis://127.0.0.1:6379/13")
BROKER_URL = os.environ.get("BENCH_BACKOFFICE_BROKER_URL", "redis://127.0.0.1:6379/12")
TOTP_SECRET = os.environ.get("BENCH_TOTP_SECRET", "KRSXG5CCMVXGG2BAN5TGM2LDMVZHGMBQ")
PASSWORD = "mat-khau-bench-12345"  # noqa: S105
ACTIONS_TARGET = 200
DEEP_PAGE = 20
PAGE_SIZE = 20
QUEUE = "/api/v1/backoffice/dossiers/"
REGISTER_API = "/api/v1/backoffice/register/"
REGISTER_PAGE = "/mot-cua/so-theo-doi/"
# The register page's size (REGISTER_PAGE_SIZE in dichvucong/backoffice/dossier_views.py).
REGISTER_PAGE_SIZE = int(os.environ.get("BENCH_BACKOFFICE_REGISTER_PAGE_SIZE", "50"))
WARM = "3s"

# Stop sending at the deadline (the second script argument, in seconds), or when the
# thread has nothing left to send, and let wrk run a little longer: every request sent is
# answered and counted, and the rate is the answers over the time from the first request
# to the last answer. Latency counts from the write.
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

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

delay = function()
  if now() >= deadline or exhausted() then return 3600000 end
  return 0
end

local function start(args)
  started = now()
  deadline = started + tonumber(args[2])
  last = started
  ok, refused = 0, 0
  first_error = ""
end

local function count(status, body)
  last = now()
  if status == 200 then
    ok = ok + 1
  else
    refused = refused + 1
    if first_error == "" then
      first_error = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

done = function(summary, latency, requests)
  local c, x, e = 0, 0, ""
  local first, final = math.huge, 0
  for _, thread in ipairs(threads) do
    first = math.min(first, thread:get("started"))
    final = math.max(final, thread:get("last"))
    c = c + thread:get("ok")
    x = x + thread:get("refused")
    if e == "" then e = thread:get("first_error") end
  end
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\\n",
    summary.requests, (final - first) * 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, c, x))
  io.write("FIRST_ERROR " .. string.gsub(e, "\\n", " ") .. "\\n")
end
"""

# GETs: each request takes one (header value, path) entry at random.
GET_SCRIPT = """
local entries = {%(entries)s}
local header = %(header)s
%(clock)s
function exhausted() return false end

init = function(args)
  start(args)
  math.randomseed(os.time() * 1000 + id)
end

request = function()
  local entry = entries[math.random(#entries)]
  return wrk.format("GET", entry[2], {[header] = entry[1]})
end

response = function(status, headers, body)
  count(status, body)
end
"""

# Actions: the thread takes its share of the (token, code) entries in turn, each once.
ACTION_SCRIPT = """
local entries = {%(entries)s}
local nthreads = %(nthreads)d
local mine = {}
local sent = 0
%(clock)s
function exhausted() return sent >= #mine end

init = function(args)
  start(args)
  for index = id, #entries, nthreads do table.insert(mine, entries[index]) end
end

request = function()
  sent = sent + 1
  local entry = mine[math.min(sent, #mine)]
  return wrk.format("POST", "/api/v1/backoffice/dossiers/" .. entry[2] .. "/actions/",
    {["Authorization"] = "Token " .. entry[1], ["Content-Type"] = "application/json"},
    '{"action": "accept"}')
end

response = function(status, headers, body)
  count(status, body)
end
"""


def dbname() -> str:
    return common.database_name(DATABASE_URL)


def query(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with common.connect(DATABASE_URL, dbname()) as connection:
        return connection.execute(cast(Any, sql), params).fetchall()


def lua(values: list[tuple[str, str]]) -> str:
    return ", ".join(f"{{{json.dumps(a)}, {json.dumps(b)}}}" for a, b in values)


def seconds(duration: str) -> int:
    """Return wrk's duration (`20s`, `2m`, `1h` or a number of seconds) in seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1:] in units:
        return int(float(duration[:-1]) * units[duration[-1]])
    return int(duration)


def threads_for(connections: str) -> int:
    return min(2, int(connections))


def wrk(script: str, connections: str, duration: str, grace: int = 3) -> dict[str, Any]:
    """Load for `duration`, then wait until every request sent is answered."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads_for(connections)}",
                f"-c{connections}",
                f"-d{seconds(duration) + grace}s",
                "--timeout",
                "10s",
                "-s",
                file.name,
                BASE,
                "--",
                "run",
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
    requests, duration_us, p50, p95, p99, socket_errors, ok, refused = map(int, result)
    first_error = next(line for line in lines if line.startswith("FIRST_ERROR"))[12:]
    return {
        "requests": requests,
        "seconds": max(duration_us / 1e6, 1e-6),
        "p50_ms": round(p50 / 1000, 2),
        "p95_ms": round(p95 / 1000, 2),
        "p99_ms": round(p99 / 1000, 2),
        "socket_errors": socket_errors,
        "ok": ok,
        "refused": refused,
        "first_error": first_error.strip(),
    }


@contextlib.contextmanager
def serve(env: dict[str, str]) -> Iterator[None]:
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
        common.wait_until_up(f"{BASE}/healthz/")
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def row(endpoint: str, connections: str, measured: dict[str, Any], **extra: Any) -> dict[str, Any]:
    if measured["first_error"]:
        print(f"{endpoint}: first error: {measured['first_error']}", file=sys.stderr)
    return {
        "benchmark": "backoffice",
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


def get(path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    """GET without following redirects; return the status, content type and body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(BASE + path, headers=headers)  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


# ---------------------------------------------------------------------------------------
# Officers and their queues


def officers(role: str, per_agency: int = 1) -> list[dict[str, Any]]:
    """Return the bench officers of `role` (the first `per_agency` of each agency)."""
    rows = query(
        "SELECT u.username, t.key, a.code FROM accounts_user u "
        "JOIN authtoken_token t ON t.user_id = u.id "
        "JOIN accounts_membership m ON m.user_id = u.id AND m.role = %s "
        "JOIN organizations_agency a ON a.id = m.agency_id "
        "WHERE u.username LIKE %s ORDER BY u.username",
        [role, f"bench-{role}-%"],
    )
    return [
        {"username": u, "token": k, "agency": a}
        for u, k, a in rows
        if int(u.rsplit("-", 1)[1]) <= per_agency
    ]


def first_pages(people: list[dict[str, Any]], params: str) -> list[int]:
    """Ask each officer's page 1 (4 at a time); return each one's number of pages."""

    def pages(person: dict[str, Any]) -> int:
        status, _type, body = get(
            f"{QUEUE}?{params}", {"Authorization": f"Token {person['token']}"}
        )
        if status != 200:
            raise RuntimeError(f"{person['username']} ?{params}: {status} {body[:300]!r}")
        return max(1, -(-int(json.loads(body)["count"]) // PAGE_SIZE))

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(pages, people))


def queue_rows(
    label: str, people: list[dict[str, Any]], params: str, deep: bool, server: dict[str, Any]
) -> list[dict[str, Any]]:
    """Measure page 1 of `params` for every officer, and the deep page when asked."""
    pages = first_pages(people, params)
    sizes = {
        "officers": len(people),
        "dossiers_per_officer_max": max(pages) * PAGE_SIZE,
        "pages_per_officer_median": sorted(pages)[len(pages) // 2],
    }
    results = []
    entries = [(f"Token {p['token']}", f"{QUEUE}?{params}") for p in people]
    script = GET_SCRIPT % {"entries": lua(entries), "header": '"Authorization"', "clock": CLOCK}
    measured = wrk(script, CONNECTIONS, DURATION)
    results.append(
        row(f"queue {label} ?{params}", CONNECTIONS, measured, page="1") | sizes | server
    )
    if deep:
        chosen = [(p, min(DEEP_PAGE, n)) for p, n in zip(people, pages, strict=True) if n > 1]
        if not chosen:
            results.append(
                {
                    "benchmark": "backoffice",
                    "endpoint": f"queue {label} ?{params} deep page",
                    "skipped": "every officer's queue fits on one page at this scale",
                }
            )
            return results
        entries = [(f"Token {p['token']}", f"{QUEUE}?{params}&page={n}") for p, n in chosen]
        script = GET_SCRIPT % {
            "entries": lua(entries),
            "header": '"Authorization"',
            "clock": CLOCK,
        }
        measured = wrk(script, CONNECTIONS, DURATION)
        requested = [n for _p, n in chosen]
        page = (
            str(DEEP_PAGE)
            if min(requested) == DEEP_PAGE
            else f"min({DEEP_PAGE}, last): mean {sum(requested) / len(requested):.1f}"
        )
        results.append(
            row(f"queue {label} ?{params}&page=N", CONNECTIONS, measured, page=page)
            | sizes
            | {"officers": len(chosen)}
            | server
        )
    return results


# ---------------------------------------------------------------------------------------
# The register listing


def totp_code() -> str:
    """Return the current code of the bench officers' authenticator."""
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(TOTP_SECRET)
    return f"{totp(key):06d}"


def sign_in(username: str) -> str:
    """Sign an officer in through the two-step sign-in; return the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def form(path: str, fields: dict[str, str]) -> str:
        with opener.open(BASE + path, timeout=30) as page:
            html = page.read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if match is None:
            raise RuntimeError(f"no CSRF token on {path}")
        data = urllib.parse.urlencode(fields | {"csrfmiddlewaretoken": match.group(1)})
        request = urllib.request.Request(  # noqa: S310
            BASE + path, data=data.encode(), headers={"Referer": BASE + path}
        )
        with opener.open(request, timeout=30) as answer:
            return str(answer.geturl())

    form("/mot-cua/dang-nhap/", {"username": username, "password": PASSWORD})
    # A TOTP code is taken once per device and time step: sign each officer in once.
    form("/mot-cua/xac-thuc/", {"code": totp_code()})
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise RuntimeError(f"{username}: no session after the sign-in")
    status, _type, _body = get("/mot-cua/", {"Cookie": f"sessionid={session}"})
    if status != 200:
        raise RuntimeError(f"{username}: the back office answers {status} after the sign-in")
    return session


def last_page(path: str, header: str, value: str, person: dict[str, Any], year: int) -> int:
    """Return the register's last page: from the JSON count, or the entries in the database."""
    status, kind, body = get(f"{path}agency={person['agency']}&year={year}", {header: value})
    if status != 200:
        raise RuntimeError(f"{person['username']}: the register answers {status}")
    if kind.startswith("application/json"):
        listing = json.loads(body)
        return max(1, -(-int(listing["count"]) // max(1, len(listing["results"]))))
    # The page's links name only the pages around it: count the register's entries.
    (entries,) = query(
        "SELECT count(*) FROM dossiers_dossier d JOIN organizations_agency a "
        "ON a.id = d.agency_id WHERE a.code = %s AND d.register_year = %s "
        "AND d.register_number IS NOT NULL",
        [person["agency"], year],
    )[0]
    return max(1, -(-int(entries) // REGISTER_PAGE_SIZE))


def register_rows(server: dict[str, Any]) -> list[dict[str, Any]]:
    """Measure the register listing (page 1 and a deep page), or say what is missing."""
    year = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).year
    receptions = officers("reception")
    sizes = dict(
        query(
            "SELECT a.code, count(*) FROM dossiers_dossier d "
            "JOIN organizations_agency a ON a.id = d.agency_id "
            "WHERE d.register_year = %s AND d.register_number IS NOT NULL GROUP BY a.code",
            [year],
        )
    )
    probe = receptions[0]
    status, kind, body = get(
        f"{REGISTER_API}?format=json&agency={probe['agency']}&year={year}",
        {"Authorization": f"Token {probe['token']}", "Accept": "application/json"},
    )
    listing = (
        status == 200 and kind.startswith("application/json") and "results" in json.loads(body)
    )
    if listing:
        header = '"Authorization"'
        people = [(f"Token {p['token']}", p) for p in receptions]
        path = f"{REGISTER_API}?format=json&"
        label = f"register GET {REGISTER_API}?format=json&agency=&year={year} (JSON)"
    else:
        status, _kind, _body = get(REGISTER_PAGE, {})
        if status == 404:
            return [
                {
                    "benchmark": "backoffice",
                    "endpoint": "register listing",
                    "missing": f"no JSON listing at {REGISTER_API} (answered {status}) "
                    f"and no back-office page {REGISTER_PAGE} (404)",
                }
            ]
        header = '"Cookie"'
        chosen = receptions[:: max(1, len(receptions) // SESSIONS)][:SESSIONS]
        people = [(f"sessionid={sign_in(p['username'])}", p) for p in chosen]
        path = f"{REGISTER_PAGE}?"
        label = f"register GET {REGISTER_PAGE}?agency=&year={year} (HTML, session)"
    results = []
    for deep in (False, True):
        entries = []
        for value, person in people:
            page = 1
            if deep:
                page = min(DEEP_PAGE, last_page(path, header.strip('"'), value, person, year))
                if page == 1:
                    continue
            entries.append((value, f"{path}agency={person['agency']}&year={year}&page={page}"))
        if not entries:
            results.append(
                {"benchmark": "backoffice", "endpoint": f"{label} deep page", "skipped": "one page"}
            )
            continue
        script = GET_SCRIPT % {"entries": lua(entries), "header": header, "clock": CLOCK}
        wrk(script, "4", WARM)
        measured = wrk(script, CONNECTIONS, DURATION)
        pages = [int(e[1].rsplit("=", 1)[1]) for e in entries]
        results.append(
            row(
                label,
                CONNECTIONS,
                measured,
                page=f"{min(pages)}..{max(pages)}" if deep else "1",
                officers=len(entries),
                register_entries_max=max(sizes.values(), default=0),
            )
            | server
        )
    return results


# ---------------------------------------------------------------------------------------
# Actions


SUBMITTED_SQL = """
SELECT t.key, d.code FROM dossiers_dossier d
JOIN workflows_workflowstate s ON s.id = d.state_id AND s.code = 'submitted'
JOIN accounts_membership m ON m.agency_id = d.agency_id AND m.role = 'reception'
JOIN accounts_user u ON u.id = m.user_id AND u.username LIKE 'bench-reception-%%'
JOIN authtoken_token t ON t.user_id = u.id
ORDER BY md5(d.code) LIMIT %s
"""


def pool_size() -> int:
    """Dossiers enough for the warm-up and the run at twice the target rate."""
    return 2 * ACTIONS_TARGET * (seconds(DURATION) + seconds(WARM))


def moved(codes: list[str]) -> tuple[int, int]:
    """Return how many of these dossiers left `submitted`, and their `accept` events."""
    (left,) = query(
        "SELECT count(*) FROM dossiers_dossier d JOIN workflows_workflowstate s "
        "ON s.id = d.state_id WHERE d.code = ANY(%s) AND s.code <> 'submitted'",
        [codes],
    )[0]
    (events,) = query(
        "SELECT count(*) FROM dossiers_dossierevent e JOIN dossiers_dossier d "
        "ON d.id = e.dossier_id WHERE d.code = ANY(%s) AND e.action = 'accept'",
        [codes],
    )[0]
    return int(left), int(events)


def action_row(server: dict[str, Any]) -> dict[str, Any]:
    entries = [(k, c) for k, c in query(SUBMITTED_SQL, [pool_size()])]
    warm_share = len(entries) * seconds(WARM) // (seconds(DURATION) + seconds(WARM))
    warm, measured_entries = entries[:warm_share], entries[warm_share:]
    nthreads = threads_for(CONNECTIONS)
    for batch, connections, duration in (
        (warm, "4", WARM),
        (measured_entries, CONNECTIONS, DURATION),
    ):
        script = ACTION_SCRIPT % {
            "entries": lua(batch),
            "nthreads": threads_for(connections),
            "clock": CLOCK,
        }
        measured = wrk(script, connections, duration, grace=5)
    codes = [c for _k, c in measured_entries]
    left, events = moved(codes)
    return (
        row(
            "action POST /api/v1/backoffice/dossiers/{code}/actions/ accept",
            CONNECTIONS,
            measured,
            accepted_200=measured["ok"],
            accepted_per_s=round(measured["ok"] / measured["seconds"], 1),
            other_statuses=measured["refused"],
            dossiers_moved=left,
            accept_events=events,
            consistent=left == measured["ok"] == events,
            pool=len(codes),
            pool_exhausted=measured["requests"] >= len(codes) - nthreads,
        )
        | server
    )


# ---------------------------------------------------------------------------------------


def explain(env: dict[str, str]) -> None:
    """Print the plans of the queue queries of the largest agency's officers (stderr)."""
    (agency,) = query(
        "SELECT split_part(u.username, '-', 3) FROM dossiers_dossier d "
        "JOIN accounts_membership m ON m.agency_id = d.agency_id AND m.role = 'reception' "
        "JOIN accounts_user u ON u.id = m.user_id AND u.username LIKE 'bench-reception-%%' "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0]
    for username, params in (
        (f"bench-reception-{agency}-1", "scope=mine"),
        (f"bench-reception-{agency}-1", f"scope=mine&page={DEEP_PAGE}"),
        (f"bench-specialist-{agency}-1", "scope=mine"),
        (f"bench-reception-{agency}-1", f"scope=all&ordering=-submitted_at&page={DEEP_PAGE}"),
    ):
        output = subprocess.run(
            [PYTHON, "bench/seed_backoffice.py", "explain", username, params],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stderr.write(output.stdout + output.stderr)


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="dichvucong-bench-backoffice-"))
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # The sign-in runs over plain HTTP on loopback: cookies without the Secure flag.
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DICHVUCONG_VAR_DIR": str(workdir / "var"),
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_URL": "console://",
        "BENCH_TOTP_SECRET": TOTP_SECRET,
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    queues = [redis.Redis.from_url(CACHE_URL), redis.Redis.from_url(BROKER_URL)]
    for queue in queues:
        queue.flushdb()
    seed = [PYTHON, "bench/seed_backoffice.py"]
    results: list[dict[str, Any]] = []
    try:
        started = time.monotonic()
        if not os.environ.get("BENCH_REUSE_DATABASE"):
            common.recreate_database(DATABASE_URL)
            run([PYTHON, "manage.py", "migrate", "--noinput"], env)
            run([PYTHON, "manage.py", "load_demo"], env)
            run([PYTHON, "bench/seed_dossiers.py", "applicants", "200"], env)
            run([*seed, "agencies", "150"], env)
            run([*seed, "officers"], env)
            run([*seed, "dossiers", str(DOSSIERS)], env)
            run([*seed, "pool", str(pool_size())], env)
            run([*seed, "analyze"], env)
        else:
            run([*seed, "pool", str(pool_size())], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        print(f"database ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
        if os.environ.get("BENCH_BACKOFFICE_EXPLAIN"):
            explain(env)
        total = query("SELECT count(*) FROM dossiers_dossier")[0][0]
        server = {"workers": f"{WORKERS}x{THREADS}", "dossiers_in_db": total}
        with serve(env):
            if ONLY == "actions":
                results.append(action_row(server))
                results[-1]["tasks_queued"] = queues[1].llen("celery")
                return _report(results)
            trivial = GET_SCRIPT % {
                "entries": lua([("", "/healthz/")]),
                "header": '"X-Bench"',
                "clock": CLOCK,
            }
            wrk(trivial, "4", WARM)
            results.append(
                row("trivial view /healthz/", CONNECTIONS, wrk(trivial, CONNECTIONS, DURATION))
                | server
            )
            reception = officers("reception")
            unit_heads = officers("unit_head")
            approvers = officers("approver")
            specialists = officers("specialist", SPECIALISTS)
            for label, people, params, deep in (
                ("reception", reception, "scope=mine", True),
                ("unit head", unit_heads, "scope=mine", True),
                ("specialist", specialists, "scope=mine", True),
                ("unit head", unit_heads, "scope=all&due=overdue", False),
                ("approver", approvers, "scope=all&status=processing", False),
                ("reception", reception, "scope=all&ordering=-submitted_at", True),
            ):
                results += queue_rows(label, people, params, deep, server)
            results += register_rows(server)
            # Last: the accepted dossiers join the unit heads' queues.
            results.append(action_row(server))
            results[-1]["tasks_queued"] = queues[1].llen("celery")
    finally:
        for queue in queues:
            queue.flushdb()
        shutil.rmtree(workdir, ignore_errors=True)
    return _report(results)


def _report(results: list[dict[str, Any]]) -> int:
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    measured = [r for r in results if "rps" in r and r["endpoint"] != "trivial view /healthz/"]
    queue_results = [r for r in measured if r["endpoint"].startswith("queue")]
    register = [r for r in measured if r["endpoint"].startswith("register")]
    actions = [r for r in measured if r["endpoint"].startswith("action")]
    verdict: dict[str, Any] = {"benchmark": "backoffice", "endpoint": "targets"}
    verdict["queue p95 < 150 ms"] = (
        met(all(r["p95_ms"] < 150 for r in queue_results)) if queue_results else "not measured"
    )
    verdict["register p95 < 150 ms"] = (
        met(all(r["p95_ms"] < 150 for r in register)) if register else "not measured (missing)"
    )
    verdict[f"actions >= {ACTIONS_TARGET}/s"] = met(
        bool(actions) and actions[0]["accepted_per_s"] >= ACTIONS_TARGET
    )
    verdict["actions: each 200 one dossier moved and one event"] = met(
        bool(actions) and actions[0]["consistent"]
    )
    verdict["without errors"] = met(all(r["errors"] == 0 for r in measured))
    print(json.dumps(verdict, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
