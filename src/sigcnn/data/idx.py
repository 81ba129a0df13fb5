"""Reader for the IDX format of MNIST-like data sets (gzip-compressed or not)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

_DTYPES: dict[int, np.dtype] = {
    code: np.dtype(name)
    for code, name in ((0x08, "u1"), (0x09, "i1"), (0x0B, ">i2"), (0x0C, ">i4"), (0x0D, ">f4"), (0x0E, ">f8"))
}


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file into a NumPy array (shape from its header).

    Raises
    ------
    ValueError
        If the magic number or the size does not match the IDX specification.
    """
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as packed:
            data = packed.read()
    else:
        data = path.read_bytes()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = _DTYPES[data[2]]
    offset = 4 + 4 * ndim
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(data) - offset != expected:
        raise ValueError(f"{path}: header says {dims} but the payload has {len(data) - offset} bytes")
    return np.frombuffer(data, dtype=dtype, offset=offset).reshape(dims).copy()
