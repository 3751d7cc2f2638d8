"""Which column is which: synonyms, case, overrides by name or 1-based number, headerless files."""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core.columns import (
    REQUIRED_ROLES,
    SYNONYMS,
    ColumnError,
    headerless_names,
    map_columns,
    missing_role_message,
    normalise,
    resolve_column,
)
from bce_gui.core.io import ReadOptions, TableReadError, read_table

# The synonyms the issue promises (the module may know more).
PROMISED = {
    "actual": ["actual", "y", "y_true", "label", "target", "class"],
    "predicted": ["predicted", "p", "y_pred", "y_proba", "prob", "probability", "score"],
    "weight": ["weight", "sample_weight"],
    "id": ["id"],
}
OTHER_COLUMN = {"actual": "predicted", "predicted": "actual", "weight": "actual", "id": "actual"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("actual", "actual"),
        ("  Y-True ", "y_true"),
        ("Y_PRED", "y_pred"),
        ("Sample Weight", "sample_weight"),
        ("y.proba", "y_proba"),
        ("\tPredicted  Probability\t", "predicted_probability"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("role", "synonym"), [(role, s) for role, names in PROMISED.items() for s in names]
)
@pytest.mark.parametrize("spelling", [str.lower, str.upper, str.title])
def test_promised_synonyms_in_any_case(role, synonym, spelling):
    assert synonym in SYNONYMS[role]
    header = spelling(synonym)
    headers = ["something_else", header]
    if role != "actual":
        headers.append("actual")
    if role != "predicted":
        headers.append("predicted")
    mapping = map_columns(headers)
    assert mapping[role] == header


def test_spaces_and_dashes_in_headers():
    mapping = map_columns(["Y True", "y-proba", " Sample Weight ", "ID "])
    assert mapping == {
        "actual": "Y True",
        "predicted": "y-proba",
        "weight": " Sample Weight ",
        "id": "ID ",
    }


def test_missing_roles_are_absent():
    assert map_columns(["actual", "predicted"]) == {"actual": "actual", "predicted": "predicted"}
    assert "actual" not in map_columns(["foo", "score"])


def test_earlier_synonym_wins_and_a_column_is_used_once():
    mapping = map_columns(["label", "actual", "score", "predicted"])
    assert mapping["actual"] == "actual"
    assert mapping["predicted"] == "predicted"
    assert len(set(mapping.values())) == len(mapping)


def test_columns_in_any_order():
    mapping = map_columns(["w", "note", "prob", "row_id", "target"])
    assert mapping == {"actual": "target", "predicted": "prob", "weight": "w", "id": "row_id"}


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------

HEADERS = ["User ID", "Clicked", "CTR hat", "w8"]


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("Clicked", "Clicked"),  # exact
        ("clicked", "Clicked"),  # case-insensitive
        ("  CLICKED ", "Clicked"),
        ("ctr_hat", "CTR hat"),  # normalised spelling
        ("2", "Clicked"),  # 1-based column number
        ("1", "User ID"),
        ("4", "w8"),
    ],
)
def test_resolve_column(requested, expected):
    assert resolve_column(requested, HEADERS) == expected


@pytest.mark.parametrize("requested", ["nope", "0", "5", "-1", ""])
def test_resolve_column_missing_lists_the_columns(requested):
    with pytest.raises(ColumnError) as err:
        resolve_column(requested, HEADERS)
    msg = str(err.value)
    assert repr(requested) in msg
    assert "User ID, Clicked, CTR hat, w8" in msg


def test_a_header_that_is_a_number_wins_over_the_position():
    assert resolve_column("2", ["id", "1", "2"]) == "2"


def test_overrides_come_first_and_synonyms_fill_the_rest():
    headers = ["actual", "predicted", "y", "calibrated"]
    mapping = map_columns(headers, {"actual": "Y", "predicted": "CALIBRATED"})
    # The synonym columns "actual" and "predicted" stay unused (they become extras).
    assert mapping == {"actual": "y", "predicted": "calibrated"}


def test_override_keeps_its_column_from_the_synonym_search():
    # "score" is the predicted synonym, but the user says it is the weight.
    mapping = map_columns(["actual", "score", "p_hat"], {"weight": "score", "predicted": "p_hat"})
    assert mapping == {"weight": "score", "predicted": "p_hat", "actual": "actual"}


def test_empty_overrides_are_ignored():
    mapping = map_columns(["actual", "predicted"], {"actual": None, "predicted": ""})
    assert mapping == {"actual": "actual", "predicted": "predicted"}


def test_override_of_a_missing_column_raises():
    with pytest.raises(ColumnError):
        map_columns(["actual", "predicted"], {"weight": "w"})


# --------------------------------------------------------------------------------------------
# Headerless files
# --------------------------------------------------------------------------------------------


def test_headerless_names():
    assert headerless_names(2) == ["actual", "predicted"]
    assert headerless_names(3) == ["id", "actual", "predicted"]
    assert headerless_names(1) is None and headerless_names(4) is None


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_missing_role_message_lists_the_columns(role):
    msg = missing_role_message(role, ["foo", "bar"])
    assert "foo, bar" in msg and SYNONYMS[role][0] in msg
    assert "\n" not in msg


# --------------------------------------------------------------------------------------------
# Through the importer
# --------------------------------------------------------------------------------------------


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_overrides_by_name_case_and_number_through_read_table(tmp_path):
    path = write(tmp_path, "o.csv", "user,Clicked,ctr_hat,W\nu1,1,0.8,2\nu2,0,0.1,1\n")
    options = ReadOptions(
        columns={"actual": "clicked", "predicted": "3", "weight": "w", "id": "USER"}
    )
    ds, info = read_table(path, options)
    assert info.mapping == {"actual": "Clicked", "predicted": "ctr_hat", "weight": "W", "id": "user"}
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.8, 0.1])
    np.testing.assert_array_equal(ds.weight.values, [2.0, 1.0])
    assert list(ds.ids) == ["u1", "u2"]
    assert ds.extras == {}
    assert ds.column_names["predicted"] == "ctr_hat"


def test_override_wins_over_a_synonym_and_the_synonym_column_becomes_an_extra(tmp_path):
    path = write(tmp_path, "o.csv", "actual,predicted,calibrated\n1,0.8,0.7\n0,0.1,0.2\n")
    ds, info = read_table(path, ReadOptions(columns={"predicted": "calibrated"}))
    np.testing.assert_array_equal(ds.predicted.values, [0.7, 0.2])
    assert list(ds.extras) == ["predicted"]


def test_headerless_override_by_number(tmp_path):
    # Probability first, label second: name both columns by number.
    path = write(tmp_path, "h.csv", "0.9,1\n0.2,0\n")
    ds, info = read_table(path, ReadOptions(columns={"actual": "2", "predicted": "1"}))
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_headerless_single_override_leaves_the_other_column_to_the_other_role(tmp_path):
    # --actual-column 2 alone used to make column 2 both actual and predicted.
    path = write(tmp_path, "h.csv", "0.9,1\n0.2,0\n")
    ds, info = read_table(path, ReadOptions(columns={"actual": "2"}))
    assert info.mapping["actual"] == "column_2" and info.mapping["predicted"] == "column_1"
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_headerless_override_by_generated_name(tmp_path):
    path = write(tmp_path, "h.csv", "a,1,0.9\nb,0,0.2\n")
    ds, info = read_table(path, ReadOptions(columns={"id": "Column_1"}))
    assert list(ds.ids) == ["a", "b"]


def test_headerless_wide_file_works_with_overrides(tmp_path):
    path = write(tmp_path, "h.csv", "a,x,1,0.9\nb,y,0,0.2\n")
    ds, info = read_table(path, ReadOptions(columns={"actual": "3", "predicted": "4"}))
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_missing_required_column_lists_the_columns_found(tmp_path):
    path = write(tmp_path, "m.csv", "when,clicked,ctr\n1,1,0.5\n")
    with pytest.raises(TableReadError) as err:
        read_table(path)
    msg = str(err.value)
    assert msg.startswith("m.csv: ") and "when, clicked, ctr" in msg and "\n" not in msg


@pytest.mark.parametrize("headers, predicted", [
    (["y_true", "y_pred", "y_proba"], "y_proba"),  # scikit-learn's names: y_pred is a class
    (["actual", "prediction", "probability"], "probability"),
    (["label", "pred", "score"], "score"),
])
def test_a_probabilitys_name_wins_over_a_predicted_class(headers, predicted):
    assert map_columns(headers)["predicted"] == predicted


def test_the_other_candidates_are_said_and_the_summary_names_the_columns(tmp_path):
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.io.read import preview_table
    from bce_gui.core.large import window_warnings
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.stream import stream_compute
    from bce_gui.core.summary import summary_dict

    path = tmp_path / "sk.csv"
    path.write_text("y_true,target,y_pred,y_proba\n1,1,1,0.9\n0,0,0,0.2\n1,1,0,0.4\n0,0,0,0.3\n")
    ds, info = read_table(path)
    assert ds.schema.actual == "y_true" and ds.schema.models[0].columns == ("y_proba",)
    said = sorted(info.warnings.values())
    assert said == [
        "'target' could also be the actual class; 'y_true' was used (choose another with "
        "--actual-column, or in the window's import preview)",
        "'y_pred' could also be the predicted probability; 'y_proba' was used (choose another "
        "with --predicted-column, or in the window's import preview)"]
    # The window asks in its import preview, and does not say it again after the load.
    preview = preview_table(path)
    assert preview.needs_confirmation and set(preview.column_choices) == {"actual", "predicted"}
    assert window_warnings(info.warnings) == []
    summary = summary_dict(ds, evaluate(ds, LossOptions()), warnings=said)
    streamed = stream_compute(path, LossOptions(), chunk_rows=1).summary
    for s in (summary, streamed):
        assert s["columns"] == {"actual": "y_true", "predicted": "y_proba"}
        assert sorted(s["warnings"]) == said
    # A column the user names is not second-guessed.
    _ds, info = read_table(path, ReadOptions(columns={"predicted": "y_proba", "actual": "y_true"}))
    assert info.warnings == {}


def test_the_preview_reads_each_choice_as_data_not_from_the_warnings_text(tmp_path):
    """The columns that could also take a role, the one used and the preview's sentence are
    kept as data where the warning is made; compute's warning is that sentence and how to
    choose another. The preview cut its sentence out of the warning's text (at "(choose
    another"): rewording the warning would have changed it."""
    from bce_gui.core.io.options import ColumnChoice
    from bce_gui.core.io.read import preview_table
    from bce_gui.core.io.to_dataset import COLUMN_CHOICE

    path = tmp_path / "sk.csv"
    path.write_text("label,target,y_true,y_pred,y_proba\n1,1,1,1,0.9\n0,0,0,0,0.2\n")
    preview = preview_table(path)
    expected = {
        "actual": ColumnChoice(("label", "target"), "y_true",
                               "'label' and 'target' could also be the actual class; "
                               "'y_true' was used"),
        "predicted": ColumnChoice(("y_pred",), "y_proba",
                                  "'y_pred' could also be the predicted probability; "
                                  "'y_proba' was used")}
    assert preview.info.column_choices == expected
    for role, flag in (("actual", "--actual-column"), ("predicted", "--predicted-column")):
        assert preview.info.warnings[COLUMN_CHOICE + role] == (
            f"{expected[role].sentence} (choose another with {flag}, or in the window's "
            "import preview)")
    preview.info.warnings.clear()  # (whatever the warnings say, or if they are left out)
    assert preview.column_choices == expected and preview.needs_confirmation
    _ds, info = read_table(path, ReadOptions(columns={"predicted": "y_proba", "actual": "y_true"}))
    assert info.column_choices == {}  # (a column the user names is not second-guessed)
