"""Amplitude modulation and the operators of a CNN written as modulators (Wu et al. 2022, §2-3).

Signals are NumPy arrays with time on the last axis, samples ``n = 0 .. N-1``, frequency in
cycles per sample (see :mod:`sigcnn.signals.spectra` for the spectrum conventions).

Modulation (§2): DSB-SC (Eqs. 1-3), multi-carrier modulation and FDM (Eqs. 4-7), multi-carrier
MIMO with a channel matrix (Eqs. 8-12), OFDM sub-carriers (Fig. 8).

CNN operators as modulators (§3): a 1-D cross-correlation as a multi-carrier modulator whose
streams are shifted copies of the input and whose carriers are the kernel taps (Eq. 14 vs
Eq. 5, Fig. 6) and its multi-channel form as a multi-carrier MIMO system (Eq. 13 vs Eq. 11,
Fig. 7, Table 2); ReLU as DSB-SC with a Heaviside carrier (Eq. 22); average pooling as a
strided box convolution (Eq. 27); spectral pooling as a box in frequency, i.e. a circular
convolution with the box's inverse DFT (Eqs. 28-30).
"""

from __future__ import annotations

import numpy as np

from ._validate import Array, Int, Real, accepts, as_array, positive_int

# --------------------------------------------------------------------------------------------
# checks


def _as_signal(x, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    """``x`` as a float64 (or complex128) array of ``ndim`` dimensions, non-empty and finite."""
    arr = as_array(x, name, ndim=ndim, dtype="complex")
    return arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64)


def _positive_int(value, name: str) -> int:
    return positive_int(value, name)


# --------------------------------------------------------------------------------------------
# test messages


@accepts(n_samples=Int(), bandwidth=Real(positive=True), seed=Int(min=0))
def baseband_signal(n_samples: int = 256, bandwidth: float = 0.03, seed: int = 0) -> np.ndarray:
    """A smooth random message whose energy lies at ``|f| <= bandwidth`` cycles/sample, peak 1.

    White Gaussian noise (``seed``) with every DFT bin above ``bandwidth`` set to zero, then
    scaled so that ``max |x[n]| = 1``: the slowly varying ``x[n]`` of Wu et al.'s Eqs. 1-3.
    """
    n_samples = _positive_int(n_samples, "n_samples")
    if not 0 < bandwidth <= 0.5:
        raise ValueError(f"bandwidth must be in (0, 0.5] cycles/sample, got {bandwidth!r}")
    rng = np.random.default_rng(seed)
    spec = np.fft.fft(rng.standard_normal(n_samples))
    spec[np.abs(np.fft.fftfreq(n_samples)) > bandwidth] = 0
    x = np.fft.ifft(spec).real
    return x / np.abs(x).max()


@accepts(n_samples=Int(), half_width=Int(min=0))
def band_limited_signal(n_samples: int, half_width: int, rng: np.random.Generator) -> np.ndarray:
    """A real signal whose DFT is zero outside the bins ``|k| <= half_width`` (random complex
    Gaussian coefficients drawn from ``rng``; bin 0 real)."""
    n_samples, half_width = _positive_int(n_samples, "n_samples"), int(half_width)
    if not 0 <= half_width < n_samples / 2:
        raise ValueError(f"half_width must be in [0, n_samples/2), got {half_width!r}")
    spec = np.zeros(n_samples, dtype=complex)
    spec[: half_width + 1] = rng.standard_normal(half_width + 1) + 1j * rng.standard_normal(half_width + 1)
    spec[0] = spec[0].real
    spec[n_samples - half_width :] = np.conj(spec[1 : half_width + 1][::-1])
    return np.fft.ifft(spec).real


# --------------------------------------------------------------------------------------------
# spectra at arbitrary frequencies


@accepts(x=Array(ndim=(1, 2, 3), dtype="complex"), freqs=Array(ndim=(0, 1)))
def dtft(x, freqs) -> np.ndarray:
    """Discrete-time Fourier transform ``X(f) = sum_n x[n] exp(-j 2 pi f n)`` at any ``freqs``.

    Parameters
    ----------
    x : array, shape (..., N)
        Signal(s), ``n = 0 .. N-1``.
    freqs : array, shape (F,)
        Frequencies in cycles/sample (need not lie on the DFT grid).

    Returns
    -------
    complex array, shape (..., F)
    """
    x = _as_signal(x, "x", (1, 2, 3))
    freqs = _as_signal(np.atleast_1d(freqs), "freqs", 1)
    n = np.arange(x.shape[-1])
    return x @ np.exp(-2j * np.pi * np.outer(n, freqs))


@accepts(n_samples=Int(), frequency=Real(), phase=Real())
def cosine_carrier(n_samples: int, frequency: float, phase: float = 0.0) -> np.ndarray:
    """The sinusoidal carrier ``c[n] = cos(2 pi f_c n + phase)`` of Eq. 1."""
    n_samples = _positive_int(n_samples, "n_samples")
    if not np.isfinite(frequency) or not np.isfinite(phase):
        raise ValueError("carrier frequency and phase must be finite")
    return np.cos(2 * np.pi * frequency * np.arange(n_samples) + phase)


# --------------------------------------------------------------------------------------------
# §2.1 DSB-SC


@accepts(x=Array(ndim=(1, 2), dtype="complex"), carrier_frequency=Real())
def dsb_sc(x, carrier_frequency: float) -> np.ndarray:
    """Double-sideband suppressed-carrier modulation ``m[n] = x[n] cos(2 pi f_c n)`` (Eq. 2)."""
    x = _as_signal(x, "x", (1, 2))
    return x * cosine_carrier(x.shape[-1], carrier_frequency)


@accepts(x=Array(ndim=(1, 2), dtype="complex"), carrier_frequency=Real(), freqs=Array(ndim=(0, 1)))
def dsb_sc_energy_spectrum(x, carrier_frequency: float, freqs) -> np.ndarray:
    """Right-hand side of Eq. 3: ``EM(f) = 1/4 |X(f + f_c) + X(f - f_c)|^2`` at ``freqs``.

    Equals ``|DTFT(dsb_sc(x, f_c))(f)|^2`` for every ``f`` (the modulation theorem).
    """
    freqs = np.asarray(freqs, dtype=np.float64)
    return 0.25 * np.abs(dtft(x, freqs + carrier_frequency) + dtft(x, freqs - carrier_frequency)) ** 2


# --------------------------------------------------------------------------------------------
# §2.2 multi-carrier and MIMO


@accepts(streams=Array(ndim=2, dtype="complex"), carriers=Array(ndim=(1, 2), dtype="complex"))
def modulate(streams, carriers) -> np.ndarray:
    """Multi-carrier modulation with arbitrary carrier waveforms: ``s[n] = sum_k x_k[n] c_k[n]``.

    Parameters
    ----------
    streams : array, shape (K, N)
        The modulating signals ``x_k[n]``.
    carriers : array, shape (K, N) or (K,)
        Carrier waveforms, or one constant per stream (a carrier of frequency 0 and that
        amplitude -- the kind a convolution uses, see :func:`conv1d_as_multicarrier`).
    """
    streams = _as_signal(streams, "streams", 2)
    carriers = _as_signal(carriers, "carriers", (1, 2))
    if carriers.ndim == 1:
        carriers = carriers[:, None]
    if carriers.shape[0] != streams.shape[0]:
        raise ValueError(f"{carriers.shape[0]} carriers for {streams.shape[0]} streams")
    if carriers.shape[1] not in (1, streams.shape[1]):
        raise ValueError(f"carriers of length {carriers.shape[1]} for streams of length {streams.shape[1]}")
    return (streams * carriers).sum(axis=0)


def _cosine_carriers(frequencies, n_samples: int) -> np.ndarray:
    frequencies = _as_signal(np.atleast_1d(frequencies), "carrier frequencies", (1, 2))
    return np.cos(2 * np.pi * frequencies[..., None] * np.arange(n_samples))


@accepts(streams=Array(ndim=2, dtype="complex"), carrier_frequencies=Array(ndim=(0, 1, 2)))
def multi_carrier(streams, carrier_frequencies) -> np.ndarray:
    """Multi-carrier modulation ``s[n] = sum_k x_k[n] cos(2 pi f_k n)`` (Eqs. 4-5).

    ``streams`` has shape (K, N), ``carrier_frequencies`` shape (K,).
    """
    streams = _as_signal(streams, "streams", 2)
    return modulate(streams, _cosine_carriers(carrier_frequencies, streams.shape[1]))


@accepts(streams=Array(ndim=2, dtype="complex"), carrier_frequencies=Array(ndim=(0, 1)), freqs=Array(ndim=(0, 1)))
def multi_carrier_energy_spectrum(streams, carrier_frequencies, freqs) -> np.ndarray:
    """Right-hand side of Eq. 7: ``sum_k 1/4 |X_k(f - f_k) + X_k(f + f_k)|^2``.

    It equals the energy spectrum of :func:`multi_carrier` only under the FDM condition
    ``M_p(f) M_q(f) = 0`` for ``p != q`` (Eq. 6); otherwise the cross terms are missing.
    """
    streams = _as_signal(streams, "streams", 2)
    fk = _as_signal(np.atleast_1d(carrier_frequencies), "carrier frequencies", 1)
    if fk.shape[0] != streams.shape[0]:
        raise ValueError(f"{fk.shape[0]} carrier frequencies for {streams.shape[0]} streams")
    return np.sum([dsb_sc_energy_spectrum(x_k, f_k, freqs) for x_k, f_k in zip(streams, fk)], axis=0)


@accepts(
    streams=Array(ndim=3, dtype="complex"), carrier_frequencies=Array(ndim=2), channel=Array(ndim=2, dtype="complex")
)
def mimo(streams, carrier_frequencies, channel) -> np.ndarray:
    """Multi-carrier MIMO modulation (Eqs. 8-11): ``r_q[n] = sum_p h_qp sum_k x_pk[n] cos(2 pi f_pk n)``.

    Parameters
    ----------
    streams : array, shape (I, K, N)
        ``x_{p,k}[n]``: K modulating signals on each of I transmit antennas.
    carrier_frequencies : array, shape (I, K)
        ``f_{p,k}``.
    channel : array, shape (O, I)
        The channel matrix ``H`` (Eq. 9), ``h_{q,p}`` from transmit antenna p to receive antenna q.

    Returns
    -------
    array, shape (O, N): the received signals ``r_q[n]``.
    """
    streams = _as_signal(streams, "streams", 3)
    channel = _as_signal(channel, "channel", 2)
    fpk = _as_signal(carrier_frequencies, "carrier frequencies", 2)
    if fpk.shape != streams.shape[:2]:
        raise ValueError(f"carrier frequencies of shape {fpk.shape} for streams of shape {streams.shape}")
    if channel.shape[1] != streams.shape[0]:
        raise ValueError(f"channel has {channel.shape[1]} transmit antennas, streams have {streams.shape[0]}")
    transmitted = np.stack([multi_carrier(x_p, f_p) for x_p, f_p in zip(streams, fpk)])  # s_p, Eq. 10
    return channel @ transmitted


@accepts(
    streams=Array(ndim=3, dtype="complex"),
    carrier_frequencies=Array(ndim=2),
    channel=Array(ndim=2, dtype="complex"),
    freqs=Array(ndim=(0, 1)),
)
def mimo_energy_spectrum(streams, carrier_frequencies, channel, freqs) -> np.ndarray:
    """Right-hand side of Eq. 12: ``ER_q(f) = sum_p h_qp^2 sum_k 1/4 |X_pk(f+f_pk) + X_pk(f-f_pk)|^2``.

    Exact when all ``I*K`` modulated signals occupy disjoint bands (FDM across antennas and
    carriers); returns shape (O, F).
    """
    streams = _as_signal(streams, "streams", 3)
    channel = _as_signal(channel, "channel", 2)
    fpk = _as_signal(carrier_frequencies, "carrier frequencies", 2)
    per_antenna = np.stack([multi_carrier_energy_spectrum(x_p, f_p, freqs) for x_p, f_p in zip(streams, fpk)])
    return channel**2 @ per_antenna


@accepts(n_carriers=Int(), n_samples=Int())
def ofdm_subcarriers(n_carriers: int, n_samples: int) -> np.ndarray:
    """Orthogonal sub-carriers ``cos(2 pi k n / N)``, ``k = 1 .. K`` (Fig. 8), shape (K, N).

    On the DFT grid they are orthogonal (inner products ``N/2 * delta``) for ``K < N/2``.
    """
    n_carriers = _positive_int(n_carriers, "n_carriers")
    n_samples = _positive_int(n_samples, "n_samples")
    if 2 * n_carriers >= n_samples:
        raise ValueError(f"{n_carriers} sub-carriers need more than {2 * n_carriers} samples, got {n_samples}")
    return _cosine_carriers(np.arange(1, n_carriers + 1) / n_samples, n_samples)


# --------------------------------------------------------------------------------------------
# §3.1 convolution as modulation


@accepts(x=Array(ndim=(1, 2), dtype="complex"), kernel_size=Int())
def shifted_copies(x, kernel_size: int) -> np.ndarray:
    """The streams of the convolution modulator: ``x_k[n] = x[n + k]``, ``k = 0 .. K-1``, ``n = 0 .. N-K``.

    ``x`` has shape (..., N); the result (..., K, N-K+1) (Fig. 6: the K shifted inputs).
    """
    x = _as_signal(x, "x", (1, 2))
    kernel_size = _positive_int(kernel_size, "kernel_size")
    n = x.shape[-1]
    if kernel_size > n:
        raise ValueError(f"kernel (carrier set) of length {kernel_size} is longer than the signal ({n} samples)")
    return np.stack([x[..., k : n - kernel_size + 1 + k] for k in range(kernel_size)], axis=-2)


@accepts(x=Array(ndim=1, dtype="complex"), kernel=Array(ndim=1, dtype="complex"))
def conv1d_as_multicarrier(x, kernel) -> np.ndarray:
    """Single-channel cross-correlation (Eq. 14) built as a multi-carrier modulator (Eq. 5, Fig. 6).

    The ``K`` streams are the shifted inputs ``x[n + k]`` and the carriers are the constants
    ``w[k]`` (the paper replaces ``cos(2 pi f_k n)`` by ``w[k]``). Equals PyTorch's ``conv1d``
    (no padding, stride 1) on the same input and kernel.
    """
    kernel = _as_signal(kernel, "kernel", 1)
    return modulate(shifted_copies(_as_signal(x, "x", 1), kernel.shape[0]), kernel)


@accepts(weight=Array(ndim=3))
def conv_weights_as_mimo(weight) -> tuple[np.ndarray, np.ndarray]:
    """Split a ``Conv1d`` weight ``w[q, p, k]`` (O, I, K) into a channel gain and unit-norm carriers.

    Returns ``(channel, carriers)`` with ``channel[q, p] = ||w[q, p, :]||`` (``h_{q,p}`` of
    Eq. 11, Table 2) and ``carriers[q, p, k] = w[q, p, k] / h_{q,p}`` (zero where ``h = 0``), so that
    ``w = channel[..., None] * carriers`` exactly. The paper's substitution
    ``h_{q,p} cos(2 pi f_{p,k} n) -> w_{q,p}[k]`` needs carriers that may differ per receive
    antenna ``q``; they are shared by all ``q`` only when ``w`` factorises as ``h_{q,p} c_{p,k}``.
    """
    weight = _as_signal(weight, "weight", 3)
    channel = np.sqrt((weight**2).sum(axis=-1))
    safe = np.where(channel > 0, channel, 1.0)
    return channel, np.where(channel[..., None] > 0, weight / safe[..., None], 0.0)


@accepts(x=Array(ndim=2), weight=Array(ndim=3))
def conv1d_as_mimo(x, weight) -> np.ndarray:
    """Multi-channel cross-correlation (Eq. 13) built as a multi-carrier MIMO receiver (Eq. 11, Fig. 7).

    Parameters
    ----------
    x : array, shape (I, N)
        Input feature map: one stream per transmit antenna (``I_C = I_M``).
    weight : array, shape (O, I, K)
        ``Conv1d`` weight: ``O`` receive antennas, ``K`` carriers per antenna (``K_C = K_M``).

    Returns
    -------
    array, shape (O, N-K+1): ``r_q[n] = sum_p h_qp sum_k x_p[n+k] c_qpk``, equal to
    ``torch.nn.functional.conv1d(x, weight)`` (Table 2: output ``O x (N - K + 1)``).
    """
    x = _as_signal(x, "x", 2)
    weight = _as_signal(weight, "weight", 3)
    if weight.shape[1] != x.shape[0]:
        raise ValueError(f"weight expects {weight.shape[1]} input channels, x has {x.shape[0]}")
    channel, carriers = conv_weights_as_mimo(weight)
    streams = shifted_copies(x, weight.shape[2])  # (I, K, N-K+1): x_{p,k}[n] = x_p[n+k]
    received = []
    for q in range(weight.shape[0]):
        per_antenna = np.stack([modulate(streams[p], carriers[q, p]) for p in range(x.shape[0])])  # s_p
        received.append(channel[q] @ per_antenna)
    return np.stack(received)


@accepts(n_samples=Int(), in_channels=Int(), out_channels=Int(), kernel_size=Int(), n_signals=Int())
def table2_correspondence(
    n_samples: int, in_channels: int, out_channels: int, kernel_size: int, n_signals: int = 1
) -> list[tuple[str, int, str, int]]:
    """Table 2 as rows ``(convolution quantity, value, MIMO quantity, value)`` for one layer."""
    for value, name in (
        (n_samples, "n_samples"),
        (in_channels, "in_channels"),
        (out_channels, "out_channels"),
        (kernel_size, "kernel_size"),
        (n_signals, "n_signals"),
    ):
        _positive_int(value, name)
    if kernel_size > n_samples:
        raise ValueError(f"kernel_size {kernel_size} is longer than the signal ({n_samples} samples)")
    out_len = n_samples - kernel_size + 1
    params = out_channels * in_channels * kernel_size
    return [
        ("data samples S_C", n_signals, "modulating signals S_M", n_signals),
        ("input feature maps I_C", in_channels, "transmit antennas I_M", in_channels),
        ("output feature maps O_C", out_channels, "receive antennas O_M", out_channels),
        ("input length N_C", n_samples, "modulating-signal length N_M", n_samples),
        ("kernel parameters O_C x I_C x K_C", params, "sub-carrier parameters O_M x I_M x K_M", params),
        (
            "output values O_C x (N_C - K_C + 1)",
            out_channels * out_len,
            "modulated values O_M x (N_M - K_M + 1)",
            out_channels * out_len,
        ),
    ]


@accepts(kernel=Array(ndim=1, dtype="complex"), n_samples=Int())
def kernel_energy_response(kernel, n_samples: int) -> np.ndarray:
    """``|W(f)|^2`` of a kernel on the ``fftshift``-ed ``n_samples``-point grid.

    A circular cross-correlation with real ``w`` has ``Y(f) = conj(W(f)) X(f)``, so its output
    energy spectrum is ``|W(f)|^2 E_x(f)``: the "generalised shift" of a convolution is this
    reshaping by its kernel's energy response.
    """
    kernel = _as_signal(kernel, "kernel", 1)
    n_samples = _positive_int(n_samples, "n_samples")
    if kernel.shape[0] > n_samples:
        raise ValueError(f"kernel of length {kernel.shape[0]} is longer than the signal ({n_samples} samples)")
    return np.abs(np.fft.fftshift(np.fft.fft(kernel, n_samples))) ** 2


@accepts(x=Array(ndim=(1, 2), dtype="complex"), kernel=Array(ndim=1, dtype="complex"))
def circular_correlate(x, kernel) -> np.ndarray:
    """Circular cross-correlation ``y[n] = sum_k w[k] x[(n + k) mod N]`` along the last axis."""
    x = _as_signal(x, "x", (1, 2))
    kernel = _as_signal(kernel, "kernel", 1)
    if kernel.shape[0] > x.shape[-1]:
        raise ValueError(f"kernel of length {kernel.shape[0]} is longer than the signal ({x.shape[-1]} samples)")
    return sum(w_k * np.roll(x, -k, axis=-1) for k, w_k in enumerate(kernel))


@accepts(x=Array(ndim=(1, 2), dtype="complex"), kernel=Array(ndim=1, dtype="complex"))
def circular_convolve(x, kernel) -> np.ndarray:
    """Circular convolution ``y[n] = sum_m h[m] x[(n - m) mod N]`` along the last axis."""
    x = _as_signal(x, "x", (1, 2))
    kernel = _as_signal(kernel, "kernel", 1)
    if kernel.shape[0] > x.shape[-1]:
        raise ValueError(f"kernel of length {kernel.shape[0]} is longer than the signal ({x.shape[-1]} samples)")
    return sum(h_m * np.roll(x, m, axis=-1) for m, h_m in enumerate(kernel))


# --------------------------------------------------------------------------------------------
# §3.2 activation as modulation


@accepts(y=Array(ndim=(1, 2, 3)))
def heaviside(y) -> np.ndarray:
    """The Heaviside carrier ``H(y) = 1`` for ``y > 0`` and ``0`` otherwise (Eq. 23, ``H(0) = 0``)."""
    y = _as_signal(y, "y", (1, 2, 3))
    return (y > 0).astype(np.float64)


@accepts(y=Array(ndim=(1, 2, 3)))
def relu_as_dsb_sc(y) -> np.ndarray:
    """ReLU written as DSB-SC: the signal times its own Heaviside carrier, ``y[n] H(y[n])`` (Eq. 22)."""
    y = _as_signal(y, "y", (1, 2, 3))
    return y * heaviside(y)


# --------------------------------------------------------------------------------------------
# §3.3 pooling as modulation


@accepts(x=Array(ndim=(1, 2), dtype="complex"), size=Int(), stride=Int(optional=True))
def average_pool_as_convolution(x, size: int, stride: int | None = None) -> np.ndarray:
    """Average pooling as a strided cross-correlation with the box ``1_K / K`` (Eq. 27, Fig. 15).

    ``x`` has shape (..., N); equals ``torch.nn.functional.avg_pool1d(x, size, stride)``.
    """
    x = _as_signal(x, "x", (1, 2))
    size = _positive_int(size, "size")
    stride = size if stride is None else _positive_int(stride, "stride")
    box = np.full(size, 1.0 / size)
    rows = x.reshape(-1, x.shape[-1])
    full = np.stack([conv1d_as_multicarrier(row, box) for row in rows]).reshape(x.shape[:-1] + (-1,))
    return full[..., ::stride]


@accepts(n_samples=Int(), keep=Int())
def spectral_box(n_samples: int, keep: int) -> np.ndarray:
    """The box ``H(f)`` of Eq. 29 on the ``fftshift``-ed grid: 1 for ``|k| < keep/2``, 0 beyond.

    ``k`` is the signed bin index (``f = k / N``). Where ``|k| = keep/2`` falls on a bin (even
    ``keep``), both bins get 1/2 -- the two cases of Eq. 29 meet there -- so the box is even in
    ``f`` and its inverse DFT is real.
    """
    n_samples = _positive_int(n_samples, "n_samples")
    keep = _positive_int(keep, "keep")
    if keep > n_samples:
        raise ValueError(f"cannot keep {keep} frequency bins of a {n_samples}-sample signal")
    k = np.abs(np.rint(np.fft.fftshift(np.fft.fftfreq(n_samples)) * n_samples))
    return np.where(2 * k < keep, 1.0, np.where(2 * k == keep, 0.5, 0.0))


@accepts(x=Array(ndim=(1, 2), dtype="complex"), keep=Int())
def spectral_lowpass(x, keep: int) -> np.ndarray:
    """``x`` with its spectrum multiplied by the box of Eq. 29 (Eq. 28, before cropping)."""
    x = _as_signal(x, "x", (1, 2))
    box = np.fft.ifftshift(spectral_box(x.shape[-1], keep))
    return np.fft.ifft(np.fft.fft(x, axis=-1) * box, axis=-1).real


@accepts(n_samples=Int(), keep=Int())
def spectral_box_kernel(n_samples: int, keep: int) -> np.ndarray:
    """``h[n]``, the inverse DFT of the box (Eq. 30): :func:`spectral_lowpass` is a circular
    convolution with it."""
    return np.fft.ifft(np.fft.ifftshift(spectral_box(n_samples, keep))).real


@accepts(x=Array(ndim=(1, 2), dtype="complex"), keep=Int())
def spectral_pool(x, keep: int) -> np.ndarray:
    """Spectral pooling (Eq. 28): keep the ``keep`` central DFT bins, return ``keep`` samples.

    Scaled by ``keep / N`` so that amplitudes are preserved; when ``keep`` divides ``N`` the
    result equals ``spectral_lowpass(x, keep)[..., ::N // keep]`` (low-pass, then subsample).
    """
    x = _as_signal(x, "x", (1, 2))
    n = x.shape[-1]
    boxed = np.fft.fft(x, axis=-1) * np.fft.ifftshift(spectral_box(n, keep))
    k = np.rint(np.fft.fftfreq(n) * n).astype(int)  # signed bin index of each DFT bin
    kept = np.nonzero(2 * np.abs(k) <= keep)[0]
    rows = boxed.reshape(-1, n)
    out = np.zeros((keep, rows.shape[0]), dtype=np.complex128)
    np.add.at(out, k[kept] % keep, rows[:, kept].T)  # the bins +-keep/2 (even keep) land on one bin
    return np.fft.ifft(out.T, axis=-1).real.reshape(x.shape[:-1] + (keep,)) * (keep / n)
