"""File checksums: chunked reading gives the digest of the whole bytes, also across chunk boundaries."""

import gzip
import hashlib

import numpy as np
import pytest

from sigcnn.core.checksums import file_digest


@pytest.mark.parametrize("size", [0, 5, (1 << 20) + 17])  # empty, small, just over one 1 MiB chunk
def test_digest_of_a_file_equals_the_digest_of_its_bytes(tmp_path, size):
    data = np.random.default_rng(size).bytes(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert file_digest(path) == hashlib.sha256(data).hexdigest()
    assert file_digest(path, "md5") == hashlib.md5(data).hexdigest()
    packed = tmp_path / "f.gz"
    packed.write_bytes(gzip.compress(data))
    assert file_digest(packed, "md5", decompress=True) == hashlib.md5(data).hexdigest()
    assert file_digest(packed, "md5") == hashlib.md5(packed.read_bytes()).hexdigest()


def test_an_unknown_algorithm_is_named(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with pytest.raises(ValueError, match="'sha-1000'"):
        file_digest(path, "sha-1000")
