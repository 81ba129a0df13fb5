"""``sigcnn inspect``'s summary.html opened offline in headless Chromium: it renders, with its figures.

The page is written by a real (small) inspection of a freshly initialised LeNet-5 on MNIST, then
served on 127.0.0.1; every request that would leave it is blocked and recorded.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from .harness import serve

pytestmark = pytest.mark.browser

DATA = Path(os.environ.get("SIGCNN_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))

IMAGES = """
() => Array.from(document.querySelectorAll('img')).map((img) => ({
  src: img.getAttribute('src').slice(0, 22), loaded: img.complete && img.naturalWidth > 0,
  width: img.getBoundingClientRect().width}))
"""


@pytest.fixture(scope="module")
def summary_folder(tmp_path_factory) -> Path:
    if not (DATA / "MNIST").exists():
        if os.environ.get("SIGCNN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no MNIST under {DATA} (SIGCNN_REQUIRE_BROWSER=1)")
        pytest.skip(f"no MNIST under {DATA} (set SIGCNN_DATA)")
    from sigcnn import cli
    from sigcnn.models.lenet import LeNet5

    folder = tmp_path_factory.mktemp("inspect")
    torch.manual_seed(0)
    torch.save(LeNet5().state_dict(), folder / "lenet.pt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIGCNN_DATA", str(DATA))
        patch.setenv("SIGCNN_OFFLINE", "1")
        argv = ["inspect", str(folder / "lenet.pt"), "--arch", "lenet5", "--data", "mnist"]
        assert cli.main([*argv, "--examples", "4", "--untrained-seeds", "2", "--out", str(folder / "out")]) == 0
    return folder / "out" / "inspect" / "ci"


def test_summary_renders_offline_with_its_figures(offline_page, summary_folder):
    url, server = serve(summary_folder)
    try:
        p = offline_page()
        p.goto(url + "summary.html")
        images = p.page.evaluate(IMAGES)
        text = p.page.inner_text("body")
    finally:
        server.shutdown()
    assert len(images) == 5
    assert all(i["src"].startswith("data:image/png;base64") and i["loaded"] and i["width"] > 100 for i in images)
    assert p.external_requests == [] and p.console_errors == [] and p.failed_responses == []
    for name in ("c1", "act1", "s2", "c3", "act3", "s4", "c5", "act5"):
        assert name in text
    assert "Cross-lens claims" in text and "Layers skipped" in text
