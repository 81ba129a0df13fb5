"""The page checker itself: a deliberately broken page makes each check fail, a clean page passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from .checks import broken_internal_links, broken_table_text, check_page, error_outputs, image_problems, raw_tex
from .harness import serve

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def fixture_url():
    url, server = serve(FIXTURES)
    yield url
    server.shutdown()


def _open(offline_page, url):
    p = offline_page()
    p.goto(url)
    return p.page


def test_broken_page_fails_every_check(offline_page, fixture_url):
    page = _open(offline_page, fixture_url + "broken.html")
    tex = raw_tex(page)
    assert any("'$$'" in t for t in tex) and any("begin" in t for t in tex)
    assert any("ZeroDivisionError" in e for e in error_outputs(page))
    images = image_problems(page)
    assert any("did not load: missing-figure.png" in i for i in images)
    assert any("blank figure" in i and "blank.png" in i for i in images)
    links = broken_internal_links(page, FIXTURES)
    assert links == ["broken link 'no-such-page.html' (no no-such-page.html)"]
    broken = broken_table_text(page)
    assert any(b.startswith('"rectified" breaks') for b in broken), broken
    assert any(b.startswith('number "96.82 %') for b in broken), broken


def test_clean_page_passes(offline_page, fixture_url):
    page = _open(offline_page, fixture_url + "good.html")
    assert check_page(page, FIXTURES) == []


def test_requests_to_other_hosts_are_blocked_and_recorded(offline_page, fixture_url):
    p = offline_page()
    p.goto(fixture_url + "good.html")
    p.page.evaluate("() => fetch('http://example.com/x').catch(() => null)")
    p.page.wait_for_timeout(200)
    assert p.external_requests == ["http://example.com/x"]
