"""Class labels of a K-class table: which column holds which class, and each row's class index.

A multi-class file has an actual-class column (labels written as numbers or as text) and one
probability (or logit) column per class. The loss needs two things from it, both computed here
from header lists and label arrays only (the readers call these; nothing here reads a file):

* the **class list**, in order, and the prediction column of each class. Given by the user
  (``--classes a,b,c``, which also fixes the order), or detected from the column names
  ``p_<class>``, ``prob_<class>``, ``proba_<class>``, ``pred_<class>`` (any case; also with a
  ``class_`` or ``class`` prefix: ``p_class_0`` is label 0), matched to the labels that occur
  in the actual column;
* each row's **class index** 0..K-1 (-1 where the actual cell is empty or names a class that
  has no column, with a reason code saying which).

Labels compare by value, not by spelling: ``0``, ``0.0`` and ``00`` are the same class (a
numeric actual column is read as floats, while a column suffix is text), and text labels
compare exactly, falling back to a case-insensitive match when that is unambiguous (``p_Cat``
for the label ``cat``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .columns import resolve_column
from .validation import Reason

# A label as numbers and text compare: ("n", value) or ("t", text).
LabelKey = tuple

#: The column-name prefixes of per-class predictions (longest first: "proba" before "prob").
PREDICTION_PREFIXES = ("proba", "prob", "pred", "p")

_COLUMN_RE = re.compile(r"^\s*(proba|prob|pred|p)[_\-. ](.+?)\s*$", re.IGNORECASE)
_CLASS_PREFIX_RE = re.compile(r"^class[_\-. ]?(.+)$", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

#: Reason code of an actual label that is not one of the classes (has no prediction column).
#: Numbered after :class:`~bce_gui.core.validation.Reason`'s codes so both fit one code array.
UNKNOWN_CLASS = int(Reason.UNKNOWN_CLASS)  # one code for it, shared with validation


class ClassesError(ValueError):
    """A class list or a class ↔ column mapping that cannot be built (one human sentence)."""


# --------------------------------------------------------------------------------------------
# One label
# --------------------------------------------------------------------------------------------


def label_key(value: Any) -> LabelKey | None:
    """How a label compares: ("n", number) for numbers and numeric text, else ("t", text).

    None for an empty label (None, NaN, blank text). ``-0.0`` is ``0``; text that merely looks
    like a special float (``nan``, ``inf``, ``1_000``) stays text.
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return ("n", float(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        return None if math.isnan(v) else ("n", v + 0.0)
    text = str(value).strip()
    if not text:
        return None
    if _NUMBER_RE.match(text):
        v = float(text)
        if math.isfinite(v):
            return ("n", v + 0.0)
    return ("t", text)


def key_label(key: LabelKey) -> Any:
    """The label a key stands for, as a schema stores it: 2 (not 2.0), 0.5, or the text."""
    kind, v = key
    if kind == "n":
        return int(v) if float(v).is_integer() and abs(v) < 2**53 else float(v)
    return v


def label_text(value: Any) -> str:
    """A label as a person writes it: ``2`` for 2.0, the text for text, '' for an empty one."""
    key = label_key(value)
    if key is None:
        return ""
    return str(key_label(key)) if key[0] == "n" else key[1]


def canonical_classes(classes: Iterable[Any]) -> tuple[Any, ...]:
    """Class labels as the schema stores them (numbers as int/float, text as str), checked:
    none empty, none repeated (``0`` and ``0.0`` are the same class)."""
    out: list[Any] = []
    seen: dict[LabelKey, Any] = {}
    for c in classes:
        key = label_key(c)
        if key is None:
            raise ClassesError("a class label is empty")
        if key in seen:
            raise ClassesError(f"the class {label_text(c)!r} is listed twice")
        seen[key] = c
        out.append(key_label(key))
    if len(out) < 2:
        raise ClassesError("a multi-class table needs at least two classes")
    return tuple(out)


def parse_classes(text: str) -> tuple[Any, ...]:
    """The ``--classes`` option: ``"setosa,versicolor,virginica"`` or ``"0,1,2"``, in order."""
    items = [t.strip() for t in text.split(",")]
    if any(not t for t in items):
        raise ClassesError(f"--classes has an empty class name: {text!r}")
    return canonical_classes(items)


class _KeyIndex:
    """Looks up a label key among the classes: exactly, then case-insensitively for text when
    exactly one class matches that way."""

    def __init__(self, keys: Sequence[LabelKey]) -> None:
        self.exact = {k: i for i, k in enumerate(keys)}
        folded: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if k[0] == "t":
                folded.setdefault(k[1].casefold(), []).append(i)
        self.folded = {t: ids[0] for t, ids in folded.items() if len(ids) == 1}

    def find(self, key: LabelKey | None) -> int:
        if key is None:
            return -1
        i = self.exact.get(key)
        if i is not None:
            return i
        if key[0] == "t":
            return self.folded.get(key[1].casefold(), -1)
        return -1


def matched_by_case(labels: Iterable[Any], classes: Sequence[Any]) -> dict[Any, int]:
    """The labels among ``labels`` that name a class only when case is ignored ("A" for class
    "a", as :class:`_KeyIndex` finds them), each with that class's index."""
    finder = _KeyIndex([label_key(c) for c in classes])
    out: dict[Any, int] = {}
    for label in labels:
        key = label_key(label)
        if key is not None and key not in finder.exact and finder.find(key) >= 0:
            out[label] = finder.find(key)
    return out


# --------------------------------------------------------------------------------------------
# The actual column → class indices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassIndex:
    """Each row's class index 0..K-1 (-1 when unusable) and a reason code per row (0 = fine):
    ``Reason.MISSING`` for an empty cell, ``Reason.FORMULA`` for a formula without a value,
    :data:`UNKNOWN_CLASS` for a label that is not one of the classes."""

    index: np.ndarray
    codes: np.ndarray


def class_indices(
    labels: np.ndarray | Sequence[Any],
    classes: Sequence[Any],
    text: Mapping[int, str] | None = None,
) -> ClassIndex:
    """Map an actual column to class indices, given the ordered class list.

    ``labels`` is the column as read: floats (NaN for empty or text cells, whose text is in
    ``text``, as :class:`~bce_gui.core.dataset.NumericColumn` keeps them) or strings/objects.
    Vectorised for numbers (a sorted search); text goes through ``np.unique`` once, so a
    million rows of a few distinct labels cost one sort, not a million dictionary lookups.
    """
    keys = [label_key(c) for c in classes]
    finder = _KeyIndex(keys)
    arr = np.asarray(labels)
    n = arr.shape[0]
    index = np.full(n, -1, dtype=np.int64)
    codes = np.zeros(n, dtype=np.uint8)
    if arr.dtype.kind in "fiub":
        v = arr.astype(np.float64, copy=False)
        numeric = [(k[1], i) for i, k in enumerate(keys) if k[0] == "n"]
        empty = np.isnan(v)
        if numeric:
            numeric.sort()
            values = np.array([x for x, _ in numeric], dtype=np.float64)
            order = np.array([i for _, i in numeric], dtype=np.int64)
            pos = np.minimum(np.searchsorted(values, v), values.size - 1)
            hit = values[pos] == v  # NaN never hits
            index[hit] = order[pos[hit]]
        else:
            hit = np.zeros(n, dtype=bool)
        codes[empty] = Reason.MISSING
        codes[~empty & ~hit] = UNKNOWN_CLASS
        for row, cell in (text or {}).items():  # text typed into a numeric column
            _text_cell(row, cell, finder, index, codes)
        return ClassIndex(index, codes)
    uniq, inverse = np.unique(_text_cells(arr), return_inverse=True)
    found = np.empty(uniq.size, dtype=np.int64)
    ucodes = np.zeros(uniq.size, dtype=np.uint8)
    for j, cell in enumerate(uniq.tolist()):
        key = label_key(cell)
        found[j] = finder.find(key)
        if key is None:
            ucodes[j] = Reason.MISSING
        elif cell.strip().startswith("="):
            ucodes[j] = Reason.FORMULA
        elif found[j] < 0:
            ucodes[j] = UNKNOWN_CLASS
    inverse = inverse.reshape(-1)
    return ClassIndex(found[inverse], ucodes[inverse])


def _text_cells(arr: np.ndarray) -> np.ndarray:
    """A text (or object) label column as a numpy string array, '' for None and NaN."""
    if isinstance(arr.dtype, np.dtypes.StringDType):
        return arr  # the dataset's own text columns ('' for an empty cell)
    if arr.dtype.kind != "O":
        return arr.astype(str)
    return np.array(["" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)
                     for x in arr.tolist()], dtype=str)


def _text_cell(row: int, cell: str, finder: _KeyIndex, index: np.ndarray,
               codes: np.ndarray) -> None:
    if cell.strip().startswith("="):
        codes[row] = Reason.FORMULA
        return
    i = finder.find(label_key(cell))
    index[row] = i
    codes[row] = Reason.OK if i >= 0 else UNKNOWN_CLASS


def distinct_labels(labels: np.ndarray | Sequence[Any],
                    text: Mapping[int, str] | None = None) -> tuple[Any, ...]:
    """The distinct non-empty labels of an actual column, as the schema stores them, sorted
    (numbers numerically, before text) as scikit-learn orders its classes."""
    arr = np.asarray(labels)
    keys: set[LabelKey] = set()
    if arr.dtype.kind in "fiub":
        v = arr.astype(np.float64, copy=False)
        keys.update(("n", float(x) + 0.0) for x in np.unique(v[~np.isnan(v)]).tolist())
        cells = []
    else:
        cells = np.unique(_text_cells(arr)).tolist()
    for cell in [*cells, *(text or {}).values()]:
        k = label_key(cell)
        if k is not None and not cell.strip().startswith("="):
            keys.add(k)
    return tuple(key_label(k) for k in sorted(keys, key=lambda k: (k[0] != "n", k[1])))


# --------------------------------------------------------------------------------------------
# Prediction columns ↔ classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassColumns:
    """One model's prediction columns: ``columns[k]`` holds the probability (or logit) of
    ``classes[k]``. ``prefix`` is the name family they were found by (``p``, ``prob``, ...;
    empty when the user named the columns)."""

    prefix: str
    classes: tuple[Any, ...]
    columns: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        return len(self.classes)


@dataclass(frozen=True)
class ColumnDetection:
    """What the column names say: every name family that maps the classes unambiguously (in
    the order of their first column; several families may be several models), and why the
    other families were set aside (for the import preview and the command line's message)."""

    candidates: tuple[ClassColumns, ...]
    problems: tuple[str, ...]

    @property
    def best(self) -> ClassColumns | None:
        return self.candidates[0] if self.candidates else None


def split_prediction_name(header: str) -> tuple[str, str, str | None] | None:
    """``"P_class_0"`` → ("p", "class_0", "0"): the family, the full suffix and the suffix
    without a ``class``/``class_`` prefix (None when there is none). None when the name is not
    a per-class prediction name."""
    m = _COLUMN_RE.match(header)
    if m is None:
        return None
    suffix = m.group(2)
    c = _CLASS_PREFIX_RE.match(suffix)
    return m.group(1).lower(), suffix, (c.group(1) if c else None)


@dataclass(frozen=True)
class _Entry:
    header: str
    full: str
    stripped: str | None

    def texts(self, stripped_first: bool) -> tuple[str, ...]:
        if self.stripped is None:
            return (self.full,)
        return (self.stripped, self.full) if stripped_first else (self.full, self.stripped)


def _observed_keys(labels) -> list[LabelKey] | None:
    if labels is None:
        return None
    return [k for k in (label_key(x) for x in labels) if k is not None]


def _assign(entries: list[_Entry], given: Sequence[Any] | None, observed: list[LabelKey] | None,
            what: str) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """Classes and columns of one name family, or ClassesError saying why it cannot be used."""
    names = ", ".join(e.header for e in entries)
    if given is not None:
        gkeys = [label_key(c) for c in given]
        finder = _KeyIndex(gkeys)
        column_of: dict[int, str] = {}
        for e in entries:
            # The full suffix first: a label may itself be "class_0".
            for t in e.texts(stripped_first=False):
                i = finder.find(label_key(t))
                if i >= 0:
                    if i in column_of:
                        raise ClassesError(
                            f"{what}: columns {column_of[i]} and {e.header} both hold class "
                            f"{label_text(given[i])!r}")
                    column_of[i] = e.header
                    break
        missing = [label_text(given[i]) for i in range(len(given)) if i not in column_of]
        if missing:
            raise ClassesError(
                f"{what}: no column among {names} for class "
                f"{', '.join(repr(m) for m in missing)}")
        return tuple(given), tuple(column_of[i] for i in range(len(given)))

    if observed is not None:
        finder = _KeyIndex(observed)

        def hits(stripped_first: bool) -> int:
            return sum(finder.find(label_key(e.texts(stripped_first)[0])) >= 0 for e in entries)

        stripped_first = hits(True) > hits(False)
        if max(hits(True), hits(False)) == 0:
            raise ClassesError(f"{what}: the class names of {names} match none of the actual "
                               f"column's labels")
        numeric = bool(observed) and all(k[0] == "n" for k in observed)
    else:
        finder = None
        stripped_first = True  # p_class_0 is label 0
        numeric = False
    keys: list[LabelKey] = []
    for e in entries:
        text = e.texts(stripped_first)[0]
        key = label_key(text)
        i = finder.find(key) if finder is not None else -1
        if i >= 0:
            key = observed[i]  # the label as the actual column writes it (its case)
        elif key is not None and key[0] == "n" and observed is not None and not numeric:
            key = ("t", text.strip())  # text labels: "01" is not "1"
        keys.append(key)
    seen: dict[LabelKey, str] = {}
    for e, k in zip(entries, keys):
        if k in seen:
            raise ClassesError(f"{what}: columns {seen[k]} and {e.header} both hold class "
                               f"{label_text(key_label(k))!r}")
        seen[k] = e.header
    return tuple(key_label(k) for k in keys), tuple(e.header for e in entries)


def detect_class_columns(
    headers: Sequence[str],
    labels: Iterable[Any] | None = None,
    classes: Sequence[Any] | None = None,
) -> ColumnDetection:
    """Find per-class prediction columns by name: ``p_<class>``, ``prob_<class>``,
    ``proba_<class>``, ``pred_<class>`` (any case, ``_ - .`` or a space after the prefix,
    optionally ``class_``/``class`` before the label).

    ``labels``: the distinct labels of the actual column (see :func:`distinct_labels`); the
    suffixes are matched to them (the full suffix or the one without ``class``, whichever
    matches more), so a label keeps the actual column's spelling. A family whose suffixes
    match none of them is set aside. ``classes``: the user's full class list (``--classes``):
    every class must then have a column, which fixes the order; other columns of the family are
    left alone. Without ``classes`` the order is the columns' order in the file.

    A family needs at least two columns; two columns of one family naming the same class make
    it ambiguous (set aside, with the reason in ``problems``).
    """
    given = canonical_classes(classes) if classes is not None else None
    observed = _observed_keys(labels)
    families: dict[str, list[_Entry]] = {}
    for h in headers:
        parts = split_prediction_name(h)
        if parts is not None:
            families.setdefault(parts[0], []).append(_Entry(h, parts[1], parts[2]))
    candidates: list[ClassColumns] = []
    problems: list[str] = []
    for family, entries in families.items():
        if len(entries) < 2:
            continue
        try:
            cls, cols = _assign(entries, given, observed, f"columns {family}_<class>")
        except ClassesError as exc:
            problems.append(str(exc))
            continue
        candidates.append(ClassColumns(family, cls, cols))
    return ColumnDetection(tuple(candidates), tuple(problems))


def class_columns_from_names(
    headers: Sequence[str],
    proba_columns: Sequence[str],
    classes: Sequence[Any] | None = None,
    labels: Iterable[Any] | None = None,
) -> ClassColumns:
    """The ``--proba-columns A,B,C`` option: the user names the columns (by name, any case, or
    1-based number). With ``classes`` the k-th column holds the k-th class; without, each
    column's class is read from its name as :func:`detect_class_columns` does."""
    cols = [resolve_column(name, list(headers)) for name in proba_columns]
    if len(set(cols)) != len(cols):
        raise ClassesError(f"--proba-columns names a column twice: {', '.join(cols)}")
    if len(cols) < 2:
        raise ClassesError("--proba-columns needs one column per class (at least two)")
    if classes is not None:
        given = canonical_classes(classes)
        if len(given) != len(cols):
            raise ClassesError(
                f"--proba-columns names {len(cols)} columns but --classes {len(given)} classes; "
                "give one column per class, in the same order")
        return ClassColumns("", given, tuple(cols))
    entries = []
    for c in cols:
        parts = split_prediction_name(c)
        if parts is None:
            raise ClassesError(
                f"the class of column {c!r} cannot be read from its name (expected p_<class>, "
                "prob_<class>, proba_<class> or pred_<class>); pass --classes with the classes "
                "in the order of --proba-columns")
        entries.append(_Entry(c, parts[1], parts[2]))
    cls, names = _assign(entries, None, _observed_keys(labels), "--proba-columns")
    return ClassColumns("", cls, names)


def absent_classes(index: np.ndarray, classes: Sequence[Any]) -> tuple[Any, ...]:
    """The classes no row belongs to (index -1 rows ignored)."""
    idx = np.asarray(index)
    counts = np.bincount(idx[idx >= 0], minlength=len(classes))
    return tuple(classes[k] for k in np.flatnonzero(counts == 0).tolist())
