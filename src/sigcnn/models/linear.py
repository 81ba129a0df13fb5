"""A linear classifier on fixed features: the back end of the scattering classifiers (Bruna & Mallat; kymatio's FSDD example)."""

from __future__ import annotations

import numpy as np


def logistic_regression_accuracy(
    train_x: np.ndarray,
    train_y: np.ndarray,
    test_x: np.ndarray,
    test_y: np.ndarray,
    C: float,
    seed: int,
    *,
    max_iter: int = 3000,
    eps: float = 1e-8,
) -> float:
    """Standardise on the training set (``(x - mean) / (std + eps)``), fit multinomial logistic
    regression (lbfgs, inverse L2 weight ``C``), and return the test accuracy."""
    from sklearn.linear_model import LogisticRegression

    mean, std = train_x.mean(axis=0), train_x.std(axis=0) + eps
    clf = LogisticRegression(C=C, max_iter=max_iter, random_state=seed)
    clf.fit((train_x - mean) / std, train_y)
    return float(clf.score((test_x - mean) / std, test_y))
