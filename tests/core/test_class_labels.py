"""Class labels of a K-class table (bce_gui.core.class_labels): the class list, each row's class
index, and which prediction column holds which class."""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core.class_labels import (
    UNKNOWN_CLASS,
    ClassesError,
    absent_classes,
    canonical_classes,
    class_columns_from_names,
    class_indices,
    detect_class_columns,
    distinct_labels,
    label_key,
    label_text,
    parse_classes,
    split_prediction_name,
)
from bce_gui.core.columns import ColumnError
from bce_gui.core.validation import Reason

# ------------------------------------------------------------------------------------------------
# One label
# ------------------------------------------------------------------------------------------------


def test_labels_compare_by_value():
    assert label_key(0) == label_key(0.0) == label_key("0") == label_key(" 00 ") == label_key(-0.0)
    assert label_key("1.5") == label_key(1.5)
    assert label_key("cat") == ("t", "cat") != label_key("Cat")
    for empty in (None, float("nan"), "", "   "):
        assert label_key(empty) is None
    for text in ("nan", "inf", "1_000", "0x10"):
        assert label_key(text) == ("t", text)  # looks like a float to Python, is a name here
    assert label_text(2.0) == "2" and label_text("setosa") == "setosa" and label_text(None) == ""


def test_class_lists():
    assert parse_classes("setosa, versicolor,virginica") == ("setosa", "versicolor", "virginica")
    assert parse_classes("2,0,1") == (2, 0, 1)
    assert canonical_classes([0.0, 1.0, 2.5]) == (0, 1, 2.5)
    with pytest.raises(ClassesError, match="listed twice"):
        parse_classes("0,1,0.0")
    with pytest.raises(ClassesError, match="empty class name"):
        parse_classes("a,,b")
    with pytest.raises(ClassesError, match="at least two"):
        parse_classes("a")


# ------------------------------------------------------------------------------------------------
# The actual column → class indices
# ------------------------------------------------------------------------------------------------


def test_numeric_actual_column_to_indices():
    labels = np.array([2.0, 0.0, 1.0, np.nan, 5.0, 1.0, np.nan, np.nan])
    text = {6: "cat", 7: "=B2"}  # text typed into a numeric column, a formula
    got = class_indices(labels, (2, 0, 1), text=text)
    np.testing.assert_array_equal(got.index, [0, 1, 2, -1, -1, 2, -1, -1])
    np.testing.assert_array_equal(
        got.codes, [0, 0, 0, Reason.MISSING, UNKNOWN_CLASS, 0, UNKNOWN_CLASS, Reason.FORMULA])


def test_text_in_a_numeric_column_can_be_a_class():
    got = class_indices(np.array([0.0, np.nan]), (0, "other"), text={1: "Other"})
    np.testing.assert_array_equal(got.index, [0, 1])  # case-insensitive when unambiguous


def test_text_actual_column_to_indices():
    labels = np.array(["cat", "dog", "", "Dog", "bird", "cat", "1"], dtype=object)
    got = class_indices(labels, ("cat", "dog", 1))
    np.testing.assert_array_equal(got.index, [0, 1, -1, 1, -1, 0, 2])
    np.testing.assert_array_equal(got.codes, [0, 0, Reason.MISSING, 0, UNKNOWN_CLASS, 0, 0])
    objects = class_indices(np.array(["a", None, float("nan")], dtype=object), ("a", "b"))
    np.testing.assert_array_equal(objects.index, [0, -1, -1])
    np.testing.assert_array_equal(objects.codes, [0, Reason.MISSING, Reason.MISSING])


def test_case_insensitive_only_when_unambiguous():
    got = class_indices(np.array(["CAT", "Cat", "cat"]), ("Cat", "cat"))
    np.testing.assert_array_equal(got.index, [-1, 0, 1])


def test_text_indices_at_scale_use_one_sort():
    rng = np.random.default_rng(0)
    names = np.array(["setosa", "versicolor", "virginica"])
    y = rng.integers(0, 3, 200_000)
    got = class_indices(names[y], tuple(names))
    np.testing.assert_array_equal(got.index, y)


def test_distinct_labels_sorted_as_sklearn():
    assert distinct_labels(np.array([2.0, 0.0, np.nan, 10.0, 0.0])) == (0, 2, 10)
    assert distinct_labels(np.array(["b", "a", "", "b"])) == ("a", "b")
    assert distinct_labels(np.array([1.0, np.nan]), text={1: "x"}) == (1, "x")


def test_absent_classes():
    assert absent_classes(np.array([0, 2, 2, -1]), ("a", "b", "c")) == ("b",)
    assert absent_classes(np.array([0, 1]), (0, 1)) == ()


# ------------------------------------------------------------------------------------------------
# Prediction columns ↔ classes
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header,expected", [
    ("p_0", ("p", "0", None)),
    ("P_Setosa", ("p", "Setosa", None)),
    ("prob_cat", ("prob", "cat", None)),
    ("PROBA_cat", ("proba", "cat", None)),
    ("pred-2", ("pred", "2", None)),
    ("p_class_0", ("p", "class_0", "0")),
    ("p_class0", ("p", "class0", "0")),
    ("p.class 3", ("p", "class 3", "3")),
    ("probability", None),
    ("predicted", None),
    ("p", None),
    ("score_0", None),
])
def test_prediction_names(header, expected):
    assert split_prediction_name(header) == expected


def test_detects_numeric_classes_in_file_order():
    got = detect_class_columns(["id", "y", "p_2", "p_0", "p_1", "note"], labels=(0, 1, 2))
    assert got.best.classes == (2, 0, 1) and got.best.columns == ("p_2", "p_0", "p_1")
    assert got.best.prefix == "p" and got.problems == ()


def test_class_prefix_is_dropped_when_it_matches_the_labels():
    got = detect_class_columns(["label", "p_class_0", "p_class_1", "p_class_2"], labels=(0, 1, 2))
    assert got.best.classes == (0, 1, 2)
    # Labels that really are "class_0", ...: the full suffix wins.
    named = detect_class_columns(["p_class_0", "p_class_1"], labels=("class_0", "class_1"))
    assert named.best.classes == ("class_0", "class_1")
    # Without labels, p_class_0 is label 0.
    assert detect_class_columns(["p_class_0", "p_class_1"]).best.classes == (0, 1)


def test_text_classes_keep_the_actual_columns_spelling():
    got = detect_class_columns(["Species", "P_Setosa", "p_VERSICOLOR", "p_virginica"],
                               labels=("setosa", "versicolor", "virginica"))
    assert got.best.classes == ("setosa", "versicolor", "virginica")
    assert got.best.columns == ("P_Setosa", "p_VERSICOLOR", "p_virginica")


def test_a_class_never_present_keeps_its_column():
    got = detect_class_columns(["p_0", "p_1", "p_2"], labels=(0, 1))
    assert got.best.classes == (0, 1, 2)
    text = detect_class_columns(["p_a", "p_b", "p_01"], labels=("a", "b"))
    assert text.best.classes == ("a", "b", "01")  # text labels: "01" stays text


def test_suffixes_that_match_no_label_are_set_aside_with_the_reason():
    got = detect_class_columns(["y", "p_a", "p_b"], labels=(0, 1))
    assert got.best is None
    assert got.problems == ("columns p_<class>: the class names of p_a, p_b match none of the "
                            "actual column's labels",)


def test_two_columns_for_one_class_are_ambiguous():
    got = detect_class_columns(["p_0", "P_0", "p_1"], labels=(0, 1))
    assert got.best is None and "p_0 and P_0 both hold class '0'" in got.problems[0]
    dup = detect_class_columns(["p_1", "p_01", "p_2"], labels=(1, 2))
    assert dup.best is None and "both hold class '1'" in dup.problems[0]


def test_several_families_are_several_candidates():
    got = detect_class_columns(["y", "pred_a", "pred_b", "prob_a", "prob_b", "p_x"],
                               labels=("a", "b"))
    assert [c.prefix for c in got.candidates] == ["pred", "prob"]  # p_x alone: no family
    assert got.candidates[1].columns == ("prob_a", "prob_b")


def test_two_columns_make_a_two_class_problem():
    got = detect_class_columns(["actual", "p_0", "p_1"], labels=(0, 1))
    assert got.best.classes == (0, 1) and got.best.n_classes == 2


def test_the_class_list_fixes_the_order_and_needs_every_class():
    got = detect_class_columns(["p_0", "p_1", "p_2", "p_other"], labels=(0, 1), classes=(2, 0, 1))
    assert got.best.classes == (2, 0, 1) and got.best.columns == ("p_2", "p_0", "p_1")
    missing = detect_class_columns(["p_0", "p_1"], labels=(0, 1), classes=("0", "1", "2"))
    assert missing.best is None
    assert missing.problems == ("columns p_<class>: no column among p_0, p_1 for class '2'",)
    prefixed = detect_class_columns(["p_class_a", "p_class_b"], classes=("a", "b"))
    assert prefixed.best.columns == ("p_class_a", "p_class_b")


def test_proba_columns_option():
    headers = ["id", "y", "s_a", "s_b", "s_c", "p_x", "p_y"]
    got = class_columns_from_names(headers, ["S_A", "s_b", "5"], classes=("a", "b", "c"))
    assert got.columns == ("s_a", "s_b", "s_c") and got.classes == ("a", "b", "c")
    by_name = class_columns_from_names(headers, ["p_y", "p_x"], labels=("x", "y"))
    assert by_name.classes == ("y", "x") and by_name.columns == ("p_y", "p_x")
    with pytest.raises(ClassesError, match="cannot be read from its name.*pass --classes"):
        class_columns_from_names(headers, ["s_a", "s_b"])
    with pytest.raises(ClassesError, match="names 2 columns but --classes 3 classes"):
        class_columns_from_names(headers, ["s_a", "s_b"], classes=("a", "b", "c"))
    with pytest.raises(ClassesError, match="twice"):
        class_columns_from_names(headers, ["s_a", "S_A"], classes=("a", "b"))
    with pytest.raises(ColumnError, match="no column 'nope'"):
        class_columns_from_names(headers, ["s_a", "nope"], classes=("a", "b"))
