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


def test_a_live_view_draws_its_initial_state_and_labels_are_not_cut(monkeypatch):
    pytest.importorskip("ipywidgets")
    import ipywidgets as widgets

    from sigcnn.widgets import slider_view

    monkeypatch.delenv("SIGCNN_STATIC_WIDGETS", raising=False)
    calls = []
    slider = widgets.FloatSlider(0.25, min=0, max=1, description="window (ms)")
    view = slider_view(lambda x: calls.append(x), {"x": slider})
    assert calls == [0.25]  # drawn once when built, before any slider moves
    slider.value = 0.5
    assert calls == [0.25, 0.5] and view.children[0].style.description_width == "initial"
