"""Generate reference categorical cross-entropy values from PyTorch and Keras 3.

The output, ``multiclass_reference.json`` next to this file, is a fixture that
BCE Lab's unit tests (tests/core/test_multiclass_reference.py) compare the
K-class engine (bce_gui/core/multiclass.py) against. This script is NOT run by
the tests or by CI; it only needs re-running when the cases change.
scikit-learn is not recorded here: the tests call it live.

How to regenerate (in a virtualenv outside the repository):

    python3 -m venv /tmp/refvenv10
    /tmp/refvenv10/bin/pip install torch==2.13.0 keras==3.15.0 numpy   # CPU torch
    cd <repo root>
    /tmp/refvenv10/bin/python tests/reference/generate_multiclass_reference.py

Versions used for the committed fixture (also written into the JSON):
    Python 3.11.7, torch 2.13.0+cpu, keras 3.15.0 (backend: torch), numpy 2.4.6

What each library computes (read from their sources, checked by this fixture):

* torch.nn.functional.cross_entropy(logits, y): log_softmax in float64,
  (z - max) - log(sum(exp(z - max))), then the negated log-probability of the
  class. With label_smoothing=a: (1 - a) * nll + (-sum_k log_softmax_k) * a / K.
* torch.nn.functional.nll_loss(torch.log(P), y): -log(p_y), no clamp (unlike
  binary_cross_entropy's -100), so p_y = 0 gives inf. nll_loss has no
  label_smoothing argument; the "probabilities with label smoothing" cases use
  cross_entropy(torch.log(P), y, label_smoothing=a) on rows summing to 1, where
  log_softmax(log P) = log P (to rounding).
* Keras 3.15 with KERAS_BACKEND=torch (the numpy backend needs jax and scipy):
  keras.losses.CategoricalCrossentropy divides every row by its sum (float32),
  clips to [1e-7, 1 - 1e-7] (float32 bounds) and takes -sum(y * log(p)); with
  label_smoothing=a the one-hot targets become y * (1 - a) + a / K (float32).
  from_logits=True uses torch's float32 log_softmax.
  keras.losses.SparseCategoricalCrossentropy (class indices, no label
  smoothing) gives the same numbers: this script asserts it, row by row.

Keras inputs are cast to float32 before the call; the JSON records the inputs
as written here (float64). Keras per-row values use reduction=None; "mean" is
the default reduction ("sum_over_batch_size": sum(w * loss) / N when
sample_weight is given). Torch cases use float64 tensors and set_num_threads(1).

JSON conventions: keys sorted, floats written with Python's repr (shortest
round-trip), non-finite floats written as "inf", "-inf", "nan". Each case has
"y" (class indices 0..K-1), "n_classes", and exactly one of "probabilities" /
"logits" non-null: a list of rows, or the name of a matrix in the document's
"inputs" (the seeded random matrices, stored once instead of once per case).
"""

import os

os.environ["KERAS_BACKEND"] = "torch"  # must precede `import keras`

import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import keras  # noqa: E402

torch.set_num_threads(1)  # deterministic reduction order for the means

OUT_PATH = Path(__file__).resolve().parent / "multiclass_reference.json"
GENERATED_BY = "tests/reference/generate_multiclass_reference.py"

F = torch.nn.functional

# ---------------------------------------------------------------------------
# Inputs (literal)
# ---------------------------------------------------------------------------

# (a) ordinary probabilities, K = 3, rows summing to 1
ORD_P = [
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.25, 0.25, 0.5],
    [0.6, 0.3, 0.1],
    [0.05, 0.15, 0.8],
    [0.3, 0.4, 0.3],
    [0.9, 0.05, 0.05],
    [0.2, 0.2, 0.6],
]
ORD_Y = [0, 1, 2, 1, 0, 1, 0, 2]
ORD_W = [1.0, 2.0, 0.5, 1.0, 0.0, 3.0, 1.0, 2.0]

# (b) extremes: p = 0 and p = 1 for the actual class, p = 0 for another class,
# tiny probabilities (1e-300 is 0 in float32, 1e-45 a float32 subnormal)
EXTREME_P = [
    [0.0, 0.5, 0.5],
    [1.0, 0.0, 0.0],
    [0.0, 1.0, 0.0],
    [1e-300, 0.5, 0.5],
    [1e-45, 0.5, 0.5],
    [1e-10, 0.4999999999, 0.5 + 0.0],
    [0.9999999999999999, 1.1102230246251565e-16, 0.0],
    [0.5, 0.5, 0.0],
]
EXTREME_Y = [0, 0, 1, 0, 0, 0, 0, 1]

# (c) rows not summing to 1 (Keras renormalises them; NLLLoss uses them as given)
OFF_P = [
    [0.2, 0.3, 0.6],
    [0.5, 0.5, 0.5],
    [0.1, 0.1, 0.1],
    [0.6, 0.2, 0.1],
    [0.7, 0.2, 0.1],
]
OFF_Y = [2, 0, 1, 0, 0]

# (d) logits: +-1000, 50, ties, tiny differences, K = 3
LOGITS = [
    [1000.0, -1000.0, 0.0],
    [1000.0, -1000.0, 0.0],
    [-1000.0, 1000.0, 0.0],
    [50.0, 0.0, 0.0],
    [50.0, 0.0, 0.0],
    [0.0, 0.0, 0.0],
    [1.0, 2.0, 3.0],
    [-5.0, 5.0, 1e-8],
    [1e-8, 0.0, -1e-8],
    [-1000.0, -1000.0, -1000.0],
]
LOGITS_Y = [0, 1, 2, 0, 1, 2, 0, 1, 2, 1]

# (e) K = 2, as two columns (p_0, p_1) = (1 - p, p) and logits (0, z)
BIN_P1 = [0.94, 0.56, 0.1, 0.9, 0.5, 0.01, 0.99, 0.3, 0.7, 0.2]
BIN_Y = [1, 0, 1, 0, 1, 0, 1, 1, 0, 0]
BIN_P = [[1.0 - p, p] for p in BIN_P1]
BIN_Z1 = [-50.0, -5.0, -1.0, 0.0, 1.0, 5.0, 50.0, 1000.0, -1000.0, 1e-8]
BIN_Z = [[0.0, z] for z in BIN_Z1]

# (f) seeded random, K = 10
RANDOM_SEED = 20240612
RANDOM_N = 300
RANDOM_K = 10


def make_random_case():
    """Logits ~ Normal(0, 3), P = softmax(logits) (float64), y ~ Uniform{0..K-1}."""
    rng = np.random.default_rng(RANDOM_SEED)
    z = rng.normal(0.0, 3.0, size=(RANDOM_N, RANDOM_K))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    y = rng.integers(0, RANDOM_K, size=RANDOM_N)
    return y.tolist(), p.tolist(), z.tolist()


RAND_Y, RAND_P, RAND_Z = make_random_case()
SHARED_INPUTS = {"random_probabilities": RAND_P, "random_logits": RAND_Z}

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def t64(values):
    return torch.tensor(values, dtype=torch.float64)


def to_floats(tensor):
    return [float(v) for v in tensor.detach().cpu().reshape(-1).tolist()]


def to_float(tensor):
    return float(tensor.detach().cpu().reshape(()).item())


def _stored(rows):
    """A shared input by name, or the rows themselves."""
    if rows is None:
        return None
    for key, shared in SHARED_INPUTS.items():
        if rows is shared:
            return key
    return [list(r) for r in rows]


def case(name, library, function, y, dtype, per_row, mean, *, probabilities=None,
         logits=None, weights=None, label_smoothing=0.0, note=None):
    assert (probabilities is None) != (logits is None)
    x = probabilities if probabilities is not None else logits
    n = len(y)
    assert len(per_row) == n and len(x) == n
    k = len(x[0])
    assert all(len(row) == k for row in x)
    assert weights is None or len(weights) == n
    out = {
        "name": name,
        "library": library,
        "function": function,
        "n_classes": k,
        "y": list(y),
        "probabilities": _stored(probabilities),
        "logits": _stored(logits),
        "weights": None if weights is None else list(weights),
        "label_smoothing": label_smoothing,
        "dtype": dtype,
        "per_row": per_row,
        "mean": mean,
    }
    if note:
        out["note"] = note
    return out


# ---------------------------------------------------------------------------
# Torch cases (float64)
# ---------------------------------------------------------------------------

TORCH_CE = "torch.nn.functional.cross_entropy"
TORCH_NLL = "torch.nn.functional.nll_loss(torch.log(P))"
TORCH_CE_LOGP = "torch.nn.functional.cross_entropy(torch.log(P))"


def torch_ce(name, y, z, label_smoothing=0.0, note=None):
    target = torch.tensor(y, dtype=torch.long)
    kw = {"label_smoothing": label_smoothing}
    per_row = F.cross_entropy(t64(z), target, reduction="none", **kw)
    mean = F.cross_entropy(t64(z), target, reduction="mean", **kw)
    return case(name, "torch", TORCH_CE, y, "float64", to_floats(per_row), to_float(mean),
                logits=z, label_smoothing=label_smoothing, note=note)


def torch_nll(name, y, p, note=None):
    target = torch.tensor(y, dtype=torch.long)
    logp = torch.log(t64(p))
    per_row = F.nll_loss(logp, target, reduction="none")
    mean = F.nll_loss(logp, target, reduction="mean")
    return case(name, "torch", TORCH_NLL, y, "float64", to_floats(per_row), to_float(mean),
                probabilities=p, note=note)


def torch_ce_logp(name, y, p, label_smoothing, note=None):
    target = torch.tensor(y, dtype=torch.long)
    logp = torch.log(t64(p))
    kw = {"label_smoothing": label_smoothing}
    per_row = F.cross_entropy(logp, target, reduction="none", **kw)
    mean = F.cross_entropy(logp, target, reduction="mean", **kw)
    return case(name, "torch", TORCH_CE_LOGP, y, "float64", to_floats(per_row),
                to_float(mean), probabilities=p, label_smoothing=label_smoothing, note=note)


def torch_cases():
    return [
        torch_nll("torch_nll_ordinary", ORD_Y, ORD_P),
        torch_nll(
            "torch_nll_extremes", EXTREME_Y, EXTREME_P,
            note="nll_loss clamps nothing: p = 0 for the actual class gives inf "
                 "(binary_cross_entropy would clamp the log at -100)."),
        torch_nll("torch_nll_rows_not_summing_to_1", OFF_Y, OFF_P,
                  note="rows used as given: -log(p_y)."),
        torch_ce_logp(
            "torch_ce_log_probabilities_label_smoothing_0.1", ORD_Y, ORD_P, 0.1,
            note="nll_loss has no label_smoothing; cross_entropy on log(P) of rows "
                 "summing to 1 is the torch idiom for it."),
        torch_ce("torch_ce_logits", LOGITS_Y, LOGITS,
                 note="logits of +-1000 are exact (stable log_softmax)."),
        torch_ce("torch_ce_logits_label_smoothing_0.1", LOGITS_Y, LOGITS, 0.1),
        torch_ce("torch_ce_logits_label_smoothing_0.3", LOGITS_Y, LOGITS, 0.3),
        torch_nll("torch_nll_two_classes", BIN_Y, BIN_P,
                  note="K = 2: (p_0, p_1) = (1 - p, p) in float64."),
        torch_ce("torch_ce_two_classes_logits", BIN_Y, BIN_Z,
                 note="K = 2: logits (0, z)."),
        torch_nll(
            "torch_nll_random_300", RAND_Y, RAND_P,
            note=f"seeded random: numpy.random.default_rng({RANDOM_SEED}); logits = "
                 "rng.normal(0, 3, (300, 10)), P = softmax (float64), then "
                 "y = rng.integers(0, 10, 300)."),
        torch_ce("torch_ce_random_300", RAND_Y, RAND_Z,
                 note="same logits and y as torch_nll_random_300."),
        torch_ce("torch_ce_random_300_label_smoothing_0.2", RAND_Y, RAND_Z, 0.2),
    ]


# ---------------------------------------------------------------------------
# Keras cases (float32, backend as recorded in versions)
# ---------------------------------------------------------------------------

KERAS_CCE = "keras.losses.CategoricalCrossentropy"
KERAS_CAST_NOTE = ("inputs cast to float32 before the call; targets one-hot (float32); "
                   "per_row from reduction=None")


def f32(rows):
    return np.asarray(rows, dtype=np.float32)


def one_hot(y, k):
    return np.eye(k, dtype=np.float32)[np.asarray(y)]


def keras_cce(name, y, p=None, logits=None, weights=None, label_smoothing=0.0, note=None):
    from_logits = logits is not None
    x = f32(logits if from_logits else p)
    k = x.shape[1]
    kw = {}
    if weights is not None:
        kw["sample_weight"] = np.asarray(weights, dtype=np.float32)
    per_row = keras.losses.CategoricalCrossentropy(
        from_logits=from_logits, label_smoothing=label_smoothing, reduction=None)(
        one_hot(y, k), x, **kw)
    mean = keras.losses.CategoricalCrossentropy(
        from_logits=from_logits, label_smoothing=label_smoothing)(one_hot(y, k), x, **kw)
    assert str(per_row.dtype).endswith("float32"), per_row.dtype
    if not label_smoothing:
        # The sparse loss (class indices) is the same number, row by row.
        sparse = keras.losses.SparseCategoricalCrossentropy(
            from_logits=from_logits, reduction=None)(np.asarray(y), x, **kw)
        a, b = to_floats(per_row), to_floats(sparse)
        assert all((u == v) or (math.isnan(u) and math.isnan(v)) for u, v in zip(a, b)), name
    full_note = KERAS_CAST_NOTE + (f". {note}" if note else ".")
    return case(name, "keras", KERAS_CCE, y, "float32", to_floats(per_row), to_float(mean),
                probabilities=p, logits=logits, weights=weights,
                label_smoothing=label_smoothing, note=full_note)


def keras_cases():
    return [
        keras_cce("keras_cce_ordinary", ORD_Y, p=ORD_P),
        keras_cce(
            "keras_cce_extremes", EXTREME_Y, p=EXTREME_P,
            note="rows divided by their float32 sum, then clipped to [1e-7, 1 - 1e-7] "
                 "(float32 bounds): p = 0 for the actual class costs -log(1e-7)."),
        keras_cce("keras_cce_rows_not_summing_to_1", OFF_Y, p=OFF_P,
                  note="every row divided by its sum first."),
        keras_cce("keras_cce_label_smoothing_0.1", ORD_Y, p=ORD_P, label_smoothing=0.1,
                  note="targets y * (1 - a) + a / K."),
        keras_cce("keras_cce_label_smoothing_0.2_extremes", EXTREME_Y, p=EXTREME_P,
                  label_smoothing=0.2),
        keras_cce("keras_cce_from_logits", LOGITS_Y, logits=LOGITS,
                  note="from_logits=True: torch's float32 log_softmax."),
        keras_cce("keras_cce_from_logits_label_smoothing_0.1", LOGITS_Y, logits=LOGITS,
                  label_smoothing=0.1),
        keras_cce(
            "keras_cce_sample_weight", ORD_Y, p=ORD_P, weights=ORD_W,
            note="per_row is weight * loss; mean = sum(weight * loss) / N."),
        keras_cce("keras_cce_two_classes", BIN_Y, p=BIN_P,
                  note="K = 2: (p_0, p_1) = (1 - p, p) in float64, then float32."),
        keras_cce("keras_cce_random_300", RAND_Y, p=RAND_P,
                  note="same P and y as torch_nll_random_300."),
        keras_cce("keras_cce_from_logits_random_300", RAND_Y, logits=RAND_Z),
        keras_cce("keras_cce_random_300_label_smoothing_0.2", RAND_Y, p=RAND_P,
                  label_smoothing=0.2),
    ]


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def encode_nonfinite(obj):
    """Replace non-finite floats by "inf" / "-inf" / "nan" strings."""
    if isinstance(obj, float):
        if math.isnan(obj):
            return "nan"
        if math.isinf(obj):
            return "inf" if obj > 0 else "-inf"
        return obj
    if isinstance(obj, dict):
        return {k: encode_nonfinite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode_nonfinite(v) for v in obj]
    return obj


def main():
    doc = {
        "generated_by": GENERATED_BY,
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "keras": keras.__version__,
            "keras_backend": keras.backend.backend(),
            "numpy": np.__version__,
        },
        "inputs": SHARED_INPUTS,
        "cases": torch_cases() + keras_cases(),
    }
    text = json.dumps(encode_nonfinite(doc), sort_keys=True, indent=1, allow_nan=False)
    OUT_PATH.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(doc['cases'])} cases to {OUT_PATH}")


if __name__ == "__main__":
    main()
