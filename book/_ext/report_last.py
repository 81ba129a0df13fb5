"""Read (and so execute) the reproduction report after every experiment notebook.

Sphinx reads documents in sorted order, which would put ``book/report`` before
``notebooks/*``; read last, the report finds the result files those notebooks just wrote
and does not run the experiments a second time.
"""

REPORT = "book/report"


def _report_last(app, env, docnames):
    docnames.sort(key=lambda name: name == REPORT)


def setup(app):
    app.connect("env-before-read-docs", _report_last)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
