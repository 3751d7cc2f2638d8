"""Numbers inside sentences follow the window's number style; ``compute`` (C style) keeps '.'.

Each text is built under the German style (decimal comma), as the window builds it, and under
C, as the command line does; the numbers expected are written out here.
"""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core.formatting import C_STYLE, NumberStyle, fmt_list, set_number_style
from bce_gui.core.loss import LossOptions, OptionsError
from bce_gui.core.metrics.corp import decomposition
from bce_gui.core.metrics.guide import guide
from bce_gui.core.metrics.parity import Digits
from bce_gui.core.policies import PolicyError, make_policy

GERMAN = NumberStyle(decimal=",", group=".")
BOTH = pytest.mark.parametrize("style, mark", [(GERMAN, ","), (C_STYLE, ".")])
# The worked example: ranked perfectly, so miscalibration is the loss and discrimination is
# the no-skill entropy (ln 2 at a base rate of one half).
Y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
P = np.array([0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])
LOSS = float(np.mean(-(Y * np.log(P) + (1 - Y) * np.log(1 - P))))


@BOTH
def test_the_decomposition_sentence(style, mark):
    set_number_style(style)
    ln2 = f"{np.log(2):.3f}".replace(".", mark)
    assert decomposition(Y, P).sentence(2, "nats") == (
        f"Recalibrating could lower the loss by at most {f'{LOSS:.3f}'.replace('.', mark)} nats; "
        f"the model's ranking of the rows earns {ln2} nats below the no-skill {ln2} nats.")


@BOTH
def test_keras_float32_digit(style, mark):
    set_number_style(style)  # digits 2140006 0 agree, the 9th differs
    assert Digits(0.214000604, 0.2140006).text("nats") == (
        f"the 9th significant digit differs (0{mark}214000604 nats against 0{mark}214000600 "
        "nats exactly)")


@BOTH
def test_the_guide_sentence(style, mark):
    set_number_style(style)
    assert guide(0.3, None, None).sentence == (f"The scale ignores the base rate: what a loss of "
                                              f"0{mark}2 means depends on how rare the class is.")


@BOTH
def test_option_errors(style, mark):
    set_number_style(style)
    with pytest.raises(PolicyError) as err:
        make_policy("custom", 0.75)
    assert str(err.value) == (f"epsilon must be greater than 0 and less than 0{mark}5, "
                              f"not 0{mark}75")
    with pytest.raises(OptionsError, match=f"between 0 and 1, not 1{mark}5$"):
        LossOptions(label_smoothing=1.5)
    with pytest.raises(OptionsError, match=f"a positive number, not -0{mark}5$"):
        LossOptions(logits=True, pos_weight=-0.5)


def test_a_convention_is_described_in_the_style_and_json_asks_for_c():
    set_number_style(GERMAN)
    custom = make_policy("custom", 0.001)
    assert custom.label == "Custom epsilon (0,001)"
    assert custom.description == "The probability of each class is clipped to [0,001; 1 - 0,001]."
    assert "clipped to [2,22e-16; 1 - 2,22e-16]" in make_policy("sklearn").describe()
    assert custom.describe(True, C_STYLE) == ("The probability of each class is clipped to "
                                              "[0.001, 1 - 0.001].")
    set_number_style(C_STYLE)
    assert custom.label == "Custom epsilon (0.001)"
    assert "clipped to [2.22e-16, 1 - 2.22e-16]" in make_policy("sklearn").describe(False)


def test_a_list_of_decimal_commas_is_parted_by_semicolons():
    assert fmt_list(["0.05", "0.20", "0.30"], last=" and ") == "0.05, 0.20 and 0.30"
    assert fmt_list(["0,05", "0,20", "0,30"], style=GERMAN) == "0,05; 0,20; 0,30"
    assert fmt_list(["0,05"], style=GERMAN) == "0,05" and fmt_list([]) == ""


def test_the_reports_band_limits(tmp_path):
    from bce_gui.core.dataset import Dataset
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.report import report_html

    ds = Dataset.from_arrays(Y, P)
    set_number_style(GERMAN)
    page = report_html(ds, evaluate(ds, LossOptions()), source=None)
    assert "Band limits in nats: " in page and "(up to 0,05; 0,20; 0,30; 1,00)." in page
    page = report_html(ds, evaluate(ds, LossOptions()), source=None, units="bits")
    assert "(the articles' 0,05; 0,20; 0,30 and 1,00 nats)." in page
    set_number_style(C_STYLE)
    assert "(up to 0.05, 0.20, 0.30, 1.00)." in report_html(ds, evaluate(ds, LossOptions()), source=None)
