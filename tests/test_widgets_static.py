"""Widget factories build live views, and nothing at all in the static book build."""

from __future__ import annotations

import pytest

from sigcnn.widgets import modulation, scattering, sphere

FACTORIES = [
    modulation.dsb_sc_widget,
    modulation.kernel_carriers_widget,
    scattering.window_tradeoff_widget,
    sphere.circle_widget,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_static_build_creates_no_widget(factory, monkeypatch):
    pytest.importorskip("ipywidgets")
    from ipywidgets import Widget

    monkeypatch.setenv("SIGCNN_STATIC_WIDGETS", "1")
    before = len(Widget.widgets)
    assert factory() is None
    assert len(Widget.widgets) == before  # no widget model was created (so no widget state is saved)
    monkeypatch.delenv("SIGCNN_STATIC_WIDGETS")
    view = factory()
    assert view is not None and len(Widget.widgets) > before
