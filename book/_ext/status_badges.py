"""The execution-status table (``{nb-exec-table}``) says "succeeded" / "failed" in text badges
instead of the emoji ✅ / ❌, which show as empty boxes where no emoji font is installed, and
keeps each date on one line ("2026-12-07" broke after a hyphen on a phone)."""

from __future__ import annotations

import re

from docutils import nodes

WORDS = {"\u2705": ("succeeded", "sig-badge sig-supported"), "\u274c": ("failed", "sig-badge sig-contradicted")}


def replace_marks(doctree: nodes.Node) -> int:
    """Replace every ✅ / ❌ text node of ``doctree`` by a badge (an inline node with its word); return how many."""
    count = 0
    for text in list(doctree.findall(nodes.Text)):
        word = WORDS.get(text.astext().strip())
        if word is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?", text.astext().strip()):
            word = (text.astext(), "sig-nowrap")
        if word is None:
            continue
        text.parent.replace(text, nodes.inline(word[0], word[0], classes=word[1].split()))
        count += 1
    return count


def _resolved(app, doctree, docname):
    replace_marks(doctree)


def setup(app):
    app.connect("doctree-resolved", _resolved)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
