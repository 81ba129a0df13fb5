"""Every notebook of the book executes at ci scale without errors."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import CONFIGURED_DATA_ROOT, REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MYST_NOTEBOOKS = [p for p in sorted((REPO / "book").glob("*.md")) if "file_format: mystnb" in p.read_text()]


def _read(path: Path):
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text())


def test_notebooks_have_no_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"


@pytest.fixture(scope="session")
def shared_results(tmp_path_factory):
    """One results folder for the whole session: the report page (run last) reuses the result
    files the experiment notebooks wrote, as it does in the book build."""
    return tmp_path_factory.mktemp("results")


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS + MYST_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, monkeypatch, shared_results):
    root = CONFIGURED_DATA_ROOT
    if root is None:
        pytest.skip("no data root with the offline data sets")
    monkeypatch.setenv("SIGCNN_DATA", str(root))
    monkeypatch.setenv("SIGCNN_SCALE", "ci")
    monkeypatch.setenv("SIGCNN_RESULTS", str(shared_results))
    nb = _read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
