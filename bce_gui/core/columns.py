"""Which column is which: header names and their usual synonyms, matched case-insensitively."""

from __future__ import annotations

import re

from .schema import ACTUAL, ID, NUMERIC_ROLES, PREDICTED, WEIGHT, Schema

# Order matters: an earlier synonym wins when a file has two candidates for one role (and
# the summary says which was taken). Names of a probability come before names that often hold
# a predicted class (scikit-learn's y_pred beside y_proba).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "actual": (
        "actual", "actual_class", "actual_label", "y", "y_true", "ytrue", "true", "truth",
        "label", "labels", "target", "class", "outcome", "observed",
    ),
    "predicted": (
        "predicted", "predicted_probability", "predicted_prob", "p", "p1", "y_proba", "y_prob",
        "proba", "prob", "probability", "y_score", "score", "pred", "prediction", "y_pred",
        "ypred", "logit", "logits",
    ),
    "weight": ("weight", "weights", "sample_weight", "sample_weights", "w"),
    "id": ("id", "ids", "identifier", "row_id", "obs", "observation", "key", "name"),
}

REQUIRED_ROLES = (ACTUAL, PREDICTED)
OPTIONAL_ROLES = (WEIGHT, ID)


def numeric_columns(mapping: dict[str, str]) -> list[str]:
    """The columns of a role -> column mapping that hold numbers, in role order."""
    return [mapping[r] for r in NUMERIC_ROLES if r in mapping]


def mapping_schema(mapping: dict[str, str]) -> Schema:
    """The schema a complete role -> column mapping describes (a binary task, one model)."""
    return Schema.binary(mapping[ACTUAL], mapping[PREDICTED], weight=mapping.get(WEIGHT),
                         id=mapping.get(ID))


def normalise(name: str) -> str:
    """'  Y-True ' -> 'y_true': lower case, trimmed, spaces and dashes as underscores."""
    return re.sub(r"[\s\-.]+", "_", name.strip().lower()).strip("_")


class ColumnError(ValueError):
    """A requested column does not exist, or a required one cannot be found."""


def resolve_column(requested: str, headers: list[str]) -> str:
    """Find a user-named column: exact, then case-insensitive, then a 1-based column number."""
    if requested in headers:
        return requested
    wanted = normalise(requested)
    for h in headers:
        if normalise(h) == wanted:
            return h
    if requested.strip().isdigit():
        k = int(requested.strip())
        if 1 <= k <= len(headers):
            return headers[k - 1]
    raise ColumnError(
        f"there is no column {requested!r}; the columns are: {column_list(headers)}"
    )


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Map roles (actual, predicted, weight, id) to header names. Missing roles are absent."""
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for role, requested in overrides.items():
        col = resolve_column(requested, headers)
        mapping[role] = col
        taken.add(col)
    check_distinct(mapping)
    normalised = {h: normalise(h) for h in headers}
    for role in (*REQUIRED_ROLES, *OPTIONAL_ROLES):
        if role in mapping:
            continue
        for synonym in SYNONYMS[role]:
            match = next((h for h in headers if h not in taken and normalised[h] == synonym), None)
            if match is not None:
                mapping[role] = match
                taken.add(match)
                break
    return mapping


def other_candidates(headers: list[str], mapping: dict[str, str],
                     overrides: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Per role found by its name (not given by the user), the other columns whose names could
    also have been it and that took no role: ``{"predicted": ["y_pred"]}`` for y_pred beside
    y_proba."""
    given = {k for k, v in (overrides or {}).items() if v}
    taken = set(mapping.values())
    out: dict[str, list[str]] = {}
    for role, column in mapping.items():
        if role in given:
            continue
        names = set(SYNONYMS[role])
        others = [h for h in headers if h not in taken and normalise(h) in names]
        if others:
            out[role] = others
    return out


def check_distinct(mapping: dict[str, str]) -> None:
    """Refuse one column given two roles (``--actual-column y --predicted-column y``): the loss
    would compare a column with itself."""
    seen: dict[str, str] = {}
    for role, column in mapping.items():
        if column in seen:
            raise ColumnError(
                f"column {column!r} is given two roles ({seen[column]} and {role}); "
                "each role needs a column of its own"
            )
        seen[column] = role


def headerless_names(n_columns: int) -> list[str] | None:
    """Roles of a file without a header: 2 columns = (actual, predicted), 3 = (id, actual, predicted)."""
    if n_columns == 2:
        return ["actual", "predicted"]
    if n_columns == 3:
        return ["id", "actual", "predicted"]
    return None


def missing_role_message(role: str, headers: list[str]) -> str:
    what = {"actual": "the actual class", "predicted": "the predicted probability"}[role]
    examples = ", ".join(SYNONYMS[role][:6])
    return (
        f"no column for {what} was found (expected a header such as {examples}); "
        f"the columns are: {column_list(headers)}"
    )


def column_list(headers: list[str], limit: int = 20) -> str:
    """'a, b, c' for a message; a long header is cut: 'a, b, … (40,000 columns)'."""
    if not headers:
        return "(none)"
    shown = ", ".join(h if len(h) <= 40 else h[:39] + "…" for h in headers[:limit])
    return shown if len(headers) <= limit else f"{shown}, … ({len(headers):,} columns)"


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique and non-empty, in order: a blank name becomes ``column_<k>``
    (1-based position), a repeated one gets ``_1``, ``_2``, ... (``p, p`` → ``p, p_1``)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        name = name.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out
