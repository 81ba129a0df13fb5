"""Launch buttons come from one setting (``repository: url:`` in ``_config.yml``), off when it is unset."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
import launch_buttons  # noqa: E402


def _configured(url, hub=""):
    config = SimpleNamespace(html_theme_options={"repository_url": url, "launch_buttons": {"jupyterhub_url": hub}})
    launch_buttons._configure(None, config)
    return config.html_theme_options


def test_unset_means_no_button_and_no_repository_link():
    options = _configured("")
    assert not any(options["launch_buttons"][k] for k in launch_buttons.PROVIDERS)
    assert "repository_url" not in options


def test_a_github_url_turns_on_binder_and_colab_and_a_hub_when_named():
    options = _configured("https://github.com/someone/sigcnn/", "https://hub.example.org")
    buttons = options["launch_buttons"]
    assert buttons["binderhub_url"] == launch_buttons.BINDER and buttons["colab_url"] == launch_buttons.COLAB
    assert buttons["jupyterhub_url"] == "https://hub.example.org"
    with pytest.raises(Exception, match="must be a GitHub repository"):
        _configured("https://gitlab.com/someone/sigcnn")


def test_the_book_ships_with_the_setting_empty_and_the_extension_on():
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert config["repository"]["url"] == ""
    assert config["sphinx"]["local_extensions"]["launch_buttons"] == "book/_ext"
    assert "repository: url:" in (REPO / "README.md").read_text()


def test_the_status_table_says_succeeded_in_words_not_an_emoji():
    import status_badges
    from docutils import nodes

    cell = nodes.paragraph("", "", nodes.Text("\u2705"))
    other = nodes.paragraph("", "", nodes.Text("a \u2705 inside a sentence"))
    root = nodes.section("", cell, other)
    assert status_badges.replace_marks(root) == 1
    assert cell.astext() == "succeeded" and "sig-badge" in cell.children[0]["classes"]
    assert "\u2705" in other.astext()  # only a mark alone in its cell
    date = nodes.paragraph("", "", nodes.Text("2026-12-07 03:21"))
    assert status_badges.replace_marks(nodes.section("", date)) == 1 and date.children[0]["classes"] == ["sig-nowrap"]
