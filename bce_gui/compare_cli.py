"""``compute`` comparing models: ``--compare COLUMN`` and ``--labels LABELS PREDICTIONS...``.

Two ways to put several models' predictions on the same rows:

* one file with several predicted columns: ``compute FILE --predicted-column A --compare B
  [--compare C ...]`` (the reference model is the predicted column, found by name or given);
* a labels file and one predictions file per model, joined by ID: ``compute --labels
  LABELS.csv PRED_A.csv [PRED_B.csv ...]`` (``--id-column`` names the ID column; the first
  predictions file is the reference).

The table is read whole (a comparison needs each row's losses under every model side by side),
evaluated by the one engine, and compared by :func:`bce_gui.core.compare.compare`. The summary
is the reference model's, as ``compute`` gives it, plus ``compare`` (an object for one other
model, a list for several, in the order given), ``leaderboard`` and, for ``--labels``, ``join``.
Nothing here imports Qt.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The comparison's options of ``compute``."""
    group = parser.add_argument_group("comparing models (see below)")
    group.add_argument(
        "--compare", action="append", metavar="COLUMN", default=[],
        help="another model's predicted column of the same file, compared with the predicted "
        "column on the same rows; repeat for more models, e.g. --predicted-column A --compare B "
        "--compare C",
    )
    group.add_argument(
        "--labels", metavar="LABELS",
        help="a file of IDs and actual classes; the FILEs are then predictions files (id, "
        "predicted, or id, p_<class> per class), one per model, joined to it by the ID column "
        "(--id-column names it), e.g. --labels truth.csv model_a.csv model_b.csv",
    )


EPILOG = """\
comparing models: --compare B (columns of one file) or --labels LABELS with one predictions file
per model (joined by ID: IDs are matched exactly; an ID missing from a file or extra in it keeps
its row, listed and left out of every model's loss; IDs that differ only in case or surrounding
spaces are not matched, and are named; a duplicate ID is an error). Every model is scored on
the same rows. The summary is the reference model's (the predicted column, or the first
predictions file), and prints a leaderboard (loss, 95% bootstrap interval, Brier, AUC, ECE);
--json adds "compare": for each other model {column, loss, difference (its loss - the
reference's), ci95 (paired bootstrap: the same resamples of rows for both models), better_share
(share of rows where its row loss is lower), n}, an object for one model and a list for several,
and "leaderboard". The comparison reads the file whole. Without --compare, a file whose extra
columns look like other models' probabilities (as a table saved from the window with several
models) gives the predicted column's loss as always, and a note on stderr naming the --compare
options that would compare them.
"""


def models_note(path, read_options) -> str | None:
    """``compute`` without ``--compare``: a line naming the extra columns of ``path`` that look
    like other models' probabilities (:func:`~bce_gui.core.compare.prediction_like_extras`, on
    the first rows) and the options that compare them, or None. The loss stays the predicted
    column's: what ``compute`` prints depends on its options, never on a guess about the data.
    Binary tables (K-class models are compared by joining files: --labels)."""
    import shlex
    from dataclasses import replace

    from .core.compare import prediction_like_extras
    from .core.io import TableReadError, read_table

    try:
        head, _info = read_table(path, replace(read_options, n_rows=200, load_extras=True))
    except TableReadError:  # (the file was read a moment ago: changed since, or a pipe)
        return None
    names = prediction_like_extras(head)
    if not names:
        return None
    listed = ", ".join(repr(n) for n in names)
    whose = "another model's" if len(names) == 1 else "other models'"
    flags = " ".join(f"--compare {shlex.quote(n)}" for n in names)
    return (f"{listed} look{'s' if len(names) == 1 else ''} like {whose} probabilities; the loss "
            f"is the predicted column's, and {flags} compares them")


class CompareFailure(Exception):
    """The comparison cannot run; ``str`` is the one line to print."""


def comparison_summary(args, options, metrics, read_options):
    """The summary of a comparison (see the module docstring) and the totals of the reference
    model. Raises :class:`CompareFailure` with a one-line message."""
    from dataclasses import replace

    from .core.compare import CompareError, add_models, comparison_json
    from .core.evaluate import evaluate
    from .core.io import TableReadError, read_table
    from .core.join import JoinError, join_files
    from .core.metrics.table import MetricsSettings, summary_statistics
    from .core.summary import summary_dict

    files = list(args.file)
    join = None
    warnings: list[str] = []
    try:
        if args.labels is not None:
            if args.compare:
                raise CompareFailure("--compare names columns of one file; with --labels each "
                                     "predictions file is a model")
            if "-" in files or args.labels == "-":
                raise CompareFailure("files joined by ID are read by name (- cannot be one)")
            dataset, join = join_files(
                args.labels, files, id_column=args.id_column, actual_column=args.actual_column,
                weight_column=args.weight_column, predicted_column=args.predicted_column,
                read_options=replace(read_options, columns={}, load_ids=True, load_extras=True))
            warnings += join.warnings()
            source = args.labels
        else:
            if len(files) != 1:
                raise CompareFailure("--compare compares columns of one FILE; to join files of "
                                     "predictions by ID use --labels LABELS FILE [FILE ...]")
            dataset, info = read_table(files[0], replace(read_options, load_ids=True,
                                                         load_extras=True))
            warnings += list(info.warnings.values())
            dataset = add_models(dataset, args.compare, logits=options.logits)
            source = files[0]
    except (TableReadError, JoinError, CompareError) as exc:
        raise CompareFailure(str(exc)) from None
    evaluation = evaluate(dataset, options)
    summary = summary_dict(dataset, evaluation, source=source, warnings=warnings)
    if evaluation.totals.n == 0:
        return summary, evaluation.totals
    settings = metrics or MetricsSettings(threshold=args.threshold, n_resamples=args.bootstrap,
                                          seed=args.seed)
    if metrics is not None:
        _ins, keys = summary_statistics(dataset, evaluation, metrics)
        summary.update(keys)
    summary.update(comparison_json(dataset, evaluation, settings, join))
    return summary, evaluation.totals


def comparison_lines(summary: dict) -> list[str]:
    """The leaderboard and the paired differences, for a terminal."""
    from .core.formatting import fmt_plain

    def num(v, digits: int = 4) -> str:
        if v is None:
            return "-"
        return "inf" if v == "inf" else fmt_plain(v, digits)

    board = summary["leaderboard"]
    ref = summary["reference"]
    names = [m["column"] + (" (reference)" if m["column"] == ref else "") for m in board]
    width = max(len("model"), *(len(n) for n in names))
    lines = [f"  leaderboard  {'model'.ljust(width)}  {'loss (nats)':>11}  {'95% interval':>21}  "
             f"{'Brier':>7}  {'AUC':>7}  {'ECE':>7}"]
    for name, m in zip(names, board):
        ci = m["ci95"]
        span = "-" if ci is None else f"{num(ci[0])} to {num(ci[1])}"
        lines.append(f"               {name.ljust(width)}  {num(m['loss']):>11}  {span:>21}  "
                     f"{num(m['brier']):>7}  {num(m['auc']):>7}  {num(m['ece']):>7}")
    compared = summary["compare"]
    for c in compared if isinstance(compared, list) else [compared]:
        d, ci = c["difference"], c["ci95"]
        if d is None:
            lines.append(f"  compared     {c['column']} - {ref}: not defined (both losses are "
                         "infinite)")
            continue
        span = "no interval" if ci is None else f"95% interval {num(ci[0])} to {num(ci[1])}"
        verdict = ""
        if ci is not None and ci[1] != "inf" and ci[0] != "inf":
            verdict = ("; better" if ci[1] < 0 else "; worse" if ci[0] > 0
                       else "; the interval holds 0")
        share = c["better_share"]
        of = "of the weight" if summary.get("weighted") else "of rows"
        better = "" if share is None else f", lower row loss on {share:.1%} {of}"
        lines.append(f"  compared     {c['column']} - {ref} = {num(d)} nats ({span}{verdict}){better}")
    return lines
