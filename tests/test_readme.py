"""The README's first screen and its lists agree with the code: experiments, make targets."""

from __future__ import annotations

import re
from pathlib import Path

from sigcnn import experiments

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")


def test_the_experiment_table_is_the_list_sigcnn_list_prints():
    table = README[README.index("| experiment | reproduces |") :].split("\n\n")[0]
    names = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.MULTILINE)
    assert names == experiments.names()
    for name in names:
        assert f"| `{name}` | {experiments.describe(name).reproduces} |" in table


def test_the_quick_start_is_five_commands_on_the_first_screen():
    head = README.split("\n")[:25]
    start = head.index("## Quick start")
    block = "\n".join(head[start:]).split("```bash\n")[1].split("```")[0]
    commands = [ln for ln in block.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(commands) == 5
    for step in ("git clone", "make install", "make book", "sigcnn run", "jupyter lab"):
        assert sum(step in c for c in commands) == 1, step


def test_make_help_names_every_target():
    phony = MAKEFILE.split(".PHONY:")[1].split("\n")[0].split()
    helped = re.findall(r'^\t@echo "make ([a-z-]+)', MAKEFILE, flags=re.MULTILINE)
    assert sorted(set(phony) - {"help"}) == sorted(helped)
