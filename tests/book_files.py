"""The book's own files, read by tests (the library never reads them)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    """The files of ``_toc.yml`` in book order."""
    return re.findall(r"^\s*-?\s*(?:file|root):\s*(\S+)", (REPO / "_toc.yml").read_text(), flags=re.MULTILINE)
