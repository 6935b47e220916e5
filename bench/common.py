"""What the benchmark scripts share: the database they recreate, the server they wait for."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def database_name(database_url: str) -> str:
    return str(dj_database_url.parse(database_url)["NAME"])


def connect(database_url: str, dbname: str) -> psycopg.Connection[Any]:
    """Connect (autocommit) to `dbname` on the server of `database_url`."""
    config = dj_database_url.parse(database_url)
    return psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def recreate_database(database_url: str) -> None:
    """Drop the benchmark's database (whoever is connected) and create it empty."""
    name = database_name(database_url)
    with connect(database_url, "postgres") as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")
