"""``jupyter-book`` with Sphinx's parallel reading: ``python tools/jupyter_book_jobs.py JOBS build ...``.

jupyter-book 1.0 has no ``--jobs`` option, but its Sphinx build takes one; this passes ``JOBS``
through and otherwise runs the ``jupyter-book`` command line unchanged. Reading in parallel
executes two notebooks at a time (each in its own kernel, with torch's default thread count, so
every number is the one a serial build computes). The report page reads result files that
``make results`` wrote before the build, so the order in which pages are read does not matter.
"""

import functools
import importlib
import sys

import jupyter_book.sphinx
from jupyter_book.cli.main import main

# Extensions jupyter-book loads that do not say whether they are safe for parallel reading (Sphinx
# then reads serially, with a warning that --warningiserror turns into a failure), with why they are.
CHECKED_PARALLEL_SAFE = {
    # a `builder-inited` handler and the section numbering Sphinx calls once all pages are read,
    # both in the main process
    "sphinx_multitoc_numbering": "hooks run in the main process",
    # transforms that read the environment and change only the page being read (HTML: no-ops)
    "sphinx_jupyterbook_latex": "per-page transforms",
}


def _declared_safe(setup):
    @functools.wraps(setup)
    def wrapped(app):
        meta = setup(app) or {}
        return {**meta, "parallel_read_safe": True, "parallel_write_safe": True}

    return wrapped


if __name__ == "__main__":
    jobs = int(sys.argv.pop(1))
    if jobs < 1:
        sys.exit(f"jobs must be >= 1, got {jobs}")
    for name in CHECKED_PARALLEL_SAFE:
        module = importlib.import_module(name)
        module.setup = _declared_safe(module.setup)
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs)
    main()
