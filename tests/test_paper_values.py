"""Every report row's paper value is tied to the paper (issue 9, item 14).

For each experiment's :attr:`report_rows` (``sigcnn.experiments.describe(name)``):

* ``source="paper"`` with a number: the number is printed in its *context* in the paper the
  experiment reproduces (``../shared/papers``; as printed, e.g. a ``percent`` row's 0.9894 as
  "98.94"). ``paper_value_contexts.json`` beside this file names the context of every such row (a
  quote of the sentence, a table cell by caption, row and column, or a table's number of rows), so
  a value swapped between two rows fails (issue 21, item 18); a row without a context fails too;
* ``source="paper"`` with words: the words hold no digits (a number belongs in ``paper`` as a
  number, so it can be checked here and formatted by the report);
* ``source="external"``: the row names a key of ``book/references.bib`` (in ``reproduces`` or
  ``quantity``), the reference the value comes from;
* ``"derived"`` and ``"ours"`` rows are exempt.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from sigcnn import experiments

REPO = Path(__file__).resolve().parents[1]
PAPERS = REPO.parent / "shared" / "papers"
PAPER_FILES = {
    "kuo2016recos": "kuo2016-recos-model.txt",
    "wu2022modulation": "wu2022-convolutional-modulation-theory.txt",
    "ge2021communication": "ge-cnn-and-communication-systems.txt",
    "koushik2016scattering": "koushik-understanding-cnns-scattering.txt",
    "stamatescu2018spectral": "stamatescu-mcdonnell-spectral-response.txt",
}


CONTEXTS = json.loads((Path(__file__).with_name("paper_value_contexts.json")).read_text())

# "Fig. 9", "Eqs. 6, 8", "Table 2", "§3.1" name a place in the paper, not a value
REFERENCE = re.compile(r"(Figs?\.|Eqs?\.|Tables?|§|[Ss]ections?)\s*[\d.,\-–\s]*\d")


def bib_keys() -> set[str]:
    return set(re.findall(r"@\w+\{([^,\s]+),", (REPO / "book" / "references.bib").read_text()))


def printed_forms(value: float, row_format: str) -> set[str]:
    """The ways a paper may print ``value``: exact decimal renderings (up to 4 decimals), the
    percentage of a fraction for ``percent`` rows, with or without a thousands separator."""
    candidates = [value * 100] if row_format == "percent" else []
    candidates.append(value)
    forms = set()
    for number in candidates:
        for decimals in range(5):
            text = f"{number:.{decimals}f}"
            if math.isclose(float(text), number, rel_tol=1e-12, abs_tol=1e-12):
                forms |= {text, f"{number:,.{decimals}f}"}
                break
    return forms


def appears_in(forms: set[str], text: str) -> bool:
    text = text.replace("\u2212", "-")  # the papers' minus sign
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d]|\.\d)", text) for form in forms)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2212", "-")).strip()


def table_lines(paper_text: str, caption: str) -> tuple[list[str], list[list[str]]]:
    """The header and data rows (tab-separated cells) of the table whose caption line starts with
    ``caption``: the first block of tab-separated lines after it.

    Raises
    ------
    ValueError
        When no caption line starts with ``caption`` or no table follows it.
    """
    lines = paper_text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip().startswith(caption)]
    if not starts:
        raise ValueError(f"no caption starting with {caption!r}")
    block: list[list[str]] = []
    for line in lines[starts[0] + 1 :]:
        if "\t" in line:
            block.append([cell.strip() for cell in line.split("\t")])
        elif block:
            break
    if len(block) < 2:
        raise ValueError(f"no table after the caption {caption!r}")
    return block[0], block[1:]


def context_text(context: dict, paper_text: str) -> str:
    """The text a context names: the quote (checked to be in the paper), a table cell, or a table's row count.

    Raises
    ------
    ValueError
        When the quote is not in the paper, or the table, row or column does not exist.
    """
    if "quote" in context:
        if _normalise(context["quote"]) not in _normalise(paper_text):
            raise ValueError(f"the quote {context['quote']!r} is not in the paper")
        return context["quote"]
    header, rows = table_lines(paper_text, context["table"])
    if context.get("rows"):
        return str(len(rows))
    if context["column"] not in header:
        raise ValueError(f"{context['table']} has no column {context['column']!r} (header {header})")
    col = header.index(context["column"])
    for row in rows:
        if row and row[0] == context["row"]:
            return row[col]
    raise ValueError(f"{context['table']} has no row {context['row']!r}")


def in_context(value: float, row_format: str, context: dict | None, paper_text: str) -> str | None:
    """``None`` when ``value`` is printed once in its context, else what is wrong."""
    if context is None:
        return "no context: add where the paper prints it to tests/paper_value_contexts.json"
    try:
        text = context_text(context, paper_text)
    except ValueError as exc:
        return str(exc)
    forms = printed_forms(value, row_format)
    found = sum(len(re.findall(rf"(?<![\d.]){re.escape(f)}(?![\d]|\.\d)", text.replace("\u2212", "-"))) for f in forms)
    if found == 0:
        return f"not in its context {text!r}"
    if found > 1:
        return f"printed {found} times in its context {text!r}: quote less"
    return None


def row_problems(description, paper_text: str | None, keys: set[str], contexts: dict | None = None) -> list[str]:
    contexts = CONTEXTS if contexts is None else contexts
    problems = []
    for row in description.report_rows:
        label = f"{row.reproduces} / {row.metric}"
        if row.source == "paper":
            value = row.paper
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int | float):
                if paper_text is None:
                    continue
                # the context (a quote checked to be in the paper, a table cell, a table's row count)
                # replaces the old check that the number appears anywhere in the paper
                where = f"{getattr(description, 'name', '?')}/{row.metric}"
                problem = in_context(float(value), row.format, contexts.get(where), paper_text)
                if problem:
                    problems.append(f"{label}: paper value {value!r}: {problem}")
            elif re.search(r"\d", REFERENCE.sub("", str(value))):
                problems.append(f"{label}: paper value {value!r} holds a number in words (make it a number)")
        elif row.source == "external":
            text = f"{row.reproduces} {row.quantity} {getattr(row, 'cite', None) or ''}"
            if not any(key in text for key in keys):
                problems.append(f"{label}: an external value must name its reference (a key of references.bib)")
    return problems


def test_printed_forms_and_matching():
    """The matcher itself: a fraction is found as its percentage, a number is not found inside
    a longer one, and an integer is found with a thousands separator."""
    assert "98.94" in printed_forms(0.9894, "percent")
    assert appears_in(printed_forms(0.9894, "percent"), "a rate of 98.94% on the test set")
    assert not appears_in(printed_forms(0.9894, "percent"), "a rate of 198.94 units")
    assert not appears_in(printed_forms(18, "number"), "it was 18.5 dB")
    assert appears_in(printed_forms(60000, "int"), "on 60,000 images")
    assert appears_in(printed_forms(-3.5, "db"), "a gain of \u22123.5 dB")
    assert not re.search(r"\d", REFERENCE.sub("", "no number (read from Fig. 9; Eqs. 6, 8 and §3.1)"))
    assert re.search(r"\d", REFERENCE.sub("", "about 1 (Fig. 9)"))


@pytest.mark.parametrize("name", experiments.names())
def test_report_rows_tie_to_the_paper(name):
    description = experiments.describe(name)
    if description.paper == "ours":  # our synthesis (the five-lenses chapter): no paper to tie values to
        assert all(r.source in ("ours", "derived") for r in description.report_rows)
        return
    paper_file = PAPER_FILES.get(description.paper)
    assert paper_file is not None, f"{name}: no paper file known for bib key {description.paper!r}"
    keys = bib_keys()
    assert description.paper in keys, f"{name}: paper key {description.paper!r} is not in book/references.bib"
    if not PAPERS.exists():
        pytest.skip(f"{PAPERS} is absent: the papers' texts are needed to check the paper values")
    paper_text = (PAPERS / paper_file).read_text()
    problems = row_problems(description, paper_text, keys)
    assert not problems, f"{name}: " + "; ".join(problems)


def test_a_value_not_in_the_paper_is_caught():
    """A mistyped paper value (98.93 % where Kuo prints 98.94 %) and an external row without its
    reference are reported; the right value is not."""
    from types import SimpleNamespace

    from sigcnn.experiments._base import ReportRow

    text = "LeNet-5 gives a correct recognition rate of 98.94% on the test set."
    rows = (
        ReportRow("Kuo §2", "accuracy", "a", 0.9894, format="percent"),
        ReportRow("Kuo §2", "accuracy", "b", 0.9893, format="percent"),
        ReportRow("ImageNet", "top-1 accuracy of a pretrained VGG", "c", 0.71, source="external"),
        ReportRow("ImageNet", "ours", "d", 0.5, source="ours"),
    )
    contexts = {"x/a": {"quote": "a correct recognition rate of 98.94%"}}
    problems = row_problems(SimpleNamespace(name="x", report_rows=rows), text, {"lecun1998gradient"}, contexts)
    assert [p.split(":")[0] for p in problems] == ["Kuo §2 / b", "ImageNet / c"]


KUO = (
    "obtained a correct recognition rate of 98.94% for the MNIST test dataset. Then, we applied the same "
    "network to gray-scale-reversed test images as shown in Fig. 5. The accuracy drops to 37.36%.\n\n"
    "Table 6. Comparison of Mean accuracy and Mean IU\n\n\tMean accuracy\tMean IU\n"
    "Original images\t0.4737\t0.3621\nPost-shift images\t0.5169\t0.4017\n\nTable 7. next"
)
CONTEXTS_KUO = {
    "x/original": {"quote": "a correct recognition rate of 98.94% for the MNIST test dataset"},
    "x/reversed": {"quote": "The accuracy drops to 37.36%"},
    "x/acc": {"table": "Table 6.", "row": "Original images", "column": "Mean accuracy"},
    "x/iu": {"table": "Table 6.", "row": "Original images", "column": "Mean IU"},
    "x/rows": {"table": "Table 6.", "rows": True},
}


def _rows(original=0.9894, reversed_=0.3736, acc=0.4737, iu=0.3621, rows=2):
    from types import SimpleNamespace

    from sigcnn.experiments._base import ReportRow

    return SimpleNamespace(
        name="x",
        report_rows=(
            ReportRow("Kuo §2", "accuracy", "original", original, format="percent"),
            ReportRow("Kuo §2", "accuracy", "reversed", reversed_, format="percent"),
            ReportRow("Wu Table 6", "mean accuracy", "acc", acc),
            ReportRow("Wu Table 6", "mean IU", "iu", iu),
            ReportRow("Wu Table 6", "rows", "rows", rows, format="int"),
        ),
    )


def test_values_in_their_context_pass():
    assert row_problems(_rows(), KUO, set(), CONTEXTS_KUO) == []


@pytest.mark.parametrize(
    "swapped, failing",
    [
        (dict(original=0.3736, reversed_=0.9894), ["original", "reversed"]),  # both numbers are in the paper
        (dict(acc=0.3621, iu=0.4737), ["acc", "iu"]),  # two cells of one row
        (dict(acc=0.5169), ["acc"]),  # the cell of the other row
        (dict(rows=3), ["rows"]),
    ],
)
def test_a_value_swapped_between_rows_is_caught(swapped, failing):
    """Issue 21 item 18: the old check (the number appears anywhere in the paper) passed all of these."""
    rows = _rows(**swapped)
    problems = row_problems(rows, KUO, set(), CONTEXTS_KUO)
    assert [p.split(":")[0].split(" / ")[1] for p in problems] == failing
    for row in rows.report_rows:  # every value is still somewhere in the text: only the context catches it
        if row.format != "int":
            assert appears_in(printed_forms(float(row.paper), row.format), KUO)


def test_a_context_must_exist_and_be_in_the_paper():
    problems = row_problems(_rows(), KUO, set(), {k: v for k, v in CONTEXTS_KUO.items() if k != "x/acc"})
    assert len(problems) == 1 and "no context" in problems[0]
    bad = {**CONTEXTS_KUO, "x/original": {"quote": "a correct recognition rate of 98.94% on ImageNet"}}
    assert "is not in the paper" in row_problems(_rows(), KUO, set(), bad)[0]
    bad = {**CONTEXTS_KUO, "x/acc": {"table": "Table 6.", "row": "Original images", "column": "Mean"}}
    assert "no column" in row_problems(_rows(), KUO, set(), bad)[0]


def test_every_context_names_a_paper_row():
    """No stale entry: each context belongs to a report row with a number from the paper."""
    rows = {
        f"{name}/{row.metric}"
        for name in experiments.names()
        for row in experiments.describe(name).report_rows
        if row.source == "paper" and isinstance(row.paper, int | float) and not isinstance(row.paper, bool)
    }
    assert sorted(set(CONTEXTS) - {"_doc"} - rows) == []
