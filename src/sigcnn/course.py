"""The course kit: student copies of the notebooks and a syllabus built from the chapters themselves.

``python -m sigcnn.course student OUT`` (``make student``) writes the notebooks with every
exercise's solution removed: a ``{solution}`` block becomes a one-line note, and the code cells
of an executed solution (between ``{solution-start}`` and ``{solution-end}``) become a scaffold.
:func:`page_info` reads a page's learning objectives and time estimate from its own
admonitions, so the syllabus (``book/teaching.md``) never retypes them.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SOLUTION_REMOVED = "*(The solution is not part of the student copy.)*"
_FENCE_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<directive>[a-z-]+)\}(?P<arg>.*)$")


def _directive_blocks(lines: list[str]):
    """Yield ``(start, end, directive, arg)`` for each top-level fenced directive (end inclusive)."""
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence = m["fence"]
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        yield i, min(j, len(lines) - 1), m["directive"], m["arg"].strip()
        i = j + 1


def strip_solutions(markdown: str) -> str:
    """``markdown`` with every ``{solution}`` directive replaced by :data:`SOLUTION_REMOVED`.

    Handles colon (``:::``) and backtick fences of any length; nested fences inside a solution
    (a code block) are removed with it.
    """
    lines = markdown.split("\n")
    out, cursor = [], 0
    for start, end, directive, _ in _directive_blocks(lines):
        if directive != "solution":
            continue
        out += lines[cursor:start] + [SOLUTION_REMOVED]
        cursor = end + 1
    return "\n".join(out + lines[cursor:])


def _scaffold(label: str) -> str:
    return f"# Exercise {label}: write your solution here.\n..."


def _fenced(lines: list[str], directive: str) -> tuple[int, int, str] | None:
    """The first top-level ``{directive}`` block in ``lines``: ``(start, end inclusive, argument)``."""
    for start, end, name, arg in _directive_blocks(lines):
        if name == directive:
            return start, end, arg
    return None


def _student_markdown(source: str, open_label: str | None) -> tuple[str | None, str | None]:
    """The student text of one markdown cell, given the label of the executed solution open before it
    (``None``: none is open); returns ``(text or None when nothing is left, label open after it)``.

    A cell may close a solution and go on with the next exercises (``{solution-end}`` then more
    text), or open one after its text: everything outside an executed solution is kept, and
    ``{solution}`` blocks in it become :data:`SOLUTION_REMOVED`.
    """
    lines, kept = source.split("\n"), []
    while lines:
        if open_label is not None:
            end = _fenced(lines, "solution-end")
            if end is None:
                lines = []  # the rest of the cell is the solution's text
                break
            lines, open_label = lines[end[1] + 1 :], None
            continue
        start = _fenced(lines, "solution-start")
        if start is None:
            kept += lines
            break
        kept += lines[: start[0]] + ["", SOLUTION_REMOVED, ""]
        lines, open_label = lines[start[1] + 1 :], (start[2].split() or ["?"])[0]
    text = strip_solutions("\n".join(kept)).strip("\n")
    return (text if text.strip() else None), open_label


def student_notebook(nb: Mapping) -> dict:
    """A student copy of notebook ``nb`` (nbformat 4 as a dict); ``nb`` itself is not changed.

    Raises
    ------
    ValueError
        When a ``{solution-start}`` has no matching ``{solution-end}``.
    """
    nb = dict(copy.deepcopy(nb))
    cells, out = nb.get("cells", []), []
    open_label = None
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            text, open_label = _student_markdown("".join(cell.get("source", [])), open_label)
            if text is not None:
                cell["source"] = text
                out.append(cell)
        elif open_label is not None:
            if cell.get("cell_type") == "code":
                cell["source"] = _scaffold(open_label)
                cell["outputs"], cell["execution_count"] = [], None
                out.append(cell)
        else:
            out.append(cell)
    if open_label is not None:
        raise ValueError(f"solution {open_label!r} starts but never ends (no {{solution-end}})")
    nb["cells"] = out
    return nb


def count_exercises(page: str | Mapping) -> int:
    """How many ``{exercise}`` directives a page's Markdown (or a notebook, as a dict) holds."""
    if isinstance(page, Mapping):
        page = "\n\n".join(
            "".join(c.get("source", [])) for c in page.get("cells", []) if c.get("cell_type") == "markdown"
        )
    return len(re.findall(r"(?m)^\s*(?:`{3,}|:{3,})\{exercise\}", page))


def solution_texts(nb: Mapping) -> list[str]:
    """The text of every solution in notebook ``nb`` (to check a student copy holds none of it)."""
    texts, inside = [], False
    for cell in nb.get("cells", []):
        source = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown":
            lines = source.split("\n")
            for start, end, directive, _ in _directive_blocks(lines):
                if directive == "solution":
                    body = "\n".join(lines[start + 1 : end]).strip()
                    body = "\n".join(x for x in body.split("\n") if not x.strip().startswith(":"))
                    texts.append(body.strip())
            if "{solution-start}" in source:
                inside = True
            elif "{solution-end}" in source:
                inside = False
        elif inside and cell.get("cell_type") == "code" and "".join(cell.get("source", [])).strip():
            texts.append("".join(cell["source"]).strip())
    return [t for t in texts if t]


def _write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file in its folder and a rename."""
    from .core.results import new_file_mode  # numpy and torch load only when a copy is written

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _refuse_overlap(source: Path, out_dir: Path) -> None:
    src, out = source.resolve(), out_dir.resolve()
    if src == out or src in out.parents or out in src.parents:
        raise ValueError(
            f"the student copies would overwrite the teacher's files: target {out_dir} is, holds or lies inside the source {source}"
        )


def student_page(markdown: str) -> str:
    """A student copy of a theory page (MyST Markdown): its exercises kept, its solutions removed."""
    return _student_markdown(markdown, None)[0] or ""


def pages_with_exercises(book: Path) -> list[Path]:
    """The theory pages (``*.md`` of ``book``) that hold at least one exercise."""
    return [p for p in sorted(Path(book).glob("*.md")) if count_exercises(p.read_text(encoding="utf-8"))]


def write_student_copies(notebooks: Path, out_dir: Path, book: Path | None = None) -> list[Path]:
    """Write a student copy of every ``*.ipynb`` in ``notebooks`` to ``out_dir``, and of every theory
    page of ``book`` with exercises to ``out_dir/book``; return the paths.

    Every file is written through a temporary file and a rename (an interrupted run leaves no half
    file), after all copies were made in memory (a notebook with an unclosed solution writes nothing).

    Raises
    ------
    ValueError
        When ``out_dir`` is, contains or lies inside ``notebooks`` or ``book`` (it would overwrite the
        teacher's files), or a solution never ends.
    """
    notebooks, out_dir = Path(notebooks), Path(out_dir)
    for source in (notebooks, book):
        if source is not None:
            _refuse_overlap(source, out_dir)
    copies: dict[Path, str] = {}
    for path in sorted(notebooks.glob("*.ipynb")):
        nb = student_notebook(json.loads(path.read_text(encoding="utf-8")))
        copies[out_dir / path.name] = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    for path in pages_with_exercises(book) if book is not None else []:
        copies[out_dir / "book" / path.name] = student_page(path.read_text(encoding="utf-8")) + "\n"
    for target, text in copies.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, text)
    return list(copies)


def _solutions_of_markdown(text: str) -> list[tuple[str, str]]:
    """``(label, text)`` of every ``{solution}`` block of ``text``."""
    lines, out = text.split("\n"), []
    for start, end, directive, arg in _directive_blocks(lines):
        if directive == "solution":
            body = [ln for ln in lines[start + 1 : end] if not re.match(r"^:\w[\w-]*:", ln.strip())]
            out.append((arg.split()[0] if arg.split() else "?", "\n".join(body).strip()))
    return out


def answers(source: Mapping | str) -> list[tuple[str, str]]:
    """``(exercise label, solution)`` for every solution of a notebook (a dict) or a page (Markdown):
    written solutions as they are, executed ones as their text and code (fenced)."""
    if isinstance(source, str):
        return _solutions_of_markdown(source)
    out: list[tuple[str, str]] = []
    label: str | None = None
    parts: list[str] = []
    for cell in source.get("cells", []):
        text = "".join(cell.get("source", []))
        if cell.get("cell_type") != "markdown":
            if label is not None and text.strip():
                parts.append(f"```python\n{text.strip()}\n```")
            continue
        lines = text.split("\n")
        while lines:
            if label is None:
                start = _fenced(lines, "solution-start")
                head = lines if start is None else lines[: start[0]]
                out += _solutions_of_markdown("\n".join(head))
                if start is None:
                    break
                label, parts = (start[2].split() or ["?"])[0], []
                lines = lines[start[1] + 1 :]
            else:
                end = _fenced(lines, "solution-end")
                parts.append("\n".join(lines if end is None else lines[: end[0]]).strip())
                if end is None:
                    break
                out.append((label, "\n\n".join(p for p in parts if p)))
                label, lines = None, lines[end[1] + 1 :]
    return out


def answer_key_markdown(notebooks: Path, book: Path | None = None) -> str:
    """The answer key: every exercise's solution, page by page (theory pages, then notebooks), as one
    Markdown document for the teacher (kept apart from the student copies)."""
    sections = []
    sources = [(p, p.read_text(encoding="utf-8")) for p in (pages_with_exercises(book) if book else [])]
    sources += [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(Path(notebooks).glob("*.ipynb"))]
    for path, source in sources:
        found = answers(source)
        if found:
            items = "\n\n".join(f"### `{label}`\n\n{text}" for label, text in found)
            sections.append(f"## {path.parent.name}/{path.name}\n\n{items}")
    n = sum(s.count("\n### ") for s in sections)
    return f"# Answer key\n\n{n} solutions. For the teacher: not part of the student copies.\n\n" + "\n\n".join(
        sections
    )


@dataclass
class PageInfo:
    """What the syllabus shows of a page: title, learning objectives and time estimate (minutes)."""

    path: str
    title: str
    objectives: list[str] = field(default_factory=list)
    minutes: int | None = None


def _page_markdown(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def page_info(path: Path | str, repo: Path | str = ".") -> PageInfo:
    """Title, objectives (the numbered or bulleted items of the "Learning objectives" admonition)
    and time (from a line starting ``**Time:**`` or a "Time" admonition: the minutes "of reading" or
    "for this page" when it names them, since each notebook has its own time; else every number
    added up: "1 h and 20 minutes" is 80)."""
    repo = Path(repo)
    rel = Path(path)
    file = next(
        (repo / rel.with_suffix(s) for s in (".md", ".ipynb") if (repo / rel.with_suffix(s)).exists()), repo / rel
    )
    text = _page_markdown(file)
    title = next((ln.lstrip("#").strip() for ln in text.splitlines() if ln.startswith("# ")), str(rel))
    objectives: list[str] = []
    lines = text.splitlines()
    for start, end, directive, arg in _directive_blocks(lines):
        if directive == "admonition" and "objective" in arg.lower():
            for ln in lines[start + 1 : end]:
                m = re.match(r"^\s*(?:\d+\.|[-*])\s+(.*)", ln)
                if m:
                    objectives.append(m.group(1).strip())
    time_lines = [ln for ln in lines if re.match(r"^\s*(\*\*)?(Time|Time estimate)(:\*\*|\*\*:|:)", ln, flags=re.I)]
    for start, end, directive, arg in _directive_blocks(lines):
        if directive == "admonition" and arg.strip().lower() in ("time", "time estimate"):
            time_lines += [" ".join(ln for ln in lines[start + 1 : end] if not ln.strip().startswith(":"))]
    minutes = None
    for ln in time_lines:
        minutes = _minutes(ln)
        if minutes is not None:
            break
    return PageInfo(str(rel), title, objectives, minutes)


def _minutes(line: str) -> int | None:
    """The time a time box gives to its own page: the minutes "of reading" or "for this page" when it
    says so (each notebook has its own time box), else all minutes and hours added up."""
    own = re.findall(r"(\d+)\s*(?:min|minutes)\s+(?:of reading|for this page|reading)", line)
    if own:
        return sum(int(n) for n in own)
    found = [int(n) for n in re.findall(r"(\d+)\s*(?:min|minutes)", line)]
    hours = [float(h) for h in re.findall(r"(\d+(?:\.\d+)?)\s*(?:h\b|hours?)", line)]
    return sum(found) + int(round(60 * sum(hours))) if found or hours else None


def syllabus_markdown(
    weeks: Sequence[tuple[str, Sequence[str]]], repo: Path | str = ".", live: Sequence[str] = ()
) -> str:
    """A Markdown syllabus: one section per week with its pages, objectives and time.

    ``weeks`` is a list of ``(theme, [page paths as in _toc.yml])``; ``live`` names the notebooks
    run live in class at ``ci`` scale (marked ▶).
    """
    out = []
    for number, (theme, pages) in enumerate(weeks, start=1):
        infos = [page_info(p, repo) for p in pages]
        total = sum(i.minutes or 0 for i in infos)
        out.append(f"### Week {number}: {theme}\n\n*About {total} minutes of reading and notebooks.*\n")
        for info in infos:
            mark = " ▶ live in class" if info.path in live else ""
            time = f" ({info.minutes} min)" if info.minutes else ""
            out.append(f"- {{doc}}`{info.title} </{info.path}>`{time}{mark}")
            out += [f"  - {o}" for o in info.objectives]
        out.append("")
    return "\n".join(out)


COURSE_WEEKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Correlations on a sphere", ("book/intro", "book/recos", "notebooks/recos_sphere")),
    ("Why rectify? The negative-image test", ("notebooks/recos_negative", "book/recos_cascade")),
    ("Anchors, cascades and backgrounds", ("notebooks/recos_anchors", "notebooks/recos_cascade")),
    (
        "Convolution as modulation",
        ("book/modulation", "notebooks/modulation_primer", "notebooks/modulation_equivalences"),
    ),
    ("Where trained networks move energy", ("notebooks/spectral_shift", "notebooks/spectral_shift_activations")),
    ("Whole networks: normalisation", ("book/modulation_applications", "notebooks/modulation_normalisation")),
    (
        "Training spectra and post-shift applications",
        (
            "notebooks/modulation_training_spectra",
            "notebooks/modulation_confidence",
            "notebooks/modulation_postshift_audio",
            "notebooks/modulation_postshift_segmentation",
        ),
    ),
    (
        "Time, frequency, wavelets and scattering",
        (
            "book/scattering",
            "notebooks/scattering_time_frequency",
            "notebooks/scattering_theorems",
            "notebooks/scattering_classifiers",
            "notebooks/scattering_audio",
        ),
    ),
    ("A CNN as a receiver: stable noise", ("book/channel", "notebooks/channel_ber")),
    (
        "Noise in a CNN, concentrated noise and better receivers",
        ("notebooks/channel_cnn_noise", "notebooks/channel_concentrated", "notebooks/channel_receivers"),
    ),
    ("The spectral response of a CNN", ("book/spectral_response", "notebooks/spectral_toy")),
    ("Maximum Gain of trained networks", ("notebooks/pretrained_max_gain", "notebooks/max_gain_training")),
    ("All five lenses on one network", ("book/five_lenses", "notebooks/lenses_lenet", "notebooks/lenses_audio")),
)
"""A 13-week course: (theme, pages in ``_toc.yml`` form). Objectives and times come from the pages."""

REFERENCE_PAGES = ("book/report", "book/status", "book/references", "book/api", "book/teaching")
"""Pages of the book that are not course material (every other page belongs to exactly one week)."""

LIVE_IN_CLASS = (
    "notebooks/recos_sphere",
    "notebooks/modulation_primer",
    "notebooks/modulation_equivalences",
    "notebooks/spectral_toy",
    "notebooks/scattering_time_frequency",
    "notebooks/channel_ber",
)
"""Notebooks cheap enough to run live in class at ``ci`` scale (no training, well under a minute)."""

WEEKLY_MINUTES = (40, 90)
"""The target weekly load of :data:`COURSE_WEEKS` (reading and notebooks, from the pages' own time
boxes): every week between these bounds, so no week is more than about twice another."""


def course_weeks(repo: Path | str = ".") -> list[tuple[str, list[str]]]:
    """:data:`COURSE_WEEKS` restricted to the pages that exist in ``repo`` (a chapter not yet written is left out)."""
    repo = Path(repo)
    out = []
    for theme, pages in COURSE_WEEKS:
        present = [p for p in pages if any((repo / p).with_suffix(s).exists() for s in (".md", ".ipynb"))]
        if present:
            out.append((theme, present))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sigcnn.course student|answers OUT_DIR [NOTEBOOKS_DIR [BOOK_DIR]]``: student copies,
    or the answer key (``OUT_DIR/answer-key.md``).

    ``BOOK_DIR`` (the theory pages) defaults to ``book`` beside ``NOTEBOOKS_DIR`` when it exists.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] not in ("student", "answers"):
        print("usage: python -m sigcnn.course student|answers OUT_DIR [NOTEBOOKS_DIR [BOOK_DIR]]", file=sys.stderr)
        return 2
    src = Path(argv[2]) if len(argv) > 2 else Path("notebooks")
    book = Path(argv[3]) if len(argv) > 3 else src.parent / "book"
    if not src.is_dir():
        print(f"sigcnn.course: no notebooks folder {src}", file=sys.stderr)
        return 2
    if len(argv) > 3 and not book.is_dir():
        print(f"sigcnn.course: no book folder {book}", file=sys.stderr)
        return 2
    if argv[0] == "answers":
        out = Path(argv[1])
        try:
            _refuse_overlap(src, out)
            out.mkdir(parents=True, exist_ok=True)
            key = answer_key_markdown(src, book if book.is_dir() else None)
            _write_atomic(out / "answer-key.md", key)
        except (ValueError, OSError) as exc:
            print(f"sigcnn.course: {exc}", file=sys.stderr)
            return 1
        print(f"answer key: {key.count(chr(10) + '### ')} solutions in {out / 'answer-key.md'}")
        return 0
    try:
        written = write_student_copies(src, Path(argv[1]), book if book.is_dir() else None)
    except (ValueError, OSError) as exc:
        print(f"sigcnn.course: {exc}", file=sys.stderr)
        return 1
    n_pages = sum(1 for p in written if p.suffix == ".md")
    print(f"student copies: {len(written) - n_pages} notebooks and {n_pages} theory pages in {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
