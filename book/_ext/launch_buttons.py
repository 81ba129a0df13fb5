"""Launch buttons (Binder, Colab, a JupyterHub) from one setting: ``repository: url:`` in ``_config.yml``.

Unset (the default), a page has no launch button and no repository link. Set to a GitHub URL
(``https://github.com/OWNER/sigcnn``), every notebook page gets "launch on Binder" and "open in
Colab" buttons, and a JupyterHub button when ``launch_buttons: jupyterhub_url:`` names a hub.
Any other URL stops the build with a message (the theme only launches GitHub repositories).
"""

from __future__ import annotations

import re

from sphinx.errors import ConfigError

BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
PROVIDERS = ("binderhub_url", "colab_url", "jupyterhub_url", "jupyterlite_url")


def launch_options(repository_url: str | None, jupyterhub_url: str = "") -> dict:
    """The theme's ``launch_buttons`` options for ``repository_url`` (all off when it is empty)."""
    url = (repository_url or "").strip().rstrip("/")
    if not url:
        return {**dict.fromkeys(PROVIDERS, ""), "thebe": False}
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ConfigError(
            f"repository: url: in _config.yml must be a GitHub repository (https://github.com/OWNER/NAME), got {url!r}"
        )
    return {
        "notebook_interface": "jupyterlab",
        "binderhub_url": BINDER,
        "colab_url": COLAB,
        "jupyterhub_url": (jupyterhub_url or "").strip(),
        "jupyterlite_url": "",
        "thebe": False,
    }


def _configure(app, config):
    options = config.html_theme_options
    current = options.get("launch_buttons") or {}
    options["launch_buttons"] = {
        **current,
        **launch_options(options.get("repository_url"), current.get("jupyterhub_url", "")),
    }
    if not (options.get("repository_url") or "").strip():
        options.pop("repository_url", None)  # no repository button, no link to someone else's repository


def setup(app):
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
