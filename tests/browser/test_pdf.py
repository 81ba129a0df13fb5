"""``make pdf``: the built book printed by headless Chromium into one PDF (run after ``make book``)."""

from __future__ import annotations

import re

import pytest

from .pdf import build_pdf

pytestmark = pytest.mark.browser


def test_pages_print_into_one_pdf_with_an_outline_and_typeset_maths(html_root, browser, tmp_path):
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the [book] extra")
    out = tmp_path / "book.pdf"
    n = build_pdf(html_root, out, ["book/intro", "book/modulation"], browser)
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == n >= 5
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert [t for t, _ in outline] == ["CNNs through the Lens of Signal Processing", "Convolution as modulation"]
    theory = range(outline[1][1], n)
    text = "\n".join(reader.pages[i].extract_text() for i in theory)
    # the equation page's prose and its equation numbers are text; no raw TeX was printed
    assert "Energy spectra: the conventions" in re.sub(r"\s+", " ", text)
    assert len(set(re.findall(r"^\((\d+)\)$", text, flags=re.MULTILINE))) >= 3
    assert "$$" not in text and "\\frac" not in text and "\\begin" not in text
    # the maths is drawn with MathJax's web fonts (Chromium embeds them as Type 3 fonts)
    type3 = [
        i
        for i in theory
        if any(
            f.get_object().get("/Subtype") == "/Type3" for f in reader.pages[i]["/Resources"].get("/Font", {}).values()
        )
    ]
    assert len(type3) >= 3
    # no navigation bars in print
    assert "Search" not in reader.pages[outline[1][1]].extract_text().split("\n")[0]
