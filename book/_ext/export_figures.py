"""Save every notebook figure of the build as PNG and SVG under ``_build/figures/`` (for slides).

Names are stable: ``<notebook>--<figure name>`` when the cell gives the figure a name
(myst-nb metadata ``mystnb: figure: name:``), else ``<notebook>--fig<NN>`` numbered in page order.
Figures come from the executed notebooks myst-nb keeps in ``_build/jupyter_execute``.
"""

import base64
import json
from pathlib import Path


def export_notebook_figures(notebook: Path, out_dir: Path) -> list[Path]:
    """Write the PNG and SVG outputs of ``notebook`` to ``out_dir``; return the files written."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    written, count = [], 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        name = (((cell.get("metadata") or {}).get("mystnb") or {}).get("figure") or {}).get("name")
        images = [o["data"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for i, data in enumerate(images):
            count += 1
            stem = (
                f"{notebook.stem}--{name}" + (f"-{i + 1}" if name and len(images) > 1 else "")
                if name
                else f"{notebook.stem}--fig{count:02d}"
            )
            png = out_dir / f"{stem}.png"
            png.write_bytes(base64.b64decode(data["image/png"]))
            written.append(png)
            if "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                (out_dir / f"{stem}.svg").write_text("".join(svg) if isinstance(svg, list) else svg, encoding="utf-8")
                written.append(out_dir / f"{stem}.svg")
    return written


def _export(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    build = Path(app.outdir).parent
    out_dir = build / "figures"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for notebook in sorted((build / "jupyter_execute").rglob("*.ipynb")):
        files += export_notebook_figures(notebook, out_dir)
    print(f"figures: {len(files)} files in {out_dir}")


def setup(app):
    app.connect("build-finished", _export)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
