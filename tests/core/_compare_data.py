"""Two real models' out-of-fold predictions on the same rows, for the comparison tests:
logistic regression and Gaussian naive Bayes, trained here on data sets scikit-learn ships
(breast cancer: binary; wine: K = 3), 5 folds each. Naive Bayes is confidently wrong on some
rows (p near 0 or 1 for the wrong class), so the two models disagree in a realistic way."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def _models():
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {"logreg": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=20000)),
            "bayes": GaussianNB()}


@lru_cache(maxsize=None)
def binary_pair() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(labels 0/1 as floats, {model: out-of-fold P(class 1)}) on breast cancer."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    preds = {name: cross_val_predict(m, X, y, cv=cv, method="predict_proba")[:, 1]
             for name, m in _models().items()}
    return y.astype(np.float64), preds


@lru_cache(maxsize=None)
def multiclass_pair() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(class indices, {model: out-of-fold (n, 3) probabilities}) on wine."""
    from sklearn.datasets import load_wine
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X, y = load_wine(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    preds = {name: cross_val_predict(m, X, y, cv=cv, method="predict_proba")
             for name, m in _models().items()}
    return y.astype(np.int64), preds


def write_labels_and_predictions(tmp_path, y, preds: dict, ids=None, classes=None):
    """A labels file (id, actual) and one predictions file per model (id, predicted; or id,
    p_<class> for K classes), rows in the same order; returns (labels path, [paths])."""
    n = len(y)
    ids = [f"r{i:04d}" for i in range(n)] if ids is None else ids
    labels = tmp_path / "labels.csv"
    labels.write_text("id,actual\n" + "".join(f"{ids[i]},{int(y[i])}\n" for i in range(n)))
    paths = []
    for name, p in preds.items():
        path = tmp_path / f"{name}.csv"
        if p.ndim == 1:
            body = "id,predicted\n" + "".join(f"{ids[i]},{float(p[i])!r}\n" for i in range(n))
        else:
            k = p.shape[1]
            cls = list(range(k)) if classes is None else classes
            body = "id," + ",".join(f"p_{c}" for c in cls) + "\n" + "".join(
                ids[i] + "," + ",".join(repr(float(v)) for v in p[i]) + "\n" for i in range(n))
        path.write_text(body)
        paths.append(path)
    return labels, paths
