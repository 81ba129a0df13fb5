"""Screenshot every page of the built book and write one contact sheet (``make book`` runs this).

    python tests/browser/screenshots.py [HTML_ROOT] [OUT_DIR]

Writes full-page screenshots ``OUT_DIR/<page>.png`` (1280 px wide) and ``OUT_DIR/390/<page>.png``
(a 390 px phone), after MathJax, and one contact sheet per width (``contact-sheet.png``,
``contact-sheet-390.png``: thumbnails of whole pages in book order, each cut at
:data:`MAX_THUMB_HEIGHT` with a mark where it was cut). Without Chromium it says
so in one line and exits 0, so the book builds anywhere; ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

if __package__:
    from .checks import wait_for_mathjax
    from .harness import CHROMIUM_FLAGS, chromium_executable, serve
else:  # run as a script
    sys.path.insert(0, str(Path(__file__).parent))
    from checks import wait_for_mathjax
    from harness import CHROMIUM_FLAGS, chromium_executable, serve


def toc_pages() -> list[str]:
    """The book's pages in order, as paths without suffix (``book/intro``, ``notebooks/recos_sphere``)."""
    import re

    text = (REPO / "_toc.yml").read_text()
    return re.findall(r"^\s*-?\s*(?:file|root):\s*(\S+)", text, flags=re.MULTILINE)


MAX_THUMB_HEIGHT = 4000
"""Thumbnails taller than this (pixels) are cut, with a red line where the cut is."""

WIDTHS = (1280, 390)

MAX_SHOT_HEIGHT = 30_000
"""Full-page screenshots stop at this height (pixels); only the API reference is taller."""


def contact_sheet(images: list[Path], out: Path, columns: int = 6, thumb_width: int = 240) -> Path:
    """One PNG with a labelled thumbnail of each (full-page) image, in order; row height = its tallest."""
    from PIL import Image, ImageDraw

    Image.MAX_IMAGE_PIXELS = None  # our own full-page screenshots: a long page is not a decompression bomb
    thumbs = []
    for path in images:
        im = Image.open(path).convert("RGB")
        h = max(1, round(im.height * thumb_width / im.width))
        thumb = im.resize((thumb_width, h))
        if h > MAX_THUMB_HEIGHT:
            thumb = thumb.crop((0, 0, thumb_width, MAX_THUMB_HEIGHT))
            ImageDraw.Draw(thumb).line(
                (0, MAX_THUMB_HEIGHT - 2, thumb_width, MAX_THUMB_HEIGHT - 2), fill="red", width=3
            )
        thumbs.append((path.stem, thumb))
    rows = [thumbs[i : i + columns] for i in range(0, len(thumbs), columns)]
    heights = [max(t.height for _, t in row) + 24 for row in rows]
    sheet = Image.new("RGB", (columns * (thumb_width + 8) + 8, sum(heights) + 8), "white")
    draw = ImageDraw.Draw(sheet)
    y = 8
    for row, height in zip(rows, heights):
        for i, (name, im) in enumerate(row):
            x = 8 + i * (thumb_width + 8)
            sheet.paste(im, (x, y + 16))
            draw.text((x, y + 2), name, fill="black")
        y += height
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return out


def main(argv: list[str]) -> int:
    html_root = Path(argv[1]) if len(argv) > 1 else REPO / "_build" / "html"
    out_dir = Path(argv[2]) if len(argv) > 2 else REPO / "_build" / "screenshots"
    exe = chromium_executable()
    if exe is None:
        print("screenshots: no Chromium found (apt-get install chromium): skipped")
        return 0
    from playwright.sync_api import sync_playwright

    url, server = serve(html_root)
    shots: dict[int, list[Path]] = {w: [] for w in WIDTHS}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        for width in WIDTHS:
            folder = out_dir if width == WIDTHS[0] else out_dir / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            for name in toc_pages():
                page.goto(url + name + ".html", wait_until="load")
                wait_for_mathjax(page)
                shot = folder / (name.replace("/", "--") + ".png")
                height = page.evaluate("document.documentElement.scrollHeight")
                # the API reference is ~200,000 px tall: its first MAX_SHOT_HEIGHT px are enough for a contact sheet
                clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)}
                page.screenshot(path=str(shot), full_page=True, clip=clip)
                shots[width].append(shot)
            page.close()
        browser.close()
    server.shutdown()
    for width in WIDTHS:
        suffix = "" if width == WIDTHS[0] else f"-{width}"
        sheet = contact_sheet(shots[width], out_dir / f"contact-sheet{suffix}.png")
        print(f"screenshots: {len(shots[width])} full pages at {width} px; contact sheet {sheet}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
