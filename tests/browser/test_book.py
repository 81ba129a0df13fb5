"""The built book as a reader sees it, in headless Chromium with no network (run after ``make book``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .checks import broken_table_text, check_page, horizontal_overflow, wait_for_mathjax
from .screenshots import toc_pages

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
PAGES = toc_pages()


def _load(offline_page, url, width=1280):
    p = offline_page(width=width)
    response = p.goto(url)
    return p, response


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_offline(name, offline_page, book_url, html_root):
    p, response = _load(offline_page, f"{book_url}{name}.html")
    assert response is not None and response.status == 200, f"{name}: status {response and response.status}"
    problems = check_page(p.page, html_root)
    problems += [f"console error: {e}" for e in p.console_errors]
    problems += [f"request left 127.0.0.1: {u}" for u in p.external_requests]
    problems += [f"failed request: {u}" for u in p.failed_responses]
    assert problems == [], f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone(name, offline_page, book_url):
    p, _ = _load(offline_page, f"{book_url}{name}.html", width=390)
    wait_for_mathjax(p.page)
    problems = horizontal_overflow(p.page)
    too_wide = p.page.evaluate(
        "() => Array.from(document.querySelectorAll('main img')).filter(i => i.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(i => i.getAttribute('src'))"
    )
    problems += [f"figure wider than the screen: {s}" for s in too_wide]
    problems += broken_table_text(p.page)
    assert problems == [], f"{name} at 390 px:\n" + "\n".join(problems)


def test_a_dropdown_solution_opens_on_click(offline_page, book_url, html_root):
    pages = [n for n in PAGES if 'class="solution' in (html_root / f"{n}.html").read_text()]
    assert pages, "no page has an exercise solution"
    p, _ = _load(offline_page, f"{book_url}{pages[0]}.html")
    solution = p.page.locator(".solution.dropdown").first
    body = solution.locator(".admonition-title ~ *").first
    hidden_before = not body.is_visible()
    solution.locator("button.toggle-button").first.click()
    p.page.wait_for_timeout(400)
    assert hidden_before and body.is_visible(), f"the first solution on {pages[0]} did not open"


@pytest.mark.parametrize("term", ["DSB-SC", "rectified"])
def test_search_finds(term, offline_page, book_url):
    p, _ = _load(offline_page, f"{book_url}search.html?q={term}")
    p.page.wait_for_selector("#search-results ul.search li", timeout=15000)
    assert p.page.locator("#search-results ul.search li").count() > 0


def test_report_table_has_every_row_with_a_value(offline_page, book_url):
    from sigcnn import experiments

    expected = sum(len(experiments.describe(n).report_rows) for n in experiments.names())
    p, _ = _load(offline_page, f"{book_url}book/report.html")
    table = p.page.locator("table").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    ours = headers.index("ours")
    cells = table.locator("tbody tr").evaluate_all(f"rows => rows.map(r => r.children[{ours}].textContent.trim())")
    assert len(cells) == expected
    empty = [i for i, c in enumerate(cells) if not re.search(r"\d|yes|no|not measured at this scale", c)]
    assert empty == [], f"report rows without a value in 'ours': {empty}"
    # the key columns are visible at 1280 px without scrolling the table sideways
    content_right = p.page.evaluate("() => document.querySelector('main, article').getBoundingClientRect().right")
    for name in ("quantity", "paper", "ours"):
        right = table.locator("thead th").nth(headers.index(name)).evaluate("e => e.getBoundingClientRect().right")
        assert right <= content_right + 1, f"column {name!r} ends at {right:.0f} px, content at {content_right:.0f} px"


@pytest.mark.parametrize("name", PAGES)
def test_page_offers_its_source_for_download(name, html_root):
    html = (html_root / f"{name}.html").read_text()
    source = "ipynb" if (REPO / f"{name}.ipynb").exists() else "md"
    stem = name.split("/")[-1]
    assert re.search(rf'href="[^"]*_sources/[^"]*{re.escape(stem)}\.{source}"', html), (
        f"{name}: no download link to its .{source} source"
    )
