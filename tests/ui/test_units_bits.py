"""Units set to bits: every number and label of the summary's guide and of the penalty curve's
legend is in bits.

Found by a QA pass: in bits the guide's marker still said 0.214 and "no skill 0.693" (nats), its
sentence said 50% "scores 0.693" while the baseline line said "1 bits", and the legend still
said −ln(p) / −ln(1 − p) over log₂ curves.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt

from bce_gui.core.formatting import fmt_result

NATS_TEXTS = ("0.214", "0.693", "0.6931")


def set_units(w, qtbot, units: str) -> None:
    box = w.settings_panel.units
    box.setCurrentIndex(box.findData(units))
    qtbot.wait(1)
    assert w.model.units == units and w.summary.units == units


def legend_texts(w) -> list[str]:
    return [label.text for _sample, label in w.plot.legend.items]


def guide_texts(w) -> list[str]:
    s, view = w.summary, w.summary.guide.view
    return [view.loss_text, f"no skill {view.baseline_text}", *view.ticks, view.caption,
            s.guide_note.text(), s.guide.toolTip(), s.meaning_label.text()]


def test_bits_guide_baseline_and_legend_say_bits(window, qtbot):
    w = window
    set_units(w, qtbot, "bits")
    view = w.summary.guide.view
    assert view.loss_text == fmt_result(w.doc.live.totals.mean / math.log(2), 4) == "0.3087"
    assert view.baseline_text == "1"  # ln 2 nats is 1 bit
    assert view.ticks == ("0.0721", "0.289", "0.433", "1.44")  # 0.05, 0.20, 0.30, 1.00 nats
    for text in guide_texts(w):
        assert not any(n in text for n in NATS_TEXTS), text
        assert "nats" not in text, text
    assert "already scores 1 bit (" in w.summary.guide_note.text()
    assert "This loss, 0.3087 bits" in view.caption
    meaning = w.summary.meaning_label.text()
    assert ": 1 bit. " in meaning and "1 bits" not in meaning
    # the legend names the logarithm the curves are drawn with
    legend = legend_texts(w)
    assert "−log₂(p): actual class 1" in legend and "−log₂(1 − p): actual class 0" in legend
    assert not any("ln" in t for t in legend), legend
    assert w.plot.plot.getPlotItem().getAxis("left").labelText == "Loss (bits)"
    m = w.model
    tip = m.headerData(m.column_of("loss"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "log₂" in tip

    # and back in nats, all of it in nats again
    set_units(w, qtbot, "nats")
    view = w.summary.guide.view
    assert (view.loss_text, view.baseline_text) == ("0.214", "0.6931")
    assert view.ticks == ("0.05", "0.20", "0.30", "1.00")
    assert "already scores 0.6931 nats (" in w.summary.guide_note.text()
    assert "−ln(p): actual class 1" in legend_texts(w) and "−ln(1 − p): actual class 0" in legend_texts(w)
    assert not any("log₂" in t for t in legend_texts(w))


def test_bits_multiclass_legend_and_guide(window, qtbot):
    w = window
    w.actions["example_multiclass"].trigger()
    qtbot.waitUntil(lambda: w.doc.categorical, timeout=5000)
    set_units(w, qtbot, "bits")
    legend = legend_texts(w)
    assert "−log₂(q): every class" in legend and not any("ln" in t for t in legend)
    t = w.doc.live.totals
    view = w.summary.guide.view
    assert view.loss_text == fmt_result(t.mean / math.log(2), 4)
    assert view.baseline_text == fmt_result(t.baseline / math.log(2), 4)
    nats = fmt_result(t.baseline, 4)
    assert nats not in w.summary.guide_note.text() and nats not in view.baseline_text
    assert f"scores {view.baseline_text} bits" in w.summary.guide_note.text()


def test_bits_conventions_sentences_say_bits(make_window, qtbot):
    """Found by the team: the Conventions tab's sentences gave their costs in nats without the
    unit, and still in nats in bits (beside its losses in bits)."""
    from bce_gui.core.dataset import Dataset

    w = make_window(load_example=False)
    w.doc.set_dataset(Dataset.from_arrays([1, 0, 1, 0], [0.0, 0.2, 0.7, 0.4]), None)
    qtbot.waitUntil(lambda: w.insight.current and not w.insight.busy, timeout=10_000)

    def first() -> str:
        (said,) = [s for s in w.parity.sentences() if s.startswith("1 row has p = 0")]
        return said

    eps = 2.220446049250313e-16
    assert f"and it costs {-math.log(eps):.1f} nats;" in first()  # scikit-learn clips to ε
    set_units(w, qtbot, "bits")
    assert f"and it costs {-math.log2(eps):g} bits;" in first()
    assert f"so it costs {100 / math.log(2):.0f} bits;" in first()  # PyTorch's −100 cap
    assert not any("nats" in s for s in w.parity.sentences())
    assert w.parity.values["sklearn"].text().endswith(" bits")
    set_units(w, qtbot, "nats")
    assert f"and it costs {-math.log(eps):.1f} nats;" in first()
