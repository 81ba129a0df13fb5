"""The built book as a reader sees it, in headless Chromium with no network (run after ``make book``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .checks import broken_table_text, check_page, equation_problems, horizontal_overflow, wait_for_mathjax
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
    problems += broken_table_text(p.page) + equation_problems(p.page, must_fit=False)
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


@pytest.mark.parametrize("width", [1280, 390])
def test_report_reads_at_a_glance(width, offline_page, book_url):
    from sigcnn import experiments

    expected = sum(len(experiments.describe(n).report_rows) for n in experiments.names())
    papers = {experiments.describe(n).paper for n in experiments.names()}
    p, _ = _load(offline_page, f"{book_url}book/report.html", width=width)
    # the summary comes first: one row per paper, with counts
    first = p.page.locator("main table").first
    assert "sig-summary" in (first.get_attribute("class") or "")
    assert first.locator("tbody tr").count() == len(papers)
    assert p.page.locator("main h3.sig-paper").count() == len(papers)
    rows = p.page.locator("main table.sig-claims tbody tr")
    assert rows.count() == expected
    # every row: a text badge first, and a value in the "ours" column
    cells = rows.evaluate_all(
        "rows => rows.map(r => { const t = r.closest('table'); const h = Array.from(t.querySelectorAll('thead th'))"
        ".findIndex(th => th.textContent.startsWith('ours')); return [r.children[0].textContent.trim(),"
        " r.children[h].textContent.trim()]; })"
    )
    badges = {"supported", "contradicted", "inconclusive", "no test", "not measured"}
    assert [b for b, _ in cells if b not in badges] == []
    empty = [i for i, (_, c) in enumerate(cells) if not re.search(r"\d|yes|no|not measured", c)]
    assert empty == [], f"report rows without a value in 'ours': {empty}"
    assert broken_table_text(p.page) == [] and horizontal_overflow(p.page) == []
    if width == 1280:  # the key columns are visible without scrolling a table sideways
        right = p.page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll('table.sig-claims')).map(t => {"
            " const h = Array.from(t.querySelectorAll('thead th')).find(th => th.textContent.startsWith('ours'));"
            " return h.getBoundingClientRect().right - t.parentElement.getBoundingClientRect().right; }))"
        )
        assert right <= 1, f"an 'ours' column ends {right:.0f} px right of its table's box"


@pytest.mark.parametrize("name", PAGES)
def test_page_offers_its_source_for_download(name, html_root):
    html = (html_root / f"{name}.html").read_text()
    source = "ipynb" if (REPO / f"{name}.ipynb").exists() else "md"
    stem = name.split("/")[-1]
    assert re.search(rf'href="[^"]*_sources/[^"]*{re.escape(stem)}\.{source}"', html), (
        f"{name}: no download link to its .{source} source"
    )
