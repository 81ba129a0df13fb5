"""Kuo (2016), Tables 1 and 2: input dimension N and number of anchors K of every RECOS unit,
read from the PyTorch modules of LeNet-5 and AlexNet."""

from __future__ import annotations

from torch import nn

from ..models import LeNet5
from ..signals._validate import accepts

PAPER_TABLE_1 = [  # layer, N as printed (C x h x w), +1 (augmented), K
    ("C1/S2", (1, 5, 5), True, 6),
    ("C3/S4", (6, 5, 5), False, 16),
    ("C5", (16, 5, 5), False, 120),
    ("F6", (120, 1, 1), False, 84),
    ("Output", (84, 1, 1), False, 10),
]
"""Kuo's Table 1 as printed (quoted for comparison, not used to build ours)."""

PAPER_TABLE_2 = [
    ("Conv_1", (3, 11, 11), True, 96),
    ("Conv_2", (96, 5, 5), True, 256),
    ("Conv_3", (256, 3, 3), True, 384),
    ("Conv_4", (384, 3, 3), True, 384),
    ("Conv_5", (384, 3, 3), True, 256),
    ("FC_6", (256, 1, 1), False, 4096),
    ("FC_7", (4096, 1, 1), False, 4096),
    ("FC_8", (4096, 1, 1), False, 1000),
]
"""Kuo's Table 2 as printed (quoted for comparison)."""


@accepts()
def recos_units(model: nn.Module, flatten_shape: dict | None = None) -> list[dict]:
    """One row per RECOS unit (each ``Conv2d`` and ``Linear`` in forward order).

    Each row: ``layer`` (module name), ``unit`` (``S^l``), ``shape`` (C, h, w) of one anchor
    vector, ``N`` (its length; a grouped convolution reads ``C/groups`` channels), ``K`` (the
    number of anchors = output channels/features) and ``bias`` (whether the unit adds a
    constant). A bias is *not* Kuo's augmented element: his extra coordinate (the "+1" of
    Tables 1-2) is the patch mean ``mu`` with weight ``a_{k,0} = -sum(a_k)`` (Eq. 7), which changes
    from patch to patch; a bias is the same for every patch.
    ``flatten_shape`` maps a ``Linear`` layer's name to the (C, h, w) it reads, for display.
    """
    rows: list[dict] = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            shape = (module.in_channels // module.groups, *module.kernel_size)
            k = module.out_channels
        elif isinstance(module, nn.Linear):
            shape = (flatten_shape or {}).get(name, (module.in_features, 1, 1))
            k = module.out_features
        else:
            continue
        n = shape[0] * shape[1] * shape[2]
        rows.append(
            {
                "layer": name,
                "unit": f"S^{len(rows) + 1}",
                "shape": tuple(shape),
                "N": n,
                "K": k,
                "bias": module.bias is not None,
            }
        )
    return rows


@accepts()
def recos_tables() -> dict[str, list[dict]]:
    """Tables 1 and 2 built from :class:`~sigcnn.models.LeNet5` and ``torchvision.models.alexnet``.

    The AlexNet is torchvision's architecture without weights (built offline). Each row also
    carries the paper's values (``paper_shape``, ``paper_K``, ``paper_plus_one``) for comparison.
    """
    from torchvision.models import alexnet

    lenet = recos_units(LeNet5())
    alex = recos_units(alexnet(weights=None), flatten_shape={"classifier.1": (256, 6, 6)})
    for rows, paper in ((lenet, PAPER_TABLE_1), (alex, PAPER_TABLE_2)):
        if len(rows) != len(paper):
            raise RuntimeError(f"expected {len(paper)} RECOS units, found {len(rows)}")
        for row, (label, shape, plus_one, k) in zip(rows, paper):
            row.update(
                paper_layer=label,
                paper_shape=shape,
                paper_N=shape[0] * shape[1] * shape[2],
                paper_plus_one=plus_one,
                paper_K=k,
            )
    return {"lenet5": lenet, "alexnet": alex}


@accepts()
def table_markdown(rows: list[dict]) -> str:
    """A Markdown table of :func:`recos_units` rows beside the paper's values."""
    fmt = lambda s: " × ".join(str(v) for v in s)  # noqa: E731
    lines = [
        "| paper layer | our module | RECOS | N (ours) | K (ours) | N (paper) | K (paper) | same? |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        paper_n = fmt(r["paper_shape"]) + (" + 1" if r["paper_plus_one"] else "")
        ours_n = f"{fmt(r['shape'])} = {r['N']}"
        same = "yes" if (r["N"], r["K"]) == (r["paper_N"], r["paper_K"]) else "**no**"
        lines.append(
            f"| {r['paper_layer']} | `{r['layer']}` | ${r['unit']}$ | {ours_n} | {r['K']} | "
            f"{paper_n} | {r['paper_K']} | {same} |"
        )
    return "\n".join(lines)
