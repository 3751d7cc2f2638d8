"""The summary of an evaluation as a plain dict: the schema of ``compute --json`` and exports.

One builder, :func:`build_summary`, makes it from the totals, the rows to list and the options;
the in-memory evaluation (:func:`summary_dict`) and the streamed pass (:mod:`~bce_gui.core.stream`)
both call it, so their JSON cannot differ in anything but what the data says.
"""

from __future__ import annotations

from typing import Any

from .accumulate import RowReport
from .dataset import Dataset
from .evaluate import LIST_LIMIT, Evaluation
from .formatting import json_number
from .loss import REDUCTION_DESCRIPTIONS, LossOptions, LossTotals

INVALID_LIST_LIMIT = LIST_LIMIT


def build_summary(
    options: LossOptions,
    totals: LossTotals,
    report: RowReport,
    *,
    weighted: bool,
    source: str | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """Everything a report needs, JSON-serialisable. Rows are numbered as a spreadsheet shows them."""
    t, opts = totals, options
    files = {"infinite_files": list(report.infinite_files[0])} if report.infinite_files[0] else {}
    return {
        "loss": json_number(t.mean),
        "loss_bits": json_number(t.mean_bits),
        "n": t.n,
        "n_invalid": report.n_invalid,
        "invalid": list(report.issues),
        "invalid_truncated": report.issues_truncated,
        "policy": opts.policy.name,
        "policy_description": opts.policy.description,
        "eps": opts.policy.eps,
        "logits": opts.logits,
        "label_smoothing": opts.label_smoothing,
        "pos_weight": opts.pos_weight,
        "weighted": weighted,
        "reduction": opts.reduction_used,
        "reduction_description": REDUCTION_DESCRIPTIONS[opts.reduction_used],
        "sum_loss": json_number(t.sum_loss),
        "sum_weight": json_number(t.sum_weight),
        "n_infinite": t.n_infinite,
        "infinite_rows": list(report.infinite_rows[0]),
        **files,
        "base_rate": json_number(t.base_rate),
        "baseline_loss": json_number(t.baseline),
        "baseline_bits": json_number(t.baseline_bits),
        "skill": json_number(t.skill),
        "source": source,
        "warnings": list(warnings or []),
    }


def summary_dict(
    dataset: Dataset,
    evaluation: Evaluation,
    *,
    source: str | None = None,
    invalid_limit: int = INVALID_LIST_LIMIT,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """The summary of an evaluation of ``dataset`` (see :func:`build_summary`)."""
    return build_summary(
        evaluation.options, evaluation.totals, evaluation.row_report(dataset, invalid_limit),
        weighted=dataset.weight is not None, source=source, warnings=warnings,
    )
