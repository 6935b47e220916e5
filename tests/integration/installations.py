"""Two (or more) installations of the project as real processes, for the integration
test and the exchange benchmark: each with its own database (a SQLite file, or a
PostgreSQL database when DATABASE_URL names one), its own var directory (uploads, its
own PKI), its own installation id and port, served by gunicorn."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
MARK = "@@driver@@"
# The procedure the demo exchanges: "Cấp giấy phép xây dựng nhà ở riêng lẻ" (district
# tier, paper at the counter), received by every district People's Committee.
PROCEDURE = "1.501032.000.00.00.H10"
AGENCY_A = "000.00.21.H10"  # UBND thị xã Phước Long: A's sender
AGENCY_B = "000.00.20.H10"  # UBND thị xã Đồng Xoài: B's recipient (the demo officers)


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg_connect(url: str, dbname: str) -> Any:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def pg_recreate(url: str, name: str, *, template: str | None = None) -> None:
    with _pg_connect(url, "postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{suffix}')


def pg_drop(url: str, name: str) -> None:
    with _pg_connect(url, "postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_database_url(url: str, name: str) -> str:
    base, _slash, _old = url.rstrip("/").rpartition("/")
    return f"{base}/{name}"


@dataclass
class Installation:
    """One installation: `manage()` runs a command against it, `start()` serves it."""

    name: str
    port: int
    directory: Path
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    driver: subprocess.Popen[str] | None = None

    @property
    def installation_id(self) -> str:
        return f"dvc-{self.name}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.local",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": f"integration-{self.name}-not-secret",
                "DATABASE_URL": self.database_url,
                "DICHVUCONG_VAR_DIR": str(self.directory),
                "DICHVUCONG_SIGNING_DIR": str(self.directory / "pki"),
                "DICHVUCONG_SITE_URL": self.url,
                "DICHVUCONG_EXCHANGE_ID": self.installation_id,
                "DICHVUCONG_EXCHANGE_RETRY_SECONDS": "1",
                "DICHVUCONG_EXCHANGE_RETRY_MAX_SECONDS": "2",
                "DICHVUCONG_EXCHANGE_TIMEOUT": "10",
                "NATIONAL_SYNC_ENABLED": "false",
                "CELERY_BROKER_URL": "",
                "DJANGO_LOG_LEVEL": "WARNING",
            }
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"[{self.name}] manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def run(self, code: str) -> Any:
        """Run `code` in this installation's driver process (started on first use);
        return the value it assigned to `result`."""
        self.submit(code)
        return self._answer()

    def submit(self, code: str) -> None:
        """Send `code` to the driver without waiting; `collect()` returns its result."""
        if self.driver is None or self.driver.poll() is not None:
            self.driver = subprocess.Popen(  # noqa: S603 (our own script)
                [PYTHON, str(Path(__file__).with_name("driver.py"))],
                cwd=ROOT,
                env=self.env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            self._answer()
        assert self.driver.stdin is not None
        self.driver.stdin.write(json.dumps({"code": code}) + "\n")
        self.driver.stdin.flush()

    def collect(self) -> Any:
        return self._answer()

    def _answer(self) -> Any:
        assert self.driver is not None and self.driver.stdout is not None
        for line in self.driver.stdout:
            if line.startswith(MARK):
                answer = json.loads(line[len(MARK) :])
                if not answer["ok"]:
                    raise RuntimeError(f"[{self.name}] {answer['error']}")
                return answer["result"]
        raise RuntimeError(f"[{self.name}] the driver exited")

    def close(self) -> None:
        """Stop the server and the driver."""
        self.stop()
        if self.driver is not None:
            if self.driver.stdin is not None:
                self.driver.stdin.close()
            try:
                self.driver.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.driver.pid, signal.SIGKILL)
                self.driver.wait(timeout=10)
            self.driver = None

    def start(self, *, workers: int = 1, threads: int = 8) -> None:
        self.log = self.directory / "server.log"
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240  # a loaded machine boots workers slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"[{self.name}] the server exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"[{self.name}] the server did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_pair(
    directory: Path, *, ports: tuple[int, int] | None = None
) -> tuple[Installation, Installation]:
    """Create installations A and B with the exchange demo's data and each other as
    partners (their own PKIs, A's sender and B's recipient agency); migrate once and
    copy the database for B."""
    ports = ports or (free_port(), free_port())
    pg = postgres_url()
    dirs = [directory / "a", directory / "b"]
    for path in dirs:
        path.mkdir(parents=True, exist_ok=True)
    if pg:
        base = pg.rstrip("/").rpartition("/")[2]
        names = [f"{base}_a", f"{base}_b"]
        pg_recreate(pg, names[0])
        urls = [pg_database_url(pg, n) for n in names]
    else:
        urls = [f"sqlite:///{dirs[0] / 'db.sqlite3'}", f"sqlite:///{dirs[1] / 'db.sqlite3'}"]
    a = Installation("a", ports[0], dirs[0], urls[0])
    b = Installation("b", ports[1], dirs[1], urls[1])
    a.manage("migrate", "--no-input", "-v0")
    a.manage(
        "exchange_demo_setup",
        "--procedure",
        PROCEDURE,
        "--agency",
        AGENCY_A,
        "--agency",
        AGENCY_B,
        "--root-out",
        str(directory / "a-root.pem"),
    )
    if pg:
        pg_recreate(pg, names[1], template=names[0])
    else:
        shutil.copyfile(dirs[0] / "db.sqlite3", dirs[1] / "db.sqlite3")
    # B's own PKI: another root, its agencies' keys (the data is already there).
    b.run(
        "from dichvucong.documents import pki\n"
        "from dichvucong.organizations.models import Agency\n"
        "pki.pki_root_init()\n"
        f"for a in Agency.objects.filter(code__in=[{AGENCY_A!r}, {AGENCY_B!r}]):\n"
        "    pki.pki_agency_issue(agency=a)\n"
        "result = pki.root_cert_path().read_text()\n"
    )
    (directory / "b-root.pem").write_text(b.run("result = pki.root_cert_path().read_text()"))
    register = (
        "from dichvucong.interop.exchange.models import MessageType\n"
        "from dichvucong.interop.exchange.services import partner_register\n"
        "partner_register(code={code!r}, name={name!r}, base_url={url!r},"
        " certificates=open({pem!r}).read(), message_types=list(MessageType.values),"
        " agency_codes=[{agency!r}])\n"
    )
    a.run(
        register.format(
            code=b.installation_id,
            name="Hệ thống B (thử nghiệm)",
            url=b.url,
            pem=str(directory / "b-root.pem"),
            agency=AGENCY_B,
        )
    )
    b.run(
        register.format(
            code=a.installation_id,
            name="Hệ thống A (thử nghiệm)",
            url=a.url,
            pem=str(directory / "a-root.pem"),
            agency=AGENCY_A,
        )
    )
    return a, b


def drop_pair(a: Installation, b: Installation) -> None:
    pg = postgres_url()
    for installation in (a, b):
        installation.close()
        if pg:
            pg_drop(pg, installation.database_url.rpartition("/")[2])
