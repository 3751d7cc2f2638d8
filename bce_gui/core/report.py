"""The shareable report, as one self-contained HTML page (also the source of the PDF)."""

from __future__ import annotations

import base64
import html
import math
import struct
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .dataset import Dataset
from .evaluate import Evaluation, terms_for_rows
from .explain import (
    active_options,
    baseline_text,
    categorical_baseline_text,
    formula_text,
    options_sentence,
    reduction_text,
    sums_text,
    weighted_rows,
)
from .formatting import fmt_count, fmt_list, fmt_number, fmt_percent, fmt_result, localize
from .loss import to_units
from .metrics.guide import BANDS
from .summary_view import scored_rows_note
from .metrics.view import (BAND_COLOURS, guide_bar, parity_view, reliability_view,
                           statistic_lines)

STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 18pt; margin-bottom: 2pt; }
h2 { font-size: 13pt; margin-top: 14pt; border-bottom: 1px solid #ccc; }
.loss { font-size: 26pt; font-weight: bold; }
.muted { color: #666; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 3px 8px; }
th { background: #eef2f6; }
td.num { text-align: right; }
th.band { text-align: center; color: #000; }
td.mark { text-align: center; font-size: 9pt; }
h1, h2, h3 { page-break-after: avoid; break-after: avoid; }
img, tr { page-break-inside: avoid; break-inside: avoid; }
"""
# (Padding in px: Qt's QTextDocument, which makes the PDF, drops a padding given in pt. It
# ignores "avoid" too: the PDF keeps headings with what follows by measuring its pages,
# ui/report_pdf.py; a browser printing the .html page reads it.)

#: Tables with visible cells and room around the numbers, in the HTML and the PDF alike; each
#: table's <thead> row is repeated where the PDF breaks it across pages.
TABLE = "<table cellspacing='0'>"
#: Under each table of rows: how its rows are numbered.
ROW_NOTE = "<p class='muted'>Rows are numbered as in BCE Lab's table.</p>"


#: Widths the page draws its figures at (px): the penalty curve, the statistics' plots.
PLOT_WIDTH = 540
FIGURE_WIDTH = 480


@dataclass(frozen=True)
class Figure:
    """One of the report's images: ``src``, a data URI (a standalone .html page) or a name (a
    QTextDocument that registers the image itself, for the PDF), and the image's size in
    pixels, so that the page draws it in its own proportions at any width."""

    src: str
    width: int
    height: int

    @classmethod
    def embedded(cls, png: bytes) -> Figure:
        """``png`` in the page itself, as a data URI."""
        return cls("data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                   *png_size(png))

    @classmethod
    def named(cls, name: str, png: bytes) -> Figure:
        """``png`` referenced by ``name``."""
        return cls(name, *png_size(png))

    def tag(self, width: int) -> str:
        """An <img> ``width`` px wide and as high as the image's proportions make it: a width
        alone left Qt's PDF to size the height its own way."""
        height = max(round(width * self.height / self.width), 1) if self.width > 0 else width
        return f"<img src='{html.escape(self.src)}' width='{width}' height='{height}'>"


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its header (the IHDR chunk, which a PNG begins with)."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", png[16:24])


def report_html(
    dataset: Dataset,
    evaluation: Evaluation,
    *,
    source: str | None,
    plot: Figure | None = None,
    worst: int = 10,
    invalid_limit: int = 50,
    now: datetime | None = None,
    insight=None,
    units: str = "nats",
    images: dict[str, Figure] | None = None,
    comparison=None,
) -> str:
    """The summary, formula, convention, guide, plot, statistics, worst rows and invalid rows,
    with a timestamp.

    ``plot``: the penalty curve (a :class:`Figure`: embedded for a standalone .html file, or
    named for a QTextDocument that registers the image itself).
    ``insight``: the statistics of the rows (a :class:`~bce_gui.core.metrics.table.TableInsight`),
    shown in ``units``; ``images``: their plots by name ("calibration", "histogram").
    ``comparison``: the table's models compared (a :class:`~bce_gui.core.compare.Comparison`):
    the leaderboard and the paired differences, in ``units`` too.
    """
    t = evaluation.totals
    opts = evaluation.options
    esc = html.escape
    categorical = not dataset.schema.task.is_binary
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>BCE Lab report — {esc(source or 'unsaved data')}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Log loss report</h1>" if not categorical else
        f"<h1>Log loss report: {dataset.schema.task.n_classes} classes (categorical cross-entropy)</h1>",
        f"<p class='muted'>Data: {esc(source or 'unsaved data')} · {fmt_count(len(dataset))} rows · "
        f"generated {stamp} by BCE Lab</p>",
    ]
    if t.n == 0:
        parts.append("<p class='loss'>—</p><p>No valid rows: the loss is undefined.</p>")
    else:
        # to the precision the window shows, in its units first
        other = "nats" if units == "bits" else "bits"
        parts.append(f"<p class='loss'>{esc(fmt_result(to_units(t.mean, units)))} {units}</p>")
        if math.isfinite(t.mean):
            parts.append(f"<p>= {esc(fmt_number(to_units(t.mean, other), 4))} {other} per "
                         "observation</p>")
    formula = formula_text(t, opts, categorical=categorical, weighted=weighted_rows(dataset, opts))
    parts += [
        "<h2>How it was computed</h2>",
        f"<p>{esc(formula)}</p>",
        f"<p>Rows used: <b>{fmt_count(t.n)}</b>; excluded as invalid: <b>{fmt_count(evaluation.validity.n_invalid)}</b>"
        + ("; weighted by the weight column" if dataset.weight is not None else "") + ".</p>",
        *(f"<p>{esc(note)}.</p>" for note in [scored_rows_note(dataset, evaluation.validity, t.n)]
          if note),
        f"<p>Convention: <b>{esc(opts.policy.label)}</b>. "
        f"{esc(opts.policy.describe(not categorical))} "
        f"{esc(reduction_text(opts))}</p>",
    ]
    extras = active_options(opts)  # the weights are named with the row counts above
    if extras:
        parts.append(f"<p>Options: {esc(options_sentence(extras))}</p>")
    meaning = categorical_baseline_text(t, units) if categorical else baseline_text(t, opts, units)
    if meaning:
        parts.append(f"<p>{esc(meaning)}</p>")
    if categorical:
        parts += _class_section(dataset, evaluation, units)
    if t.n_infinite:
        parts.append(f"<p><b>The loss is infinite</b>: {t.n_infinite} row(s) give probability 0 to "
                     "the actual class.</p>")

    parts += _guide_section(t, opts, units)
    if plot is not None:
        parts += ["<h2>Penalty curve</h2>", f"<p>{plot.tag(PLOT_WIDTH)}</p>"]
    if insight is not None and t.n:
        parts += _statistics_sections(insight, units, images or {})
    if comparison is not None:
        parts += comparison_sections(comparison, units)

    rows = evaluation.worst_rows(worst)
    if rows.size:
        parts.append(f"<h2>The {rows.size} worst rows</h2>")
        parts.append(_rows_table(dataset, evaluation, rows, units))
    issues = evaluation.validity.issues(dataset, limit=invalid_limit)
    if issues:
        n_inv = evaluation.validity.n_invalid
        parts.append(f"<h2>Invalid rows ({fmt_count(n_inv)}, excluded)</h2>")
        parts.append(TABLE + f"<thead><tr>{_row_heads(dataset)}<th>ID</th><th>Column</th>"
                     "<th>Value</th><th>Reason</th></tr></thead>")
        for i in issues:
            parts.append(
                f"<tr>{_row_cells(dataset, i.row)}<td>{esc(dataset.cell_text('id', i.row))}</td>"
                f"<td>{esc(i.column)}</td>"
                f"<td>{esc(i.value)}</td><td>{esc(i.reason)}</td></tr>"
            )
        parts.append("</table>" + ROW_NOTE)
        if len(issues) >= invalid_limit and n_inv > invalid_limit:
            parts.append(f"<p class='muted'>… the first {invalid_limit} of them are listed.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def comparison_sections(comparison, units: str = "nats") -> list[str]:
    """The leaderboard and the paired differences against the reference (issue 12), their
    losses in ``units``."""
    from .compare import (difference_cells, difference_header, leaderboard_cells,
                          leaderboard_header, undefined_reasons)

    esc = html.escape

    def table(header, rows) -> str:
        head = "".join(f"<th>{esc(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"{TABLE}<thead><tr>{head}</tr></thead>{body}</table>"

    ref = comparison.models[comparison.reference].column
    parts = ["<h2>Models compared</h2>",
             f"<p>{fmt_count(len(comparison.models))} models scored on the same "
             f"{fmt_count(comparison.n)} rows, lowest loss first; the 95% intervals are "
             "percentile bootstrap intervals.</p>",
             table(leaderboard_header(units), leaderboard_cells(comparison, units)),
             f"<h3>Against the reference, {esc(ref)}</h3>",
             "<p>Δ = the model's loss − the reference's (negative: better), with a paired "
             "bootstrap 95% interval (each resample takes the same rows for both models); "
             "\"better on\": the share of rows where the model's row loss is lower.</p>",
             table(difference_header(units), difference_cells(comparison, units))]
    for d in comparison.differences:
        parts.append(f"<p>{esc(d.sentence(units))}</p>")
    for reason in undefined_reasons(comparison):
        parts.append(f"<p class='muted'>{esc(reason)}</p>")
    return parts


def _guide_section(totals, options, units: str = "nats") -> list[str]:
    """The articles' rough scale as a row of coloured bands, the loss and baseline under them
    (in ``units``; the bands are the articles' nats)."""
    bar = guide_bar(totals, options, units)
    if bar.loss is None:
        return []
    esc = html.escape
    loss_band, base_band = bar.band_of_position(bar.loss), bar.band_of_position(bar.baseline)
    cells, marks = [], []
    for i, label in enumerate(bar.labels):
        weight = "<b>" + esc(label) + "</b>" if i == loss_band else esc(label)
        cells.append(f"<th class='band' bgcolor='{BAND_COLOURS[i]}' width='20%'>{weight}</th>")
        mark = []
        if i == loss_band:
            mark.append(f"▲ this loss {esc(bar.loss_text)}")
        if i == base_band and bar.baseline_text:
            mark.append(f"△ no skill {esc(bar.baseline_text)}")
        marks.append(f"<td class='mark'>{'<br>'.join(mark)}</td>")
    ticks = " · ".join(f"{a} | {b}" for a, b in zip(bar.labels, bar.ticks))
    limits = [localize(f"{b:.2f}") for b, _ in BANDS[:-1]]
    return [
        "<h2>What the number means</h2>",
        f"<p>{esc(bar.caption)}</p>",
        "<table cellspacing='0' width='100%'><thead><tr>" + "".join(cells) + "</tr></thead><tr>"
        + "".join(marks) + "</tr></table>",
        f"<p class='muted'>Band limits in {units}: {esc(ticks)}"
        + (f" (up to {fmt_list(limits)}). " if units == "nats" else
           f" (the articles' {fmt_list(limits, last=' and ')} nats). ")
        + f"{esc(bar.sentence)}</p>",
    ]


def _statistics_sections(result, units: str, images: dict[str, Figure]) -> list[str]:
    """Statistics, calibration diagram, histogram of row losses and conventions (issue 11)."""
    esc = html.escape
    ins = result.insight
    out = ["<h2>Statistics</h2>", TABLE + "<thead><tr><th>Statistic</th><th>Value</th>"
           "<th>What it says</th></tr></thead>"]
    for line in statistic_lines(ins, units):
        out.append(f"<tr><td>{esc(line.title)}</td><td>{esc(line.value)}</td>"
                   f"<td>{esc(line.explanation)}</td></tr>")
    out.append("</table>")
    view = reliability_view(ins)
    out.append("<h2>Calibration</h2>")
    if ins.categorical:  # top-label: the most probable class's p against how often it was right
        out.append(f"<p>{esc(view.ece_text)} (top-label). Each point is a bin of the most probable "
                   "class's p (the confidence): its mean confidence against how often that class "
                   "was the actual one; bars along the foot count the rows per bin."
                   + (f" {esc(view.curve_note[:1].upper() + view.curve_note[1:])}."
                      if view.curve_note else "") + "</p>")
        heads = ("Bin of confidence", "Mean confidence", "Accuracy")
    else:
        out.append(f"<p>{esc(view.ece_text)}. Each point is a bin of p: its mean p against how "
                   "often class 1 occurred; bars along the foot count the rows per bin; the step "
                   "line is the CORP curve (the isotonic recalibration)"
                   + (f", the shaded area its {esc(view.band_text.split(':')[0])}"
                      if view.band_text else "") + ".</p>")
        heads = ("Bin of p", "Mean p", "Observed")
    if images.get("calibration"):
        out.append(f"<p>{images['calibration'].tag(FIGURE_WIDTH)}</p>")
    out.append(TABLE + f"<thead><tr><th>{heads[0]}</th><th>Rows</th><th>{heads[1]}</th>"
               f"<th>{heads[2]}</th></tr></thead>")
    r = ins.calibration
    for b in range(r.count.size):
        if not r.count[b]:
            continue
        right = "]" if b == r.count.size - 1 else ")"
        out.append(f"<tr><td>[{fmt_number(r.edges[b], 2)}, {fmt_number(r.edges[b + 1], 2)}{right}"
                   f"</td><td class='num'>{fmt_count(int(r.count[b]))}</td>"
                   f"<td class='num'>{fmt_number(r.mean_predicted[b], 4)}</td>"
                   f"<td class='num'>{fmt_number(r.observed[b], 4)}</td></tr>")
    out.append("</table>")
    if images.get("histogram"):
        out += ["<h2>Row losses</h2>",
                "<p>How many rows have each loss (a log-scaled count axis).</p>",
                f"<p>{images['histogram'].tag(FIGURE_WIDTH)}</p>"]
    par = parity_view(ins.parity, result.options.policy.name, units)
    out += ["<h2>Conventions: why libraries disagree</h2>",
            TABLE + f"<thead><tr><th>Convention</th><th>Loss ({esc(units)})</th></tr></thead>"]
    for row in par.rows:
        name = esc(row.label) + (" (in use)" if row.chosen else "")
        out.append(f"<tr><td>{name}</td><td class='num'>{esc(row.value)}</td></tr>")
    out.append("</table>")
    for text, _rows in par.sentences:
        out.append(f"<p>{esc(text)}</p>")
    return out


def _class_section(dataset: Dataset, evaluation: Evaluation, units: str = "nats") -> list[str]:
    """K classes: the per-class breakdown (mean losses in ``units``) and what happened to rows
    not summing to 1."""
    from .summary_view import class_rows

    rows = class_rows(dataset.schema.task.classes, evaluation.accumulator.breakdown(),
                      evaluation.totals)
    out = ["<h2>Per class</h2>", TABLE + "<thead><tr><th>Class</th><th>Rows</th>"
           f"<th>Share of rows</th><th>Mean loss ({units})</th><th>Share of the loss</th></tr>"
           "</thead>"]
    for r in rows:
        out.append(f"<tr><td>{html.escape(r.label)}</td><td class='num'>{fmt_count(r.rows)}</td>"
                   f"<td class='num'>{fmt_percent(r.class_share, 1)}</td>"
                   f"<td class='num'>{fmt_number(to_units(r.mean, units), 5) if r.rows else '—'}</td>"
                   f"<td class='num'>{fmt_percent(r.share, 1) or '—'}</td></tr>")
    out.append("</table>")
    v = evaluation.validity
    sums = sums_text(v.n_off_sum, v.renormalized)
    if sums:
        out.append(f"<p>{html.escape(sums)}</p>")
    return out


def _file_lines(dataset: Dataset) -> bool:
    """The file's own line numbers are known and differ from "row + 1" (blank lines skipped)."""
    return dataset.source_rows is not None


def _row_heads(dataset: Dataset) -> str:
    return "<th>Row</th>" + ("<th>File line</th>" if _file_lines(dataset) else "")


def _row_cells(dataset: Dataset, row: int) -> str:
    """The row as the window numbers it (and, where it differs by more than the header, the
    line of the file it came from)."""
    cells = f"<td class='num'>{row + 1}</td>"
    if _file_lines(dataset):
        cells += f"<td class='num'>{dataset.spreadsheet_row(row)}</td>"
    return cells


def _rows_table(dataset: Dataset, evaluation: Evaluation, rows: np.ndarray,
                units: str = "nats") -> str:
    terms = terms_for_rows(dataset, evaluation.options, rows)
    categorical = not dataset.schema.task.is_binary
    predicted = "" if categorical else "<th>Predicted</th>"
    corrected, ln = ("p(actual)", "ln p(actual)") if categorical else ("Corrected p", "ln(corrected p)")
    out = [TABLE + f"<thead><tr>{_row_heads(dataset)}<th>ID</th><th>Actual</th>{predicted}"
           f"<th>{corrected}</th><th>{ln}</th><th>Row loss ({units})</th></tr></thead>"]
    for k, r in enumerate(rows):
        r = int(r)
        actual = (dataset.cell_text(dataset.schema.actual, r) if categorical
                  else dataset.actual.display_text(r))
        shown = "" if categorical else \
            f"<td class='num'>{html.escape(dataset.predicted.display_text(r))}</td>"
        out.append(
            f"<tr>{_row_cells(dataset, r)}"
            f"<td>{html.escape(dataset.cell_text('id', r))}</td>"
            f"<td class='num'>{html.escape(actual)}</td>"
            f"{shown}"
            f"<td class='num'>{fmt_number(terms.corrected[k], 5)}</td>"
            f"<td class='num'>{fmt_number(terms.ln_corrected[k], 5)}</td>"
            f"<td class='num'>{fmt_number(to_units(float(evaluation.loss[r]), units), 5)}</td></tr>"
        )
    out.append("</table>" + ROW_NOTE)
    return "".join(out)
