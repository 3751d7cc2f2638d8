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
from .formatting import C_STYLE, json_number
from .loss import REDUCTION_DESCRIPTIONS, LossOptions, LossTotals
from .prediction_kinds import PredictionKinds
from .schema import Task

INVALID_LIST_LIMIT = LIST_LIMIT


def build_summary(
    options: LossOptions,
    totals: LossTotals,
    report: RowReport,
    *,
    weighted: bool,
    source: str | None = None,
    warnings: list[str] | None = None,
    task: Task | None = None,
    breakdown: list[dict] | None = None,
    columns: dict | None = None,
    kinds: PredictionKinds | None = None,
) -> dict[str, Any]:
    """Everything a report needs, JSON-serialisable. Rows are numbered as a spreadsheet shows them.
    ``columns``: the file's column of each role (:func:`column_roles`), written after ``source``;
    ``kinds``: what the predicted values look like, said among the ``warnings`` when it
    contradicts how they are read (logits read as probabilities, or hard 0/1 predictions).

    A K-class ``task`` adds, after the keys of a binary summary: the task and its classes, the
    class shares, the per-class ``breakdown`` (:meth:`Accumulator.breakdown`), and the rows whose
    probabilities do not sum to 1 (counted, the first listed with their sums) and whether they
    were renormalised. A binary summary is unchanged.
    """
    t, opts = totals, options
    files = {"infinite_files": list(report.infinite_files[0])} if report.infinite_files[0] else {}
    out = {
        "loss": json_number(t.mean),
        "loss_bits": json_number(t.mean_bits),
        "n": t.n,
        "n_invalid": report.n_invalid,
        "invalid": list(report.issues),
        "invalid_truncated": report.issues_truncated,
        "policy": opts.policy.name,
        # JSON's numbers are C even when the window's style is not (a summary exported there)
        "policy_description": opts.policy.describe(task is None or task.is_binary, C_STYLE),
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
        **({"columns": dict(columns)} if columns is not None else {}),
        "warnings": list(warnings or []) + (
            list(kinds.warnings(opts.logits).values()) if kinds is not None else []),
    }
    if task is not None and not task.is_binary:
        out.update(categorical_keys(options, totals, report, task, breakdown or []))
    return out


def categorical_keys(options: LossOptions, totals: LossTotals, report: RowReport, task: Task,
                     breakdown: list[dict]) -> dict[str, Any]:
    """The keys a K-class summary adds (see :func:`build_summary`)."""
    from .multiclass import SUM_TOLERANCE, renormalizes

    renormalized = renormalizes(options, options.renormalize)
    return {
        "task": task.kind,
        "classes": list(task.classes),
        "n_classes": task.n_classes,
        "class_shares": [json_number(q) for q in totals.class_shares],
        "class_breakdown": [
            {"class": c, "rows": b["rows"], "weight": json_number(b["weight"]),
             "mean_loss": json_number(b["mean_loss"]), "share": json_number(b["share"])}
            for c, b in zip(task.classes, breakdown)],
        "renormalize": options.renormalize,
        "sum_tolerance": SUM_TOLERANCE,
        "n_sum_not_one": report.n_off_sum,
        "n_renormalized": report.n_off_sum if renormalized else 0,
        "sum_not_one": list(report.off_sum),
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
    task = dataset.schema.task
    breakdown = None if task.is_binary else evaluation.accumulator.breakdown()
    return build_summary(
        evaluation.options, evaluation.totals, evaluation.row_report(dataset, invalid_limit),
        weighted=dataset.weight is not None, source=source, warnings=warnings,
        task=task, breakdown=breakdown, columns=column_roles(dataset.schema),
        kinds=PredictionKinds.of(dataset.predicted.values) if task.is_binary else None,
    )


def column_roles(schema) -> dict:
    """The file's column of each role the loss reads, for the summary: ``{"actual": "y_true",
    "predicted": "y_proba", "weight": "w"}`` (K classes: ``predicted`` lists the class columns;
    several models: the first model's, the one the summary is of)."""
    model = schema.models[0].columns
    out = {"actual": schema.actual,
           "predicted": model[0] if schema.task.is_binary else list(model)}
    if schema.weight is not None:
        out["weight"] = schema.weight
    return out
