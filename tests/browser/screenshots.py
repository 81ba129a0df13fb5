"""Screenshot every page of the built book and write one contact sheet (``make book`` runs this).

    python tests/browser/screenshots.py [HTML_ROOT] [OUT_DIR]

Writes ``OUT_DIR/<page>.png`` (1280x900, top of each page, after MathJax) and
``OUT_DIR/contact-sheet.png`` (thumbnails of all pages in book order). Without Chromium it says
so in one line and exits 0, so the book builds anywhere; ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import math
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


def contact_sheet(images: list[Path], out: Path, columns: int = 5, thumb_width: int = 320) -> Path:
    """One PNG with a labelled thumbnail of each image, in order."""
    from PIL import Image, ImageDraw

    thumbs = []
    for path in images:
        im = Image.open(path).convert("RGB")
        h = round(im.height * thumb_width / im.width)
        thumbs.append((path.stem, im.resize((thumb_width, h))))
    th = max(t.height for _, t in thumbs) + 18
    rows = math.ceil(len(thumbs) / columns)
    sheet = Image.new("RGB", (columns * (thumb_width + 8) + 8, rows * (th + 8) + 8), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (name, im) in enumerate(thumbs):
        x, y = 8 + (i % columns) * (thumb_width + 8), 8 + (i // columns) * (th + 8)
        sheet.paste(im, (x, y + 16))
        draw.text((x, y + 2), name, fill="black")
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
    shots = []
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        for name in toc_pages():
            page.goto(url + name + ".html", wait_until="load")
            wait_for_mathjax(page)
            shot = out_dir / (name.replace("/", "--") + ".png")
            page.screenshot(path=str(shot))
            shots.append(shot)
        browser.close()
    server.shutdown()
    sheet = contact_sheet(shots, out_dir / "contact-sheet.png")
    print(f"screenshots: {len(shots)} pages in {out_dir}; contact sheet {sheet}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
