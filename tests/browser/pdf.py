"""The built book as one PDF, offline: headless Chromium prints each page of ``_toc.yml`` (after
MathJax has typeset it), and pypdf merges the pages in book order with one outline entry per page.

    python tests/browser/pdf.py [HTML_ROOT] [OUT_PDF]        (make pdf, after make book)

Printing uses the browser's print stylesheet (the theme hides its navigation), A4, with
backgrounds; folded solutions and provenance stay folded as on screen. Exits 1 with one line when
Chromium, pypdf or the built book is missing.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

if __package__:
    from .checks import wait_for_mathjax
    from .harness import CHROMIUM_FLAGS, chromium_executable, serve
    from .screenshots import toc_pages
else:  # run as a script
    sys.path.insert(0, str(Path(__file__).parent))
    from checks import wait_for_mathjax
    from harness import CHROMIUM_FLAGS, chromium_executable, serve
    from screenshots import toc_pages

PRINT_CSS = """
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .header-article, .prev-next-area,
.bd-header-article, #pst-back-to-top, .skip-link { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
mjx-container { break-inside: avoid; }
figure, img, table { break-inside: avoid; }
"""
"""Printed pages show the article alone (no navigation bars, no "previous/next" links)."""


def build_pdf(html_root: Path, out: Path, pages: list[str] | None = None, browser=None) -> int:
    """Print ``pages`` (default: every page of ``_toc.yml``) of the book at ``html_root`` into ``out``
    (written through a temporary file); return the number of PDF pages. ``browser``: a Playwright
    Chromium already launched (else one is launched here)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        exe = chromium_executable()
        if exe is None:
            raise RuntimeError("no Chromium found (apt-get install chromium)")
        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
            try:
                return build_pdf(html_root, out, pages, own)
            finally:
                own.close()
    from pypdf import PdfReader, PdfWriter

    pages = pages or toc_pages()
    url, server = serve(html_root)
    writer = PdfWriter()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        for name in pages:
            response = page.goto(url + name + ".html", wait_until="load")
            if response is None or response.status != 200:
                raise RuntimeError(f"{name}.html: status {response and response.status} (is the book built?)")
            wait_for_mathjax(page)
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            margin = {"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}
            data = page.pdf(format="A4", print_background=True, margin=margin)
            first = len(writer.pages)
            for p in PdfReader(io.BytesIO(data)).pages:
                writer.add_page(p)
            heading = page.locator("main h1").first.text_content() if page.locator("main h1").count() else name
            writer.add_outline_item(title=heading.strip().rstrip("#").strip(), page_number=first)
            page.emulate_media(media="screen")
    finally:
        page.close()
        server.shutdown()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    tmp.replace(out)
    return len(writer.pages)


def main(argv: list[str]) -> int:
    html_root = Path(argv[1]) if len(argv) > 1 else REPO / "_build" / "html"
    out = Path(argv[2]) if len(argv) > 2 else REPO / "_build" / "pdf" / "book.pdf"
    if not (html_root / "index.html").exists():
        print(f"pdf: no built book at {html_root} (run make book first)", file=sys.stderr)
        return 1
    try:
        n = build_pdf(html_root, out)
    except (RuntimeError, ImportError) as exc:
        print(f"pdf: {exc}", file=sys.stderr)
        return 1
    print(f"pdf: {out} ({n} pages, {out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
