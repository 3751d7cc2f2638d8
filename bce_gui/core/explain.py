"""The textbook walk-through of a loss, as plain strings (used by the window and reports)."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, replace

import numpy as np

from .dataset import Dataset
from .evaluate import terms_for_rows
from .formatting import fmt_loss, fmt_number, fmt_percent, fmt_result, localize, with_units
from .prediction_kinds import PredictionKinds
from .loss import LN2, REDUCTION_DESCRIPTIONS, LossOptions, LossTotals, default_reduction, to_units


#: K classes: the corrected probability of row i is p̂ᵢ,yᵢ, the model's probability of its class yᵢ.
CATEGORICAL_TERM = "Σ ln p̂ᵢ,yᵢ"


def formula_text(totals: LossTotals, options: LossOptions, sum_ln: float | None = None,
                 categorical: bool = False) -> str:
    """−(1/N) Σ ln(corrected p) = −(1/10)(−2.140) = 0.214, adapted to the reduction, weights and
    infinities (Σ w·loss divided by Σ w, by N, or not at all). ``categorical``: K classes,
    −(1/N) Σ ln p̂ᵢ,yᵢ (the probability of each row's actual class)."""
    if totals.n == 0:
        return "No valid rows: the loss is undefined."
    weighted = not math.isclose(totals.sum_weight, totals.n) or options.pos_weight is not None
    reduction = totals.reduction
    if weighted:
        term = "Σ w·loss"
        if reduction == "weighted-mean":
            lhs, denom = f"(1/Σw) {term}", f"1/{fmt_number(totals.sum_weight, 6)}"
        elif reduction == "mean":
            lhs, denom = f"(1/N) {term}", f"1/{totals.n}"
        else:
            lhs, denom = term, None
    else:
        term = CATEGORICAL_TERM if categorical else "Σ ln(corrected p)"
        lhs, denom = (f"−{term}", None) if reduction == "sum" else (f"−(1/N) {term}", f"1/{totals.n}")
    if totals.n_infinite:
        return f"{lhs} = ∞  ({totals.n_infinite} row(s) give probability 0 to the actual class)"
    if totals.overflow is not None:
        return f"{lhs} is undefined: {totals.overflow}."
    if not math.isfinite(totals.mean):
        return f"{lhs} is undefined: the weights of the valid rows add up to 0."
    if weighted:
        factor = f"({denom})" if denom else ""
        return f"{lhs} = {factor}({fmt_number(totals.sum_loss, 4)}) = {fmt_result(totals.mean)}"
    s = -totals.sum_loss if sum_ln is None else sum_ln
    factor = f"({denom})" if denom else ""
    return f"{lhs} = −{factor}({_keep_zeros(s)}) = {fmt_result(totals.mean)}"


def reduction_text(options: LossOptions) -> str:
    """"Reduction: weighted mean, Σw·l/Σw (scikit-learn's default)." for the panel and reports."""
    used = options.reduction_used
    owner = _DEFAULT_OWNER.get(options.policy.name, "the convention's")
    if options.reduction is None:
        return f"Reduction: {REDUCTION_DESCRIPTIONS[used]} ({owner} default)."
    default = REDUCTION_DESCRIPTIONS[default_reduction(options.policy.name)]
    return f"Reduction: {REDUCTION_DESCRIPTIONS[used]} (chosen; {owner} default is {default})."


_DEFAULT_OWNER = {"exact": "the textbook's", "sklearn": "scikit-learn's", "torch": "PyTorch's",
                  "keras": "Keras'", "custom": "scikit-learn's"}


def active_options(options: LossOptions, weighted: bool = False) -> list[str]:
    """Every setting that makes this loss differ from the textbook formula, in words (the
    convention is named separately, with its description)."""
    out = []
    if options.logits:
        out.append("predictions read as logits")
    if options.label_smoothing:
        out.append(f"label smoothing {options.label_smoothing:g}")
    if options.pos_weight is not None:
        out.append(f"pos_weight {options.pos_weight:g} (class-1 rows count {options.pos_weight:g}×)")
    if options.soft_labels:
        out.append("soft labels allowed")

    if weighted:
        out.append("rows weighted by the weight column")
    return out


def settings_note(options: LossOptions) -> str:
    """The settings that differ from the defaults, in a few words ("" when none do): what the
    status bar names after a file is opened, since settings carry over from the last file."""
    items = [] if options.policy.name == "exact" else [f"{options.policy.label} convention"]
    return ", ".join(items + active_options(options))


@dataclass(frozen=True)
class InputKindHint:
    """The predicted values contradict the current setting: what to say and what to offer."""

    message: str
    question: str
    options: LossOptions


def input_kind_hint(dataset: Dataset, options: LossOptions, name: str = "this file") -> InputKindHint | None:
    """Do the predicted values contradict the "probabilities or logits" setting? All numbers in
    [0, 1] read as logits, or many numbers outside [0, 1] read as probabilities
    (:class:`~bce_gui.core.prediction_kinds.PredictionKinds`, which ``compute`` says in words)."""
    kinds = PredictionKinds.of(dataset.predicted.values)
    n, outside = kinds.n, kinds.outside
    if not n:
        return None
    if options.logits and kinds.all_probabilities:
        return InputKindHint(
            f"All {n:,} predicted values of {name} lie between 0 and 1, as probabilities do, "
            "but the settings (kept from before) read them as logits.",
            "Read them as probabilities?",
            replace(options, logits=False, pos_weight=None))
    if not options.logits and kinds.look_like_logits:
        return InputKindHint(
            f"{outside:,} of the {n:,} predicted values of {name} ({outside / n:.0%}) lie "
            "outside [0, 1], which probabilities cannot: they look like logits (log-odds), and as "
            "probabilities those rows are excluded.",
            "Read them as logits?",
            replace(options, logits=True))
    return None


def options_sentence(items: list[str]) -> str:
    """["a", "b"] -> "A; b." """
    text = "; ".join(items)
    return text[:1].upper() + text[1:] + "." if text else ""


#: The valid rows that count (a weight above 0) are of one class: a constant prediction of it
#: scores 0, so there is no no-skill loss to judge the model against.
ONE_CLASS = ("All valid rows that count (weight above 0) have the same class: no baseline to "
             "compare with.")


def baseline_text(totals: LossTotals, options: LossOptions, units: str = "nats") -> str:
    """The no-skill baseline, computed with the same options as the loss, and the model's skill
    against it ("" when there is nothing to compare)."""
    if not totals.n or not math.isfinite(totals.mean):
        return ""
    if not totals.baseline > 0:
        return ONE_CLASS
    q = totals.baseline_prediction
    if options.pos_weight is None and not options.label_smoothing:
        what = f"always predict the base rate {fmt_number(totals.base_rate, 3)}"
    else:
        what = (f"always predict p = {fmt_number(q, 3)}, the best constant with these options; "
                f"base rate {fmt_number(totals.base_rate, 3)}")
    skill = totals.skill
    verdict = f"removes {fmt_percent(skill)} of it" if skill >= 0 else f"is {fmt_percent(-skill)} worse than that"
    shown = with_units(fmt_loss(to_units(totals.baseline, units)), units)
    return f"No-skill baseline ({what}): {shown}. This model {verdict}."


def categorical_baseline_text(totals: LossTotals, units: str = "nats") -> str:
    """K classes: the no-skill baseline (always predicting the class shares; its loss is their
    entropy) and the model's skill against it ("" when there is nothing to compare)."""
    if not totals.n or not math.isfinite(totals.mean):
        return ""
    if not totals.baseline > 0:
        return ONE_CLASS
    skill = totals.skill
    verdict = f"removes {fmt_percent(skill)} of it" if skill >= 0 else f"is {fmt_percent(-skill)} worse than that"
    return ("No-skill baseline (always predict the class shares; its loss is their entropy "
            f"−Σ q ln q): {with_units(fmt_loss(to_units(totals.baseline, units)), units)}. "
            f"This model {verdict}.")


def sums_text(n_off: int, renormalized: bool) -> str:
    """K classes: what happened to the rows whose probabilities do not sum to 1."""
    if not n_off:
        return ""
    rows = "row's probabilities do" if n_off == 1 else "rows' probabilities do"
    done = ("renormalised (divided by their sum)" if renormalized
            else "used as given (Renormalise divides them by their sum)")
    return f"{n_off:,} {rows} not sum to 1: {done}."


def _keep_zeros(x: float) -> str:
    """Four significant digits, trailing zeros kept (−2.140, as a textbook writes it)."""
    text = f"{x:#.4g}".rstrip(".")
    return localize(text.replace("-", "−"))


def walkthrough_html(
    dataset: Dataset, loss: np.ndarray, valid: np.ndarray, totals: LossTotals,
    options: LossOptions, max_rows: int = 6,
) -> str:
    """Corrected probability → log → negative mean, illustrated with the first valid rows."""
    if not dataset.schema.task.is_binary:
        return _categorical_walkthrough(dataset, valid, totals, options, max_rows)
    rows = np.flatnonzero(valid)[:max_rows]
    terms = terms_for_rows(dataset, options, rows) if rows.size else None
    parts = [
        "<h3>How is this computed?</h3>",
        "<p><b>1. Corrected probability.</b> For each observation take the probability the model "
        "gave to the class that actually happened: <i>p</i> when the actual class is 1, "
        "<i>1 − p</i> when it is 0.</p>",
        "<p><b>2. Logarithm.</b> Take its natural log. A confident right answer (corrected p near 1) "
        "costs almost nothing; a confident wrong one (near 0) costs a lot, without bound.</p>",
        "<p><b>3. Negative mean.</b> Average the logs over the N valid observations and flip the "
        "sign: loss = −(1/N) Σ ln(corrected p).</p>",
    ]
    if terms is not None:
        parts.append("<table cellspacing='0' cellpadding='3' border='1'>"
                     "<tr><th>ID</th><th>Actual</th><th>p</th><th>Corrected p</th>"
                     "<th>ln(corrected p)</th></tr>")
        for k, r in enumerate(rows):
            y = dataset.actual.values[r]
            p = dataset.predicted.values[r]
            how = f"{fmt_number(p, 4)}" if y == 1 else f"1 − {fmt_number(p, 4)} = "
            corrected = fmt_number(terms.corrected[k], 4)
            shown = corrected if y == 1 else f"{how}{corrected}"
            # File text is escaped: an ID such as "<!--" or "<img src=...>" is shown, not obeyed.
            parts.append(
                f"<tr><td>{html.escape(dataset.id_text(int(r)))}</td><td>{fmt_number(y)}</td>"
                f"<td>{fmt_number(p, 4)}</td><td>{shown}</td>"
                f"<td>{fmt_number(terms.ln_corrected[k], 4)}</td></tr>"
            )
        parts.append("</table>")
        more = int(np.count_nonzero(valid)) - rows.size
        if more > 0:
            parts.append(f"<p>… and {more} more valid row(s).</p>")
    parts.append(f"<p><b>Result.</b> {html.escape(formula_text(totals, options))}</p>")
    if totals.n and math.isfinite(totals.mean):
        parts.append(
            f"<p>In bits: {fmt_number(totals.mean, 4)} / ln 2 = {fmt_number(totals.mean / LN2, 4)}. "
            f"{baseline_text(totals, options)}</p>"
        )
    parts.append(f"<p><b>Convention.</b> {html.escape(options.policy.description)} "
                 f"{html.escape(reduction_text(options))}</p>")
    extras = active_options(options, dataset.weight is not None)
    if extras:
        parts.append(f"<p><b>Options.</b> {html.escape(options_sentence(extras))}</p>")
    return "\n".join(parts)


def _categorical_walkthrough(dataset: Dataset, valid: np.ndarray, totals: LossTotals,
                             options: LossOptions, max_rows: int) -> str:
    """The walk-through for K classes: the probability of the actual class, its log, the
    negative mean."""
    from .class_labels import label_text

    schema = dataset.schema
    k = schema.task.n_classes
    rows = np.flatnonzero(valid)[:max_rows]
    esc = html.escape
    parts = [
        "<h3>How is this computed?</h3>",
        f"<p>The model gives each observation a probability for each of the {k} classes "
        "(one column per class). Categorical cross-entropy is log loss seen through K columns.</p>",
        "<p><b>1. Corrected probability.</b> For each observation take the probability the model "
        "gave to the class that actually happened: p̂<sub>i,y<sub>i</sub></sub>, the value in "
        "that class's column.</p>",
        "<p><b>2. Logarithm.</b> Take its natural log. A confident right answer costs almost "
        "nothing; a confident wrong one (the actual class near 0) costs a lot, without bound.</p>",
        "<p><b>3. Negative mean.</b> Average the logs over the N valid observations and flip the "
        "sign: loss = −(1/N) Σ ln p̂<sub>i,y<sub>i</sub></sub>.</p>",
    ]
    if rows.size:
        terms = terms_for_rows(dataset, options, rows)
        parts.append("<table cellspacing='0' cellpadding='3' border='1'>"
                     "<tr><th>ID</th><th>Actual</th><th>Its column</th><th>Corrected p</th>"
                     "<th>ln(corrected p)</th></tr>")
        from .categorical import class_index

        index = class_index(dataset, rows).index
        for j, r in enumerate(rows):
            c = int(index[j])
            parts.append(
                f"<tr><td>{esc(dataset.id_text(int(r)))}</td>"
                f"<td>{esc(label_text(schema.task.classes[c]))}</td>"
                f"<td>{esc(schema.model.columns[c])}</td>"
                f"<td>{fmt_number(terms.corrected[j], 4)}</td>"
                f"<td>{fmt_number(terms.ln_corrected[j], 4)}</td></tr>")
        parts.append("</table>")
        more = int(np.count_nonzero(valid)) - rows.size
        if more > 0:
            parts.append(f"<p>… and {more} more valid row(s).</p>")
    parts.append(f"<p><b>Result.</b> {esc(formula_text(totals, options, categorical=True))}</p>")
    if totals.n and math.isfinite(totals.mean):
        parts.append(
            f"<p>In bits: {fmt_number(totals.mean, 4)} / ln 2 = {fmt_number(totals.mean / LN2, 4)}. "
            f"{esc(categorical_baseline_text(totals))}</p>")
    parts.append(f"<p><b>Convention.</b> {esc(options.policy.description)} "
                 f"{esc(reduction_text(options))}</p>")
    extras = active_options(options, dataset.weight is not None)
    if extras:
        parts.append(f"<p><b>Options.</b> {esc(options_sentence(extras))}</p>")
    return "\n".join(parts)
