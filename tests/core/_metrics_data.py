"""Real-shaped data for the metrics tests: out-of-fold predictions of models trained here, on
datasets scikit-learn ships, so that every statistic is checked on predictions with a real
model's shape (skew, ties, confident mistakes) and not only on uniform noise."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=None)
def breast_cancer_oof(c: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(labels 0/1 as floats, out-of-fold P(class 1)) of a logistic regression, 5 folds.

    ``c`` large (weak regularisation) gives the confident, sometimes certain, predictions of an
    overfitted model (p of exactly 0 or 1 for some rows).
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=20000))
    p = cross_val_predict(model, X, y, cv=5, method="predict_proba")[:, 1]
    return y.astype(np.float64), p


@lru_cache(maxsize=None)
def breast_cancer_oof_logits(c: float = 1e4) -> tuple[np.ndarray, np.ndarray]:
    """(labels, out-of-fold logits) of the same logistic regression (its decision function)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=20000))
    z = cross_val_predict(model, X, y, cv=5, method="decision_function")
    return y.astype(np.float64), z


@lru_cache(maxsize=None)
def multiclass_oof(name: str = "wine") -> tuple[np.ndarray, np.ndarray]:
    """(class indices, out-of-fold (n, K) probabilities) on wine (K = 3) or iris (K = 3)."""
    from sklearn.datasets import load_iris, load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = (load_wine if name == "wine" else load_iris)(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=20000))
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    P = cross_val_predict(model, X, y, cv=cv, method="predict_proba")
    return y.astype(np.int64), P


def weights(n: int, seed: int = 0) -> np.ndarray:
    """Positive sample weights with a realistic spread (and a few zeros)."""
    rng = np.random.default_rng(seed)
    w = rng.gamma(2.0, 0.5, n)
    w[rng.choice(n, size=max(1, n // 50), replace=False)] = 0.0
    return w
