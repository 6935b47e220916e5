"""Run a real OpenID Connect provider for the tests: panva's oidc-provider under Node.

The provider lives in tests/oidc_provider/ (package.json, package-lock.json, provider.mjs);
`make test` installs it with `npm ci`. `start_provider` launches it on a free localhost
port and waits for its discovery document; `log_in_at_provider` goes through the
provider's own login and consent pages with httpx and returns the redirect back to us.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

PROVIDER_DIR = Path(__file__).resolve().parents[3] / "tests" / "oidc_provider"
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Provider:
    issuer: str
    discovery: Mapping[str, Any]
    client_id: str
    client_secret: str


def provider_unavailable() -> str | None:
    """Return why the provider cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so the OpenID Connect provider cannot run"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return f"the OpenID Connect provider is not installed: run `npm ci` in {PROVIDER_DIR}"
    return None


def _read_line(process: subprocess.Popen[bytes], deadline: float) -> bytes:
    """Return the first line the provider prints, waiting until `deadline` at most."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    buffer = b""
    try:
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                raise RuntimeError("the OpenID Connect provider did not start")
            if selector.select(timeout=remaining):
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError("the OpenID Connect provider exited at start")
                buffer += chunk
    finally:
        selector.close()
    return buffer.split(b"\n", 1)[0]


def _wait_for_discovery(issuer: str, deadline: float) -> dict[str, Any]:
    """Poll the discovery document until it answers; return it."""
    url = f"{issuer}/.well-known/openid-configuration"
    while True:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                document: dict[str, Any] = response.json()
                return document
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer")
        time.sleep(0.05)


@contextmanager
def start_provider(
    *, config_path: Path, accounts: Mapping[str, Mapping[str, Any]], redirect_uri: str
) -> Iterator[Provider]:
    """Start the provider with one confidential client and `accounts`; stop it at exit."""
    client_id, client_secret = "dichvucong-test", "bi-mat-cua-ung-dung-thu-nghiem"
    config_path.write_text(
        json.dumps(
            {
                "clients": [
                    {
                        "client_id": client_id,
                        "client_secret": client_secret,
                        "redirect_uris": [redirect_uri],
                        "token_endpoint_auth_method": "client_secret_post",
                    }
                ],
                "accounts": accounts,
            }
        )
    )
    node = shutil.which("node")
    assert node is not None
    process = subprocess.Popen(  # noqa: S603
        [node, str(PROVIDER_DIR / "provider.mjs"), str(config_path)],
        cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        issuer = json.loads(_read_line(process, deadline))["issuer"]
        discovery = _wait_for_discovery(issuer, deadline)
        yield Provider(
            issuer=issuer, discovery=discovery, client_id=client_id, client_secret=client_secret
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


class _FormParser(HTMLParser):
    """Collect the first form of a page: its action and its named inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and not self._done:
            self._in_form = True
            self.action = attributes.get("action") or ""
        elif tag == "input" and self._in_form and attributes.get("name"):
            self.fields[attributes["name"] or ""] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def log_in_at_provider(authorization_url: str, *, login: str, return_prefix: str) -> str:
    """Sign in as `login` on the provider's pages, consent, and return the URL it sends
    the browser back to (the first redirect that starts with `return_prefix`)."""
    with httpx.Client(timeout=10, follow_redirects=False) as browser:
        response = browser.get(authorization_url)
        for _ in range(12):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(return_prefix):
                    return location
                response = browser.get(location)
                continue
            assert response.status_code == 200, response.text
            form = _FormParser()
            form.feed(response.text)
            assert form.action is not None, f"no form on {response.url}"
            data = dict(form.fields)
            if "login" in data:
                data.update(login=login, password="mat-khau-bat-ky")
            response = browser.post(urljoin(str(response.url), form.action), data=data)
    raise AssertionError("the provider did not send the browser back")
