"""Data-parallel training under ``torchrun``: the process group, ranks and reductions.

``torchrun --nproc_per_node=N -m sigcnn.cli run NAME ...`` starts N copies of the same command;
torchrun sets ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` in
each one's environment. :func:`init_from_environment` reads them and joins the process group
(gloo on CPU, NCCL on CUDA with the local rank's GPU); without them (a plain ``sigcnn run``)
it does nothing, the world has size 1 and training is the single-process code path, bit for bit.
:func:`sigcnn.models.training.train_classifier` shards every batch across the ranks (see there).
No scheduler: launching, placement and restarts are torchrun's (or the cluster's) job.
"""

from __future__ import annotations

import os

import torch

from .runtime import device_name

ENVIRONMENT = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
"""The variables torchrun sets in every process it starts."""


def _dist():
    import torch.distributed as dist

    return dist


def launched_with_several_processes() -> bool:
    """``True`` when the environment says this process is one of several (``WORLD_SIZE`` > 1)."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1
    except ValueError:
        return False


def is_initialized() -> bool:
    """``True`` when this process belongs to an initialised process group."""
    dist = _dist()
    return dist.is_available() and dist.is_initialized()


def init_from_environment(device: str | None = None) -> bool:
    """Join the process group that torchrun's environment describes; ``False`` when there is none.

    Parameters
    ----------
    device
        The device the run will use (``"cpu"``, ``"cuda"``, ``"auto"`` or ``None`` for auto).
        CUDA (asked for, or ``auto`` with a GPU present) uses the NCCL backend and first makes
        ``cuda:LOCAL_RANK`` the current device, so ``"cuda"`` means this rank's GPU; otherwise gloo.

    Raises
    ------
    ValueError
        When ``WORLD_SIZE`` > 1 but another torchrun variable is missing or not a number.
    RuntimeError
        When torch was built without ``torch.distributed``.
    """
    if not launched_with_several_processes():
        return False
    if is_initialized():
        return True
    missing = [name for name in ENVIRONMENT if name not in os.environ]
    if missing:
        raise ValueError(f"WORLD_SIZE > 1 but {', '.join(missing)} not set: launch with torchrun")
    try:
        local = int(os.environ["LOCAL_RANK"])
    except ValueError as exc:
        raise ValueError(f"LOCAL_RANK must be an integer, got {os.environ['LOCAL_RANK']!r}") from exc
    dist = _dist()
    if not dist.is_available():
        raise RuntimeError("this torch has no torch.distributed: data-parallel runs are not possible")
    wants_cuda = device_name(device) in ("cuda", "auto") and torch.cuda.is_available()
    if wants_cuda:
        torch.cuda.set_device(local)
    dist.init_process_group("nccl" if wants_cuda else "gloo")
    return True


def shutdown() -> None:
    """Leave the process group (no-op when not in one)."""
    if is_initialized():
        _dist().destroy_process_group()


def world_size() -> int:
    """Number of processes training together (1 outside a process group)."""
    return _dist().get_world_size() if is_initialized() else 1


def rank() -> int:
    """This process's rank, 0 to ``world_size() - 1`` (0 outside a process group)."""
    return _dist().get_rank() if is_initialized() else 0


def is_main() -> bool:
    """``True`` on rank 0 (and in a single process): the one that prints and writes results."""
    return rank() == 0


def all_reduce_sum(values: torch.Tensor) -> torch.Tensor:
    """Element-wise sum of ``values`` over all ranks (``values`` itself in a single process).

    ``values`` must be on the backend's device (the GPU for NCCL); a reduced copy is returned.
    """
    if world_size() == 1:
        return values
    out = values.clone()
    _dist().all_reduce(out, op=_dist().ReduceOp.SUM)
    return out
