"""What a reader of the built book would notice, checked on a page open in a real browser.

Each check takes a Playwright page that has finished loading and returns a list of problems
(empty when the page is fine), so a test can say exactly what is wrong and where.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

WAIT_FOR_MATHJAX = """
async () => {
  if (!window.MathJax) return 'absent';
  if (!window.MathJax.startup || !window.MathJax.startup.promise) return 'loading';
  await window.MathJax.startup.promise;
  return 'done';
}
"""

VISIBLE_TEXT_OUTSIDE_CODE = """
() => {
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'MJX-CONTAINER', 'NOSCRIPT', 'TEXTAREA']);
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (skip.has(node.tagName) || node.classList.contains('highlight')) return;
      for (const child of node.childNodes) walk(child);
    } else if (node.nodeType === Node.TEXT_NODE) {
      out.push(node.textContent);
    }
  };
  walk(document.querySelector('main') || document.body);
  return out.join(' ');
}
"""

IMAGE_REPORT = """
() => Array.from(document.querySelectorAll('main img, article img')).map((img) => {
  let blank = null;
  if (img.complete && img.naturalWidth > 0 && img.closest('.cell_output, .output')) {
    try {
      const c = document.createElement('canvas');
      const w = Math.min(img.naturalWidth, 400), h = Math.min(img.naturalHeight, 400);
      c.width = w; c.height = h;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0, w, h);
      const d = ctx.getImageData(0, 0, w, h).data;
      blank = true;
      for (let i = 4; i < d.length; i += 4) {
        if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) { blank = false; break; }
      }
    } catch (e) { blank = null; }
  }
  return {src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0, blank: blank};
})
"""

RAW_TEX_MARKERS = ("$$", "\\begin{", "\\end{", "\\(", "\\)", "\\[", "\\]", "\\frac", "\\mathbf")


def wait_for_mathjax(page) -> str:
    """Wait until MathJax has typeset the page; return ``'done'``, ``'absent'`` or ``'loading'``."""
    return page.evaluate(WAIT_FOR_MATHJAX)


def raw_tex(page) -> list[str]:
    """TeX that MathJax left unrendered in the page's prose (code blocks are ignored)."""
    text = page.evaluate(VISIBLE_TEXT_OUTSIDE_CODE)
    problems = []
    for marker in RAW_TEX_MARKERS:
        at = text.find(marker)
        if at >= 0:
            problems.append(f"unrendered TeX {marker!r}: …{text[max(0, at - 40) : at + 40]!r}…")
    return problems


def mathjax_errors(page) -> list[str]:
    """MathJax error nodes (a TeX error typesets as a red ``mjx-merror`` box)."""
    texts = page.eval_on_selector_all("mjx-merror, .MathJax_Error", "els => els.map(e => e.textContent)")
    return [f"MathJax error: {t!r}" for t in texts]


def image_problems(page) -> list[str]:
    """Images that did not load, and notebook output figures that are a single colour."""
    problems = []
    for img in page.evaluate(IMAGE_REPORT):
        if not img["loaded"]:
            problems.append(f"image did not load: {img['src']}")
        elif img["blank"]:
            problems.append(f"blank figure (one colour): {img['src']}")
    return problems


def error_outputs(page) -> list[str]:
    """Output cells that show an error or a traceback."""
    texts = page.eval_on_selector_all(
        ".cell_output .traceback, .cell_output .error, .output.traceback, .output.error, .cell_output .stderr",
        "els => els.map(e => e.textContent.slice(0, 200))",
    )
    problems = [f"error output: {t!r}" for t in texts]
    body = page.inner_text("body")
    if "Traceback (most recent call last)" in body and not problems:
        problems.append("page text contains a Python traceback")
    return problems


def broken_internal_links(page, html_root: Path) -> list[str]:
    """Links to this site whose target file does not exist in the built book."""
    base = page.url
    host = urlparse(base).netloc
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    problems = []
    for href in sorted(set(hrefs)):
        if href.startswith(("mailto:", "javascript:", "#")):
            continue
        url = urlparse(urljoin(base, href))
        if url.scheme not in ("http", "https") or url.netloc != host:
            continue
        target = html_root / unquote(url.path).lstrip("/")
        if url.path.endswith("/"):
            target = target / "index.html"
        if not target.exists():
            problems.append(f"broken link {href!r} (no {target.relative_to(html_root)})")
    return problems


def horizontal_overflow(page) -> list[str]:
    """The page body scrolls sideways (wide content must scroll inside its own box)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1] + 1:
        return [f"page body is {widths[0]} px wide in a {widths[1]} px window"]
    return []


BROKEN_TABLE_TEXT = """
() => {
  const lines = (range) => new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0)
    .map((r) => Math.round(r.top + r.height / 2))).size;
  const out = [];
  for (const cell of document.querySelectorAll('main table td, main table th')) {
    if (cell.getClientRects().length === 0) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest('mjx-container, .MathJax')) continue;
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.textContent))) {
        // a line may end after a hyphen or a dash ("multi-" / "carrier"), but not inside a number ("1e-12")
        const number = /\\d[-\u2010\u2013\u2212]\\d|e[-\u2212]\\d/.test(m[0]);
        const parts = number ? [m[0]] : m[0].match(/[^-\u2010\u2013\u2014\u2212/]*[-\u2010\u2013\u2014\u2212/]*/g);
        let at = m.index;
        for (const part of parts) {
          if (!part) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + part.length);
          at += part.length;
          const n = lines(range);
          if (n > 1) out.push(`"${part}" breaks over ${n} lines in a cell "${cell.textContent.trim().slice(0, 50)}"`);
        }
      }
    }
  }
  for (const span of document.querySelectorAll('main .sig-nowrap')) {
    const range = document.createRange();
    range.selectNodeContents(span);
    const n = lines(range);
    if (n > 1) out.push(`number "${span.textContent}" breaks over ${n} lines`);
  }
  return out;
}
"""


def broken_table_text(page) -> list[str]:
    """A word or a number in a table cell broken over two lines ("s c a l e", "96.8 / 2 %").

    A line may end after a hyphen or a dash inside a word ("multi-" / "carrier"), not inside a number.
    Measured, not inferred from CSS: the text of each word (and of each ``.sig-nowrap`` number)
    must lie on one line box (its client rectangles share one vertical centre).
    """
    return page.evaluate(BROKEN_TABLE_TEXT)


EQUATION_REPORT = """
() => Array.from(document.querySelectorAll('main div.math')).map((d) => {
  const m = d.querySelector('mjx-container');
  if (!m) return null;
  const math = (m.querySelector('mjx-math') || m).getBoundingClientRect();
  const no = d.querySelector('.eqno');
  const n = no ? no.getBoundingClientRect() : null;
  const overlap = !!n && n.left < math.right && n.right > math.left && n.top < math.bottom && n.bottom > math.top;
  return {number: no ? no.textContent.replace('#', '').trim() : '', overlap, hidden: m.scrollWidth - m.clientWidth};
}).filter((x) => x !== null)
"""


def equation_problems(page, *, must_fit: bool = True) -> list[str]:
    """A display equation under its own number, or (with ``must_fit``) wider than the column, so that
    part of it is hidden or needs scrolling (equation (20) of the Wu chapter was clipped)."""
    problems = []
    for eq in page.evaluate(EQUATION_REPORT):
        name = f"equation {eq['number'] or '(unnumbered)'}"
        if eq["overlap"]:
            problems.append(f"{name} runs under its number")
        if must_fit and eq["hidden"] > 1:
            problems.append(f"{name} is {eq['hidden']} px wider than the column")
    return problems


def check_page(page, html_root: Path) -> list[str]:
    """All content checks of one loaded page."""
    problems = []
    state = wait_for_mathjax(page)
    if state != "done" and page.query_selector("mjx-container, .math") is not None:
        problems.append(f"MathJax did not finish ({state})")
    problems += raw_tex(page) + mathjax_errors(page) + image_problems(page) + error_outputs(page)
    problems += broken_internal_links(page, html_root) + broken_table_text(page) + equation_problems(page)
    return problems
