"""The schema: one value saying what every column of a table is for."""

from __future__ import annotations

import pytest

from bce_gui.core.schema import Model, Schema, SchemaError, Task


def test_binary_schema_roles_in_table_order():
    s = Schema.binary("y", "p", weight="w", id="key")
    assert list(s.roles()) == [("id", "key"), ("actual", "y"), ("predicted", "p"), ("weight", "w")]
    assert s.checked_columns == ("y", "p", "w")
    assert s.role_of("p") == "predicted" and s.role_of("other") is None
    assert s.task.columns_per_model == 1 and s.predicted == "p"


def test_two_models_and_categorical():
    two = Schema.binary("y", ("model_a", "model_b"))
    assert [m.name for m in two.models] == ["model_a", "model_b"]
    assert two.prediction_columns == ("model_a", "model_b")
    cat = Schema.categorical(["cat", "dog", "bird"], "label",
                             {"A": ("pa_cat", "pa_dog", "pa_bird"),
                              "B": ("pb_cat", "pb_dog", "pb_bird")})
    assert cat.task.n_classes == 3 and not cat.task.is_binary
    assert len(cat.prediction_columns) == 6
    assert Schema.from_dict(cat.to_dict()) == cat


@pytest.mark.parametrize("make, words", [
    (lambda: Schema.binary("actual", "actual"), "both the actual and the predicted"),
    (lambda: Schema.binary("y", "p", weight="p"), "both the predicted and the weight"),
    (lambda: Schema.categorical([0, 1, 2], "y", ("a", "b")), "needs 3"),
    (lambda: Task.categorical([1, 1]), "repeat"),
    (lambda: Schema(models=()), "at least one model"),
    (lambda: Model("m", ()), "no prediction column"),
])
def test_impossible_schemas_are_refused_with_a_sentence(make, words):
    with pytest.raises(SchemaError, match=words):
        make()


def test_rename_keeps_roles():
    s = Schema.binary("actual", "predicted", weight="weight").rename({"predicted": "p_hat"})
    assert s.predicted == "p_hat" and s.models[0].name == "p_hat" and s.weight == "weight"
