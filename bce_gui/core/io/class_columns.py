"""The multi-class form of a table: one probability (or logit) column per class.

A file is read as K classes when the user says so (``--proba-columns``, ``--classes``, or the
import preview) or when its column names make it unambiguous: no binary "predicted" column is
found by name, and a family of columns ``p_<class>``, ``prob_<class>``, ``proba_<class>`` or
``pred_<class>`` names the classes (matched to the actual column's labels by
:func:`~bce_gui.core.class_labels.detect_class_columns`). A file with a binary predicted column
*and* such a family is read as binary, and the preview says what else it could be.

:func:`class_form` decides it on a frame (the whole file, a preview's rows or a stream's first
block); :func:`categorical_dataset` turns the frame into a categorical
:class:`~bce_gui.core.dataset.Dataset`, the actual column kept as numbers when every class is a
number and as text otherwise.
"""

from __future__ import annotations

import numpy as np

from ..class_labels import (
    ClassColumns,
    ClassesError,
    class_columns_from_names,
    detect_class_columns,
    label_key,
    label_text,
    matched_by_case,
)
from ..columns import ColumnError, check_distinct, column_list
from ..dataset import Dataset
from ..schema import ACTUAL, ID, PREDICTED, WEIGHT, Schema
from .errors import NoDataRows, TableReadError
from .options import ImportInfo, ReadOptions, RowWarning


#: The key of :attr:`ImportInfo.warnings` saying that a binary table also has per-class columns.
ALSO_CLASS_COLUMNS = "(per-class columns)"
#: The key of :attr:`ImportInfo.warnings` naming a label matched to its class ignoring case.
CASE_MATCHED = "(labels matched ignoring case)"


def numeric_classes(classes) -> bool:
    """Every class label is a number: the actual column is then read as numbers."""
    return all(label_key(c)[0] == "n" for c in classes)


def observed_labels(frame, name: str) -> list:
    """The distinct non-empty cells of the actual column (numbers, or text as written)."""
    import polars as pl

    col = frame.get_column(name)
    if col.dtype == pl.Float64:
        return col.drop_nulls().drop_nans().unique().to_list()
    return [t for t in col.cast(pl.String).str.strip_chars().drop_nulls().unique().to_list() if t]


def class_form(frame, headers: list[str], mapping: dict[str, str], info: ImportInfo,
               options: ReadOptions) -> ClassColumns | None:
    """The class ↔ column mapping of a K-class table, or None for a binary one.

    Sets ``info.class_columns`` (and ``info.class_problems``: why a family of per-class
    columns was set aside, or that the file could also be read as K classes). Raises
    :class:`TableReadError` when the user asked for K classes and they cannot be mapped.
    """
    path = info.path
    info.class_problems = []
    asked = bool(options.proba_columns or options.classes or options.class_columns)
    if options.columns.get(PREDICTED) and asked:
        raise TableReadError(path, "a predicted column and per-class columns were both given; "
                                   "name the class columns only (--proba-columns)")
    if not asked and PREDICTED in mapping:
        family = detect_class_columns(headers).best
        if family is not None:
            also = (f"columns {', '.join(family.columns)} hold one prediction per class, but "
                    f"column {mapping[PREDICTED]!r} was taken as the predicted probability of a "
                    "binary table")
            info.class_problems.append(f"{also}: choose the task")
            # (said after the read too: compute would otherwise take the binary reading silently)
            info.warnings[ALSO_CLASS_COLUMNS] = (
                f"{also}; --proba-columns {','.join(family.columns)} reads the file as "
                f"{len(family.columns)} classes")
        return None
    if ACTUAL not in mapping or not info.has_header:
        return None
    found = options.class_columns
    if found is None:
        # (no rows, no labels: the names alone say the classes)
        labels = observed_labels(frame, mapping[ACTUAL]) or None
        try:
            if options.proba_columns:
                found = class_columns_from_names(headers, options.proba_columns, options.classes,
                                                 labels)
            else:
                detection = detect_class_columns(headers, labels, options.classes)
                found = detection.best
                info.class_problems.extend(detection.problems)
        except (ClassesError, ColumnError) as exc:
            raise TableReadError(path, str(exc)) from None
    if found is None:
        if asked:
            why = "; ".join(info.class_problems) or (
                f"no columns p_<class>, prob_<class>, proba_<class> or pred_<class> among "
                f"{column_list(headers)}")
            raise TableReadError(path, f"the class columns cannot be found: {why} "
                                       "(name them with --proba-columns)")
        return None
    mapping.pop(PREDICTED, None)  # asked for K classes: a column named like "p" is an extra one
    roles = {role: c for role, c in mapping.items()}
    for k, c in enumerate(found.columns):
        roles[f"class {found.classes[k]!r}"] = c
    try:
        check_distinct(roles)
    except ColumnError as exc:
        raise TableReadError(path, str(exc)) from None
    info.class_columns = found
    return found


def suggested_class_columns(preview, classes=None) -> ClassColumns | None:
    """For the import preview: the class ↔ column mapping the names suggest (given ``classes``,
    or the labels of the preview's actual column), None when the names suggest none."""
    from ..schema import ACTUAL as _ACTUAL

    if preview.class_columns is not None and classes is None:
        return preview.class_columns
    actual = preview.mapping.get(_ACTUAL)
    labels = None
    if actual in preview.headers:
        j = preview.headers.index(actual)
        labels = sorted({r[j].strip() for r in preview.rows if j < len(r) and r[j].strip()}) or None
    try:
        return detect_class_columns(preview.headers, labels, classes).best
    except ClassesError:
        return None


def class_numeric_names(mapping: dict[str, str], found: ClassColumns) -> list[str]:
    """The columns of a K-class table read as numbers: the actual one (numeric classes only),
    the class columns, the weight."""
    names = [mapping[ACTUAL]] if numeric_classes(found.classes) else []
    names += list(found.columns)
    if WEIGHT in mapping:
        names.append(mapping[WEIGHT])
    return names


def _warn_case(col, classes, first_row: int, info: ImportInfo) -> None:
    """A label that names a class only ignoring case ("A" for class "a") is taken as that
    class: say so, naming the first such cell (once per read)."""
    if CASE_MATCHED in info.warnings:
        return
    matched = matched_by_case(col.drop_nulls().unique().to_list(), classes)
    if not matched:
        return
    row = int(col.is_in(list(matched)).fill_null(False).arg_max())
    cell = col[row]
    info.warnings[CASE_MATCHED] = RowWarning(
        f"label {cell.strip()!r} (", first_row + row, f") was taken as class "
        f"{label_text(classes[matched[cell]])!r}: class labels are matched ignoring case")


def categorical_dataset(frame, info: ImportInfo, mapping: dict[str, str], options: ReadOptions,
                        decimal: str) -> Dataset:
    """A frame of a K-class table to its :class:`Dataset` (stage 3 of a read, as
    :func:`~.to_dataset.frame_to_dataset` is for a binary one): blank rows dropped with their
    row numbers kept, numbers converted with typed text kept, rows with too many fields made
    row problems, the other columns kept as text."""
    import polars as pl

    from .text_tables import FIELDS_COLUMN, fields_problem, table_columns
    from .to_dataset import _blank_rows, _first_cast, _text_column, _warn_thousands, numeric_column

    found = info.class_columns
    path = info.path
    headers = table_columns(frame)
    actual = mapping[ACTUAL]
    numeric_actual = numeric_classes(found.classes)
    first_row = info.first_line + (1 if info.has_header else 0)
    if decimal == ",":
        for name in class_numeric_names(mapping, found):
            _warn_thousands(frame, name, first_row, info)
    if numeric_actual:
        actual_values = _first_cast(frame, actual, decimal)
        candidates = np.flatnonzero(np.isnan(actual_values))
    else:
        col = frame.get_column(actual).cast(pl.String)
        candidates = np.flatnonzero((col.str.strip_chars().fill_null("") == "").to_numpy())
        _warn_case(col, found.classes, first_row, info)
    blank = _blank_rows(frame, candidates)
    source_rows = None
    if blank.size:
        keep = np.ones(frame.height, dtype=bool)
        keep[blank] = False
        source_rows = (np.flatnonzero(keep) + first_row).astype(np.int64)
        frame = frame.filter(pl.Series(keep))
        if numeric_actual:
            actual_values = actual_values[keep]
    info.n_blank_rows = int(blank.size)
    info.n_rows = frame.height
    if frame.height == 0:
        raise NoDataRows(path, "has a header but no data rows")

    columns: dict = {}
    if numeric_actual:
        columns[actual] = numeric_column(frame, actual, decimal, actual_values)
    else:
        columns[actual] = _text_column(frame.get_column(actual), options)
    for name in found.columns:
        columns[name] = numeric_column(frame, name, decimal)
    if WEIGHT in mapping:
        columns[mapping[WEIGHT]] = numeric_column(frame, mapping[WEIGHT], decimal)
    row_problems: dict[int, str] = {}
    if FIELDS_COLUMN in frame.columns:
        fields = frame.get_column(FIELDS_COLUMN).cast(pl.Float64).fill_null(np.nan).to_numpy()
        for r in np.flatnonzero(~np.isnan(fields)).tolist():
            row_problems[r] = fields_problem(fields[r], len(headers))
    ids = mapping.get(ID) if options.load_ids else None
    if ids is not None:
        columns[ids] = _text_column(frame.get_column(ids), options)
    if options.load_extras:
        used = set(columns) | set(mapping.values())
        for name in headers:
            if name not in used:
                columns[name] = _text_column(frame.get_column(name), options)
    rank = {h: k for k, h in enumerate(headers)}
    columns = dict(sorted(columns.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    schema = Schema.categorical(found.classes, actual, tuple(found.columns),
                                weight=mapping.get(WEIGHT), id=ids)
    return Dataset(columns, schema, source_rows=source_rows, first_row=first_row,
                   header_order=list(headers), row_problems=row_problems)
