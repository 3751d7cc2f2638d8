"""Several models' predictions on the same rows, from files joined by an ID column.

Why: a common layout for comparing models is a labels file (``id, actual``) and one predictions
file per model (``id, predicted`` for a binary task, ``id, p_<class>`` for K classes), as a
competition's solution and its submissions. The comparison is only honest when the models are
scored on the same rows, so this join never guesses and never drops a row silently:

* a duplicate ID in any file is an error naming the IDs (which prediction would count?);
* a row without an ID is an error naming its row;
* IDs are matched exactly, as written. IDs of the two sides that differ only in letter case or
  in surrounding spaces (``A7`` and ``a7 ``) are *not* matched: they are listed as near
  matches, and stay missing and extra;
* an ID of the labels file without a prediction in some file (*missing*) keeps its row, with an
  empty prediction cell for that model; an ID of a predictions file that the labels file does
  not have (*extra*) becomes a row at the end of the table with an empty actual cell. Either
  row is invalid, so it is listed and left out of every model's loss (the models stay paired).

:func:`join_files` builds the joined :class:`~bce_gui.core.dataset.Dataset` (the labels file's
columns, then one model per predictions file) and a :class:`JoinReport`; :func:`join_into` adds
one predictions file to a table that already has IDs (the window's File → Join predictions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .class_labels import distinct_labels, label_key, label_text
from .columns import ColumnError, SYNONYMS, column_list, map_columns, resolve_column
from .dataset import TEXT, Dataset, NumericColumn, text_array
from .schema import ACTUAL, ID, PREDICTED, WEIGHT, Model, Schema, Task

#: IDs quoted in a message or listed in a report (the counts are always exact).
ID_LIST_LIMIT = 20


class JoinError(ValueError):
    """The files cannot be joined (a duplicate or empty ID, no ID column, predictions of
    another task); ``str`` is one sentence naming the file."""


# --------------------------------------------------------------------------------------------
# Matching two lists of IDs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdMatch:
    """How the IDs of a right side (a predictions file) meet those of a left side (labels).

    ``right_of_left[i]``: the right row holding left row i's ID, -1 when it has none
    (*missing*). ``extra``: the right rows whose ID the left side does not have, in file order.
    ``near``: (left ID, right ID) pairs that are equal only when case and surrounding spaces
    are ignored (not matched), at most :data:`ID_LIST_LIMIT`; ``n_near`` counts them all.
    """

    right_of_left: np.ndarray
    extra: np.ndarray
    near: tuple[tuple[str, str], ...]
    n_near: int

    @property
    def missing(self) -> np.ndarray:
        """Left rows without a right row."""
        return np.flatnonzero(self.right_of_left < 0)

    @property
    def n_matched(self) -> int:
        return int(np.count_nonzero(self.right_of_left >= 0))


def _loose(text: str) -> str:
    return text.strip().casefold()


def check_ids(ids: list[str], where: str, row_of) -> None:
    """Refuse empty and duplicate IDs, naming them (``row_of(i)``: the row a person would
    look at for entry i)."""
    empty = [i for i, t in enumerate(ids) if t == ""]
    if empty:
        rows = ", ".join(str(row_of(i)) for i in empty[:ID_LIST_LIMIT])
        more = f" and {len(empty) - ID_LIST_LIMIT} more" if len(empty) > ID_LIST_LIMIT else ""
        raise JoinError(f"{where}: {_count(len(empty), 'row')} without an ID (row {rows}{more}); "
                        "every row needs an ID to be joined")
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    for i, t in enumerate(ids):
        j = first.setdefault(t, i)
        if j != i:
            repeated.setdefault(t, [j]).append(i)
    if repeated:
        shown = list(repeated.items())[:ID_LIST_LIMIT]
        parts = [f"{t!r} (rows {', '.join(str(row_of(r)) for r in rows[:5])})" for t, rows in shown]
        more = f" and {len(repeated) - len(shown)} more" if len(repeated) > len(shown) else ""
        raise JoinError(f"{where}: duplicate IDs: {'; '.join(parts)}{more}; each ID may appear "
                        "once (which row's prediction would count?)")


def match_ids(left: list[str], right: list[str]) -> IdMatch:
    """Match two lists of distinct IDs exactly (see :class:`IdMatch`)."""
    where = {t: i for i, t in enumerate(right)}
    right_of_left = np.fromiter((where.get(t, -1) for t in left), dtype=np.int64, count=len(left))
    used = np.zeros(len(right), dtype=bool)
    used[right_of_left[right_of_left >= 0]] = True
    extra = np.flatnonzero(~used)
    near: list[tuple[str, str]] = []
    n_near = 0
    missing = np.flatnonzero(right_of_left < 0)
    if missing.size and extra.size:
        loose = {}
        for i in missing.tolist():
            loose.setdefault(_loose(left[i]), left[i])
        for j in extra.tolist():
            k = loose.get(_loose(right[j]))
            if k is not None:
                n_near += 1
                if len(near) < ID_LIST_LIMIT:
                    near.append((k, right[j]))
    return IdMatch(right_of_left, extra, tuple(near), n_near)


# --------------------------------------------------------------------------------------------
# Reading a file keyed by ID
# --------------------------------------------------------------------------------------------


@dataclass
class KeyedFile:
    """A table read for a join: its frame of text columns, the ID of each row as written, and
    the row numbers a spreadsheet shows."""

    path: str
    frame: object
    info: object
    headers: list[str]
    id_column: str
    ids: list[str]
    decimal: str

    @property
    def name(self) -> str:
        return os.path.basename(self.path) or self.path

    def row_of(self, i: int) -> int:
        return self.info.first_line + 1 + int(i)

    def numbers(self, column: str) -> NumericColumn:
        from .io.to_dataset import numeric_column

        return numeric_column(self.frame, column, self.decimal)

    def texts(self, column: str) -> np.ndarray:
        return _text_of(self.frame.get_column(column))


def _text_of(series) -> np.ndarray:
    """A column's cells as written (numbers parsed while reading are written back plainly)."""
    import polars as pl

    if series.dtype == pl.Float64:
        from .dataset import number_text

        return text_array([number_text(float(v)) for v in series.fill_null(np.nan).to_numpy()])
    return series.cast(pl.String).fill_null("").to_numpy().astype(TEXT)


def _find_id(headers: list[str], id_column: str | None, where: str) -> str:
    if id_column:
        try:
            return resolve_column(id_column, headers)
        except ColumnError as exc:
            raise JoinError(f"{where}: {exc}") from None
    found = map_columns(headers).get(ID)
    if found is None:
        names = ", ".join(SYNONYMS[ID][:5])
        raise JoinError(f"{where}: no ID column was found (expected a header such as {names}; "
                        f"--id-column names it); the columns are: {column_list(headers)}")
    return found


def read_keyed(path: str | os.PathLike, id_column: str | None = None,
               read_options=None) -> KeyedFile:
    """Read a file (CSV, TSV, spreadsheet) with a header and an ID column for a join."""
    from dataclasses import replace as _replace

    from .io import ReadOptions, TableReadError
    from .io.read import load_frame
    from .io.text_tables import table_columns
    from .io.to_dataset import detect_decimal

    name = os.path.basename(str(path)) or str(path)
    options = _replace(read_options or ReadOptions(), columns={}, n_rows=None)
    try:
        frame, info = load_frame(path, options)
    except TableReadError as exc:
        raise JoinError(str(exc)) from None
    if not info.has_header:
        raise JoinError(f"{name}: has no header row; a file joined by ID needs one naming its ID "
                        "column")
    headers = table_columns(frame)
    if frame.height == 0:
        raise JoinError(f"{name}: has a header but no data rows")
    id_name = _find_id(headers, id_column, name)
    ids = _text_of(frame.get_column(id_name)).tolist()
    others = [h for h in headers if h != id_name]
    decimal = options.decimal or detect_decimal(frame, others, info)
    keyed = KeyedFile(str(path), frame, info, headers, id_name, ids, decimal)
    check_ids(ids, name, keyed.row_of)
    return keyed


# --------------------------------------------------------------------------------------------
# Predictions files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predictions:
    """One predictions file's model: its name, and per class column (one for binary) the
    file's column and its values as read."""

    name: str
    columns: tuple[str, ...]
    values: tuple[NumericColumn, ...]
    classes: tuple | None = None  # K classes: the class of each column


def predictions_of(keyed: KeyedFile, *, classes: tuple | None, labels=None,
                   predicted_column: str | None = None, name: str | None = None) -> Predictions:
    """The prediction columns of a keyed file: a binary predicted column (found by name, or
    ``predicted_column``), or with ``classes`` (a K-class task) one ``p_<class>`` column per
    class."""
    from .class_labels import detect_class_columns

    name = name or Path(keyed.path).stem or "model"
    headers = [h for h in keyed.headers if h != keyed.id_column]
    if classes is None:
        try:
            column = (resolve_column(predicted_column, headers) if predicted_column
                      else map_columns(headers).get(PREDICTED))
        except ColumnError as exc:
            raise JoinError(f"{keyed.name}: {exc}") from None
        if column is None:
            family = detect_class_columns(headers).best
            hint = (f" (it has per-class columns {', '.join(family.columns)}: the labels "
                    "file's classes are 0 and 1 only?)" if family is not None else "")
            names = ", ".join(SYNONYMS[PREDICTED][:6])
            raise JoinError(f"{keyed.name}: no predicted column was found (expected a header "
                            f"such as {names}){hint}; the columns are: {column_list(headers)}")
        return Predictions(name, (column,), (keyed.numbers(column),))
    found = detect_class_columns(headers, labels=labels)
    by_class = {}
    for family in found.candidates:
        by_class = {label_key(c): col for c, col in zip(family.classes, family.columns)}
        break
    wanted = [label_key(c) for c in classes]
    absent = [label_text(c) for c, k in zip(classes, wanted) if k not in by_class]
    if not by_class or absent:
        why = f"no column for class {', '.join(absent)}" if by_class else "no p_<class> columns"
        raise JoinError(f"{keyed.name}: {why}; a K-class predictions file has one column per "
                        f"class, named p_<class> (the classes are "
                        f"{', '.join(label_text(c) for c in classes)}); the columns are: "
                        f"{column_list(headers)}")
    cols = tuple(by_class[k] for k in wanted)
    return Predictions(name, cols, tuple(keyed.numbers(c) for c in cols), tuple(classes))


# --------------------------------------------------------------------------------------------
# The report of a join
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileMatch:
    """How one predictions file met the table: rows matched, the table's IDs it has no
    prediction for (*missing*), its IDs the table did not have (*extra*, added as rows), and
    IDs equal only up to case and spaces (*near*, not matched). ID lists are capped at
    :data:`ID_LIST_LIMIT`; the counts are exact."""

    file: str
    model: str
    columns: tuple[str, ...]
    n_rows: int
    n_matched: int
    n_missing: int
    missing_ids: tuple[str, ...]
    n_extra: int
    extra_ids: tuple[str, ...]
    near: tuple[tuple[str, str], ...]
    n_near: int
    #: Joined into an open table (:func:`join_into`): its rows before the join, and the rows
    #: of the joined table with a prediction from every model (those every model is scored on,
    #: when their actual class is valid).
    n_table: int | None = None
    n_common: int | None = None

    def headline(self) -> str:
        """One line on the join into an open table, counted from the table's side (a file of 2
        IDs that all match still leaves the table's other rows without a prediction)."""
        line = f"Joined {self.file} as model {self.model}: "
        if self.n_table is None:
            return line + f"{self.n_matched:,} of {self.n_rows:,} IDs matched"
        return (line + f"{self.n_matched:,} of the table's {_count(self.n_table, 'row')} "
                f"matched ({self.n_matched:,} of the file's {_count(self.n_rows, 'ID')})")

    def sentences(self, table: str = "the labels") -> list[str]:
        """What a person should know, one sentence each (empty when every ID matched)."""
        out = []
        if self.n_missing:
            scored = ("left out of every model's loss" if self.n_common is None else
                      "left out of every model's loss: every model is scored on the "
                      f"{_count(self.n_common, 'row')} all models have")
            out.append(f"{self.file}: {_count(self.n_missing, 'ID')} of {table} "
                       f"{'has' if self.n_missing == 1 else 'have'} no prediction "
                       f"({_ids(self.missing_ids, self.n_missing)}); "
                       f"{'that row is' if self.n_missing == 1 else 'those rows are'} {scored}")
        if self.n_extra:
            out.append(f"{self.file}: {_count(self.n_extra, 'ID')} "
                       f"{'is' if self.n_extra == 1 else 'are'} not in {table} "
                       f"({_ids(self.extra_ids, self.n_extra)}); added as rows without an "
                       "actual class, left out of the loss")
        if self.n_near:
            pairs = ", ".join(f"{a!r} ~ {b!r}" for a, b in self.near[:5])
            more = f" and {self.n_near - 5} more" if self.n_near > 5 else ""
            verb = "differs" if self.n_near == 1 else "differ"
            out.append(f"{self.file}: {_count(self.n_near, 'ID')} {verb} from an ID of {table} "
                       f"only in letter case or surrounding spaces ({pairs}{more}); IDs are "
                       "matched exactly, so these were NOT matched")
        return out

    def json(self) -> dict:
        return {"file": self.file, "model": self.model, "columns": list(self.columns),
                "rows": self.n_rows, "matched": self.n_matched,
                "missing": self.n_missing, "missing_ids": list(self.missing_ids),
                "extra": self.n_extra, "extra_ids": list(self.extra_ids),
                "near": [list(p) for p in self.near], "n_near": self.n_near}


@dataclass(frozen=True)
class JoinReport:
    """The join of a labels file and predictions files (see :class:`FileMatch`)."""

    labels: str
    id_column: str
    n_labels: int
    files: tuple[FileMatch, ...] = field(default_factory=tuple)

    def warnings(self) -> list[str]:
        return [s for f in self.files for s in f.sentences(self.labels)]

    def json(self) -> dict:
        return {"labels": self.labels, "id_column": self.id_column, "rows": self.n_labels,
                "files": [f.json() for f in self.files]}


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _ids(ids, n: int) -> str:
    shown = ", ".join(repr(t) for t in ids[:10])
    return shown + (f", … ({n:,} in all)" if n > min(len(ids), 10) else "")


# --------------------------------------------------------------------------------------------
# Building the joined table
# --------------------------------------------------------------------------------------------


def _aligned(col: NumericColumn, rows: np.ndarray, n: int) -> NumericColumn:
    """A column of n rows: row i holds ``col``'s row ``rows[i]`` (empty where it is -1)."""
    values = np.full(n, np.nan)
    have = rows >= 0
    values[have] = col.values[rows[have]]
    text = {}
    if col.text:
        back = {int(r): i for i, r in enumerate(rows.tolist()) if r >= 0}
        text = {back[r]: t for r, t in col.text.items() if r in back}
    return NumericColumn(values, text)


def _unique(name: str, taken) -> str:
    out, k = name, 2
    while out in taken:
        out, k = f"{name} ({k})", k + 1
    return out


def _model_columns(pred: Predictions, taken, categorical: bool) -> tuple[str, tuple[str, ...]]:
    """The joined table's name for a model and its columns (unique among ``taken``)."""
    model = _unique(pred.name, taken if not categorical else set())
    if not categorical:
        return model, (_unique(model, taken),)
    return model, tuple(_unique(f"{model}_{c}", taken) for c in pred.columns)


def _labels_and_classes(keyed: KeyedFile, actual_column: str | None, weight_column: str | None):
    headers = [h for h in keyed.headers if h != keyed.id_column]
    try:
        mapping = map_columns(headers, {ACTUAL: actual_column, WEIGHT: weight_column})
    except ColumnError as exc:
        raise JoinError(f"{keyed.name}: {exc}") from None
    others = [h for h in headers if h != mapping.get(WEIGHT)]
    if ACTUAL not in mapping and len(others) == 1:
        mapping[ACTUAL] = others[0]  # a labels file of IDs and one column: that is the class
    if ACTUAL not in mapping:
        names = ", ".join(SYNONYMS[ACTUAL][:6])
        raise JoinError(f"{keyed.name}: no column for the actual class was found (expected a "
                        f"header such as {names}); the columns are: {column_list(headers)}")
    actual = keyed.numbers(mapping[ACTUAL])
    labels = distinct_labels(actual.values, actual.text)
    return mapping, actual, labels


def join_files(labels_path, prediction_paths, *, id_column: str | None = None,
               actual_column: str | None = None, weight_column: str | None = None,
               predicted_column: str | None = None, read_options=None
               ) -> tuple[Dataset, JoinReport]:
    """The labels file joined with each predictions file by ID: one model per file, named by
    the file's name (see the module docstring). Raises :class:`JoinError`."""
    if not prediction_paths:
        raise JoinError("no predictions file was given; name one or more after --labels")
    labels = read_keyed(labels_path, id_column, read_options)
    mapping, actual, observed = _labels_and_classes(labels, actual_column, weight_column)
    left = labels.ids
    preds = [read_keyed(p, id_column, read_options) for p in prediction_paths]
    classes = None
    if _looks_categorical(preds[0], predicted_column):
        classes = _classes_from(preds[0], observed)
    text_classes = classes is not None and any(label_key(c)[0] != "n" for c in classes)
    models = [predictions_of(k, classes=classes, labels=observed,
                             predicted_column=predicted_column) for k in preds]

    # Rows: the labels file's, then each file's extra IDs (first file first).
    all_ids = list(left)
    known = {t: i for i, t in enumerate(left)}
    matches = []
    for k in preds:
        m = match_ids(left, k.ids)
        matches.append(m)
        for j in m.extra.tolist():
            t = k.ids[j]
            if t not in known:
                known[t] = len(all_ids)
                all_ids.append(t)
    n = len(all_ids)
    taken = set(labels.headers)
    columns: dict = {}
    columns[labels.id_column] = text_array(all_ids)
    n_left = len(left)
    rows_left = np.concatenate([np.arange(n_left), np.full(n - n_left, -1)]).astype(np.int64)
    if text_classes:  # class labels such as "cat": the actual column stays text
        columns[mapping[ACTUAL]] = np.concatenate([labels.texts(mapping[ACTUAL]),
                                                   np.full(n - n_left, "", dtype=TEXT)])
    else:
        columns[mapping[ACTUAL]] = _aligned(actual, rows_left, n)
    weight = mapping.get(WEIGHT)
    if weight is not None:
        columns[weight] = _aligned(labels.numbers(weight), rows_left, n)
    for h in labels.headers:  # the labels file's other columns, as text
        if h not in columns:
            col = labels.texts(h)
            columns[h] = np.concatenate([col, np.full(n - n_left, "", dtype=TEXT)])
    schema_models = []
    files = []
    for k, pred in zip(preds, models):
        where = {t: j for j, t in enumerate(k.ids)}
        rows = np.fromiter((where.get(t, -1) for t in all_ids), dtype=np.int64, count=n)
        model, names = _model_columns(pred, taken, classes is not None)
        for name, col in zip(names, pred.values):
            columns[name] = _aligned(col, rows, n)
            taken.add(name)
        taken.add(model)
        schema_models.append(Model(model, names))
        m = matches[len(files)]
        files.append(FileMatch(
            file=k.name, model=model, columns=names, n_rows=len(k.ids), n_matched=m.n_matched,
            n_missing=int(m.missing.size), missing_ids=tuple(left[i] for i in m.missing[:ID_LIST_LIMIT]),
            n_extra=int(m.extra.size), extra_ids=tuple(k.ids[j] for j in m.extra[:ID_LIST_LIMIT]),
            near=m.near, n_near=m.n_near))
    task = Task.binary() if classes is None else Task.categorical(classes)
    schema = Schema(actual=mapping[ACTUAL], models=tuple(schema_models), weight=weight,
                    id=labels.id_column, task=task)
    order = [labels.id_column, mapping[ACTUAL]] + [c for m in schema_models for c in m.columns]
    order += [h for h in columns if h not in order]
    dataset = Dataset({c: columns[c] for c in order}, schema,
                      first_row=labels.info.first_line + 1, header_order=order)
    report = JoinReport(labels.name, labels.id_column, n_left, tuple(files))
    if all(f.n_matched == 0 for f in files):
        near = [s for f in files for s in f.sentences(labels.name) if "NOT matched" in s]
        raise JoinError(f"no ID of {', '.join(f.file for f in files)} is in {labels.name}"
                        + (f" ({near[0].split(': ', 1)[1]})" if near else ""))
    return dataset, report


def _looks_categorical(keyed: KeyedFile, predicted_column: str | None) -> bool:
    """No binary predicted column by name, and a p_<class> family: a K-class file."""
    from .class_labels import detect_class_columns

    if predicted_column:
        return False
    headers = [h for h in keyed.headers if h != keyed.id_column]
    return PREDICTED not in map_columns(headers) and detect_class_columns(headers).best is not None


def _classes_from(keyed: KeyedFile, observed) -> tuple:
    """A K-class task's classes: as the first predictions file's p_<class> columns name them,
    matched to the labels' spelling, in the file's column order."""
    from .class_labels import detect_class_columns

    headers = [h for h in keyed.headers if h != keyed.id_column]
    best = detect_class_columns(headers, labels=observed).best
    if best is None:
        raise JoinError(f"{keyed.name}: the labels have {len(observed)} classes "
                        f"({', '.join(label_text(c) for c in observed[:8])}) but no p_<class> "
                        f"columns were found; the columns are: {column_list(headers)}")
    return best.classes


# --------------------------------------------------------------------------------------------
# One more predictions file, into an open table (the window)
# --------------------------------------------------------------------------------------------


def joined_report(before: JoinReport | None, dataset: Dataset, source: str | None,
                  match: FileMatch) -> JoinReport:
    """The report of a table joined by ID in the window, for ``compute --json``'s ``join``:
    the table (``dataset``, read from ``source``) takes the labels file's place, and the files
    joined to it are listed in order, ``match`` last (``before``: the table's report so far)."""
    if before is None:
        before = JoinReport(labels=source, id_column=dataset.schema.id, n_labels=len(dataset))
    return replace(before, files=(*before.files, match))


def rows_with_every_model(dataset: Dataset) -> int:
    """The rows with a number in every model's columns (the others leave every model's loss:
    the models are scored on the same rows)."""
    have = np.ones(len(dataset), dtype=bool)
    for model in dataset.schema.models:
        for c in model.columns:
            col = dataset.columns[c]
            have &= ~np.isnan(col.values) if isinstance(col, NumericColumn) else False
    return int(np.count_nonzero(have))


def join_into(dataset: Dataset, path, *, id_column: str | None = None,
              predicted_column: str | None = None, read_options=None
              ) -> tuple[Dataset, FileMatch]:
    """A new table: ``dataset`` with one more model, the predictions file's, matched by ID
    (the file's extra IDs are added as rows with empty cells). ``dataset`` is not changed."""
    if dataset.ids is None:
        raise JoinError("the table has no ID column; predictions are joined to it by ID")
    ids = dataset.ids.tolist()
    check_ids(ids, "the table", lambda i: i + 1)  # its rows as the window numbers them
    keyed = read_keyed(path, id_column or None, read_options)
    task = dataset.schema.task
    observed = task.classes if not task.is_binary else None
    pred = predictions_of(keyed, classes=None if task.is_binary else task.classes,
                          labels=observed, predicted_column=predicted_column)
    m = match_ids(ids, keyed.ids)
    n_old, n = len(ids), len(ids) + int(m.extra.size)
    rows = np.concatenate([m.right_of_left, m.extra]).astype(np.int64)
    old_rows = np.concatenate([np.arange(n_old), np.full(n - n_old, -1)]).astype(np.int64)
    columns: dict = {}
    for name, col in dataset.columns.items():
        if isinstance(col, NumericColumn):
            columns[name] = _aligned(col, old_rows, n)
        elif name == dataset.schema.id:
            columns[name] = np.concatenate([col, text_array([keyed.ids[j] for j in m.extra.tolist()])])
        else:
            columns[name] = np.concatenate([col, np.full(n - n_old, "", dtype=TEXT)])
    model, names = _model_columns(pred, set(columns), not task.is_binary)
    for name, col in zip(names, pred.values):
        columns[name] = _aligned(col, rows, n)
    schema = dataset.schema.with_models(dataset.schema.models + (Model(model, names),))
    header = list(dataset.header_order or columns)
    header = [h for h in header if h in columns] + [c for c in columns if c not in header]
    source_rows = None
    if dataset.source_rows is not None and n == n_old:
        source_rows = dataset.source_rows.copy()
    out = Dataset(columns, schema, source_rows=source_rows, first_row=dataset.first_row,
                  header_order=header, row_problems=dataset.row_problems)
    match = FileMatch(
        file=keyed.name, model=model, columns=names, n_rows=len(keyed.ids), n_matched=m.n_matched,
        n_missing=int(m.missing.size), missing_ids=tuple(ids[i] for i in m.missing[:ID_LIST_LIMIT]),
        n_extra=int(m.extra.size), extra_ids=tuple(keyed.ids[j] for j in m.extra[:ID_LIST_LIMIT]),
        near=m.near, n_near=m.n_near, n_table=n_old, n_common=rows_with_every_model(out))
    if m.n_matched == 0:
        raise JoinError(f"no ID of {keyed.name} is in the table"
                        + (f"; {match.sentences('the table')[-1].split(': ', 1)[1]}"
                           if m.n_near else ""))
    return out, match
