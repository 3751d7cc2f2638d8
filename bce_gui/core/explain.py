"""The textbook walk-through of a loss, as plain strings (used by the window and reports)."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, replace

import numpy as np

from .accumulate import Accumulator
from .dataset import Dataset
from .evaluate import terms_for_rows
from .formatting import fmt_count, fmt_loss, fmt_number, fmt_percent, fmt_result, localize, with_units
from .prediction_kinds import PredictionKinds
from .loss import LN2, REDUCTION_DESCRIPTIONS, LossOptions, LossTotals, default_reduction, to_units


#: K classes: the corrected probability of row i is p̂ᵢ,yᵢ, the model's probability of its class yᵢ.
CATEGORICAL_TERM = "Σ ln p̂ᵢ,yᵢ"


def formula_text(totals: LossTotals, options: LossOptions, sum_ln: float | None = None,
                 categorical: bool = False, weighted: bool | None = None) -> str:
    """−(1/N) Σ ln(corrected p) = −(1/10)(−2.140) = 0.214, adapted to the reduction, weights and
    infinities (Σ w·loss divided by Σ w, by N, or not at all). ``categorical``: K classes,
    −(1/N) Σ ln p̂ᵢ,yᵢ (the probability of each row's actual class). ``weighted``: the rows
    carry sample weights or pos_weight (None: guessed from the totals, Σw ≠ N or pos_weight).
    The sum and the divisor are written with enough digits that dividing them as written gives
    the loss as written."""
    if totals.n == 0:
        return "No valid rows: the loss is undefined."
    if weighted is None:
        weighted = not math.isclose(totals.sum_weight, totals.n) or options.pos_weight is not None
    reduction = totals.reduction
    if weighted:
        term = "Σ w·loss"
        lhs = {"weighted-mean": f"(1/Σw) {term}", "mean": f"(1/N) {term}"}.get(reduction, term)
    else:
        term = CATEGORICAL_TERM if categorical else "Σ ln(corrected p)"
        lhs = f"−{term}" if reduction == "sum" else f"−(1/N) {term}"
    if totals.n_infinite:
        return f"{lhs} = ∞  ({totals.n_infinite} row(s) give probability 0 to the actual class)"
    if totals.overflow is not None:
        return f"{lhs} is undefined: {totals.overflow}."
    if not math.isfinite(totals.mean):
        return f"{lhs} is undefined: the weights of the valid rows add up to 0."
    if weighted:
        total, divisor = _operands(totals)
        factor = f"(1/{divisor})" if divisor else ""
        return f"{lhs} = {factor}({total}) = {fmt_result(totals.mean)}"
    s = -totals.sum_loss if sum_ln is None else sum_ln
    ln_sum, divisor = _operands(totals, s)
    factor = f"(1/{divisor})" if divisor else ""
    return f"{lhs} = −{factor}({ln_sum}) = {fmt_result(totals.mean)}"


def _operands(totals: LossTotals, sum_ln: float | None = None) -> tuple[str, str | None]:
    """The sum and the divisor of the finite loss ``totals.mean`` as the formula writes them:
    Σ w·loss (or, given ``sum_ln``, Σ ln with its trailing zeros, −2.140) and Σw, N or None
    (the sum reduction; without weights N for either mean). Each has the fewest significant
    digits (at least 4, and 6 for Σw) that give the loss, divided as written, to the digits
    :func:`fmt_result` shows."""
    if totals.reduction == "sum":
        divisor = None
    elif totals.reduction == "mean" or sum_ln is not None:
        divisor = str(totals.n)
    else:
        divisor = None  # Σw: written below with as many digits as the sum
    shown = fmt_result(totals.mean)
    for extra in range(14):
        if sum_ln is None:
            total = f"{totals.sum_loss:.{4 + extra}g}"
        else:
            total = f"{sum_ln:#.{4 + extra}g}".rstrip(".")
        if totals.reduction == "weighted-mean" and sum_ln is None:
            divisor = f"{totals.sum_weight:.{6 + extra}g}"
        value = abs(float(total)) / (1.0 if divisor is None else float(divisor))
        if fmt_result(value) == shown:
            break
    return localize(total.replace("-", "−")), None if divisor is None else localize(divisor)


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


@dataclass(frozen=True)
class _Weighing:
    """What the walk-through adds when rows are weighted (a weight column, or pos_weight on a
    binary task): the rows' loss (with pos_weight), weight and w·loss as table columns, the
    shown rows' sums under them, and the sums over all rows before the Result."""

    weight_column: bool
    pos_weight: float | None

    @classmethod
    def of(cls, dataset: Dataset, options: LossOptions) -> "_Weighing | None":
        pos_weight = options.pos_weight if dataset.schema.task.is_binary else None
        if dataset.weight is None and pos_weight is None:
            return None
        return cls(dataset.weight is not None, pos_weight)

    def step(self, reduction: str, ln_term: str) -> str:
        """Step 3 as the reduction does it."""
        loss = f"−{ln_term}"
        if self.pos_weight is not None:
            loss += f", times pos_weight {self.pos_weight:g} when the actual class is 1"
        each = (f"Each row's loss is {loss}; multiply it by the row's weight w" if self.weight_column
                else f"Each row's loss is {loss} (no weight column: w = 1)")
        if reduction == "weighted-mean":
            return (f"<p><b>3. Weighted mean.</b> {each}. Add w·loss over the N valid "
                    "observations and divide by the sum of their weights: "
                    "loss = (1/Σw) Σ w·loss.</p>")
        if reduction == "mean":
            return (f"<p><b>3. Mean over rows.</b> {each}. Add w·loss over the N valid "
                    "observations and divide by N, the number of rows (not by Σw): "
                    "loss = (1/N) Σ w·loss.</p>")
        return (f"<p><b>3. Sum.</b> {each}. Add w·loss over the N valid observations, without "
                "dividing: loss = Σ w·loss.</p>")

    def header(self) -> str:
        cells = "<th>Loss</th>" if self.pos_weight is not None else ""
        return cells + ("<th>Weight w</th><th>w·loss</th>" if self.weight_column else "")

    def cells(self, loss: np.ndarray, weights: np.ndarray | None) -> list[str]:
        """Each shown row's extra cells (``loss``: the rows' loss before weights)."""
        out = []
        for j, row_loss in enumerate(loss.tolist()):
            text = f"<td>{fmt_number(row_loss, 4)}</td>" if self.pos_weight is not None else ""
            if self.weight_column:
                w = float(weights[j])
                # A row of weight 0 adds nothing, even with an infinite loss (as the totals).
                text += (f"<td>{fmt_number(w, 6)}</td>"
                         f"<td>{fmt_number(w * row_loss if w > 0 else 0.0, 4)}</td>")
            out.append(text)
        return out

    def footer(self, shown: LossTotals, n_columns: int) -> str:
        """The shown rows' Σw and Σ w·loss (Σ loss with pos_weight alone) under their columns."""
        rows = "this row" if shown.n == 1 else f"these {shown.n} rows"
        cells = [f"<td colspan='{n_columns}'><i>Sum of {rows}</i></td>"]
        if self.pos_weight is not None:
            cells.append("<td></td>" if self.weight_column
                         else f"<td>{fmt_number(shown.sum_loss, 4)}</td>")
        if self.weight_column:
            cells.append(f"<td>{fmt_number(shown.sum_weight, 6)}</td>"
                         f"<td>{fmt_number(shown.sum_loss, 4)}</td>")
        return f"<tr>{''.join(cells)}</tr>"

    @staticmethod
    def totals_text(totals: LossTotals) -> str:
        """"Over all 11 valid rows, Σw = 13 and Σ w·loss = 7.579: " (the numbers the Result
        divides, as it writes them)."""
        if not (totals.n and math.isfinite(totals.mean)):
            return ""
        total, divisor = _operands(totals)
        rows = f"Over all {fmt_count(totals.n)} valid row{'s' if totals.n != 1 else ''}"
        if totals.reduction == "weighted-mean":
            return f"{rows}, Σw = {divisor} and Σ w·loss = {total}: "
        if totals.reduction == "mean":
            return f"{rows} (N = {divisor}), Σ w·loss = {total}: "
        return f"{rows}, Σ w·loss = {total}: "


def weighted_rows(dataset: Dataset, options: LossOptions) -> bool:
    """Whether the loss weighs its rows (a weight column, or pos_weight on a binary task): its
    formula is then one of Σ w·loss, whatever the weights add up to."""
    return _Weighing.of(dataset, options) is not None


def _shown_totals(dataset: Dataset, rows: np.ndarray, loss: np.ndarray, labels: np.ndarray,
                  weights: np.ndarray | None) -> LossTotals:
    """The sums over the rows the table shows, from the one accumulator."""
    acc = Accumulator(n_classes=dataset.schema.task.n_classes, weighted=weights is not None,
                      by_class=False)
    acc.update(loss, labels, weights)
    return acc.result()


def _step3(reduction: str, ln_term: str) -> str:
    """Step 3 without weights: the negative mean, or the negative sum."""
    if reduction == "sum":
        return ("<p><b>3. Negative sum.</b> Add the logs over the N valid observations and flip "
                f"the sign: loss = −Σ {ln_term}.</p>")
    return ("<p><b>3. Negative mean.</b> Average the logs over the N valid observations and flip "
            f"the sign: loss = −(1/N) Σ {ln_term}.</p>")


def walkthrough_html(
    dataset: Dataset, loss: np.ndarray, valid: np.ndarray, totals: LossTotals,
    options: LossOptions, max_rows: int = 6,
) -> str:
    """Corrected probability → log → negative mean, illustrated with the first valid rows."""
    if not dataset.schema.task.is_binary:
        return _categorical_walkthrough(dataset, valid, totals, options, max_rows)
    rows = np.flatnonzero(valid)[:max_rows]
    terms = terms_for_rows(dataset, options, rows) if rows.size else None
    weighing = _Weighing.of(dataset, options)
    ln_term = "ln(corrected p)"
    parts = [
        "<h3>How is this computed?</h3>",
        "<p><b>1. Corrected probability.</b> For each observation take the probability the model "
        "gave to the class that actually happened: <i>p</i> when the actual class is 1, "
        "<i>1 − p</i> when it is 0."
        + (" The predictions are read as logits z: p = σ(z) = 1/(1 + e<sup>−z</sup>), and"
           " 1 − p = σ(−z)." if options.logits else "") + "</p>",
        "<p><b>2. Logarithm.</b> Take its natural log. A confident right answer (corrected p near 1) "
        "costs almost nothing; a confident wrong one (near 0) costs a lot, without bound.</p>",
        weighing.step(totals.reduction, ln_term) if weighing else _step3(totals.reduction, ln_term),
    ]
    if terms is not None:
        weights = None if dataset.weights is None else dataset.weights[rows]
        extra = weighing.cells(terms.loss, weights) if weighing else [""] * rows.size
        given = "Logit z" if options.logits else "p"
        parts.append("<table cellspacing='0' cellpadding='3' border='1'>"
                     f"<tr><th>ID</th><th>Actual</th><th>{given}</th><th>Corrected p</th>"
                     f"<th>ln(corrected p)</th>{weighing.header() if weighing else ''}</tr>")
        for k, r in enumerate(rows):
            y = dataset.actual.values[r]
            p = dataset.predicted.values[r]
            corrected = fmt_number(terms.corrected[k], 4)
            if options.logits:  # (a logit is not a probability: its sigmoid is)
                how = f"σ({fmt_number(p, 4)})" if y == 1 else f"1 − σ({fmt_number(p, 4)})"
                shown = f"{how} = {corrected}" if y in (0, 1) else corrected
            elif y == 0:
                shown = f"1 − {fmt_number(p, 4)} = {corrected}"
            else:  # (y = 1; a soft label's row has no single corrected p to derive)
                shown = corrected
            # File text is escaped: an ID such as "<!--" or "<img src=...>" is shown, not obeyed.
            parts.append(
                f"<tr><td>{html.escape(dataset.id_text(int(r)))}</td><td>{fmt_number(y)}</td>"
                f"<td>{fmt_number(p, 4)}</td><td>{shown}</td>"
                f"<td>{fmt_number(terms.ln_corrected[k], 4)}</td>{extra[k]}</tr>"
            )
        if weighing:
            shown_totals = _shown_totals(dataset, rows, terms.loss, dataset.actual.values[rows], weights)
            parts.append(weighing.footer(shown_totals, 5))
        parts.append("</table>")
        more = int(np.count_nonzero(valid)) - rows.size
        if more > 0:
            parts.append(f"<p>… and {more} more valid row(s).</p>")
    result = formula_text(totals, options, weighted=weighing is not None)
    lead = weighing.totals_text(totals) if weighing else ""
    parts.append(f"<p><b>Result.</b> {html.escape(lead + result)}</p>")
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
    weighing = _Weighing.of(dataset, options)
    ln_term = "ln p̂<sub>i,y<sub>i</sub></sub>"
    parts = [
        "<h3>How is this computed?</h3>",
        f"<p>The model gives each observation a probability for each of the {k} classes "
        "(one column per class). Categorical cross-entropy is log loss seen through K columns.</p>",
        "<p><b>1. Corrected probability.</b> For each observation take the probability the model "
        "gave to the class that actually happened: p̂<sub>i,y<sub>i</sub></sub>, the value in "
        "that class's column.</p>",
        "<p><b>2. Logarithm.</b> Take its natural log. A confident right answer costs almost "
        "nothing; a confident wrong one (the actual class near 0) costs a lot, without bound.</p>",
        weighing.step(totals.reduction, ln_term) if weighing else _step3(totals.reduction, ln_term),
    ]
    if rows.size:
        terms = terms_for_rows(dataset, options, rows)
        weights = None if dataset.weights is None else dataset.weights[rows]
        extra = weighing.cells(terms.loss, weights) if weighing else [""] * rows.size
        parts.append("<table cellspacing='0' cellpadding='3' border='1'>"
                     "<tr><th>ID</th><th>Actual</th><th>Its column</th><th>Corrected p</th>"
                     f"<th>ln(corrected p)</th>{weighing.header() if weighing else ''}</tr>")
        from .categorical import class_index

        index = class_index(dataset, rows).index
        for j, r in enumerate(rows):
            c = int(index[j])
            parts.append(
                f"<tr><td>{esc(dataset.id_text(int(r)))}</td>"
                f"<td>{esc(label_text(schema.task.classes[c]))}</td>"
                f"<td>{esc(schema.model.columns[c])}</td>"
                f"<td>{fmt_number(terms.corrected[j], 4)}</td>"
                f"<td>{fmt_number(terms.ln_corrected[j], 4)}</td>{extra[j]}</tr>")
        if weighing:
            parts.append(weighing.footer(_shown_totals(dataset, rows, terms.loss, index, weights), 5))
        parts.append("</table>")
        more = int(np.count_nonzero(valid)) - rows.size
        if more > 0:
            parts.append(f"<p>… and {more} more valid row(s).</p>")
    result = formula_text(totals, options, categorical=True, weighted=weighing is not None)
    lead = weighing.totals_text(totals) if weighing else ""
    parts.append(f"<p><b>Result.</b> {esc(lead + result)}</p>")
    if totals.n and math.isfinite(totals.mean):
        parts.append(
            f"<p>In bits: {fmt_number(totals.mean, 4)} / ln 2 = {fmt_number(totals.mean / LN2, 4)}. "
            f"{esc(categorical_baseline_text(totals))}</p>")
    parts.append(f"<p><b>Convention.</b> {esc(options.policy.describe(binary=False))} "
                 f"{esc(reduction_text(options))}</p>")
    extras = active_options(options, dataset.weight is not None)
    if extras:
        parts.append(f"<p><b>Options.</b> {esc(options_sentence(extras))}</p>")
    return "\n".join(parts)
