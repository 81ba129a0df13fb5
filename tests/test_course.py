"""The course kit: student copies hold no solution text; the syllabus reads the chapters' own objectives."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from book_files import toc_files

from sigcnn import course

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}


def test_strip_solutions_removes_nested_fences_and_keeps_the_rest():
    text = (
        "intro\n:::{exercise}\n:label: e1\nDo it.\n:::\n\n::::{solution} e1\n:class: dropdown\n\n"
        "```python\nsecret = 42\n```\nThe answer is 42.\n::::\nafter"
    )
    out = course.strip_solutions(text)
    assert "secret" not in out and "answer is 42" not in out
    assert out.startswith("intro\n:::{exercise}\n:label: e1\nDo it.\n:::") and out.endswith("after")
    assert out.count(course.SOLUTION_REMOVED) == 1


def test_executed_solution_becomes_a_scaffold():
    nb = {
        "cells": [
            _md("## Exercises\n\n:::{exercise}\n:label: ex-a\nCompute.\n:::"),
            _md(":::{solution-start} ex-a\n:class: dropdown\n:::\nWe compute it:"),
            _code("value = 6 * 7\nprint(value)"),
            _md(":::{solution-end}\n:::"),
            _code("print('after')"),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    before = json.dumps(nb)
    student = course.student_notebook(nb)
    text = json.dumps(student)
    assert "6 * 7" not in text and "We compute it" not in text and "solution-end" not in text
    assert "ex-a: write your solution here" in text and "print('after')" in text
    assert json.dumps(nb) == before  # the teacher's copy is untouched
    assert course.solution_texts(nb) == ["value = 6 * 7\nprint(value)"]


def test_unclosed_solution_is_an_error():
    with pytest.raises(ValueError, match="never ends"):
        course.student_notebook({"cells": [_md(":::{solution-start} ex-b\n:::"), _code("x = 1")]})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_of_each_notebook_has_no_solution_text(path, tmp_path):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    course.write_student_copies(path.parent, tmp_path)

    def all_sources(nb):
        return "\n".join("".join(c["source"]) for c in nb["cells"])

    teacher_nb = json.loads(path.read_text())
    teacher_text = all_sources(teacher_nb)
    student = all_sources(json.loads((tmp_path / path.name).read_text()))
    solutions = "\n".join(course.solution_texts(teacher_nb))
    for line in {ln.strip() for ln in solutions.splitlines() if len(ln.strip()) > 25}:
        # a solution line may also be quoted outside the solution: every copy inside solutions must go
        inside = solutions.count(line)
        assert teacher_text.count(line) - student.count(line) >= inside, (
            f"{path.name}: solution line survives: {line!r}"
        )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_page_info_reads_objectives_and_time(tmp_path):
    (tmp_path / "p.md").write_text(
        "# A page\n\n:::{admonition} Learning objectives\n:class: tip\n1. one\n2. two\n:::\n\n"
        "**Time:** 20 minutes of reading, 1.5 hours for the notebook.\n"
    )
    info = course.page_info("p", tmp_path)
    # the page's own time (its notebook has its own time box, counted in its week once)
    assert (info.title, info.objectives, info.minutes) == ("A page", ["one", "two"], 20)


def test_cli_refuses_a_missing_folder(tmp_path, capsys):
    assert course.main(["student", str(tmp_path / "out"), str(tmp_path / "nope")]) == 2
    assert "no notebooks folder" in capsys.readouterr().err


def test_every_chapter_page_is_in_exactly_one_week():
    toc = toc_files()
    weeks = [p for _, pages in course.COURSE_WEEKS for p in pages]
    assert len(weeks) == len(set(weeks)), "a page is planned in two weeks"
    unplanned = [p for p in toc if p not in weeks and p not in course.REFERENCE_PAGES]
    assert unplanned == [], f"pages of _toc.yml in no week of sigcnn.course.COURSE_WEEKS: {unplanned}"
    planned_present = [p for _, pages in course.course_weeks(REPO) for p in pages]
    assert [p for p in planned_present if p not in toc] == [], "a planned page exists but is not in _toc.yml"


def test_syllabus_reads_each_page_objectives():
    text = course.syllabus_markdown(course.course_weeks(REPO), REPO, live=course.LIVE_IN_CLASS)
    info = course.page_info("book/recos", REPO)
    assert info.objectives and all(o in text for o in info.objectives)
    assert text.count("### Week") == len(course.course_weeks(REPO))


def test_student_copies_keep_every_exercise_of_the_notebooks_and_the_theory_pages(tmp_path):
    """Counted in the teacher's files and in the copies; the old code dropped a cell that closed a
    solution and went on with the next exercises (3 exercises in the book, 1 in the copy)."""
    out = tmp_path / "student"
    written = course.write_student_copies(REPO / "notebooks", out, REPO / "book")
    book = {p.name: course.count_exercises(json.loads(p.read_text())) for p in NOTEBOOKS}
    book |= {f"book/{p.name}": course.count_exercises(p.read_text()) for p in (REPO / "book").glob("*.md")}
    copies = {p.name: course.count_exercises(json.loads(p.read_text())) for p in out.glob("*.ipynb")}
    copies |= {f"book/{p.name}": course.count_exercises(p.read_text()) for p in (out / "book").glob("*.md")}
    expected = {k: v for k, v in book.items() if v}
    assert sum(expected.values()) >= 40 and {k: copies.get(k, 0) for k in expected} == expected
    assert len(written) == len(NOTEBOOKS) + sum(1 for k in expected if k.startswith("book/"))
    for page in (out / "book").glob("*.md"):  # no theory solution survives
        text = page.read_text()
        assert "{solution}" not in text and course.SOLUTION_REMOVED in text, page.name


def test_a_cell_closing_a_solution_keeps_the_exercises_after_it():
    nb = {
        "cells": [
            _md(":::{exercise}\n:label: a\nOne.\n:::\n\n````{solution-start} a\n:class: dropdown\n````\n\nsecret A"),
            _code("x = 1"),
            _md("````{solution-end}\n````\n\n:::{exercise}\n:label: b\nTwo.\n:::\n\n:::{solution} b\nsecret B\n:::"),
            _md("````{solution-start} c\n````\nsecret C"),
            _code("y = 2"),
            _md("````{solution-end}\n````"),
        ]
    }
    student = course.student_notebook(nb)
    text = json.dumps(student)
    assert course.count_exercises(student) == 2 and "Two." in text
    assert "secret" not in text and "x = 1" not in text and text.count(course.SOLUTION_REMOVED) == 3
    assert [c["cell_type"] for c in student["cells"]] == ["markdown", "code", "markdown", "markdown", "code"]


@pytest.mark.parametrize("target", ["notebooks", "notebooks/sub", "."])
def test_a_target_that_is_or_holds_the_source_is_refused_and_nothing_is_written(tmp_path, target, capsys):
    src = tmp_path / "notebooks"
    src.mkdir()
    teacher = json.dumps({"cells": [_md(":::{solution} a\nsecret\n:::")], "metadata": {}, "nbformat": 4})
    (src / "a.ipynb").write_text(teacher)
    assert course.main(["student", str(tmp_path / target), str(src)]) == 1
    assert "overwrite the teacher's files" in capsys.readouterr().err
    assert (src / "a.ipynb").read_text() == teacher and sorted(p.name for p in src.rglob("*")) == ["a.ipynb"]


def test_copies_are_written_through_a_temporary_file_and_a_rename(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "recos_sphere.ipynb").write_text("old")
    renamed = []
    real = course.os.replace
    monkeypatch.setattr(course.os, "replace", lambda a, b: (renamed.append((Path(a).parent, Path(b).name)), real(a, b)))
    course.write_student_copies(REPO / "notebooks", out)
    assert (out, "recos_sphere.ipynb") in renamed and len(renamed) == len(NOTEBOOKS)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in NOTEBOOKS)  # no temp file left


def test_time_boxes_give_each_page_its_own_time():
    # the scattering page's time is an admonition: 20 minutes for the page (its notebooks have their own)
    assert course.page_info("book/scattering", REPO).minutes == 20
    assert course.page_info("book/channel", REPO).minutes == 25  # "25 minutes of reading, 20-30 … notebooks"
    assert course._minutes("**Time:** 1 h and 20 minutes") == 80


def test_every_week_of_the_syllabus_is_within_the_target_load():
    weeks = course.course_weeks(REPO)
    loads = {}
    for theme, pages in weeks:
        infos = [course.page_info(p, REPO) for p in pages]
        assert [i.path for i in infos if i.minutes is None] == [], f"pages without a time box in {theme!r}"
        loads[theme] = sum(i.minutes for i in infos)
    lo, hi = course.WEEKLY_MINUTES
    assert len(weeks) == len(course.COURSE_WEEKS) == 13 and all(lo <= m <= hi for m in loads.values()), loads


def test_the_answer_key_has_one_solution_per_exercise_and_none_of_it_is_in_the_student_copies(tmp_path):
    assert course.main(["answers", str(tmp_path / "key"), str(REPO / "notebooks"), str(REPO / "book")]) == 0
    key = (tmp_path / "key" / "answer-key.md").read_text()
    labels = []
    for path in [*NOTEBOOKS, *(REPO / "book").glob("*.md")]:
        text = path.read_text()
        labels += re.findall(r":label: ([\w-]+)", text[text.find("{exercise}") :]) if "{exercise}" in text else []
    keyed = re.findall(r"^### `([\w-]+)`$", key, flags=re.MULTILINE)
    exercises = set(re.findall(r"[\w-]+", " ".join(labels))) & set(keyed)
    assert len(keyed) == len(set(keyed)) >= 70 and len(exercises) == len(keyed)
    course.write_student_copies(REPO / "notebooks", tmp_path / "student", REPO / "book")
    copies = "\n".join(
        "\n".join("".join(c["source"]) for c in json.loads(p.read_text())["cells"])
        if p.suffix == ".ipynb"
        else p.read_text()
        for p in (tmp_path / "student").rglob("*.*")
    )
    firsts = [b.strip().split("\n")[0] for b in re.split(r"^### `[\w-]+`$", key, flags=re.MULTILINE)[1:]]
    leaked = [f for f in firsts if len(f) > 30 and f in copies]
    assert leaked == []


@pytest.mark.parametrize("path", [*NOTEBOOKS, *sorted((REPO / "book").glob("*.md"))], ids=lambda p: p.name)
def test_no_equation_reference_in_parentheses(path):
    """{eq} writes its own parentheses: "({eq}`x`)" shows as "((25))"."""
    assert "({eq}`" not in path.read_text(encoding="utf-8")
