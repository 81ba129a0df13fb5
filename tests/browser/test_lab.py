"""Interactive use, as a person would: JupyterLab on 127.0.0.1, every library widget, each control moved.

A notebook with one cell per widget of ``sigcnn.widgets`` (found by name: ``*_widget``) is
opened in JupyterLab and run; for each widget the first slider is set to two values in turn
(typed into its readout, as a user can) and the figure the widget draws must change.
"""

from __future__ import annotations

import inspect
import json
import os
import pkgutil
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import import_module
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


def library_widgets() -> list[tuple[str, str]]:
    """``(module, function)`` for every ``*_widget`` factory in ``sigcnn.widgets``."""
    import sigcnn.widgets as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        module = import_module(f"sigcnn.widgets.{info.name}")
        found += [
            (info.name, name)
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if name.endswith("_widget") and fn.__module__ == module.__name__
        ]
    return sorted(found)


def _fixture_notebook(widgets) -> dict:
    modules = sorted({m for m, _ in widgets})
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "%matplotlib inline\nfrom IPython.display import display\n"
            f"from sigcnn.widgets import {', '.join(modules)}",
        }
    ]
    cells += [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": f"display({m}.{f}())"}
        for m, f in widgets
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    widgets = library_widgets()
    (tmp_path / "widgets.ipynb").write_text(json.dumps(_fixture_notebook(widgets)))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    env.pop("SIGCNN_STATIC_WIDGETS", None)  # live widgets here, whatever the book build uses
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        pytest.skip("JupyterLab is not installed (pip install -e .[book])")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("JupyterLab did not start within 120 s")
            time.sleep(0.5)
    yield f"{base}/lab/tree/widgets.ipynb?token={token}", widgets
    proc.terminate()
    proc.wait(timeout=30)


def test_every_widget_redraws_when_its_control_moves(lab, offline_page):
    url, widgets = lab
    assert widgets, "sigcnn.widgets has no *_widget factory"
    p = offline_page(width=1400, height=1000)
    page = p.page
    page.goto(url)
    page.wait_for_selector(".jp-Cell .jp-InputArea", timeout=120000)
    page.wait_for_function("() => document.body.innerText.includes('| Idle')", timeout=180000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    boxes = page.locator(".jp-OutputArea-output .widget-vbox")
    page.wait_for_function(
        f"() => document.querySelectorAll('.jp-OutputArea-output .widget-vbox').length >= {len(widgets)}",
        timeout=180000,
    )
    unchanged = []
    for i, (module, name) in enumerate(widgets):
        box = boxes.nth(i)
        # the initial state is drawn before any control moves
        page.wait_for_function("el => el.querySelector('img') !== null", arg=box.element_handle(), timeout=90000)
        cut = box.locator(".widget-label").evaluate_all(
            "ls => ls.filter(l => l.scrollWidth > l.clientWidth + 1).map(l => l.textContent)"
        )
        assert cut == [], f"{module}.{name}: slider labels cut: {cut}"
        handle = box.locator(".noUi-handle").first
        lo, hi = (float(handle.get_attribute(a)) for a in ("aria-valuemin", "aria-valuemax"))
        readout = box.locator(".widget-readout").first
        images = []
        for frac in (0.3, 0.7):
            old = box.locator("img").first.get_attribute("src")  # the figure before this move
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(f"{lo + frac * (hi - lo):.4g}")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "([el, old]) => { const im = el.querySelector('img'); return im && im.src !== old; }",
                arg=[box.element_handle(), old],
                timeout=90000,
            )
            images.append(box.locator("img").first.get_attribute("src"))
        if images[0] == images[1]:
            unchanged.append(f"{module}.{name}")
    assert unchanged == [], f"the figure did not change when the control moved: {unchanged}"


MYST_MARKERS = (":::{", "````{", "```{", "{cite}", "{eq}", "{doc}", "{numref}", "{ref}")
"""MyST that JupyterLab shows raw when jupyterlab-myst is missing."""


def test_a_notebook_shows_rendered_myst_not_raw_markup(lab, offline_page, tmp_path):
    """jupyterlab-myst (the [book] extra) renders admonitions, citations and cross-references."""
    url, _ = lab
    name = "recos_negative.ipynb"
    shutil.copy(REPO / "notebooks" / name, tmp_path / name)
    # every cell rendered (no windowing), so the whole notebook's text is on the page
    settings = tmp_path / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    page = offline_page(width=1400, height=1000).page
    page.goto(url.replace("widgets.ipynb", name))
    page.wait_for_selector(".jp-MarkdownCell .jp-RenderedMarkdown, .jp-MarkdownCell .myst", timeout=120000)
    page.wait_for_timeout(3000)
    text = page.locator(".jp-Notebook").inner_text()
    assert "Exercises" in text  # the notebook's end is rendered too
    raw = [m for m in MYST_MARKERS if m in text]
    assert raw == [], f"{name} shows raw MyST in JupyterLab: {raw} (is jupyterlab-myst installed?)"
