"""What the columns of a table mean: the task, and which column plays which role.

One :class:`Schema` value says everything the readers, the writers, the evaluation, the table
model and the import preview need to know about a table's columns:

* the **task**: binary (classes 0 and 1, one prediction column per model: the probability, or
  the logit, of class 1) or categorical (K class labels in order, K prediction columns per
  model, one per class);
* the column holding the **actual** class;
* the **models**: each a name and its prediction columns (several models may share one table,
  to be compared row by row);
* the optional **weight** and **ID** columns.

Columns are named by their keys in the :class:`~bce_gui.core.dataset.Dataset` (the file's header
names; ``actual``, ``predicted``, ... for a table without a header). Every other column is an
extra column: kept, shown and saved, never computed with.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterator

BINARY = "binary"
CATEGORICAL = "categorical"

#: Role names, in the order a table shows them.
ID, ACTUAL, PREDICTED, WEIGHT = "id", "actual", "predicted", "weight"
ROLE_ORDER = (ID, ACTUAL, PREDICTED, WEIGHT)
ROLE_TITLES = {ID: "ID", ACTUAL: "Actual", PREDICTED: "Predicted", WEIGHT: "Weight"}
#: The roles whose columns hold numbers.
NUMERIC_ROLES = (ACTUAL, PREDICTED, WEIGHT)


class SchemaError(ValueError):
    """A schema that cannot describe a table (a column with two roles, a model without columns)."""


@dataclass(frozen=True)
class Task:
    """Binary (classes 0 and 1) or categorical with K class labels in a fixed order."""

    kind: str = BINARY
    classes: tuple[Any, ...] = (0, 1)

    def __post_init__(self) -> None:
        if self.kind not in (BINARY, CATEGORICAL):
            raise SchemaError(f"unknown task {self.kind!r}; it is {BINARY!r} or {CATEGORICAL!r}")
        if self.kind == BINARY and tuple(self.classes) != (0, 1):
            raise SchemaError("a binary task has the classes 0 and 1")
        if len(self.classes) < 2:
            raise SchemaError("a task needs at least two classes")
        if len(set(self.classes)) != len(self.classes):
            raise SchemaError(f"class labels repeat: {list(self.classes)}")

    @classmethod
    def binary(cls) -> "Task":
        return cls(BINARY, (0, 1))

    @classmethod
    def categorical(cls, classes) -> "Task":
        return cls(CATEGORICAL, tuple(classes))

    @property
    def is_binary(self) -> bool:
        return self.kind == BINARY

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def columns_per_model(self) -> int:
        """Prediction columns a model has: 1 (binary: class 1 only) or K."""
        return 1 if self.is_binary else self.n_classes


@dataclass(frozen=True)
class Model:
    """One model's predictions: a name and its columns (one per class, in the task's order;
    a binary model has one column, for class 1)."""

    name: str
    columns: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.columns:
            raise SchemaError(f"model {self.name!r} has no prediction column")


@dataclass(frozen=True)
class Schema:
    """The task and the role of each column (see the module docstring)."""

    actual: str = ACTUAL
    models: tuple[Model, ...] = field(default_factory=lambda: (Model(PREDICTED, (PREDICTED,)),))
    weight: str | None = None
    id: str | None = None
    task: Task = field(default_factory=Task.binary)

    def __post_init__(self) -> None:
        if not self.models:
            raise SchemaError("a schema needs at least one model")
        per_model = self.task.columns_per_model
        for m in self.models:
            if len(m.columns) != per_model:
                raise SchemaError(
                    f"model {m.name!r} has {len(m.columns)} prediction columns; "
                    f"a {self.task.kind} task with {self.task.n_classes} classes needs {per_model}"
                )
        names = [m.name for m in self.models]
        if len(set(names)) != len(names):
            raise SchemaError(f"model names repeat: {names}")
        seen: dict[str, str] = {}
        for role, column in self.roles():
            if column in seen:
                raise SchemaError(
                    f"column {column!r} cannot be both the {seen[column]} and the {role} column"
                )
            seen[column] = role

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def binary(cls, actual: str = ACTUAL, predicted: str | tuple[str, ...] = PREDICTED,
               weight: str | None = None, id: str | None = None) -> "Schema":
        """A binary table; ``predicted`` names one column, or several (one model each)."""
        preds = (predicted,) if isinstance(predicted, str) else tuple(predicted)
        return cls(actual=actual, models=tuple(Model(p, (p,)) for p in preds), weight=weight,
                   id=id, task=Task.binary())

    @classmethod
    def categorical(cls, classes, actual: str, models: dict[str, tuple[str, ...]] | tuple[str, ...],
                    weight: str | None = None, id: str | None = None) -> "Schema":
        """A K-class table; ``models`` maps a model's name to its K columns (or is the K
        columns of one model, named ``predicted``)."""
        if not isinstance(models, dict):
            models = {PREDICTED: tuple(models)}
        return cls(actual=actual, models=tuple(Model(n, tuple(c)) for n, c in models.items()),
                   weight=weight, id=id, task=Task.categorical(classes))

    def with_weight(self, column: str | None) -> "Schema":
        return replace(self, weight=column)

    def with_models(self, models: tuple[Model, ...]) -> "Schema":
        return replace(self, models=tuple(models))

    # -- questions ----------------------------------------------------------------------------

    @property
    def model(self) -> Model:
        """The first (reference) model."""
        return self.models[0]

    @property
    def predicted(self) -> str:
        """The first model's first prediction column (a binary table's predicted column)."""
        return self.models[0].columns[0]

    def roles(self) -> Iterator[tuple[str, str]]:
        """(role, column) for every column with a role, in the order a table shows them."""
        if self.id is not None:
            yield ID, self.id
        yield ACTUAL, self.actual
        for m in self.models:
            for c in m.columns:
                yield PREDICTED, c
        if self.weight is not None:
            yield WEIGHT, self.weight

    def role_of(self, column: str) -> str | None:
        """The role of a column, or None for an extra column."""
        for role, c in self.roles():
            if c == column:
                return role
        return None

    @property
    def prediction_columns(self) -> tuple[str, ...]:
        return tuple(c for m in self.models for c in m.columns)

    @property
    def checked_columns(self) -> tuple[str, ...]:
        """The columns validation checks and the loss reads: actual, predictions, weight."""
        return tuple(c for role, c in self.roles() if role != ID)

    @property
    def role_columns(self) -> tuple[str, ...]:
        return tuple(c for _role, c in self.roles())

    def rename(self, mapping: dict[str, str]) -> "Schema":
        """The same roles over renamed columns (``mapping``: old name → new name)."""
        def r(c: str | None) -> str | None:
            return None if c is None else mapping.get(c, c)

        return replace(
            self, actual=r(self.actual), weight=r(self.weight), id=r(self.id),
            models=tuple(Model(m.name if m.name not in mapping or len(m.columns) > 1
                               else mapping[m.name], tuple(r(c) for c in m.columns))
                         for m in self.models),
        )

    # -- plain data (settings, recovery files, JSON) ------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task.kind,
            "classes": list(self.task.classes),
            "actual": self.actual,
            "models": [{"name": m.name, "columns": list(m.columns)} for m in self.models],
            "weight": self.weight,
            "id": self.id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Schema":
        try:
            task = Task(data.get("task", BINARY), tuple(data.get("classes", (0, 1))))
            return cls(
                actual=str(data["actual"]),
                models=tuple(Model(str(m["name"]), tuple(str(c) for c in m["columns"]))
                             for m in data["models"]),
                weight=data.get("weight"),
                id=data.get("id"),
                task=task,
            )
        except (KeyError, TypeError) as exc:
            raise SchemaError(f"not a schema: {exc}") from None
