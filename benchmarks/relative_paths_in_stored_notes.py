"""Rewrite the machine paths in the notes of the stored reference runs relative to their root.

Usage (from the repository root)::

    python benchmarks/relative_paths_in_stored_notes.py [--check] [--root results/reference]

Older runs wrote absolute paths of the machine that made them into their provenance notes (the
LeNet-5 cache file, the data folder, torch's hub). The sources now write none; this rewrites the
stored ones, in ``provenance.notes`` only, as the book shows paths (:func:`sigcnn.book.public_paths`):

- ``<cache root>/NAME`` (``/root/.cache/sigcnn/results/_cache/``) -> ``$SIGCNN_CACHE/NAME``
- ``<data root>/NAME`` (``/work/shared/data/``) -> ``$SIGCNN_DATA/NAME``
- ``<torch home>/hub/...`` (``/root/.cache/torch/hub``) -> ``$TORCH_HOME/hub/...``

Nothing else in a file changes: the file is written back with the formatting of
:func:`sigcnn.core.results.save_result` (checked: re-writing an untouched file gives its bytes back),
and no checksum covers it (``arrays_sha256`` is the checksum of the arrays file, which is not touched).
An absolute path under none of these roots is reported and the script exits 1 without writing
that file. ``--check`` only prints what it would change.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOTS = (
    ("/root/.cache/sigcnn/results/_cache", "$SIGCNN_CACHE"),
    ("/root/.cache/torch/hub", "$TORCH_HOME/hub"),
    ("/work/shared/data", "$SIGCNN_DATA"),
)
"""(absolute root on the machines that made the stored runs, how a note names it)."""

ABSOLUTE = re.compile(r"(?<![\w.~$:/])/[^\s,;:()'\"`]+")
"""An absolute path in running text (the pattern of :func:`sigcnn.book.public_paths`): a ``/`` that
does not follow a word, a dot, ``~``, ``$``, ``:`` or another ``/`` (so no URL, fraction or relative path)."""


def relative(note: str) -> tuple[str, list[str]]:
    """``note`` with each absolute path under a known root rewritten, and the absolute paths left."""
    for root, label in ROOTS:
        note = re.sub(rf"(?<![\w.~$:/]){re.escape(root)}(?=/|\b)", lambda m, label=label: label, note)
    return note, ABSOLUTE.findall(note)


def _text(payload: dict) -> str:
    return json.dumps(payload, indent=2, allow_nan=False) + "\n"  # as save_result writes it


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("results/reference"))
    parser.add_argument("--check", action="store_true", help="print what would change, write nothing")
    args = parser.parse_args(argv)
    status = 0
    for path in sorted(args.root.glob("**/result.json")):
        original = path.read_text()
        payload = json.loads(original)
        notes = payload["provenance"].get("notes") or []
        changed, left = [], []
        for i, note in enumerate(notes):
            new, absolute = relative(note)
            left += absolute
            if new != note:
                notes[i] = new
                changed.append(new)
        if left:
            print(f"refused  {path}: absolute path(s) under no known root: {sorted(set(left))}")
            status = 1
            continue
        if not changed:
            continue
        if _text(json.loads(original)) != original:
            print(f"skipped  {path}: not in save_result's format (a rewrite would change more than notes)")
            status = 1
            continue
        print(f"{'would fix' if args.check else 'fixed'}  {path}: {len(changed)} note(s)")
        for note in changed:
            print(f"    {note}")
        if not args.check:
            path.write_text(_text(payload))
    return status


if __name__ == "__main__":
    sys.exit(main())
