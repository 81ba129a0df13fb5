"""A linear classifier on fixed features: the back end of the scattering classifiers (Bruna & Mallat; kymatio's FSDD example)."""

from __future__ import annotations

import numpy as np


def logistic_regression_predict(
    train_x: np.ndarray,
    train_y: np.ndarray,
    test_x: np.ndarray,
    C: float,
    seed: int,
    *,
    max_iter: int = 3000,
    eps: float = 1e-8,
) -> np.ndarray:
    """Standardise on the training set (``(x - mean) / (std + eps)``), fit multinomial logistic
    regression (lbfgs, inverse L2 weight ``C``), and return the predicted test labels."""
    from sklearn.linear_model import LogisticRegression

    mean, std = train_x.mean(axis=0), train_x.std(axis=0) + eps
    clf = LogisticRegression(C=C, max_iter=max_iter, random_state=seed)
    clf.fit((train_x - mean) / std, train_y)
    return clf.predict((test_x - mean) / std)


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
    """The test accuracy of :func:`logistic_regression_predict`."""
    pred = logistic_regression_predict(train_x, train_y, test_x, C, seed, max_iter=max_iter, eps=eps)
    return float(np.mean(pred == np.asarray(test_y)))
