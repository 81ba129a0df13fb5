"""Every notebook of the book executes at ci scale without errors.

CI does not run ``test_notebook_executes`` (``.ci/run`` passes ``-m "not notebook"``): there the
book build executes every notebook once, with ``nb_execution_raise_on_error`` and
``--warningiserror``, and is the notebook test. Locally, ``make test`` runs them all, and
``pytest tests/test_notebooks.py -k NAME`` executes one.
"""

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MYST_NOTEBOOKS = [p for p in sorted((REPO / "book").glob("*.md")) if "file_format: mystnb" in p.read_text()]


def _read(path: Path):
    nbformat = pytest.importorskip("nbformat", reason="executing notebooks needs the book extra (.[book])")
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell.get("execution_count") is None, f"{path.name} has outputs"


@pytest.fixture(scope="session")
def shared_results(tmp_path_factory):
    """One results folder for the whole session: the report page (run last) reuses the result
    files the experiment notebooks wrote, as it does in the book build."""
    return tmp_path_factory.mktemp("results")


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS + MYST_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, monkeypatch, shared_results, configured_data_root):
    if configured_data_root is None:
        pytest.skip("no data root with the offline data sets")
    nbclient = pytest.importorskip("nbclient", reason="executing notebooks needs the book extra (.[book])")
    monkeypatch.setenv("SIGCNN_DATA", str(configured_data_root))
    monkeypatch.setenv("SIGCNN_SCALE", "ci")
    monkeypatch.setenv("SIGCNN_RESULTS", str(shared_results))
    nb = _read(path)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
