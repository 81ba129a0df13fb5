"""Checksums of files, read in 1 MiB chunks (data files and result arrays)."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path


def file_digest(path: Path | str, algorithm: str = "sha256", *, decompress: bool = False) -> str:
    """Hex digest of ``path``'s bytes (of its gunzipped content with ``decompress``).

    Raises
    ------
    ValueError
        When ``algorithm`` is not one hashlib knows.
    """
    try:
        digest = hashlib.new(algorithm)
    except ValueError as exc:
        raise ValueError(f"unknown checksum algorithm {algorithm!r}") from exc
    opener = gzip.open if decompress else open
    with opener(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
