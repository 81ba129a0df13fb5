"""Scale profiles, seeds and devices: the one place notebooks and the CLI get them from.

torch is imported inside the functions that need it, so that the command line can parse and
check its arguments (and report Ctrl-C) before the heavy import.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import sigcnn

if TYPE_CHECKING:
    import torch

SCALES = ("ci", "laptop", "full")
"""Scale profiles: ``ci`` (book build, <= 90 s a notebook on 2 CPU cores),
``laptop`` (minutes on a CPU), ``full`` (the paper's protocol, meant for a GPU)."""

DEVICES = ("auto", "cpu", "cuda")


def resolve_scale(scale: str | None = None) -> str:
    """Return the scale profile: ``scale`` if given, else ``$SIGCNN_SCALE``, else ``"ci"``.

    Raises
    ------
    ValueError
        If the name is not one of :data:`SCALES`.
    """
    name = scale if scale is not None else os.environ.get("SIGCNN_SCALE", "ci")
    name = name.strip().lower()
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}: choose one of {', '.join(SCALES)}")
    return name


def device_name(device: str | None = None) -> str:
    """The device name in force: ``device`` unless it is ``None`` or ``"auto"``, then
    ``$SIGCNN_DEVICE`` when set, else ``"auto"``; checked against :data:`DEVICES`.

    So ``SIGCNN_DEVICE=cpu`` keeps a GPU machine's runs on the CPU unless a run names its device
    (``--device cuda``, ``make_config(device="cuda")``).

    Raises
    ------
    ValueError
        For an unknown name (the message says whether it came from ``SIGCNN_DEVICE``).
    """
    if device is not None and not isinstance(device, str):
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
    name = (device or "auto").strip().lower()
    origin = "device"
    if name == "auto" and os.environ.get("SIGCNN_DEVICE", "").strip():
        name, origin = os.environ["SIGCNN_DEVICE"].strip().lower(), "SIGCNN_DEVICE"
    if name not in DEVICES:
        shown = os.environ.get("SIGCNN_DEVICE") if origin == "SIGCNN_DEVICE" else device
        raise ValueError(f"unknown {origin} {shown!r}: choose one of {', '.join(DEVICES)}")
    return name


def resolve_device(device: str | None = None) -> torch.device:
    """Return a torch device for :func:`device_name` of ``device``: CUDA when present for
    ``"auto"``, else the named one.

    Raises
    ------
    ValueError
        For an unknown name (argument or ``$SIGCNN_DEVICE``), or ``"cuda"`` on a machine without
        a CUDA device.
    """
    name = device_name(device)
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' requested but no CUDA device is available on this machine")
    return torch.device(name)


def set_seed(seed: int, deterministic: bool = True) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA) and make cuDNN deterministic.

    Returns a seeded CPU ``torch.Generator`` for shuffling, so that data order does not
    depend on how many random numbers model initialisation consumed.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def seed_worker(worker_id: int) -> None:
    """``DataLoader(worker_init_fn=seed_worker)``: derive NumPy/random seeds from torch's."""
    import torch

    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


def user_cache_dir() -> Path:
    """The per-user cache folder of sigcnn: ``$XDG_CACHE_HOME/sigcnn`` (default ``~/.cache/sigcnn``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sigcnn"


def thread_settings() -> dict[str, object]:
    """The CPU threading in force: torch's thread count and OpenMP's wait policy.

    ``import sigcnn`` sets ``OMP_WAIT_POLICY=PASSIVE`` before torch is loaded, unless the
    variable is already set. With OpenMP's default (active) policy, a thread that finishes its
    share of a parallel loop spins until the others finish; when another process occupies a
    core, the spinning thread and the descheduled one make 2-thread CPU training several times
    slower (issue 8 measured 9x next to one busy loop). Passive waiting sleeps instead. The
    thread count stays torch's default (one per core), so results are bit-identical to before;
    a thread count chosen from the machine's current load would make a seed's results depend on
    that load, so none is chosen. Numbers: ``benchmarks/NOTES.md`` (``bench_threads.py``).

    When torch was imported *before* sigcnn, OpenMP has already read its environment: the
    passive policy does not apply in that process (``torch_imported_first`` is then True).
    Import sigcnn first, or set ``OMP_WAIT_POLICY=PASSIVE`` in the shell, to get it.

    Returns
    -------
    dict
        ``threads`` (``torch.get_num_threads()``), ``omp_wait_policy`` (the variable, or
        ``None``) and ``torch_imported_first`` (bool).
    """
    import torch

    return {
        "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "torch_imported_first": sigcnn.TORCH_IMPORTED_FIRST,
    }
