"""``sigcnn inspect``: a reader's own CNN through the five lenses, as a result folder and an HTML page.

A saved model -- a ``state_dict`` with an architecture of the library (:data:`ARCHITECTURES`),
read with ``torch.load(..., weights_only=True)`` (no pickle of arbitrary objects), or a TorchScript
file -- and a data set the library can load (:data:`DATASETS`) give the same readings as the
five-lens chapter (:func:`sigcnn.experiments._lenses_common.five_lenses`, with the chapter
experiment's settings at the chosen scale): a :class:`~sigcnn.core.results.Result` named ``inspect``
and a self-contained ``summary.html`` beside it (figures embedded as PNG, no script, no link).

The lenses share their forward passes: one traced pass per input variant (clean, shifted,
deformed, each noise) gives every layer at once; only the Maximum Gain runs a pass per layer and
example (a derivative up to that layer).

TorchScript modules cannot be hooked, so a TorchScript file is rebuilt as an eager module first:
a traced or scripted library architecture (``LeNet5``, ``AudioVGG11``, torchvision's ``ResNet``)
gets its weights loaded into the library's class; a scripted ``nn.Sequential`` is rebuilt layer
by layer (torch.nn layers from their attributes, any other leaf kept as a scripted block the
walk names and skips). The rebuild must give the TorchScript module's outputs on one example.
"""

from __future__ import annotations

import base64
import html
import inspect as _pyinspect
import io
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .core.checksums import file_digest
from .core.provenance import Stopwatch, git_commit, make_provenance, source_digest
from .core.results import Result, _atomic_write, folder_lock, save_result
from .core.runtime import resolve_device, resolve_scale, set_seed
from .data import IMAGE_DATASETS, load_image_dataset
from .data.audio_features import load_audio_split
from .data.transforms import to_symmetric
from .experiments import lenses_audio, lenses_lenet
from .experiments._lenses_common import CLAIMS, five_lenses
from .experiments._metrics import flatten
from .lenses import LensSettings
from .models.audio_vgg import AudioVGG11
from .models.lenet import LeNet5
from .verdicts import decide, sentence

ARCHITECTURES = ("lenet5", "audio-vgg11", "resnet18")
"""Architectures a ``state_dict`` can name (``--arch``)."""
AUDIO_DATASETS = ("fsdd", "urbansound8k")


def image_datasets() -> tuple[str, ...]:
    """The MNIST-like image sets of the data registry (read as 32×32 symmetric images, as in the RECOS chapter)."""
    return tuple(IMAGE_DATASETS)


def datasets() -> tuple[str, ...]:
    """Every data set ``sigcnn inspect`` can read."""
    return image_datasets() + AUDIO_DATASETS


class InspectError(ValueError):
    """The model, its architecture or the data set cannot be inspected (a bad argument: exit 2)."""


def normalise_dataset(name: str) -> str:
    """The registry spelling of ``name`` (``Fashion_MNIST`` → ``fashion-mnist``).

    Raises
    ------
    InspectError
        For a data set the library cannot load here.
    """
    key = name.strip().lower().replace("_", "-")
    if key not in datasets():
        raise InspectError(f"unknown data set {name!r}: choose one of {', '.join(datasets())}")
    return key


def check_arch(arch: str | None) -> str | None:
    """``arch`` in lower case, or ``None`` (a TorchScript file).

    Raises
    ------
    InspectError
        For an architecture the library does not have.
    """
    if arch is None:
        return None
    key = arch.strip().lower()
    if key not in ARCHITECTURES:
        raise InspectError(f"unknown architecture {arch!r}: choose one of {', '.join(ARCHITECTURES)}")
    return key


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


def is_torchscript(path: Path) -> bool:
    """True when ``path`` is a TorchScript archive (a zip with ``constants.pkl``), without loading it."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith("/constants.pkl") or n == "constants.pkl" for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


# --------------------------------------------------------------------------------------------------
# building a library architecture from a state_dict


def _shape(state: Mapping[str, Any], key: str, arch: str) -> tuple[int, ...]:
    if key not in state:
        raise InspectError(f"the weights do not fit --arch {arch}: no {key!r} in the state_dict")
    return tuple(state[key].shape)


def build_architecture(
    arch: str, state: Mapping[str, Any], width: float | None = None, pool_size: int | None = None
) -> Any:
    """The library's ``arch`` sized from ``state`` (channels, classes), with ``state`` loaded, eval mode.

    ``lenet5``: C1 channels, input channels and classes from the weights. ``audio-vgg11``:
    Network-audio-1 with ``width`` (default: the first convolution's channels / 64) and
    ``pool_size`` (default 4, the spectral-shift chapter's ``ci`` setting; pooling has no weights,
    so it cannot be read from them). ``resnet18``: torchvision's ResNet-18 (untrained
    architecture), its first convolution taking the weights' input channels.

    Raises
    ------
    InspectError
        When the weights do not fit the architecture (the first mismatch is named).
    """
    if arch == "lenet5":
        c1 = _shape(state, "c1.weight", arch)
        model: nn.Module = LeNet5(c1[0], num_classes=_shape(state, "output.weight", arch)[0], in_channels=c1[1])
    elif arch == "audio-vgg11":
        first = _shape(state, "features.conv1.0.weight", arch)
        width = first[0] / 64 if width is None else width
        model = AudioVGG11(
            num_classes=_shape(state, "classifier.weight", arch)[0],
            width=width,
            pool_size=4 if pool_size is None else pool_size,
            in_channels=first[1],
            batch_norm="features.conv1.1.weight" in state,
        )
    elif arch == "resnet18":
        import torchvision  # late: only --arch resnet18 needs it

        conv1 = _shape(state, "conv1.weight", arch)
        model = torchvision.models.resnet18(weights=None, num_classes=_shape(state, "fc.weight", arch)[0])
        if conv1[1] != 3:
            model.conv1 = nn.Conv2d(conv1[1], 64, kernel_size=7, stride=2, padding=3, bias=False)
    else:
        raise InspectError(f"unknown architecture {arch!r}: choose one of {', '.join(ARCHITECTURES)}")
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        hint = " (pass --width/--pool-size as trained)" if arch == "audio-vgg11" else ""
        raise InspectError(f"the weights do not fit --arch {arch}{hint}: {_one_line(exc)}") from None
    return model.eval()


# --------------------------------------------------------------------------------------------------
# TorchScript → eager


class ScriptedBlock:
    """Marker base of the wrappers around scripted leaves that have no eager counterpart."""


def _opaque(name: str, scripted: Any) -> Any:
    """An eager module that calls ``scripted``; its class is named ``name`` so the walk names it when skipping it."""

    def forward(self, *args):
        return self.__dict__["scripted"](*args)

    cls = type(name, (ScriptedBlock, nn.Module), {"forward": forward})
    module = cls()
    module.__dict__["scripted"] = scripted  # not a registered submodule: the walk cannot hook TorchScript
    return module


def _eager_leaf(scripted: Any) -> Any:
    name = scripted.original_name
    cls = getattr(nn, name, None)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)) or name in ("Sequential", "ModuleList", "ModuleDict"):
        return _opaque(name, scripted)
    kwargs = {}
    for param in list(_pyinspect.signature(cls.__init__).parameters)[1:]:
        if param in ("device", "dtype"):
            continue
        if param == "bias" and hasattr(scripted, "bias"):
            kwargs[param] = scripted.bias is not None
        elif hasattr(scripted, param):
            kwargs[param] = getattr(scripted, param)
    try:
        module = cls(**kwargs)
        module.load_state_dict(scripted.state_dict(), strict=True)
    except (TypeError, ValueError, RuntimeError):
        return _opaque(name, scripted)
    return module


def _eager_sequential(scripted: Any) -> Any:
    out = nn.Sequential()
    for name, child in scripted.named_children():
        children = list(child.named_children())
        if child.original_name == "Sequential":
            out.add_module(name, _eager_sequential(child))
        elif not children:
            out.add_module(name, _eager_leaf(child))
        else:
            out.add_module(name, _opaque(child.original_name, child))
    return out


LIBRARY_CLASSES = {"LeNet5": "lenet5", "AudioVGG11": "audio-vgg11", "ResNet": "resnet18"}
"""TorchScript class names rebuilt as the library architecture of the same weights."""


def eager_from_torchscript(scripted: Any, example: Any) -> tuple[Any, str]:
    """An eager module equal to ``scripted`` (checked on ``example``), and how it was rebuilt.

    Raises
    ------
    InspectError
        When the module is neither a library architecture nor a scripted ``nn.Sequential``, or
        the rebuild does not reproduce its outputs.
    """
    name = scripted.original_name
    state = {k: v.detach() for k, v in scripted.state_dict().items()}
    if name in LIBRARY_CLASSES:
        pool = None
        if name == "AudioVGG11":
            try:
                pool = int(np.atleast_1d(scripted.features.pool1.kernel_size)[0])
            except AttributeError:  # traced: no attributes; the chapter's setting
                pool = None
        model = build_architecture(LIBRARY_CLASSES[name], state, pool_size=pool)
        how = f"TorchScript {name}, weights loaded into the library's {LIBRARY_CLASSES[name]}"
    elif name == "Sequential" and hasattr(scripted, "code"):
        try:
            model = _eager_sequential(scripted).eval()
        except AttributeError as exc:
            raise InspectError(
                f"cannot rebuild the TorchScript nn.Sequential (a traced module keeps no layer settings; "
                f"script it with torch.jit.script): {_one_line(exc)}"
            ) from None
        how = "TorchScript nn.Sequential, rebuilt layer by layer"
    else:
        raise InspectError(
            f"TorchScript model of class {name!r}: TorchScript layers cannot be hooked, and only the library's "
            f"architectures ({', '.join(LIBRARY_CLASSES)}) or a scripted nn.Sequential can be rebuilt; "
            "save its state_dict and name --arch instead"
        )
    try:
        with torch.no_grad():
            expected, got = scripted(example), model(example)
    except Exception as exc:  # the shape check reports shape errors; here only a broken rebuild
        raise InspectError(f"the rebuilt TorchScript model does not run: {_one_line(exc)}") from None
    if expected.shape != got.shape or not torch.allclose(expected, got, rtol=1e-4, atol=1e-5):
        raise InspectError(f"rebuilding the TorchScript {name} as an eager module changes its outputs")
    return model.eval(), how


# --------------------------------------------------------------------------------------------------
# loading


def load_model_file(
    path: str | Path, arch: str | None, width: float | None = None, pool_size: int | None = None
) -> tuple[nn.Module, str]:
    """The model in ``path``: ``(module, description)``; TorchScript when ``arch`` is None.

    A TorchScript module is returned as loaded (see :func:`eager_from_torchscript` for the eager
    rebuild the lenses need, which needs an example input).

    Raises
    ------
    InspectError
        When the file is missing, is not a model, or does not fit ``arch``.
    """
    path = Path(path)
    if not path.is_file():
        raise InspectError(f"model file {path} does not exist" if not path.exists() else f"{path} is not a file")
    arch = check_arch(arch)
    if is_torchscript(path):
        if arch is not None:
            raise InspectError(f"{path.name} is a TorchScript file: leave out --arch")
        try:
            return torch.jit.load(str(path), map_location="cpu").eval(), "TorchScript"
        except Exception as exc:
            raise InspectError(f"{path.name} is not a loadable TorchScript file: {_one_line(exc)}") from None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise InspectError(
            f"{path.name} is not a model: neither a TorchScript archive nor a state_dict that "
            f"torch.load(weights_only=True) can read ({type(exc).__name__})"
        ) from None
    if not isinstance(state, Mapping) or not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise InspectError(f"{path.name} is not a state_dict (a mapping of parameter names to tensors)")
    if arch is None:
        raise InspectError(
            f"{path.name} is a state_dict: name its architecture with --arch ({', '.join(ARCHITECTURES)})"
        )
    return build_architecture(arch, state, width, pool_size), f"state_dict, --arch {arch}"


@dataclass
class Examples:
    """The examples read: inputs, labels, number of classes, where they came from, and audio settings."""

    x: Any
    y: Any
    classes: int
    data_source: str
    length: int | None = None
    decimate: int | None = None


def chapter_settings(dataset: str, scale: str) -> dict[str, Any]:
    """The five-lens chapter experiment's settings for ``dataset`` at ``scale`` (examples, untrained seeds,
    Maximum-Gain examples; audio length and decimation)."""
    if dataset in AUDIO_DATASETS:
        audio = lenses_audio.EXPERIMENT.make_config(scale)
        assert isinstance(audio, lenses_audio.Config)
        return dict(
            examples=audio.examples,
            untrained_seeds=audio.untrained_seeds,
            max_gain_examples=audio.max_gain_examples,
            length=audio.length,
            decimate=audio.decimate,
        )
    image = lenses_lenet.EXPERIMENT.make_config(scale)
    assert isinstance(image, lenses_lenet.Config)
    return dict(
        examples=image.examples, untrained_seeds=image.untrained_seeds, max_gain_examples=image.max_gain_examples
    )


def load_examples(dataset: str, examples: int, seed: int = 0, length: int = 2048, decimate: int = 2) -> Examples:
    """The first ``examples`` test examples of ``dataset``, prepared as the chapters do.

    Images: 32×32, symmetric scaling ``(2u − 255)/255`` (the RECOS chapter's LeNet inputs).
    Audio: fixed-length waveforms from :func:`sigcnn.data.audio_features.load_audio_split`.
    """
    dataset = normalise_dataset(dataset)
    if dataset in AUDIO_DATASETS:
        audio = load_audio_split(dataset, length, decimate, 1, seed, 8000)
        return Examples(
            audio.x_test[:examples], audio.y_test[:examples], audio.classes, audio.data_source, length, decimate
        )
    split = load_image_dataset(dataset, allow_test_split=True)
    x = to_symmetric(split.test_images[:examples])
    return Examples(x, split.test_labels[:examples], split.num_classes, split.data_source)


def _expected_input(model: Any) -> str:
    """The input a model's first convolution takes, as a shape with free sizes (for messages)."""
    for p in model.parameters():
        if p.ndim in (3, 4):
            return f"(N, {p.shape[1]}, length)" if p.ndim == 3 else f"(N, {p.shape[1]}, H, W)"
    return "unknown"


def check_fit(model: Any, examples: Examples, model_name: str, dataset: str) -> None:
    """Run ``model`` on one example: the input and output shapes must fit the data set.

    Raises
    ------
    InspectError
        Naming the example's shape and the input the model's first convolution takes (or the
        output shape against the number of classes).
    """
    one = examples.x[:1]
    try:
        with torch.no_grad():
            out = model(one)
    except (RuntimeError, ValueError, TypeError, IndexError) as exc:
        raise InspectError(
            f"{model_name} cannot run on {dataset} examples of shape {tuple(one.shape)} "
            f"(its first convolution takes {_expected_input(model)}): {_one_line(exc)}"
        ) from None
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[1] < examples.classes:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise InspectError(
            f"{model_name} gives outputs of shape {shape} on {dataset} examples of shape {tuple(one.shape)}; "
            f"expected (1, {examples.classes}) class scores"
        )


# --------------------------------------------------------------------------------------------------
# the run


@dataclass(frozen=True)
class InspectConfig:
    """What an inspection ran on and with (the provenance's ``config``; the model by name and digest)."""

    model_file: str
    model_sha256: str
    model_kind: str
    dataset: str
    scale: str = "ci"
    examples: int = 200
    untrained_seeds: int = 5
    max_gain_examples: int = 8
    seed: int = 0
    device: str = "auto"
    length: int | None = None
    decimate: int | None = None


@dataclass
class Prepared:
    """A model and its examples, checked to fit, ready to read."""

    model: Any
    examples: Examples
    config: InspectConfig
    notes: list[str]


def prepare(
    model_path: str | Path,
    arch: str | None,
    dataset: str,
    *,
    scale: str = "ci",
    examples: int | None = None,
    untrained_seeds: int | None = None,
    seed: int = 0,
    device: str = "auto",
    width: float | None = None,
    pool_size: int | None = None,
) -> Prepared:
    """Load and check everything :func:`run_inspect` needs (no lens runs here).

    Defaults (``examples``, ``untrained_seeds``, Maximum-Gain examples, audio length) are those
    of the five-lens chapter's experiment at ``scale``.

    Raises
    ------
    InspectError
        For a missing or unreadable model, an unknown architecture or data set, bad counts, options
        that do not apply, or a model that does not fit the data set's inputs.
    DatasetUnavailable
        When the data set is not on disk and cannot be downloaded.
    """
    arch, dataset = check_arch(arch), normalise_dataset(dataset)
    try:
        scale = resolve_scale(scale)
    except ValueError as exc:
        raise InspectError(str(exc)) from None
    if (width is not None or pool_size is not None) and arch != "audio-vgg11":
        raise InspectError("--width and --pool-size apply to --arch audio-vgg11 only")
    if width is not None and not width > 0 or pool_size is not None and pool_size < 1:
        raise InspectError("--width must be positive and --pool-size at least 1")
    settings = chapter_settings(dataset, scale)
    examples = settings["examples"] if examples is None else examples
    untrained_seeds = settings["untrained_seeds"] if untrained_seeds is None else untrained_seeds
    if examples < 4 or untrained_seeds < 2:
        raise InspectError(f"--examples must be >= 4 and --untrained-seeds >= 2, got {examples} and {untrained_seeds}")
    path = Path(model_path)
    model, kind = load_model_file(path, arch, width, pool_size)
    data = load_examples(dataset, examples, seed, settings.get("length", 2048), settings.get("decimate", 2))
    notes = []
    if kind == "TorchScript":
        check_fit(model, data, path.name, dataset)
        model, kind = eager_from_torchscript(model, data.x[:1])
    check_fit(model, data, path.name, dataset)
    if data.x.shape[0] < examples:
        notes.append(f"{dataset} has {data.x.shape[0]} test examples; all are read.")
    config = InspectConfig(
        model_file=path.name,
        model_sha256=file_digest(path, "sha256"),
        model_kind=kind,
        dataset=dataset,
        scale=scale,
        examples=int(data.x.shape[0]),
        untrained_seeds=untrained_seeds,
        max_gain_examples=min(settings["max_gain_examples"], int(data.x.shape[0])),
        seed=seed,
        device=device,
        length=data.length,
        decimate=data.decimate,
    )
    return Prepared(model, data, config, notes)


SKIPPED_PREFIX = "Skipped: "


def run_inspect(prepared: Prepared) -> Result:
    """Read the prepared model and its untrained copies through the five lenses: a ``Result`` named ``inspect``.

    The metrics are the five-lens chapter's (flattened), decided by the same claims; the arrays
    add ``skipped_layers`` (the layers the walk does not know, named).
    """
    config = prepared.config
    device = resolve_device(config.device)
    set_seed(config.seed)
    commit, source = git_commit(), source_digest()
    x, y = prepared.examples.x.to(device), prepared.examples.y
    settings = LensSettings(max_gain_examples=config.max_gain_examples, seed=config.seed)
    with Stopwatch() as clock:
        metrics, arrays, notes = five_lenses(prepared.model.to(device), x, y, settings, config.untrained_seeds)
    skipped = [n[len(SKIPPED_PREFIX) :] for n in notes if n.startswith(SKIPPED_PREFIX)]
    arrays = dict(arrays, skipped_layers=np.array(skipped, dtype=str))
    head = f"{config.model_file} ({config.model_kind}) on {x.shape[0]} {config.dataset} test examples."
    provenance = make_provenance(
        config, device, prepared.examples.data_source, clock.seconds, [head, *prepared.notes, *notes], commit, source
    )
    return Result("inspect", config.scale, flatten(metrics), arrays, provenance)


def verdict_sentences(metrics: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(outcome, sentence)`` for each cross-lens claim, decided by the engine from ``metrics``."""
    verdicts = decide(CLAIMS, metrics)
    claims = {c.id: c for c in CLAIMS}
    return [(v.outcome, sentence(claims[k], v)) for k, v in verdicts.items()]


def terminal_summary(result: Result) -> str:
    """A few lines for the terminal: scalar metrics (not the replicate lists) and each claim's outcome."""
    p = result.provenance
    lines = [f"inspect [{result.scale}] in {p.wall_time_s:.1f} s on {p.device}"]
    for key, value in result.metrics.items():
        if not isinstance(value, list):
            lines.append(f"  {key:<28} {value:.4f}" if isinstance(value, float) else f"  {key:<28} {value}")
    for claim_id, verdict in decide(CLAIMS, result.metrics).items():
        lines.append(f"  claim {claim_id:<28} {verdict.outcome}")
    for note in p.notes:
        if note.startswith(SKIPPED_PREFIX):
            lines.append(f"  {note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# the HTML summary


def figures_png(arrays: Mapping[str, np.ndarray]) -> dict[str, bytes]:
    """One PNG per lens (:func:`sigcnn.plots.lenses.lens_figure`), drawn off-screen."""
    import matplotlib  # late: the off-screen backend is chosen before pyplot (and the plots) load

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .plots import use_book_style
    from .plots.lenses import LENS_PANELS, lens_figure

    out = {}
    with plt.style.context("default"):
        use_book_style()
        for lens in LENS_PANELS:
            fig = lens_figure(arrays, lens)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=90)
            plt.close(fig)
            out[lens] = buffer.getvalue()
    return out


TABLE_READINGS = (
    ("rectified_fraction", "rectified", "{:.3f}"),
    ("anchor_angle_deg", "anchor angle (°)", "{:.1f}"),
    ("centroid_shift", "centroid shift", "{:+.4f}"),
    ("centroid_shift_unit", "centroid shift (unit)", "{:+.4f}"),
    ("max_gain_db", "Max Gain (dB)", "{:.1f}"),
    ("gabor", "Gabor residual", "{:.3f}"),
    ("translation_change", "translation Δ", "{:.3f}"),
    ("deformation_change", "deformation Δ", "{:.3f}"),
    ("snr_scale_2", "SNR α=2 (dB)", "{:.1f}"),
    ("snr_scale_0.5", "SNR α=0.5 (dB)", "{:.1f}"),
)

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:12px;margin:1em 0}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f3f3f3}td.name{text-align:left;font-family:monospace}
.untrained{color:#777}.supported{color:#1a7f37}.contradicted{color:#b42318}
.inconclusive,.no-test{color:#8a6d00}img{max-width:100%;display:block;margin:1em 0}
figure{margin:0}figcaption{font-size:13px;color:#444}
"""


def _cell(value: float, fmt: str) -> str:
    return "–" if value is None or not math.isfinite(value) else fmt.format(value)


def _bold(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def summary_html(result: Result, figures: Mapping[str, bytes] | None = None) -> str:
    """A self-contained HTML page of an ``inspect`` result: no script, no external link, figures inline.

    Per layer, the five lenses' readings (trained above, the untrained copies' mean below), the
    claims' verdicts (the engine's sentences), the layers skipped (named) and the provenance.
    """
    a, m, p = result.arrays, result.metrics, result.provenance
    cfg = p.config
    figures = figures_png(a) if figures is None else figures
    esc = html.escape
    names = [str(n) for n in np.asarray(a["layer_names"]).tolist()]
    kinds = [str(k) for k in np.asarray(a["layer_kinds"]).tolist()]
    down = np.asarray(a.get("layer_downsampling", np.full(len(names), np.nan)), dtype=float)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>sigcnn inspect: {esc(cfg.get('model_file', '?'))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{esc(cfg.get('model_file', '?'))} through the five lenses</h1>",
        "<p>"
        + esc(
            f"{cfg.get('model_kind', '?')}; {m.get('examples')} test examples of {cfg.get('dataset', '?')}; "
            f"{m.get('untrained_seeds')} untrained copies (the same architecture, freshly initialised) are the "
            f"baseline; scale {result.scale}; {p.wall_time_s:.1f} s on {p.device}."
        )
        + "</p>",
    ]
    acc, acc_rev = m.get("accuracy"), m.get("accuracy_reversed")
    if acc is not None:
        rev = "" if acc_rev is None else f"; under grey-scale (sign) reversal {acc_rev:.1%}"
        parts.append(f"<p>Accuracy on these examples: {acc:.1%}{esc(rev)}.</p>")
    parts.append("<h2>Cross-lens claims</h2><ul>")
    for outcome, text in verdict_sentences(m):
        parts.append(f'<li class="{esc(outcome.replace(" ", "-"))}">{_bold(text)}</li>')
    parts.append("</ul>")
    parts.append("<h2>Layer by layer</h2>")
    parts.append(
        "<p>Each cell: this network (top) and the mean of the untrained copies "
        '(<span class="untrained">grey, below</span>); means over the examples. – : the reading does not '
        "apply to the layer.</p>"
    )
    header = "".join(f"<th>{esc(label)}</th>" for _, label, _ in TABLE_READINGS)
    parts.append(f"<table><tr><th>layer</th><th>kind</th><th>down-sampling</th>{header}</tr>")
    for i, (name, kind) in enumerate(zip(names, kinds)):
        cells = []
        for key, _, fmt in TABLE_READINGS:
            t = float(np.asarray(a[f"trained_{key}"], dtype=float)[i])
            u = float(np.asarray(a[f"untrained_{key}"], dtype=float)[i])
            cells.append(f'<td>{_cell(t, fmt)}<br><span class="untrained">{_cell(u, fmt)}</span></td>')
        parts.append(
            f'<tr><td class="name">{esc(name)}</td><td>{esc(kind)}</td><td>{_cell(down[i], "{:g}")}</td>'
            + "".join(cells)
            + "</tr>"
        )
    parts.append("</table>")
    skipped = [str(s) for s in np.asarray(a.get("skipped_layers", np.array([], dtype=str))).tolist()]
    parts.append("<h2>Layers skipped</h2>")
    if skipped:
        parts.append("<ul>" + "".join(f"<li><code>{esc(s)}</code></li>" for s in skipped) + "</ul>")
    else:
        parts.append("<p>None: every layer is of a kind the lenses know.</p>")
    parts.append("<h2>The five lenses across layers</h2>")
    for lens, png in figures.items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(
            f'<figure><img alt="{esc(lens)}: readings per layer, this network vs untrained copies" '
            f'src="data:image/png;base64,{data}"><figcaption>{esc(lens)}</figcaption></figure>'
        )
    parts.append("<h2>Notes and provenance</h2><ul>")
    for note in p.notes:
        parts.append(f"<li>{esc(str(note))}</li>")
    for key, value in (
        ("data_source", p.data_source),
        ("git_commit", p.git_commit),
        ("source_sha256", p.source_sha256),
        ("finished_at", p.finished_at),
    ):
        parts.append(f"<li>{esc(key)}: {esc(str(value))}</li>")
    parts.append(f"<li>model_sha256: {esc(str(cfg.get('model_sha256')))}</li></ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_summary(result: Result, out_dir: str | Path) -> tuple[Path, Path]:
    """Save ``result`` (atomically, :func:`sigcnn.core.results.save_result`) and ``summary.html`` beside it."""
    path = save_result(result, out_dir)
    text = summary_html(result)
    page = path.with_name("summary.html")
    with folder_lock(path.parent):
        _atomic_write(page, lambda h: h.write(text.encode("utf-8")))
    return path, page
