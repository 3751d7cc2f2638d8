"""The summary of an evaluation as a plain dict: the schema of ``compute --json`` and exports."""

from __future__ import annotations

from typing import Any

from .dataset import Dataset
from .evaluate import Evaluation
from .formatting import json_number
from .loss import REDUCTION_DESCRIPTIONS

INVALID_LIST_LIMIT = 1000


def summary_dict(
    dataset: Dataset,
    evaluation: Evaluation,
    *,
    source: str | None = None,
    invalid_limit: int = INVALID_LIST_LIMIT,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """Everything a report needs, JSON-serialisable. Rows are numbered as a spreadsheet shows them."""
    t = evaluation.totals
    opts = evaluation.options
    # Ask for one issue more than the list holds: "truncated" must mean that issues were left
    # out, not merely that exactly ``invalid_limit`` of them exist.
    issues = evaluation.validity.issues(dataset, limit=invalid_limit + 1)
    truncated = len(issues) > invalid_limit
    issues = issues[:invalid_limit]
    n_invalid = evaluation.validity.n_invalid
    inf_rows = evaluation.infinite_rows(limit=invalid_limit)
    return {
        "loss": json_number(t.mean),
        "loss_bits": json_number(t.mean_bits),
        "n": t.n,
        "n_invalid": n_invalid,
        "invalid": [
            {
                "row": dataset.spreadsheet_row(i.row),
                "column": i.column,
                "value": i.value,
                "reason": i.reason,
            }
            for i in issues
        ],
        "invalid_truncated": truncated,
        "policy": opts.policy.name,
        "policy_description": opts.policy.description,
        "eps": opts.policy.eps,
        "logits": opts.logits,
        "label_smoothing": opts.label_smoothing,
        "pos_weight": opts.pos_weight,
        "weighted": dataset.weight is not None,
        "reduction": opts.reduction_used,
        "reduction_description": REDUCTION_DESCRIPTIONS[opts.reduction_used],
        "sum_loss": json_number(t.sum_loss),
        "sum_weight": json_number(t.sum_weight),
        "n_infinite": t.n_infinite,
        "infinite_rows": [dataset.spreadsheet_row(int(r)) for r in inf_rows],
        "base_rate": json_number(t.base_rate),
        "baseline_loss": json_number(t.baseline),
        "baseline_bits": json_number(t.baseline_bits),
        "skill": json_number(t.skill),
        "source": source,
        "warnings": list(warnings or []),
    }
