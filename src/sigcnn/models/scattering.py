"""kymatio's wavelet scattering transforms as fixed feature extractors (Koushik 2016, Eq. 16).

A scattering network is a CNN whose filters are fixed wavelets, whose activation is the
modulus and whose pooling is a low-pass average φ_J. We never write the transform: this
module checks the input, picks kymatio's frontend (numpy on CPU, torch on CUDA), caches
coefficients on disk and names every output channel. On one CPU thread the two frontends are
within about 30 % of each other (benchmarks/NOTES.md: numpy ahead for images, torch at 0.9x
numpy's CPU time for audio); numpy is kept on the CPU for one code path without autograd.

Bad input (an image too small for ``J``, a signal shorter than ``2^J``, non-finite values)
raises ``ValueError`` before any filter bank is built.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import kymatio
import numpy as np
import numpy.typing as npt
import torch
from kymatio.numpy import Scattering1D as NumPyScattering1D
from kymatio.numpy import Scattering2D as NumPyScattering2D
from kymatio.scattering2d.filter_bank import filter_bank
from kymatio.torch import Scattering1D as TorchScattering1D
from kymatio.torch import Scattering2D as TorchScattering2D

from ..core import provenance  # module attribute: read at call time, as tests patch it
from ..core.cache import cache_root, cached
from ..signals._validate import Int

CACHE_VERSION = 2


def check_images(images: npt.ArrayLike, J: int, L: int = 8) -> np.ndarray:
    """``images`` as float32 (N, H, W) after checking them for a 2-D scattering at scale ``2^J``.

    Raises
    ------
    ValueError
        For ``J < 1``, ``L < 1``, a shape other than (H, W) or (N, H, W), sides not divisible by
        ``2^J`` or shorter than ``2^J``, or non-finite values.
    """
    Int(min=1).check(J, "J")
    Int(min=1).check(L, "L (the number of angles)")
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"images must have shape (H, W) or (N, H, W), got {x.shape}")
    h, w = x.shape[-2:]
    step = 2 ** int(J)
    if h < step or w < step or h % step or w % step:
        raise ValueError(
            f"images of size {h}x{w} do not fit J={J}: both sides must be multiples of "
            f"2^J = {step} (e.g. 28x28 takes J = 1 or 2, 32x32 takes J up to 5)"
        )
    if not np.isfinite(x).all():
        raise ValueError("images contain non-finite values (NaN or inf)")
    return x


def check_signals(signals: npt.ArrayLike, J: int, Q: int = 8) -> np.ndarray:
    """``signals`` as float32 (N, T) after checking them for a 1-D scattering at scale ``2^J``.

    Raises
    ------
    ValueError
        For ``J < 1``, ``Q < 1``, a shape other than (T,) or (N, T), ``T < 2^J`` or non-finite values.
    """
    Int(min=1).check(J, "J")
    Int(min=1).check(Q, "Q (wavelets per octave)")
    x = np.asarray(signals, dtype=np.float32)
    if x.ndim == 1:
        x = x[None]
    if x.ndim != 2:
        raise ValueError(f"signals must have shape (T,) or (N, T), got {x.shape}")
    if x.shape[-1] < 2 ** int(J):
        raise ValueError(f"signals of length {x.shape[-1]} are shorter than 2^J = {2 ** int(J)} samples")
    if not np.isfinite(x).all():
        raise ValueError("signals contain non-finite values (NaN or inf)")
    return x


def frontend_for(device: torch.device | str) -> str:
    """``"torch"`` on a CUDA device, ``"numpy"`` otherwise (on the CPU numpy is faster for images and about
    10 % slower for audio than torch: benchmarks/NOTES.md)."""
    return "torch" if str(device).startswith("cuda") else "numpy"


def scattering_2d(
    shape: tuple[int, int], J: int, L: int = 8, frontend: str = "numpy", device: torch.device | str = "cpu"
) -> NumPyScattering2D | TorchScattering2D:
    """kymatio's ``Scattering2D`` (max order 2) for images of ``shape``."""
    check_images(np.zeros(shape, dtype=np.float32), J, L)
    if frontend == "numpy":
        return NumPyScattering2D(J=int(J), shape=tuple(shape), L=int(L))
    if frontend == "torch":
        return TorchScattering2D(J=int(J), shape=tuple(shape), L=int(L)).to(device)
    raise ValueError(f"frontend must be 'numpy' or 'torch', got {frontend!r}")


def scattering_1d(
    length: int, J: int, Q: int = 8, T: int | None = None, frontend: str = "numpy", device: torch.device | str = "cpu"
) -> NumPyScattering1D | TorchScattering1D:
    """kymatio's ``Scattering1D`` (max order 2) for signals of ``length`` samples; ``T`` the averaging size."""
    check_signals(np.zeros(int(length), dtype=np.float32), J, Q)
    kwargs = dict(J=int(J), shape=int(length), Q=int(Q))
    if T is not None:
        kwargs["T"] = int(T)
    if frontend == "numpy":
        return NumPyScattering1D(**kwargs)
    if frontend == "torch":
        return TorchScattering1D(**kwargs).to(device)
    raise ValueError(f"frontend must be 'numpy' or 'torch', got {frontend!r}")


def _apply(transform, x: np.ndarray, frontend: str, device, batch_size: int) -> np.ndarray:
    outs = []
    for start in range(0, x.shape[0], batch_size):
        chunk = x[start : start + batch_size]
        if frontend == "torch":
            outs.append(transform(torch.from_numpy(chunk).to(device)).cpu().numpy())
        else:
            outs.append(transform(chunk))
    return np.concatenate(outs).astype(np.float32)


def cache_dir() -> Path:
    """Where coefficients are cached: ``<cache root>/scattering`` (:func:`sigcnn.core.cache.cache_root`:
    ``$SIGCNN_CACHE``, else ``<results>/_cache``)."""
    return cache_root() / "scattering"


def cache_key(kind: str, settings: dict, data: np.ndarray) -> str:
    """Hash of the transform's settings, the kymatio version, the sigcnn source
    (:func:`sigcnn.core.provenance.source_digest`) and the data (shape, dtype and bytes)."""
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {
                "kind": kind,
                "settings": settings,
                "kymatio": kymatio.__version__,
                "version": CACHE_VERSION,
                "source": provenance.source_digest(),
                "shape": list(data.shape),
                "dtype": str(data.dtype),
            },
            sort_keys=True,
        ).encode()
    )
    h.update(np.ascontiguousarray(data).tobytes())
    return h.hexdigest()[:24]


def _check_coefficients(n: int):
    def check(value) -> None:
        if not isinstance(value, np.ndarray) or value.ndim < 3 or value.shape[0] != n:
            shape = getattr(value, "shape", type(value).__name__)
            raise ValueError(f"coefficients of shape {shape}, expected ({n}, channels, ...)")
        if not np.isfinite(value).all():
            raise ValueError("coefficients are not all finite")

    return check


def _cached(kind: str, settings: dict, x: np.ndarray, compute, use_cache: bool) -> tuple[np.ndarray, bool]:
    if not use_cache:
        return compute(), False
    return cached(
        cache_dir() / f"{kind}-{cache_key(kind, settings, x)}.npy",
        compute,
        dump=lambda handle, value: np.save(handle, value, allow_pickle=False),
        load=lambda handle: np.load(handle, allow_pickle=False),
        check=_check_coefficients(x.shape[0]),
    )


def scatter_images(
    images: npt.ArrayLike,
    J: int,
    L: int = 8,
    *,
    device: torch.device | str = "cpu",
    batch_size: int = 256,
    use_cache: bool = True,
) -> tuple[np.ndarray, bool]:
    """2-D scattering coefficients S_J x of images (N, H, W): ``(coefficients (N, C, H/2^J, W/2^J), from_cache)``.

    The frontend follows :func:`frontend_for`; the cache key holds J, L and the data, not the
    frontend (both give the same coefficients to float32 precision).
    """
    x = check_images(images, J, L)
    frontend = frontend_for(device)

    def compute():
        return _apply(scattering_2d(x.shape[-2:], J, L, frontend, device), x, frontend, device, batch_size)

    return _cached("s2d", {"J": int(J), "L": int(L)}, x, compute, use_cache)


def scatter_signals(
    signals: npt.ArrayLike,
    J: int,
    Q: int = 8,
    T: int | None = None,
    *,
    device: torch.device | str = "cpu",
    batch_size: int = 64,
    use_cache: bool = True,
) -> tuple[np.ndarray, bool]:
    """1-D scattering coefficients of signals (N, T): ``(coefficients (N, C, frames), from_cache)``."""
    x = check_signals(signals, J, Q)
    frontend = frontend_for(device)

    def compute():
        return _apply(scattering_1d(x.shape[-1], J, Q, T, frontend, device), x, frontend, device, batch_size)

    return _cached("s1d", {"J": int(J), "Q": int(Q), "T": None if T is None else int(T)}, x, compute, use_cache)


def channels_2d(J: int, L: int = 8) -> list[dict]:
    """What each output channel of ``Scattering2D(J, L)`` is: ``{"channel", "order", "j", "theta"}``.

    Read from kymatio itself (``out_type="list"`` labels each coefficient with its scales and
    angles); ``j`` and ``theta`` are tuples of length ``order`` (θ as an index; the angle is
    ``θ π / L``).
    """
    size = 2 ** max(int(J), 1)
    transform = NumPyScattering2D(J=int(J), shape=(size, size), L=int(L), out_type="list")
    rows = []
    for channel, item in enumerate(transform(np.zeros((size, size), dtype=np.float32))):
        j, theta = tuple(int(v) for v in item["j"]), tuple(int(v) for v in item["theta"])
        rows.append({"channel": channel, "order": len(j), "j": j, "theta": theta})
    return rows


def channels_1d(J: int, Q: int = 8, sample_rate: float = 1.0, length: int | None = None) -> list[dict]:
    """What each output channel of ``Scattering1D(J, Q)`` is: order, ``j``, and centre frequencies in Hz.

    From kymatio's ``meta()``: ``xi`` (cycles per sample) times ``sample_rate``. For a second-order
    channel ``frequency`` is its first wavelet's centre and ``modulation_frequency`` its second's.
    """
    length = 2 ** (int(J) + 3) if length is None else int(length)
    meta = scattering_1d(length, J, Q).meta()
    rows = []
    for channel, order in enumerate(meta["order"]):
        xi, js = meta["xi"][channel], meta["j"][channel]
        row = {
            "channel": channel,
            "order": int(order),
            "j": tuple(int(v) for v in js[:order]),
            "frequency": float(xi[0] * sample_rate) if order >= 1 else 0.0,
            "modulation_frequency": float(xi[1] * sample_rate) if order >= 2 else None,
        }
        rows.append(row)
    return rows


def energy_per_order(
    x: npt.ArrayLike, coefficients: np.ndarray, orders: npt.ArrayLike, J: int, dims: int = 2
) -> dict[int, float]:
    """``‖S_m x‖² / ‖x‖²`` per order m, corrected for kymatio's subsampling.

    kymatio returns S_J x sampled every ``2^J`` samples along each of ``dims`` axes; each kept
    sample stands for ``2^{J·dims}`` samples of the full-resolution average, so the squared norm
    of the output is multiplied by ``2^{J·dims}`` (4^J for images) before dividing by ‖x‖².
    """
    x = np.asarray(x, dtype=np.float64)
    coefficients = np.asarray(coefficients, dtype=np.float64)
    orders = np.asarray(orders)
    if coefficients.shape[-dims - 1] != orders.size:
        raise ValueError(f"{orders.size} orders for {coefficients.shape[-dims - 1]} channels")
    total = np.sum(x**2)
    factor = 2.0 ** (int(J) * dims)
    axes_channel = coefficients.ndim - dims - 1
    out = {}
    for m in np.unique(orders):
        sel = np.take(coefficients, np.flatnonzero(orders == m), axis=axes_channel)
        out[int(m)] = float(factor * np.sum(sel**2) / total)
    return out


def filters_2d(J: int, L: int = 8, size: int = 32) -> dict:
    """kymatio's 2-D Morlet filter bank in space: ``{"psi": (J, L, size, size) complex, "phi": (size, size)}``.

    kymatio stores the filters in the Fourier domain; the inverse FFT, centred, gives the
    wavelets ψ_{j,θ} and the low-pass φ_J that the figure shows.
    """
    bank = filter_bank(int(size), int(size), int(J), L=int(L))
    psi = np.zeros((int(J), int(L), size, size), dtype=np.complex128)
    for f in bank["psi"]:
        psi[f["j"], f["theta"]] = np.fft.fftshift(np.fft.ifft2(f["levels"][0]))
    phi = np.fft.fftshift(np.fft.ifft2(bank["phi"]["levels"][0])).real
    return {"psi": psi, "phi": phi}


def filters_1d(length: int, J: int, Q: int = 8) -> dict:
    """kymatio's first-order 1-D filters in frequency: ``{"psi": (K, length) real, "xi": (K,), "phi": (length,)}``
    (``xi`` in cycles per sample)."""
    transform = scattering_1d(length, J, Q)
    psi = [np.asarray(f["levels"][0] if isinstance(f, dict) and "levels" in f else f[0]) for f in transform.psi1_f]
    phi = transform.phi_f["levels"][0] if "levels" in transform.phi_f else transform.phi_f[0]
    xi = np.array([f["xi"] for f in transform.psi1_f])
    n = min(p.shape[-1] for p in psi)
    return {"psi": np.stack([p[:n] for p in psi]), "xi": xi, "phi": np.asarray(phi)[:n]}
