"""What the browser tests share: the Chromium binary, the skip rule, the axe check."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Skipped without Chromium, unless REQUIRE_BROWSER is set (CI sets it).
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"),
        reason="Chromium is not installed (apt-get install chromium)",
    ),
]


@contextmanager
def chromium_page(*, locale: str, accept_downloads: bool = False) -> Iterator[Any]:
    """Yield a page of a fresh headless Chromium (Debian's, driven by Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale=locale, accept_downloads=accept_downloads)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def axe_violations(page: Any) -> tuple[int, str]:
    """Run axe-core on the page: the number of WCAG 2.1 A/AA violations and the report."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return results.violations_count, results.generate_report()
