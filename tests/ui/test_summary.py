"""The summary panel says what the settings changed, and fits what it says.

Expected numbers are computed here (a brute-force search for the best constant prediction, the
loss formulas written out), never read from the app.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy

Z = np.array([2.0, -1.5, 0.3, 4.0, -0.2, 1.1, -2.5, 0.8])
Y = np.array([1, 0, 1, 0, 0, 1, 0, 1], dtype=float)


def keras_logits_loss(y, z, smoothing, pos_weight) -> np.ndarray:
    ys = y * (1 - smoothing) + smoothing / 2
    log_sig = -np.logaddexp(0.0, -z)
    return (1 - ys) * z - ((pos_weight - 1) * ys + 1) * log_sig


def best_constant(y, smoothing, pos_weight) -> tuple[float, float]:
    """(q, mean loss of always predicting q), by searching q on a fine grid."""
    q = np.linspace(1e-4, 1 - 1e-4, 199_981)
    ys = y * (1 - smoothing) + smoothing / 2
    mean = np.mean([-(pos_weight * t * np.log(q) + (1 - t) * np.log1p(-q)) for t in ys], axis=0)
    k = int(np.argmin(mean))
    return float(q[k]), float(mean[k])


def use(w, opts: LossOptions) -> None:
    """Set the options through the settings panel, as the user does."""
    sp = w.settings_panel
    sp.policy.setCurrentIndex(sp.policy.findData(opts.policy.name))
    sp.input_kind.setCurrentIndex(1 if opts.logits else 0)
    sp.smoothing.setValue(opts.label_smoothing)
    if opts.pos_weight is not None:
        sp.pos_weight.setValue(opts.pos_weight)
    sp.soft.setChecked(opts.soft_labels)
    assert w.doc.options == opts


def test_summary_names_every_option_and_compares_with_a_baseline_under_them(window):
    w, s = window, window.summary
    w.doc.set_dataset(Dataset.from_arrays(Y, Z))
    opts = LossOptions(policy=make_policy("keras"), logits=True, label_smoothing=0.1, pos_weight=3.0)
    use(w, opts)
    loss = float(np.mean(keras_logits_loss(Y, Z, 0.1, 3.0)))
    assert w.doc.live.totals.mean == pytest.approx(loss, rel=1e-5)
    shown = s.options_label.text()
    assert s.options_label.isVisibleTo(s)
    for words in ("logits", "label smoothing 0.1", "pos_weight 3"):
        assert words in shown, words
    assert "Keras" in s.policy_label.text()

    q, baseline = best_constant(Y, 0.1, 3.0)
    meaning = s.meaning_label.text()
    assert f"p = {q:.3g}" in meaning
    assert f"{baseline:.4g} nats" in meaning
    skill = 1 - loss / baseline
    verdict = f"removes {skill:.0%}" if skill >= 0 else f"is {-skill:.0%} worse"
    assert verdict in meaning
    # the explanation panel says the same
    w.explain_dock.show()
    text = w.explain.toPlainText()
    assert "pos_weight 3" in text and f"{baseline:.4g} nats" in text


def test_default_options_name_nothing_and_the_base_rate_is_the_baseline(window):
    s = window.summary
    assert not s.options_label.isVisibleTo(s)
    base = 0.5  # five of the ten worked-example rows are class 1
    entropy = math.log(2.0)
    assert f"base rate {base:.3g}" in s.meaning_label.text()
    assert f"{entropy:.4g} nats" in s.meaning_label.text()


def test_soft_labels_and_weights_are_named(window, qtbot):
    w, s = window, window.summary
    use(w, LossOptions(soft_labels=True))
    w.actions["weight"].trigger()
    text = s.options_label.text()
    assert "soft labels" in text.lower() and "weight column" in text
    assert re.search(r"Options: Soft labels", text)


def test_weights_past_the_largest_float_are_said_not_shown_as_a_loss_of_0(window, qtbot):
    from bce_gui.core.dataset import Dataset

    w = window
    w.doc.set_dataset(Dataset.from_arrays([1, 0], [0.9, 0.2], [1e308, 1e308]))
    qtbot.waitUntil(lambda: "largest float" in w.summary.formula_label.text())
    assert w.summary.loss_label.text() not in ("0", "0.000", "0.0000")
