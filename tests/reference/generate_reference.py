"""Generate reference binary cross-entropy values from PyTorch and Keras 3.

The output, ``reference_values.json`` next to this file, is a fixture that
BCE Lab's unit tests compare its own loss engine against. This script is NOT
run by the tests or by CI; it only needs re-running when the cases change.

How to regenerate (in a virtualenv outside the repository):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 keras==3.15.0 numpy   # torch: the CPU wheel
    cd <repo root>
    /tmp/refvenv/bin/python tests/reference/generate_reference.py

Versions used for the committed fixture (also recorded in the JSON's "versions"):
    Python 3.11, torch 2.13.0+cpu, keras 3.15.0 (backend: torch), numpy 2.4.6

Keras backend: Keras 3.15.1's "numpy" backend cannot be imported without
scipy and jax (keras/src/backend/numpy/math.py imports jax), so this script
uses KERAS_BACKEND=torch. With that backend keras.losses.BinaryCrossentropy
clips y_pred to [epsilon, 1 - epsilon] (epsilon = 1e-7, clip done in
float32) and then calls torch.nn.functional.binary_cross_entropy; it does
NOT add epsilon inside the log (that was Keras 2 / tf.keras). With
from_logits=True it calls torch.nn.functional.binary_cross_entropy_with_logits.

Keras per-row values are computed with
``keras.losses.BinaryCrossentropy(..., reduction=None)`` on y_true and
y_pred reshaped to (N, 1), so that the per-sample mean over the last axis is
a mean over one element, i.e. the per-row loss. The "mean" of a Keras case is
the default reduction ("sum_over_batch_size") on the same (N, 1) inputs.

Weighted cases also record the other reductions each library offers, so that
BCE Lab's ``--reduction`` can be checked against them: ``sum`` (torch
``reduction="sum"``, Keras ``reduction="sum"``) and, for Keras,
``weighted_mean`` (``reduction="mean_with_sample_weight"``: sum(w * loss) /
sum(w)). The default "mean" of both libraries divides sum(w * loss) by N, the
number of rows, not by the sum of the weights.

Keras inputs are cast to float32 (``np.asarray(x, dtype=np.float32)``)
before the call; the JSON records the inputs as written here (float64), so a
test reproducing a float32 case must do the same cast. Torch cases use
float64 tensors throughout.

JSON conventions: keys sorted, floats written with Python's repr (shortest
round-trip), non-finite floats written as the strings "inf", "-inf", "nan".
Each case has both "y_pred" and "logits" keys; exactly one is non-null.
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

OUT_PATH = Path(__file__).resolve().parent / "reference_values.json"
GENERATED_BY = "tests/reference/generate_reference.py"

F = torch.nn.functional

# ---------------------------------------------------------------------------
# Inputs (literal)
# ---------------------------------------------------------------------------

# (a) ordinary probabilities with hard labels
ORD_P = [0.94, 0.56, 0.1, 0.9, 0.5, 0.01, 0.99, 0.3, 0.7, 0.2]
ORD_Y = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]

# (b) extremes: each p with label 0 and with label 1 (14 rows)
EXTREME_P_VALUES = [0.0, 1.0, 1e-300, 1e-50, 0.9999999999999999, 1e-10, 1e-45]
EXTREME_P = [p for p in EXTREME_P_VALUES for _ in (0, 1)]
EXTREME_Y = [y for _ in EXTREME_P_VALUES for y in (0.0, 1.0)]

# (c) soft labels
SOFT_Y = [0.0, 0.2, 0.5, 0.8, 1.0, 0.2, 0.5, 0.8]
SOFT_P = [0.3, 0.2, 0.5, 0.9, 0.6, 0.7, 0.01, 0.99]

# (d) / (m) per-element weights on the ordinary case
ORD_W = [1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0, 0.0, 1.0, 2.0]

# (e) logits, each with label 0 and label 1 (20 rows)
LOGIT_VALUES = [-1000.0, -50.0, -5.0, -1.0, 0.0, 1.0, 5.0, 50.0, 1000.0, 1e-8]
LOGITS = [z for z in LOGIT_VALUES for _ in (0, 1)]
LOGITS_Y = [y for _ in LOGIT_VALUES for y in (0.0, 1.0)]

# (f)
POS_WEIGHT = 3.0

# (h) the example of issue 15: scikit-learn gives 0.2882815, torch and Keras 0.3243167
ISSUE_Y = [1.0, 0.0, 1.0, 0.0]
ISSUE_P = [0.8, 0.3, 0.6, 0.1]
ISSUE_W = [1.0, 2.0, 0.5, 1.0]
ZERO_W = [0.0, 0.0, 0.0, 0.0]

# (i) weights on the extremes and on the logits
EXTREME_W = [0.5, 2.0, 1.0, 3.0, 0.25, 1.0, 4.0, 1.0, 1.0, 0.5, 2.0, 7.0, 1.5, 0.0]
LOGITS_W = [float(1 + (i % 4)) * 0.5 for i in range(20)]

# (g) seeded random case
RANDOM_SEED = 20240611
RANDOM_N = 1000


def make_random_case():
    """y ~ Bernoulli(0.3), p ~ Uniform[0, 1), logits = logit(p), float64."""
    rng = np.random.default_rng(RANDOM_SEED)
    y = (rng.random(RANDOM_N) < 0.3).astype(np.float64)
    p = rng.random(RANDOM_N)
    logits = np.log(p) - np.log1p(-p)
    return y.tolist(), p.tolist(), logits.tolist()


RAND_Y, RAND_P, RAND_LOGITS = make_random_case()
RAND_W = (np.random.default_rng(RANDOM_SEED + 1).random(RANDOM_N) * 5.0).tolist()

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def t64(values):
    return torch.tensor(values, dtype=torch.float64)


def to_floats(tensor):
    return [float(v) for v in tensor.detach().cpu().reshape(-1).tolist()]


def to_float(tensor):
    return float(tensor.detach().cpu().reshape(()).item())


def case(name, library, function, y_true, dtype, per_row, mean, *,
         y_pred=None, logits=None, weights=None, label_smoothing=0.0,
         pos_weight=None, note=None):
    assert (y_pred is None) != (logits is None)
    n = len(y_true)
    assert len(per_row) == n
    assert len(y_pred if y_pred is not None else logits) == n
    assert weights is None or len(weights) == n
    out = {
        "name": name,
        "library": library,
        "function": function,
        "y_true": list(y_true),
        "y_pred": None if y_pred is None else list(y_pred),
        "logits": None if logits is None else list(logits),
        "weights": None if weights is None else list(weights),
        "label_smoothing": label_smoothing,
        "pos_weight": pos_weight,
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

TORCH_BCE = "torch.nn.functional.binary_cross_entropy"
TORCH_BCE_LOGITS = "torch.nn.functional.binary_cross_entropy_with_logits"


def torch_bce(name, y, p, weights=None, note=None):
    kw = {} if weights is None else {"weight": t64(weights)}
    per_row = F.binary_cross_entropy(t64(p), t64(y), reduction="none", **kw)
    mean = F.binary_cross_entropy(t64(p), t64(y), reduction="mean", **kw)
    out = case(name, "torch", TORCH_BCE, y, "float64", to_floats(per_row),
               to_float(mean), y_pred=p, weights=weights, note=note)
    if weights is not None:
        out["sum"] = to_float(F.binary_cross_entropy(t64(p), t64(y), reduction="sum", **kw))
    return out


def torch_bce_logits(name, y, z, pos_weight=None, weights=None, note=None):
    kw = {} if pos_weight is None else {"pos_weight": t64([pos_weight])}
    if weights is not None:
        kw["weight"] = t64(weights)
    per_row = F.binary_cross_entropy_with_logits(t64(z), t64(y),
                                                 reduction="none", **kw)
    mean = F.binary_cross_entropy_with_logits(t64(z), t64(y),
                                              reduction="mean", **kw)
    out = case(name, "torch", TORCH_BCE_LOGITS, y, "float64",
               to_floats(per_row), to_float(mean), logits=z, weights=weights,
               pos_weight=pos_weight, note=note)
    if weights is not None:
        out["sum"] = to_float(F.binary_cross_entropy_with_logits(
            t64(z), t64(y), reduction="sum", **kw))
    return out


def torch_cases():
    return [
        torch_bce("torch_bce_ordinary", ORD_Y, ORD_P),
        torch_bce(
            "torch_bce_extremes", EXTREME_Y, EXTREME_P,
            note="torch clamps each log term at -100 (a row loss never "
                 "exceeds 100 per term); the y=0 term is computed as "
                 "log1p(-p), not log(1 - p)."),
        torch_bce("torch_bce_soft_labels", SOFT_Y, SOFT_P),
        torch_bce(
            "torch_bce_weighted", ORD_Y, ORD_P, weights=ORD_W,
            note="per_row is weight * loss; mean = sum(weight * loss) / N "
                 "(divides by N, not by sum of weights)."),
        torch_bce_logits("torch_bce_logits", LOGITS_Y, LOGITS),
        torch_bce_logits(
            "torch_bce_logits_pos_weight", LOGITS_Y, LOGITS,
            pos_weight=POS_WEIGHT,
            note="pos_weight multiplies only the y * log(sigmoid(z)) term: "
                 "loss = -(pos_weight * y * log(sigmoid(z)) "
                 "+ (1 - y) * log(1 - sigmoid(z))); mean divides by N."),
        torch_bce(
            "torch_bce_random_1000", RAND_Y, RAND_P,
            note=f"seeded random: numpy.random.default_rng({RANDOM_SEED}); "
                 "y = rng.random(1000) < 0.3, then p = rng.random(1000)."),
        torch_bce_logits(
            "torch_bce_logits_random_1000", RAND_Y, RAND_LOGITS,
            note=f"seeded random: same y and p as torch_bce_random_1000, "
                 "logits = log(p) - log1p(-p) in float64."),
        torch_bce(
            "torch_bce_weighted_issue15", ISSUE_Y, ISSUE_P, weights=ISSUE_W,
            note="the example of issue 15; mean = sum(w * loss) / N."),
        torch_bce(
            "torch_bce_weights_all_zero", ISSUE_Y, ISSUE_P, weights=ZERO_W,
            note="every weight 0: mean and sum are 0 (scikit-learn raises)."),
        torch_bce("torch_bce_weighted_extremes", EXTREME_Y, EXTREME_P, weights=EXTREME_W),
        torch_bce_logits(
            "torch_bce_logits_weighted", LOGITS_Y, LOGITS, weights=LOGITS_W,
            note="weight multiplies each row's loss; mean divides by N."),
        torch_bce_logits(
            "torch_bce_logits_weighted_pos_weight", LOGITS_Y, LOGITS,
            weights=LOGITS_W, pos_weight=POS_WEIGHT),
        torch_bce(
            "torch_bce_weighted_random_1000", RAND_Y, RAND_P, weights=RAND_W,
            note=f"same y and p as torch_bce_random_1000; weights = "
                 f"numpy.random.default_rng({RANDOM_SEED + 1}).random(1000) * 5."),
    ]


# ---------------------------------------------------------------------------
# Keras cases (float32, backend as recorded in versions)
# ---------------------------------------------------------------------------

KERAS_BCE = "keras.losses.BinaryCrossentropy"
KERAS_CAST_NOTE = ("inputs cast to float32 before the call; per_row from "
                   "reduction=None on (N, 1)-shaped inputs")


def col32(values):
    return np.asarray(values, dtype=np.float32).reshape(-1, 1)


def keras_bce(name, y, p=None, logits=None, weights=None, label_smoothing=0.0,
              note=None):
    from_logits = logits is not None
    x = logits if from_logits else p
    kw = {}
    if weights is not None:
        kw["sample_weight"] = np.asarray(weights, dtype=np.float32)
    per_row = keras.losses.BinaryCrossentropy(
        from_logits=from_logits, label_smoothing=label_smoothing,
        reduction=None)(col32(y), col32(x), **kw)
    mean = keras.losses.BinaryCrossentropy(
        from_logits=from_logits, label_smoothing=label_smoothing)(
        col32(y), col32(x), **kw)
    assert str(per_row.dtype).endswith("float32"), per_row.dtype
    full_note = KERAS_CAST_NOTE + (f". {note}" if note else ".")
    out = case(name, "keras", KERAS_BCE, y, "float32",
               to_floats(per_row), to_float(mean), y_pred=p, logits=logits, weights=weights,
               label_smoothing=label_smoothing, note=full_note)
    if weights is not None:
        for key, reduction in (("sum", "sum"), ("weighted_mean", "mean_with_sample_weight")):
            out[key] = to_float(keras.losses.BinaryCrossentropy(
                from_logits=from_logits, label_smoothing=label_smoothing,
                reduction=reduction)(col32(y), col32(x), **kw))
    return out


def keras_cases():
    return [
        keras_bce("keras_bce_ordinary", ORD_Y, p=ORD_P),
        keras_bce(
            "keras_bce_extremes", EXTREME_Y, p=EXTREME_P,
            note="y_pred clipped to [1e-7, 1 - 1e-7] in float32 (upper bound "
                 "rounds to 0.99999988079071044921875), then torch BCE; no "
                 "epsilon is added inside the log. 1e-300 and 1e-50 are 0 "
                 "in float32, 1e-45 a subnormal, 0.9999999999999999 is 1.0."),
        keras_bce(
            "keras_bce_label_smoothing_0.1", ORD_Y, p=ORD_P,
            label_smoothing=0.1,
            note="labels smoothed as y * (1 - ls) + 0.5 * ls."),
        keras_bce(
            "keras_bce_label_smoothing_0.2", ORD_Y, p=ORD_P,
            label_smoothing=0.2,
            note="labels smoothed as y * (1 - ls) + 0.5 * ls."),
        keras_bce("keras_bce_from_logits", LOGITS_Y, logits=LOGITS,
                  note="from_logits=True."),
        keras_bce(
            "keras_bce_random_1000", RAND_Y, p=RAND_P,
            note="same y and p as torch_bce_random_1000."),
        keras_bce(
            "keras_bce_sample_weight", ORD_Y, p=ORD_P, weights=ORD_W,
            note="sample_weight passed to the call; per_row is weight * "
                 "loss; default reduction 'sum_over_batch_size' gives "
                 "mean = sum(weight * loss) / N (divides by N, not by sum "
                 "of weights)."),
        keras_bce(
            "keras_bce_weighted_issue15", ISSUE_Y, p=ISSUE_P, weights=ISSUE_W,
            note="the example of issue 15."),
        keras_bce(
            "keras_bce_weights_all_zero", ISSUE_Y, p=ISSUE_P, weights=ZERO_W,
            note="every weight 0."),
        keras_bce("keras_bce_weighted_extremes", EXTREME_Y, p=EXTREME_P, weights=EXTREME_W),
        keras_bce("keras_bce_from_logits_weighted", LOGITS_Y, logits=LOGITS, weights=LOGITS_W),
        keras_bce(
            "keras_bce_weighted_label_smoothing_0.1", ORD_Y, p=ORD_P, weights=ORD_W,
            label_smoothing=0.1),
        keras_bce(
            "keras_bce_weighted_random_1000", RAND_Y, p=RAND_P, weights=RAND_W,
            note="same y, p and weights as torch_bce_weighted_random_1000."),
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
        "cases": torch_cases() + keras_cases(),
    }
    text = json.dumps(encode_nonfinite(doc), sort_keys=True, indent=1,
                      allow_nan=False)
    OUT_PATH.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(doc['cases'])} cases to {OUT_PATH}")


if __name__ == "__main__":
    main()
