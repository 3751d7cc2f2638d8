"""Joining a labels file and predictions files by ID (core/join.py): exact matching, missing
and extra IDs kept and listed, duplicate and empty IDs refused by name, IDs that differ only in
case or surrounding spaces never matched silently."""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.join import JoinError, join_files, join_into, match_ids


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def labels(tmp_path):
    return write(tmp_path, "labels.csv", "id,actual,weight\na,1,1\nb,0,2\nc,1,1\nd,0,1\n")


def values(ds, name):
    return ds.columns[name].values


def test_reordered_ids_are_matched_by_id_not_by_position(tmp_path, labels):
    p = write(tmp_path, "m.csv", "id,predicted\nd,0.4\nb,0.2\nc,0.7\na,0.9\n")
    ds, rep = join_files(labels, [p])
    assert ds.ids.tolist() == ["a", "b", "c", "d"]
    assert values(ds, "m").tolist() == [0.9, 0.2, 0.7, 0.4]
    assert values(ds, "actual").tolist() == [1, 0, 1, 0]
    assert ds.schema.weight == "weight" and ds.schema.id == "id"
    f = rep.files[0]
    assert (f.n_matched, f.n_missing, f.n_extra, f.n_near) == (4, 0, 0, 0)
    assert rep.warnings() == []


def test_missing_ids_keep_their_row_with_an_empty_prediction(tmp_path, labels):
    p = write(tmp_path, "m.csv", "id,p\na,0.9\nc,0.7\n")
    ds, rep = join_files(labels, [p])
    assert len(ds) == 4
    assert np.isnan(values(ds, "m")[[1, 3]]).all()
    f = rep.files[0]
    assert (f.n_missing, f.missing_ids) == (2, ("b", "d"))
    assert rep.warnings() == ["m.csv: 2 IDs of labels.csv have no prediction ('b', 'd'); "
                              "those rows are left out of every model's loss"]


def test_extra_ids_become_rows_without_an_actual_class(tmp_path, labels):
    p = write(tmp_path, "m.csv", "id,p\na,0.9\nb,0.2\nc,0.7\nd,0.4\nzz,0.5\nyy,0.1\n")
    ds, rep = join_files(labels, [p])
    assert ds.ids.tolist() == ["a", "b", "c", "d", "zz", "yy"]
    assert np.isnan(values(ds, "actual")[4:]).all()
    assert values(ds, "m")[4:].tolist() == [0.5, 0.1]
    f = rep.files[0]
    assert (f.n_extra, f.extra_ids) == (2, ("zz", "yy"))
    assert "2 IDs are not in labels.csv ('zz', 'yy'); added as rows" in rep.warnings()[0]


def test_an_extra_id_of_two_files_is_one_row(tmp_path, labels):
    p1 = write(tmp_path, "m1.csv", "id,p\na,0.9\nzz,0.5\n")
    p2 = write(tmp_path, "m2.csv", "id,p\nzz,0.4\nb,0.3\n")
    ds, _rep = join_files(labels, [p1, p2])
    assert ds.ids.tolist() == ["a", "b", "c", "d", "zz"]
    assert values(ds, "m1")[4] == 0.5 and values(ds, "m2")[4] == 0.4


@pytest.mark.parametrize("where", ["labels", "predictions"])
def test_duplicate_ids_are_an_error_naming_them_and_their_rows(tmp_path, labels, where):
    if where == "labels":
        labels = write(tmp_path, "labels.csv", "id,actual\na,1\nb,0\na,1\nc,0\nc,1\n")
        p = write(tmp_path, "m.csv", "id,p\na,0.5\n")
        name = "labels.csv"
    else:
        p = write(tmp_path, "m.csv", "id,p\na,0.5\nb,0.4\na,0.6\n")
        name = "m.csv"
    with pytest.raises(JoinError) as exc:
        join_files(labels, [p])
    msg = str(exc.value)
    assert msg.startswith(f"{name}: duplicate IDs: 'a' (rows 2, 4)")
    assert "\n" not in msg
    if where == "labels":
        assert "'c' (rows 5, 6)" in msg


def test_a_row_without_an_id_is_an_error_naming_the_row(tmp_path, labels):
    p = write(tmp_path, "m.csv", "id,p\na,0.5\n,0.4\n")
    with pytest.raises(JoinError, match=r"m.csv: 1 row without an ID \(row 3\)"):
        join_files(labels, [p])


def test_case_and_space_variants_are_not_matched_and_are_named(tmp_path, labels):
    p = write(tmp_path, "m.csv", 'id,p\nA,0.9\n" b ",0.2\nc,0.7\nd,0.4\n')
    ds, rep = join_files(labels, [p])
    f = rep.files[0]
    assert f.n_matched == 2 and f.n_missing == 2 and f.n_extra == 2
    assert set(f.near) == {("a", "A"), ("b", " b ")} and f.n_near == 2
    near = [s for s in rep.warnings() if "NOT matched" in s]
    assert near == ["m.csv: 2 IDs differ from an ID of labels.csv only in letter case or "
                    "surrounding spaces ('a' ~ 'A', 'b' ~ ' b '); IDs are matched exactly, so "
                    "these were NOT matched"]
    assert ds.ids.tolist()[4:] == ["A", " b "]  # kept as written


def test_only_near_matches_is_an_error_saying_what_was_found(tmp_path, labels):
    p = write(tmp_path, "m.csv", "id,p\nA,0.9\nB,0.2\n")
    with pytest.raises(JoinError) as exc:
        join_files(labels, [p])
    assert "no ID of m.csv is in labels.csv" in str(exc.value)
    assert "'a' ~ 'A'" in str(exc.value)


def test_match_ids_lists_near_pairs_only_among_unmatched():
    m = match_ids(["x", "X", "y"], ["X", " y", "z"])
    assert m.right_of_left.tolist() == [-1, 0, -1]
    assert m.extra.tolist() == [1, 2]
    assert m.near == (("y", " y"),)  # 'x' ~ 'X' is not offered: 'X' matched 'X' exactly


def test_numeric_ids_are_matched_as_written(tmp_path):
    labels = write(tmp_path, "labels.csv", "id,actual\n1,1\n2,0\n10,1\n")
    p = write(tmp_path, "m.csv", "id,p\n10,0.8\n2,0.3\n1,0.6\n")
    ds, _rep = join_files(labels, [p])
    assert values(ds, "m").tolist() == [0.6, 0.3, 0.8]


def test_text_cells_in_a_prediction_are_kept_as_typed(tmp_path, labels):
    p = write(tmp_path, "m.csv", "id,p\nb,oops\na,0.9\nc,0.7\nd,0.4\n")
    ds, _rep = join_files(labels, [p])
    assert ds.columns["m"].text == {1: "oops"}


def test_missing_id_column_and_predicted_column_are_one_line(tmp_path, labels):
    p = write(tmp_path, "m.csv", "key2,p\na,0.9\n")
    with pytest.raises(JoinError, match=r"^m.csv: no ID column was found .*--id-column"):
        join_files(labels, [p])
    p = write(tmp_path, "m.csv", "id,foo\na,0.9\n")
    with pytest.raises(JoinError, match=r"^m.csv: no predicted column was found"):
        join_files(labels, [p])
    p = write(tmp_path, "m.csv", "obs,p\na,0.9\n")
    with pytest.raises(JoinError, match=r"there is no column 'case'"):
        join_files(labels, [p], id_column="case")


def test_k_class_files_with_columns_in_another_order(tmp_path):
    labels = write(tmp_path, "labels.csv", "id,label\n1,0\n2,1\n3,2\n")
    a = write(tmp_path, "a.csv", "id,p_0,p_1,p_2\n1,0.7,0.2,0.1\n2,0.1,0.8,0.1\n3,0.2,0.2,0.6\n")
    b = write(tmp_path, "b.csv", "id,p_2,p_0,p_1\n3,0.5,0.25,0.25\n1,0.1,0.6,0.3\n2,0.2,0.2,0.6\n")
    ds, _rep = join_files(labels, [a, b])
    s = ds.schema
    assert not s.task.is_binary and s.task.classes == (0, 1, 2)
    assert [m.name for m in s.models] == ["a", "b"]
    cols = s.models[1].columns
    got = np.column_stack([values(ds, c) for c in cols])
    assert got.tolist() == [[0.6, 0.3, 0.1], [0.2, 0.6, 0.2], [0.25, 0.25, 0.5]]


def test_k_class_file_without_a_class_column_says_which(tmp_path):
    labels = write(tmp_path, "labels.csv", "id,label\n1,0\n2,1\n3,2\n")
    a = write(tmp_path, "a.csv", "id,p_0,p_1,p_2\n1,0.7,0.2,0.1\n2,0.1,0.8,0.1\n3,0.2,0.2,0.6\n")
    b = write(tmp_path, "b.csv", "id,p_0,p_1\n1,0.5,0.5\n2,0.5,0.5\n3,0.5,0.5\n")
    with pytest.raises(JoinError, match=r"^b.csv: no column for class 2"):
        join_files(labels, [a, b])


def test_join_into_adds_a_model_to_an_open_table(tmp_path):
    ds = Dataset.from_arrays([1, 0, 1], [0.8, 0.3, 0.6], ids=["a", "b", "c"])
    p = write(tmp_path, "other.csv", "id,p\nc,0.9\na,0.7\nq,0.2\n")
    out, match = join_into(ds, p)
    assert [m.columns for m in out.schema.models] == [("Predicted",), ("other",)]
    assert out.ids.tolist() == ["a", "b", "c", "q"]
    assert values(out, "other")[[0, 2, 3]].tolist() == [0.7, 0.9, 0.2]
    assert np.isnan(values(out, "other")[1]) and np.isnan(values(out, "Actual")[3])
    assert (match.n_missing, match.missing_ids, match.n_extra) == (1, ("b",), 1)
    assert len(ds) == 3 and len(ds.schema.models) == 1  # the open table is not changed


def test_join_into_counts_from_the_table_side(tmp_path):
    """A file of 2 IDs that both match still leaves 10 of the table's 12 rows without a
    prediction: the message counts the table's rows, and says what the models are scored on
    (a second join that misses another row narrows the rows every model has)."""
    ids = [f"r{i}" for i in range(12)]
    ds = Dataset.from_arrays([i % 2 for i in range(12)], [0.5] * 12, ids=ids)
    two = write(tmp_path, "two.csv", "id,p\nr0,0.9\nr1,0.2\n")
    out, match = join_into(ds, two)
    assert match.headline() == ("Joined two.csv as model two: 2 of the table's 12 rows matched "
                                "(2 of the file's 2 IDs)")
    (missing,) = match.sentences("the table")
    assert missing.startswith("two.csv: 10 IDs of the table have no prediction ('r2', ")
    assert missing.endswith("every model is scored on the 2 rows all models have")
    third = write(tmp_path, "three.csv", "id,p\n" + "".join(f"{i},0.4\n" for i in ids[1:]))
    _, match = join_into(out, third)
    assert match.headline().endswith("11 of the table's 12 rows matched (11 of the file's 11 IDs)")
    assert match.sentences("the table")[0].endswith("scored on the 1 row all models have")


def test_join_into_needs_ids(tmp_path):
    ds = Dataset.from_arrays([1, 0], [0.8, 0.3])
    p = write(tmp_path, "other.csv", "id,p\na,0.9\n")
    with pytest.raises(JoinError, match="has no ID column"):
        join_into(ds, p)


def test_k_class_files_with_text_classes(tmp_path):
    from sklearn.metrics import log_loss

    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.loss import LossOptions

    labels = write(tmp_path, "labels.csv", "id,species\n1,setosa\n2,virginica\n3,versicolor\n")
    a = write(tmp_path, "a.csv", "id,p_setosa,p_versicolor,p_virginica\n"
                                 "1,0.7,0.2,0.1\n2,0.1,0.3,0.6\n3,0.2,0.5,0.3\n")
    ds, _rep = join_files(labels, [a])
    assert ds.schema.task.classes == ("setosa", "versicolor", "virginica")
    ev = evaluate(ds, LossOptions())
    y = ["setosa", "virginica", "versicolor"]
    p = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]]
    assert ev.totals.mean == pytest.approx(log_loss(y, p, labels=list(ds.schema.task.classes)))
