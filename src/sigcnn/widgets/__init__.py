"""Interactive views (ipywidgets). Each has a static default rendering, so a headless book build
still shows a figure; one module per chapter."""
