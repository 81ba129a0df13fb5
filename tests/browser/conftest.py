"""Fixtures for the browser tests: the built book served on 127.0.0.1 and headless Chromium.

Chromium comes from the distribution (``apt-get install chromium``) and is driven by
Playwright through ``executable_path``. Without Chromium (or without a built book) the tests
skip with the reason, except when ``SIGCNN_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then they fail.
Every request that would leave 127.0.0.1 is blocked and recorded (see ``harness.OfflinePage``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import CHROMIUM_FLAGS, OfflinePage, chromium_executable, serve

REPO = Path(__file__).resolve().parents[2]


def _unavailable(reason: str):
    if os.environ.get("SIGCNN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SIGCNN_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def html_root() -> Path:
    root = Path(os.environ.get("SIGCNN_BOOK_HTML", REPO / "_build" / "html"))
    if not (root / "index.html").exists():
        _unavailable(f"no built book at {root} (run make book first)")
    return root


@pytest.fixture(scope="session")
def book_url(html_root):
    url, server = serve(html_root)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    exe = chromium_executable()
    if exe is None:
        _unavailable("no Chromium found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e .[test])")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def offline_page(browser):
    pages = []

    def make(width: int = 1280, height: int = 900) -> OfflinePage:
        pages.append(OfflinePage(browser, width, height))
        return pages[-1]

    yield make
    for p in pages:
        p.close()
