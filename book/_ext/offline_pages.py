"""Pages a browser shows without console errors: no duplicated inline scripts, an explicit colour mode.

Jupyter Book 1.0 writes sphinx-thebe's inline configuration script twice, so every page logs
``Identifier 'THEBE_JS_URL' has already been declared``; and the theme's empty default colour
mode logs ``Got invalid theme mode``. After the build, each HTML page keeps the first copy of
every inline script and names the light mode as its default.
"""

import re
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"^\s*<script>[^<]*</script>\s*$")


def clean_page(html: str) -> str:
    """``html`` with repeated identical inline ``<script>`` lines removed and the light mode as default."""
    seen, out = set(), []
    for line in html.splitlines(keepends=True):
        if _INLINE_SCRIPT.match(line):
            key = line.strip()
            if key in seen:
                continue
            seen.add(key)
        out.append(line)
    html = "".join(out)
    html = html.replace('localStorage.getItem("mode") || ""', 'localStorage.getItem("mode") || "light"')
    html = html.replace('localStorage.getItem("theme") || ""', 'localStorage.getItem("theme") || "light"')
    return html.replace('data-default-mode=""', 'data-default-mode="light"')


def _clean_build(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        cleaned = clean_page(text)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _clean_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
