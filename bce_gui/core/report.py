"""The shareable report, as one self-contained HTML page (also the source of the PDF)."""

from __future__ import annotations

import base64
import html
import math
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
)
from .formatting import fmt_count, fmt_number, fmt_percent, fmt_result
from .loss import LN2

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
"""
# (Padding in px: Qt's QTextDocument, which makes the PDF, drops a padding given in pt.)

#: Tables with visible cells and room around the numbers, in the HTML and the PDF alike; each
#: table's <thead> row is repeated where the PDF breaks it across pages.
TABLE = "<table cellspacing='0'>"
#: Under each table of rows: how its rows are numbered.
ROW_NOTE = "<p class='muted'>Rows are numbered as in BCE Lab's table.</p>"


def report_html(
    dataset: Dataset,
    evaluation: Evaluation,
    *,
    source: str | None,
    plot_src: str | None = None,
    plot_png: bytes | None = None,
    worst: int = 10,
    invalid_limit: int = 50,
    now: datetime | None = None,
) -> str:
    """The summary, formula, convention, plot, worst rows and invalid rows, with a timestamp.

    The plot is either embedded (``plot_png``, as a data URI, for a standalone .html file) or
    referenced by name (``plot_src``, for a QTextDocument that registers the image itself).
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
        # to the precision the window shows
        parts.append(f"<p class='loss'>{esc(fmt_result(t.mean))} nats</p>")
        if math.isfinite(t.mean):
            parts.append(f"<p>= {esc(fmt_number(t.mean / LN2, 4))} bits per observation</p>")
    parts += [
        "<h2>How it was computed</h2>",
        f"<p>{esc(formula_text(t, opts, categorical=categorical))}</p>",
        f"<p>Rows used: <b>{fmt_count(t.n)}</b>; excluded as invalid: <b>{fmt_count(evaluation.validity.n_invalid)}</b>"
        + ("; weighted by the weight column" if dataset.weight is not None else "") + ".</p>",
        f"<p>Convention: <b>{esc(opts.policy.label)}</b>. {esc(opts.policy.description)} "
        f"{esc(reduction_text(opts))}</p>",
    ]
    extras = active_options(opts)  # the weights are named with the row counts above
    if extras:
        parts.append(f"<p>Options: {esc(options_sentence(extras))}</p>")
    meaning = categorical_baseline_text(t) if categorical else baseline_text(t, opts)
    if meaning:
        parts.append(f"<p>{esc(meaning)}</p>")
    if categorical:
        parts += _class_section(dataset, evaluation)
    if t.n_infinite:
        parts.append(f"<p><b>The loss is infinite</b>: {t.n_infinite} row(s) give probability 0 to "
                     "the actual class.</p>")

    src = plot_src
    if plot_png is not None:
        src = "data:image/png;base64," + base64.b64encode(plot_png).decode("ascii")
    if src:
        parts += ["<h2>Penalty curve</h2>", f"<p><img src='{src}' width='540'></p>"]

    rows = evaluation.worst_rows(worst)
    if rows.size:
        parts.append(f"<h2>The {rows.size} worst rows</h2>")
        parts.append(_rows_table(dataset, evaluation, rows))
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


def _class_section(dataset: Dataset, evaluation: Evaluation) -> list[str]:
    """K classes: the per-class breakdown and what happened to rows not summing to 1."""
    from .summary_view import class_rows

    rows = class_rows(dataset.schema.task.classes, evaluation.accumulator.breakdown(),
                      evaluation.totals)
    out = ["<h2>Per class</h2>", TABLE + "<thead><tr><th>Class</th><th>Rows</th>"
           "<th>Share of rows</th><th>Mean loss (nats)</th><th>Share of the loss</th></tr></thead>"]
    for r in rows:
        out.append(f"<tr><td>{html.escape(r.label)}</td><td class='num'>{fmt_count(r.rows)}</td>"
                   f"<td class='num'>{fmt_percent(r.class_share, 1)}</td>"
                   f"<td class='num'>{fmt_number(r.mean, 5) if r.rows else '—'}</td>"
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


def _rows_table(dataset: Dataset, evaluation: Evaluation, rows: np.ndarray) -> str:
    terms = terms_for_rows(dataset, evaluation.options, rows)
    categorical = not dataset.schema.task.is_binary
    predicted = "" if categorical else "<th>Predicted</th>"
    corrected, ln = ("p(actual)", "ln p(actual)") if categorical else ("Corrected p", "ln(corrected p)")
    out = [TABLE + f"<thead><tr>{_row_heads(dataset)}<th>ID</th><th>Actual</th>{predicted}"
           f"<th>{corrected}</th><th>{ln}</th><th>Row loss (nats)</th></tr></thead>"]
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
            f"<td class='num'>{fmt_number(evaluation.loss[r], 5)}</td></tr>"
        )
    out.append("</table>" + ROW_NOTE)
    return "".join(out)
