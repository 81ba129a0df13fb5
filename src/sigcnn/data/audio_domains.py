"""Audio sets as two domains of feature vectors (registry task ``audio-domains``).

Wu et al.'s post-shift (§5.2.1, Algorithm 2) reads a source domain (Data-audio-A: a network is
trained on it, its spectrum difference is read) and a target domain (Data-audio-B: a second
network is trained and tested on it). Each recording becomes the 212-value vector of six
time-averaged features (:mod:`sigcnn.data.six_features`). Two entries: ``fsdd-speakers`` (three
FSDD speakers against the other three) and ``urbansound8k-dcase2016`` (the paper's pair).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .audio import load_fsdd
from .paper_sets import dcase2016_folder, load_dcase2016
from .registry import DatasetSpec, load_typed
from .six_features import six_features
from .urbansound import ensure_urbansound8k, load_urbansound8k


@dataclass(frozen=True)
class AudioDomains:
    """Feature vectors ``(N, 212)`` and labels of the source set and the target's train and test sets."""

    source: tuple[np.ndarray, np.ndarray]
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    classes: tuple[int, int]
    """Number of classes of the source and of the target domain."""
    data_source: str
    note: str
    """What was loaded, in words (for the notes of a run)."""


def load_fsdd_speaker_domains(
    source_indices: Sequence[int],
    target_train_indices: Sequence[int],
    target_test_indices: Sequence[int],
    device: torch.device | str = "cpu",
    *,
    spec: DatasetSpec | None = None,
) -> AudioDomains:
    """FSDD: the first three speakers (sorted by name) are the source, the other three the target.

    A recording's index is the number in its file name (``<digit>_<speaker>_<index>.wav``); the
    source keeps the recordings with an index in ``source_indices``, the target's training and
    test sets those in ``target_train_indices`` and ``target_test_indices``.
    """
    fsdd = load_fsdd()
    speakers = sorted(set(fsdd.speakers))
    source_spk, target_spk = set(speakers[:3]), set(speakers[3:])
    index: dict[int, int] = {}
    counts: dict[tuple[int, str], int] = {}
    for i, (label, spk) in enumerate(zip(fsdd.labels, fsdd.speakers)):
        k = counts.get((label, spk), 0)
        counts[(label, spk)] = k + 1
        index[i] = k
    # load_fsdd sorts by file name, so the k-th file of (digit, speaker) in name order is not index k;
    # recover the true index from the name order instead: files are sorted as strings ("0_x_10" < "0_x_2").
    true_index = {}
    for (label, spk), n in counts.items():
        ordered = sorted(str(j) for j in range(n))
        for k, j in enumerate(ordered):
            true_index[(label, spk, k)] = int(j)
    idx = np.array([true_index[(lab, spk, index[i])] for i, (lab, spk) in enumerate(zip(fsdd.labels, fsdd.speakers))])
    names = [f"fsdd_{lab}_{spk}_{j}" for lab, spk, j in zip(fsdd.labels, fsdd.speakers, idx)]
    spk_array = np.array(fsdd.speakers)
    pick = {
        "source": np.isin(spk_array, list(source_spk)) & np.isin(idx, source_indices),
        "train": np.isin(spk_array, list(target_spk)) & np.isin(idx, target_train_indices),
        "test": np.isin(spk_array, list(target_spk)) & np.isin(idx, target_test_indices),
    }
    out = {}
    for key, mask in pick.items():
        sel = np.flatnonzero(mask)
        feats = six_features([fsdd.waveforms[i] for i in sel], [names[i] for i in sel], fsdd.sample_rate, device)
        out[key] = (feats, fsdd.labels[sel])
    note = (
        f"FSDD: source speakers {', '.join(sorted(source_spk))} (indices {list(source_indices)}), "
        f"target speakers {', '.join(sorted(target_spk))} (train indices {list(target_train_indices)}, "
        f"test indices {list(target_test_indices)})."
    )
    return AudioDomains(out["source"], out["train"], out["test"], (10, 10), fsdd.data_source, note)


def load_urbansound_dcase_domains(
    source_indices: Sequence[int] = (),
    target_train_indices: Sequence[int] = (),
    target_test_indices: Sequence[int] = (),
    device: torch.device | str = "cpu",
    *,
    spec: DatasetSpec | None = None,
) -> AudioDomains:
    """Data-audio-A = UrbanSound8K (all folds), Data-audio-B = DCASE 2016 (seeded 70/30 split), as in the paper.

    The recording indices are accepted for the ``audio-domains`` loader interface and not used
    (every recording is read).
    """
    ensure_urbansound8k(), dcase2016_folder()  # both checked before any audio is read
    us = load_urbansound8k()
    dc, classes = load_dcase2016()
    xs = six_features(us.waveforms, [f"us8k_{i}_{len(w)}" for i, w in enumerate(us.waveforms)], us.sample_rate, device)
    xd = six_features(
        dc.waveforms, [f"dcase16_{i}_{len(w)}" for i, w in enumerate(dc.waveforms)], dc.sample_rate, device
    )
    note = (
        f"Data-audio-A: UrbanSound8K, {len(us.labels)} excerpts; Data-audio-B: DCASE 2016 development, "
        f"{len(dc.labels)} clips (first 10 s), {len(classes)} scenes, seeded 70/30 split."
    )
    return AudioDomains(
        (xs, us.labels),
        (xd[~dc.is_test], dc.labels[~dc.is_test]),
        (xd[dc.is_test], dc.labels[dc.is_test]),
        (10, len(classes)),
        f"{us.data_source} -> {dc.data_source}",
        note,
    )


def load_audio_domains(
    name: str,
    source_indices: Sequence[int],
    target_train_indices: Sequence[int],
    target_test_indices: Sequence[int],
    device: torch.device | str = "cpu",
) -> AudioDomains:
    """The ``audio-domains`` entry ``name`` of the registry, loaded with its own loader.

    Raises
    ------
    ValueError
        When ``name`` is not an ``audio-domains`` entry.
    """
    return load_typed(
        name,
        "audio-domains",
        AudioDomains,
        source_indices=source_indices,
        target_train_indices=target_train_indices,
        target_test_indices=target_test_indices,
        device=device,
    )


__all__ = ["AudioDomains", "load_audio_domains", "load_fsdd_speaker_domains", "load_urbansound_dcase_domains"]
