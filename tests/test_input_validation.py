"""Bad input to the library (issue 10, fault 9): every public function of ``signals/`` and ``probes/``
declares what it accepts (``@accepts``), and the same catalogue of bad inputs is fed to each one.

Functions are found by introspection, so a new public function is covered (and must declare its
arguments) without editing this file.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import is_dataclass

import numpy as np
import pytest
import torch
from torch import nn

import sigcnn.probes
import sigcnn.signals
from sigcnn.signals._validate import Array


def _public_callables():
    found = []
    for package in (sigcnn.signals, sigcnn.probes):
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, obj in vars(module).items():
                if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                    continue
                if inspect.isfunction(obj):
                    found.append((f"{info.name}.{name}", obj))
                elif inspect.isclass(obj) and not is_dataclass(obj) and "__init__" in vars(obj):
                    found.append((f"{info.name}.{name}", obj.__init__))
    return found


PUBLIC = _public_callables()
CASES = [(label, fn, arg) for label, fn in PUBLIC for arg in getattr(fn, "__accepts__", {})]


def test_discovery_finds_the_public_api():
    labels = {label for label, _ in PUBLIC}
    assert {
        "sphere.unit_vectors",
        "spectra.energy_spectrum",
        "max_gain.maximum_gain",
        "anchors.spherical_kmeans",
        "max_gain.MaxGainMonitor",
        "modulation.dtft",
    } <= labels
    assert len(PUBLIC) > 60


@pytest.mark.parametrize("label, fn", PUBLIC, ids=[label for label, _ in PUBLIC])
def test_every_public_function_declares_its_arguments(label, fn):
    assert hasattr(fn, "__accepts__"), f"{label} has no @accepts declaration"
    params = inspect.signature(fn).parameters
    for name in fn.__accepts__:
        assert name in params
    # an argument named like an array or a size must be declared (a model or a callback need not be)
    arrayish = {
        "x",
        "y",
        "images",
        "image",
        "inputs",
        "spectrum",
        "freqs",
        "weight",
        "anchors",
        "kernel",
        "derivative",
        "vectors",
        "size",
        "n_samples",
        "k",
        "height",
        "width",
        "keep",
        "batch_size",
    }
    undeclared = (arrayish & set(params)) - set(fn.__accepts__)
    assert not undeclared, f"{label}: {sorted(undeclared)} not declared"


def _valid_call(fn, skip=None):
    """Arguments that pass every declaration; undeclared parameters get None (the body never runs
    for a bad argument: the check comes first)."""
    kwargs = {}
    for name, param in inspect.signature(fn).parameters.items():
        if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or name == skip:
            continue
        spec = fn.__accepts__.get(name)
        if spec is not None:
            kwargs[name] = spec.example()
        elif param.default is param.empty:
            kwargs[name] = None
    return kwargs


@pytest.mark.parametrize("label, fn, arg", CASES, ids=[f"{label}-{arg}" for label, fn, arg in CASES])
def test_bad_input_catalogue(label, fn, arg):
    spec = fn.__accepts__[arg]
    kwargs = _valid_call(fn, skip=arg)
    self_arg = (object(),) if "self" in inspect.signature(fn).parameters else ()
    for what, bad in spec.bad_values():
        with pytest.raises(ValueError) as info:
            fn(*self_arg, **kwargs, **{arg: bad})
        assert arg in str(info.value), f"{label}({arg}={what}): message does not name {arg}: {info.value}"


ARRAY_CASES = [
    (label, fn, arg)
    for label, fn, arg in CASES
    if isinstance(fn.__accepts__[arg], Array) and "self" not in inspect.signature(fn).parameters
]


@pytest.mark.parametrize("label, fn, arg", ARRAY_CASES, ids=[f"{label}-{arg}" for label, fn, arg in ARRAY_CASES])
def test_array_likes_are_accepted(label, fn, arg):
    spec = fn.__accepts__[arg]
    example = spec.example()
    as_list = example.tolist() if isinstance(example, np.ndarray) else example.numpy().tolist()
    checked = fn.__check__(**{**_valid_call(fn), arg: as_list})[arg]
    expected_type = torch.Tensor if spec.kind == "torch" else np.ndarray
    assert isinstance(checked, expected_type)
    assert tuple(checked.shape) == tuple(example.shape)
    if spec.kind == "numpy":  # a torch tensor is accepted by the NumPy functions too
        assert isinstance(fn.__check__(**{**_valid_call(fn), arg: torch.as_tensor(example)})[arg], np.ndarray)


# ---- the cases reported in the issue, end to end


from sigcnn.probes import anchors, max_gain  # noqa: E402
from sigcnn.signals import patches, spectra, sphere, transfer  # noqa: E402

NAN_X = np.array([[1.0, np.nan, 0.0], [0.0, 1.0, 0.0]])
INF_X = np.array([[1.0, np.inf, 0.0], [0.0, 1.0, 0.0]])
ANCHORS = np.eye(3)[:2]


@pytest.mark.parametrize("bad", [NAN_X, INF_X], ids=["nan", "inf"])
@pytest.mark.parametrize(
    "call",
    [
        lambda x: sphere.correlations(x, ANCHORS),
        lambda x: sphere.unit_vectors(x),
        lambda x: sphere.geodesic_distance(x, ANCHORS),
        lambda x: sphere.geodesic_distance(ANCHORS, x),
        lambda x: sphere.mean_removed_correlation(x, np.ones((2, 3))),
        lambda x: sphere.scaled_responses(x, ANCHORS),
        lambda x: sphere.rectified_correlations(x, ANCHORS),
        lambda x: anchors.unit_anchors(x),
    ],
)
def test_sphere_functions_reject_non_finite(call, bad):
    """Before: NaN came back silently."""
    with pytest.raises(ValueError, match="non-finite"):
        call(bad)


@pytest.mark.parametrize(
    "call, arg",
    [
        (lambda z: sphere.unit_vectors(z), "x"),
        (lambda z: spectra.spectral_centroid(np.abs(z) ** 2 + 0j), "spectrum"),
        (lambda z: transfer.frequency_response_db(np.stack([z, z])), "derivative"),
    ],
)
def test_complex_input_is_rejected_where_not_supported(call, arg):
    """Before: the imaginary part was dropped with only a ComplexWarning (a wrong spectrum)."""
    z = np.exp(2j * np.pi * np.arange(8) / 8)
    with pytest.raises(ValueError, match=f"{arg} must be .*real"):
        call(z)


def test_complex_input_is_accepted_where_declared():
    z = np.exp(2j * np.pi * 2 * np.arange(8) / 8)  # one complex exponential at bin 2
    e = spectra.energy_spectrum(z)
    assert np.argmax(e) == 4 + 2 and e.max() == pytest.approx(64.0)  # fftshift: bin 2 sits at index 6


def test_array_likes_in_spectra():
    """Before: energy_spectrum([1., 2.]) and summed_energy_spectrum(np.ones(4)) raised AttributeError."""
    np.testing.assert_allclose(spectra.energy_spectrum([1.0, 2.0]), [1.0, 9.0])  # X = (3, -1), shifted
    total = spectra.summed_energy_spectrum(np.ones(4))
    assert isinstance(total, torch.Tensor)
    np.testing.assert_allclose(total.numpy(), [0.0, 0.0, 16.0, 0.0])


@pytest.mark.parametrize(
    "call, arg",
    [
        (lambda: patches.extract_patches(np.ones((8, 8)), 2.5), "size"),
        (lambda: max_gain.impulse_image(32.0), "size"),
        (lambda: max_gain.impulse_image((0,)), "size"),
        (lambda: anchors.spherical_kmeans(np.eye(4), k=2.5), "k"),
        (lambda: transfer.gaussian_kernel(7, float("nan")), "sigma"),
        (lambda: transfer.hann_window_2d(2.5, 3), "height"),
    ],
)
def test_sizes_must_be_integers(call, arg):
    """Before: failures deep inside numpy/sklearn, a NaN kernel, or a 3x3 window for height 2.5."""
    with pytest.raises(ValueError, match=arg):
        call()


class _TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.fc = nn.Linear(2 * 8 * 8, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).flatten(1))


def test_maximum_gain_checks_image_against_model():
    """Before: a float64 or 3-channel image failed inside torch's convolution."""
    torch.manual_seed(0)
    model = _TinyNet()
    good = max_gain.maximum_gain(model, torch.rand(1, 8, 8))
    assert good.shape == (1,) and np.isfinite(good).all()
    with pytest.raises(ValueError, match="image has dtype torch.float64"):
        max_gain.maximum_gain(model, torch.rand(1, 8, 8, dtype=torch.float64))
    with pytest.raises(ValueError, match="image has 3 channel"):
        max_gain.maximum_gain(model, torch.rand(3, 8, 8))
    with pytest.raises(ValueError, match="image must be .*floating-point"):
        max_gain.maximum_gain(model, max_gain.impulse_image(8))
