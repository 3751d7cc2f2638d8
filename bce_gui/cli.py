"""The command line: ``bce-lab compute FILE`` and the dispatch between it and the window.

Nothing here imports Qt or pyqtgraph: computing a loss from a terminal must stay fast and must
work on a machine without a display.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import Sequence

from . import __version__
from .core.formatting import one_line

EXIT_OK = 0
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # as a shell reports a program stopped by Ctrl+C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # as a shell reports a program ended by SIGPIPE (128 + 13), silently
REDUCTION_CHOICES = ("weighted-mean", "mean", "sum")  # as core.loss.REDUCTIONS (not imported: fast --help)

COMPUTE_EPILOG = """\
examples:
  bce-lab compute predictions.csv
  bce-lab compute predictions.csv --policy sklearn --json
  bce-lab compute scores.tsv --logits --pos-weight 3 --policy torch
  bce-lab compute export.xlsx --actual-column clicked --predicted-column ctr_hat
  bce-lab compute european.csv --eps 1e-7 --strict
  bce-lab compute iris.csv --actual-column species              (p_setosa, p_versicolor, ...)
  bce-lab compute scores.csv --proba-columns a,b,c --classes cat,dog,bird --policy keras

multi-class: a file with an actual-class column (numbers or text) and one probability column
per class, named p_<class>, prob_<class>, proba_<class> or pred_<class> (any case; p_class_0
is class 0), is read as K classes and gives the categorical cross-entropy; p_0, p_1 is K = 2
and gives the binary loss. Rows whose probabilities do not sum to 1 (beyond 1e-6) are used as
given and listed as a warning, as scikit-learn does; --renormalize divides them by their sum,
as Keras does.

large files: a CSV or TSV file (also compressed: .csv.gz, .csv.zst) is read a block of rows at
a time, a Parquet or Arrow/Feather file a slice of rows at a time, so memory stays flat however
large the file is (the sums are exact, so the result does not depend on the block size); on a
terminal a progress bar shows on stderr. Spreadsheets (.xlsx, .xls, .ods) are read whole.

statistics: besides the loss, compute prints (and --json writes) the Brier score, ROC AUC,
accuracy at --threshold (class 1 when p >= T), the expected calibration error (10 equal bins
of p), a 95% percentile bootstrap interval of the loss (ci95), the share of the loss carried by
the worst 1% and 10% of rows (worst_share), the CORP decomposition of the loss into
miscalibration - discrimination + uncertainty, and the loss under each library's convention
(by_policy); a statistic the data cannot give is null, with the reason under not_defined.
They are accumulated block by block, like the loss, so a file larger than memory gets them too:
  - the bootstrap resamples a fine histogram of the row losses (bins 1/64 of a power of two
    wide, at most 512): each of the --bootstrap N resamples (default 1000, seeded by --seed)
    draws the bin counts from a multinomial, as resampling the rows does, and adds the spread
    within the bins as one normal term; it matches the row-by-row bootstrap to Monte-Carlo
    accuracy at a cost independent of the rows;
  - the AUC and the decomposition are exact (all rows kept and sorted) up to 4,194,304 rows;
    beyond, they come from a histogram of 2^20 bins of the logit of p (about 1e-4 apart),
    rows in one bin counted as tied; methods.auc in the JSON gives the error bound;
  - the worst-rows shares come from a histogram of the row losses (1/64-wide bins).
With one probability column per class (multi-class), brier is summed over the classes, auc
is one-vs-rest averaged over the classes (macro), accuracy takes the most probable class and
ece is top-label; by_policy holds the categorical cross-entropy under each library's K-class
convention; the decomposition is computed for binary tasks only (null, with the reason under
not_defined), and methods says which form each key holds.
Folders, globs and --engine dask give the same keys: each part's (or worker's) statistics are
merged as its loss sums are.
--no-stats leaves them out (the JSON then holds the loss keys only).

data sets: a folder of part files or a glob is read as one table (its parts in name order, all
with the same columns); quote a glob so that the shell does not expand it:
  bce-lab compute 'data/*.parquet'
  bce-lab compute data/ --engine dask                    # a local Dask cluster, one worker a core
  bce-lab compute data/ --engine dask --scheduler tcp://10.0.0.5:8786   # an existing cluster

{compare}
exit status: 0 when a loss was computed (invalid rows are excluded, listed, and warned about on
stderr); 2 when the file cannot be read, a required column is missing, no valid row remains, or
--strict is given and a row is invalid; 130 when stopped with Ctrl+C.
"""


def compute_epilog() -> str:
    from .compare_cli import EPILOG

    return COMPUTE_EPILOG.replace("{compare}", EPILOG)


def build_compute_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="+",
        help="CSV, TSV (also .gz or .zst), spreadsheet (.xlsx, .xls, .ods), Parquet or Arrow/"
        "Feather file of observations, e.g. predictions.csv; a folder of part files or a glob "
        "('data/*.parquet', quoted) as one data set; several files as one data set; "
        "- reads standard input; with --labels, one predictions file per model",
    )
    conv = parser.add_argument_group("loss convention")
    conv.add_argument(
        "--policy",
        default=None,  # exact; None tells an explicit --policy exact from the default
        metavar="NAME",
        help="clipping convention: exact (default, no clipping: p=0 for class 1 gives inf), "
        "sklearn (sklearn.metrics.log_loss), torch (binary_cross_entropy, logs clamped at -100), "
        "keras (BinaryCrossentropy, float32, eps 1e-7), custom (needs --eps); e.g. --policy sklearn",
    )
    conv.add_argument(
        "--eps",
        type=float,
        metavar="EPS",
        help="clip probabilities to [EPS, 1-EPS] (a custom convention), e.g. --eps 1e-7",
    )
    conv.add_argument(
        "--logits",
        action="store_true",
        help="the predicted column holds logits (log-odds), not probabilities; e.g. --logits",
    )
    conv.add_argument(
        "--label-smoothing",
        type=float,
        default=0.0,
        metavar="A",
        help="Keras-style label smoothing: y becomes y*(1-A) + A/2; e.g. --label-smoothing 0.1",
    )
    conv.add_argument(
        "--pos-weight",
        type=float,
        metavar="W",
        help="PyTorch's pos_weight for logits: class-1 rows count W times; e.g. --logits --pos-weight 3",
    )
    conv.add_argument(
        "--reduction",
        choices=REDUCTION_CHOICES,
        metavar="HOW",
        help="how weighted row losses become one number: weighted-mean (sum(w*l)/sum(w), "
        "scikit-learn's log_loss), mean (sum(w*l)/N, N rows: PyTorch's and Keras' default), "
        "sum (sum(w*l)). Default: the convention's own library default (weighted-mean for "
        "exact, sklearn and custom; mean for torch and keras). Without weights both means "
        "agree. e.g. --policy torch --reduction weighted-mean",
    )
    conv.add_argument(
        "--soft-labels",
        action="store_true",
        help="accept labels anywhere in [0, 1] (e.g. 0.7), not only 0 and 1",
    )
    cols = parser.add_argument_group("columns (found by header name when not given)")
    cols.add_argument("--actual-column", metavar="NAME", help="actual class 0/1, e.g. --actual-column clicked")
    cols.add_argument(
        "--predicted-column", metavar="NAME", help="probability of class 1, e.g. --predicted-column p_hat"
    )
    cols.add_argument("--weight-column", metavar="NAME", help="sample weights, e.g. --weight-column w")
    cols.add_argument("--id-column", metavar="NAME", help="observation IDs, e.g. --id-column user_id")
    cols.add_argument("--sheet", metavar="NAME", help="spreadsheet sheet name or number, e.g. --sheet 2")
    stats = parser.add_argument_group("statistics (see below)")
    stats.add_argument(
        "--threshold",
        type=_probability,
        default=0.5,
        metavar="T",
        help="accuracy counts a row as class 1 when p >= T (default 0.5), e.g. --threshold 0.3",
    )
    stats.add_argument(
        "--bootstrap",
        type=_non_negative_int,
        default=1000,
        metavar="N",
        help="resamples of the 95%% bootstrap interval of the loss (default 1000; 0: no "
        "interval), e.g. --bootstrap 2000",
    )
    stats.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="seed of the bootstrap: the same data and seed give the same interval (default 0), "
        "e.g. --seed 42",
    )
    stats.add_argument(
        "--no-stats",
        action="store_true",
        help="compute the loss only, without the statistics (faster on very large files), "
        "e.g. --json --no-stats",
    )
    multi = parser.add_argument_group("multi-class (one probability column per class)")
    multi.add_argument(
        "--proba-columns", metavar="A,B,C",
        help="the class columns, in class order (names or 1-based numbers); the classes are read "
        "from their names (p_<class>) unless --classes gives them; e.g. --proba-columns p_a,p_b,p_c",
    )
    multi.add_argument(
        "--classes", metavar="a,b,c",
        help="the full class list, in order: needed when a class never occurs in the actual column "
        "(scikit-learn's log_loss needs labels= then too), and it fixes the order; "
        "e.g. --classes setosa,versicolor,virginica",
    )
    multi.add_argument(
        "--renormalize", action="store_true",
        help="divide each row whose probabilities do not sum to 1 by its sum first (as Keras "
        "does); by default such rows are used as given and listed as a warning (scikit-learn); "
        "e.g. --renormalize --policy sklearn",
    )
    from .compare_cli import add_arguments as add_compare_arguments

    add_compare_arguments(parser)
    out = parser.add_argument_group("output")
    out.add_argument(
        "--strict", action="store_true", help="exit with status 2 if any row is invalid, e.g. --strict"
    )
    out.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (loss, loss_bits, n, n_invalid, invalid, policy, ...), e.g. --json",
    )
    out.add_argument(
        "--chunk-rows",
        type=_positive_int,
        metavar="N",
        help="evaluate at most N rows at a time (default: 8 MB of CSV/TSV text, or 2^20 rows "
        "of Parquet/Arrow, at a time); e.g. --chunk-rows 100000",
    )
    eng = parser.add_argument_group("engine (where the rows are evaluated)")
    eng.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (default: this process, a piece at a time) or dask (the parts and row "
        "slices of a data set as tasks on a Dask cluster; needs pip install 'bce-lab[cluster]'). "
        "Both give the same result to the last digit. e.g. --engine dask",
    )
    eng.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the address of a running Dask scheduler, e.g. "
        "--scheduler tcp://10.0.0.5:8786 (its workers must be able to read the files and have "
        "bce-lab installed); without it a local cluster is started",
    )
    eng.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="with --engine dask and no --scheduler: worker processes of the local cluster "
        "(default: one per core), e.g. --workers 2",
    )
    return parser


def _whole_number(text: str, minimum: int, bound: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"{bound}, not {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1, "must be at least 1")


def _non_negative_int(text: str) -> int:
    return _whole_number(text, 0, "must be 0 or more")


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must lie between 0 and 1, not {text}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is ONE line on stderr (not the whole usage), status 2."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(EXIT_ERROR, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bce-lab",
        description="BCE Lab: compute, inspect and explain binary cross-entropy (log loss). "
        "Without a command it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"BCE Lab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    compute = sub.add_parser(
        "compute",
        help="compute the log loss of a file and print it",
        description="Compute the binary cross-entropy (log loss) of a file of observations, "
        "with the same engine the window uses.",
        epilog=compute_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_compute_parser(compute)
    sub.add_parser("gui", help="open the window (the default)")
    return parser


def _fail(message: str) -> int:
    _err(f"bce-lab: error: {one_line(message)}")
    return EXIT_ERROR


def _err(line: str) -> None:
    """One line on stderr; nothing if stderr itself is gone."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


class OutputError(Exception):
    """Standard output cannot be written (closed, full disk); ``str`` says why."""


def write_stdout(text: str) -> None:
    """Print the result. A closed pipe (``| head -1``) raises BrokenPipeError for the caller to
    end quietly; any other failure to write becomes :class:`OutputError`."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("standard output is closed")
    try:
        data = (text + "\n").encode(getattr(stream, "encoding", None) or "utf-8", "backslashreplace")
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:  # a text-only stream (a test's capture)
            stream.write(text + "\n")
            stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise OutputError(f"cannot write the result to standard output ({reason})") from None


def run_compute(args: argparse.Namespace) -> int:
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        return _run_compute(args, progress)
    except KeyboardInterrupt:
        if progress is not None:
            progress.clear()
        _err("bce-lab: interrupted")
        return EXIT_INTERRUPTED


def _class_options(args: argparse.Namespace) -> dict:
    """--proba-columns and --classes as ReadOptions fields (ClassesError if unreadable)."""
    from .core.class_labels import ClassesError, parse_classes

    out: dict = {}
    if args.proba_columns is not None:
        names = tuple(t.strip() for t in args.proba_columns.split(","))
        if any(not t for t in names):
            raise ClassesError(f"--proba-columns has an empty column name: {args.proba_columns!r}")
        out["proba_columns"] = names
    if args.classes is not None:
        out["classes"] = parse_classes(args.classes)
    return out


def _run_compute(args: argparse.Namespace, progress: "ProgressBar | None") -> int:
    from .core.cluster import ClusterError
    from .core.class_labels import ClassesError
    from .core.io import ReadOptions, TableReadError, spooled
    from .core.loss import LossOptions, OptionsError
    from .core.metrics_settings import MetricsSettings
    from .core.policies import PolicyError, make_policy
    from .core.stream import keep_block_memory

    try:
        options = LossOptions(
            policy=make_policy(args.policy, args.eps),
            logits=args.logits,
            label_smoothing=args.label_smoothing,
            pos_weight=args.pos_weight,
            soft_labels=args.soft_labels,
            reduction=args.reduction,
            renormalize=args.renormalize,
        )
        class_options = _class_options(args)
    except (PolicyError, OptionsError, ClassesError) as exc:
        return _fail(str(exc))
    if args.engine != "dask" and (args.scheduler or args.workers):
        return _fail(f"{'--scheduler' if args.scheduler else '--workers'} needs --engine dask")
    if args.scheduler and args.workers:
        return _fail("--workers sizes a local cluster; an existing one (--scheduler) has its own")
    files = args.file
    for name in [*files, *([args.labels] if args.labels is not None else [])]:
        # "" would be read as the current folder ('.'), every CSV in it one data set.
        if not name.strip() and not os.path.lexists(name):
            return _fail("the file name is empty" if not name
                         else f"the file name {name!r} holds only spaces")
    label = " ".join(files)

    read_opts = ReadOptions(
        sheet=args.sheet,
        columns={
            "actual": args.actual_column,
            "predicted": args.predicted_column,
            "weight": args.weight_column,
            "id": args.id_column,
        },
        load_ids=False,
        load_extras=False,
        **class_options,
    )
    metrics = None if args.no_stats else MetricsSettings(
        threshold=args.threshold, n_resamples=args.bootstrap, seed=args.seed)
    if args.labels is not None or args.compare:
        if args.engine == "dask":
            return _fail("--compare and --labels compare models in this process; leave out "
                         "--engine dask")
        return _run_comparison(args, options, metrics, read_opts)
    # A CSV/TSV is read a block at a time (as fast as reading it whole, and memory stays
    # flat); a spreadsheet is read whole.
    keep_block_memory()
    source = files[0] if len(files) == 1 else files
    # numpy's overflow warnings are held back until the totals say whether the weights
    # overflowed (then the error says why, and they are noise); otherwise shown as before.
    held = warnings.catch_warnings(record=True)
    caught = held.__enter__()
    try:
        if files == ["-"]:  # standard input, as Unix tools read it
            if sys.stdin is None:
                return _fail("standard input is closed")
            with spooled(None, sys.stdin.buffer, name="stdin") as path:
                result = _compute(args, path, options, read_opts, progress, "-", metrics)
        elif "-" in files:
            return _fail("- (standard input) cannot be one of several files")
        else:
            result = _compute(args, source, options, read_opts, progress, label, metrics)
    except TableReadError as exc:
        return _fail(str(exc))
    except ClusterError as exc:
        return _fail(str(exc))
    except (ClassesError, OptionsError) as exc:  # an option the file's task does not have (pos_weight, K classes)
        return _fail(f"{os.path.basename(label) if len(files) == 1 else label}: {exc}")
    finally:
        held.__exit__(None, None, None)
        if progress is not None:
            progress.clear()
    if result.totals.overflow is None:
        for w in caught:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)
    code = _finish(args, result.summary, result.totals, label)
    if code == EXIT_OK and len(files) == 1 and files[0] != "-" and os.path.isfile(files[0]):
        from .compare_cli import models_note

        note = models_note(files[0], read_opts)  # (e.g. a table saved with several models)
        if note:
            _err(f"bce-lab: note: {one_line(note)}")
    return code


def _run_comparison(args, options, metrics, read_opts) -> int:
    """``--compare`` / ``--labels``: several models on the same rows (see compare_cli)."""
    from .compare_cli import CompareFailure, comparison_lines, comparison_summary

    try:
        summary, totals = comparison_summary(args, options, metrics, read_opts)
    except CompareFailure as exc:
        return _fail(str(exc))
    label = args.labels if args.labels is not None else args.file[0]
    return _finish(args, summary, totals, label,
                   lines=comparison_lines if "leaderboard" in summary else None)


def option_warnings(args: argparse.Namespace) -> list[str]:
    """What the options do that their names do not say: --eps with --policy sklearn or exact
    is the custom convention (torch and keras refuse --eps)."""
    policy = (args.policy or "").strip().lower()
    policy = {"scikit-learn": "sklearn", "none": "exact"}.get(policy, policy)
    if args.eps is None or policy not in ("sklearn", "exact"):
        return []
    instead = ("where scikit-learn clips at float64 machine epsilon" if policy == "sklearn"
               else "where exact does not clip")
    return [f"--eps {args.eps:g} with --policy {args.policy} is the custom convention: each "
            f"class's probability is clipped to [{args.eps:g}, 1 - {args.eps:g}], {instead}"]


def _finish(args, summary: dict, totals, label: str, lines=None) -> int:
    """Decide failure or success on the summary, warn on stderr, print the result."""
    from .core.validation import ROW_COLUMN

    n_invalid = summary["n_invalid"]
    where = ""
    if n_invalid:
        first = summary["invalid"][0]
        if first["column"] == ROW_COLUMN and not first["value"]:  # the record itself: no cell
            where = f"row {first['row']} {first['column']}: {first['reason']}"
        else:
            where = f"row {first['row']}, column {first['column']} ({first['value']!r}): {first['reason']}"
        if first.get("file"):
            where = f"{first['file']} {where}"
        if args.strict:
            return _fail(f"{label}: {n_invalid} invalid row(s) (--strict); first at {where}")
    # Failures are decided before the warning is printed: an error is ONE line on stderr.
    if totals.n == 0:
        first_at = f"; first at {where}" if where else ""
        return _fail(f"{label}: no valid row remains ({n_invalid} invalid{first_at})")
    if totals.sum_weight == 0 and totals.reduction == "weighted-mean":
        # scikit-learn raises here ("Weights sum to zero"); PyTorch and Keras divide by N: 0.
        return _fail(
            f"{label}: the weights of the valid rows add up to 0, so their weighted mean is "
            "undefined (--reduction mean or sum gives 0)"
        )
    summary["warnings"] = [*option_warnings(args), *summary.get("warnings", [])]
    overflow = totals.overflow
    if overflow is not None:
        return _fail(f"{label}: {overflow}")
    if n_invalid:
        _err(f"bce-lab: warning: {n_invalid} invalid row(s) excluded from the loss; first at "
             f"{one_line(where)}")
    for warning in summary.get("warnings", []):
        _err(f"bce-lab: warning: {one_line(warning)}")
    if summary.get("n_sum_not_one"):
        _err(f"bce-lab: warning: {one_line(sum_warning(summary))}")

    if args.json:
        text = json.dumps(summary, allow_nan=False)
    else:
        text = "\n".join([human_summary(summary), *(lines(summary) if lines else [])])
    try:
        write_stdout(text)
    except OutputError as exc:
        return _fail(str(exc))
    return EXIT_OK


def _compute(args, source, options, read_opts, progress, label, metrics=None):
    """The summary by the engine asked for: this process, or a Dask cluster (whose module
    imports Dask only when it runs). ``metrics``: the statistics' settings (None: loss only)."""
    from .core.partitions import compute_source

    if args.engine == "dask":
        from .core import cluster

        return cluster.cluster_compute(source, options, read_opts, scheduler=args.scheduler,
                                       workers=args.workers, chunk_rows=args.chunk_rows,
                                       progress=progress, label=label, metrics=metrics)
    return compute_source(source, options, read_opts, chunk_rows=args.chunk_rows,
                          progress=progress, label=label, metrics=metrics)


class ProgressBar:
    """``[#########...........]  45%  4.5e6 rows  1.2 s`` on one terminal line, redrawn at most
    ten times a second (and not at all for a run shorter than half a second), then erased."""

    WIDTH = 20

    def __init__(self, stream, delay: float = 0.5, interval: float = 0.1):
        import time

        self._clock = time.monotonic
        self.stream = stream
        self.t0 = self._clock()
        self.delay = delay
        self.interval = interval
        self._last = 0.0
        self._shown = 0  # width of the text on screen

    def __call__(self, fraction: float, rows: int) -> None:
        now = self._clock()
        elapsed = now - self.t0
        if elapsed < self.delay or now - self._last < self.interval:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(fraction * self.WIDTH)
        text = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%}  "
            f"{_count(rows)} rows  {elapsed:.1f} s"
        )
        pad = " " * max(0, self._shown - len(text))
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self._shown = len(text)

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0


def _count(n: int) -> str:
    """12345 -> '12345'; 4_500_000 -> '4.5e6'."""
    if n < 100_000:
        return str(n)
    exp = len(str(int(n))) - 1
    return f"{n / 10 ** exp:.1f}e{exp}"


def sum_warning(summary: dict) -> str:
    """K classes: the rows whose probabilities do not sum to 1, counted, the first named with
    its row and sum, and what was done with them."""
    n = summary["n_sum_not_one"]
    first = summary["sum_not_one"][0] if summary["sum_not_one"] else None
    done = "renormalised (divided by their sum)" if summary["n_renormalized"] else \
        "used as given (--renormalize divides them by their sum)"
    rows = "row's probabilities do" if n == 1 else "rows' probabilities do"
    where = f"; first at row {first['row']} (sum {first['sum']:.10g})" if first else ""
    return f"{n} {rows} not sum to 1 and were {done}{where}"


def categorical_lines(summary: dict) -> list[str]:
    """The lines a K-class summary adds: the baseline, the classes and the per-class breakdown."""
    from .core.formatting import fmt_plain

    lines = [f"  classes      {summary['n_classes']}: "
             + ", ".join(str(c) for c in summary["classes"][:12])
             + (", ..." if summary["n_classes"] > 12 else "")]
    if summary["baseline_loss"] is not None:
        lines.append(f"  baseline     {fmt_plain(summary['baseline_loss'])} nats  "
                     "(always predicting the class shares: their entropy)")
        skill = summary["skill"]
        if isinstance(skill, float):
            lines.append(f"  skill        {skill:.1%} of the baseline loss removed")
    if summary["n_sum_not_one"]:
        lines.append(f"  sums         {sum_warning(summary)}")
    rows = summary["class_breakdown"]
    width = max([len("class")] + [len(str(r["class"])) for r in rows])
    lines.append(f"  per class    {'class'.ljust(width)}  {'rows':>9}  {'mean loss':>10}  share")
    for r in rows:
        mean = r["mean_loss"]
        mean = "-" if mean is None else fmt_plain(mean) if mean != "inf" else "inf"
        share = "-" if r["share"] is None else f"{r['share']:.1%}"
        lines.append(f"               {str(r['class']).ljust(width)}  {r['rows']:>9}  {mean:>10}  {share}")
    return lines


def column_line(columns: dict) -> str:
    """actual 'y_true', predicted 'y_proba', weight 'w' (K classes: the class columns, cut)."""
    parts = []
    for role in ("actual", "predicted", "weight"):
        if role not in columns:
            continue
        value = columns[role]
        if isinstance(value, list):
            shown = ", ".join(repr(c) for c in value[:4]) + (", ..." if len(value) > 4 else "")
            parts.append(f"{role} {shown}")
        else:
            parts.append(f"{role} {value!r}")
    return ", ".join(parts)


def human_summary(summary: dict) -> str:
    """A short, plain-text account of the result for a terminal."""
    from .core.formatting import fmt_plain

    loss = summary["loss"]
    lines = []
    src = summary.get("source")
    if src:
        lines.append(f"BCE Lab: {src}")
    if loss == "inf":
        files = summary.get("infinite_files") or [""] * len(summary["infinite_rows"])
        rows = ", ".join(f"{r} ({f})" if f else str(r)
                         for r, f in list(zip(summary["infinite_rows"], files))[:10])
        lines.append(f"  log loss     inf  (row(s) {rows} give probability 0 to the actual class;")
        lines.append("               try --policy sklearn, torch or keras to clip)")
    else:
        lines.append(f"  log loss     {fmt_plain(loss)} nats  ({fmt_plain(summary['loss_bits'])} bits)")
    columns = summary.get("columns")
    if columns:
        lines.append("  columns      " + column_line(columns))
    lines.append(f"  rows used    {summary['n']}" + (" (weighted)" if summary["weighted"] else ""))
    lines.append(f"  invalid      {summary['n_invalid']}")
    lines.append(f"  convention   {summary['policy']}: {summary['policy_description']}")
    lines.append(f"  reduction    {summary['reduction']}: {summary['reduction_description']}")
    if summary.get("task") == "categorical":
        lines += categorical_lines(summary)
        if "brier" in summary:
            lines += statistics_lines(summary)
        return "\n".join(lines)
    if summary["base_rate"] is not None:
        lines.append(
            f"  baseline     {fmt_plain(summary['baseline_loss'])} nats  "
            f"(always predicting the base rate {fmt_plain(summary['base_rate'], 4)})"
        )
        skill = summary["skill"]
        if isinstance(skill, float):
            lines.append(f"  skill        {skill:.1%} of the baseline loss removed")
    if "brier" in summary:
        lines += statistics_lines(summary)
    return "\n".join(lines)


def statistics_lines(summary: dict) -> list[str]:
    """The statistics of ``compute --json`` (issue 11) in a few lines for a terminal."""
    from .core.formatting import fmt_plain
    from .core.metrics.concentration import rows_in

    reasons = summary.get("not_defined", {})

    def num(key: str, value, digits: int = 4) -> str:
        if value is None:
            reason = reasons.get(key, "") or "no value"
            return "not defined: " + reason.split("not defined: ", 1)[-1]
        return fmt_plain(value if value != "inf" else float("inf"), digits)

    def pct(key: str, value) -> str:
        return f"{value:.1%}" if isinstance(value, float) else num(key, value)

    threshold = summary.get("threshold")
    if summary.get("task") == "categorical":  # the multi-class forms, named
        lines = [f"  scores       Brier (summed over classes) {num('brier', summary['brier'])}, "
                 f"ROC AUC (one-vs-rest, macro) {num('auc', summary['auc'])},",
                 f"               accuracy (most probable class) "
                 f"{pct('accuracy', summary['accuracy'])}, ECE (top-label) "
                 f"{num('ece', summary['ece'])}"]
    else:
        at = f" at p >= {fmt_plain(threshold)}" if threshold is not None else ""
        lines = [f"  scores       Brier {num('brier', summary['brier'])}, ROC AUC "
                 f"{num('auc', summary['auc'])}, accuracy {pct('accuracy', summary['accuracy'])}"
                 f"{at}, ECE {num('ece', summary['ece'])}"]
    ci = summary["ci95"]
    if ci is None:
        lines.append(f"  95% interval {reasons.get('ci95', 'not defined')}")
    else:
        how = summary.get("methods", {}).get("ci95", "").split(";")[-1].strip()
        lines.append(f"  95% interval {num('', ci[0])} to {num('', ci[1])} nats  (bootstrap: {how})")
    share = summary["worst_share"]
    if share["1%"] is None:
        lines.append(f"  worst rows   {reasons.get('worst_share.1%', 'not defined')}")
    elif (k := rows_in(0.01, summary["n"])) == rows_in(0.10, summary["n"]) \
            and share["1%"] == share["10%"]:  # (ten rows or fewer: the same rows)
        what = "the worst row carries" if k == 1 else f"the worst {k} rows carry"
        lines.append(f"  worst rows   {what} {pct('', share['1%'])} of the loss (of {summary['n']} "
                     "rows, the worst 1% and 10% are the same)")
    else:
        lines.append(f"  worst rows   the worst 1% of rows carry {pct('', share['1%'])} of the "
                     f"loss, the worst 10% carry {pct('', share['10%'])}")
    d = summary["decomposition"]
    if d["miscalibration"] is None:
        lines.append(f"  decomposed   {reasons.get('decomposition.miscalibration', 'not defined')}")
    else:
        lines.append(f"  decomposed   miscalibration {num('', d['miscalibration'])} - discrimination "
                     f"{num('', d['discrimination'])} + uncertainty {num('', d['uncertainty'])} nats (CORP)")
        lines.append("               " + (
            "rows of probability 0 make the loss infinite; recalibrating would make it finite"
            if d["miscalibration"] == "inf" else
            f"recalibrating could lower the loss by at most {num('', d['miscalibration'])} nats"))
    scale = summary.get("methods", {}).get("scale")
    if scale:  # --reduction sum (or mean with weights): said once, under the two it scales
        import textwrap

        lines += textwrap.wrap(f"({scale})", 98, initial_indent=" " * 15,
                               subsequent_indent=" " * 16)
    by_policy = summary.get("by_policy")
    if by_policy and all(v is None for v in by_policy.values()) and len(
            {reasons.get("by_policy." + k) for k in by_policy}) == 1:
        lines.append(f"  conventions  {reasons.get('by_policy.' + next(iter(by_policy)), 'not defined')}")
    elif by_policy:
        parts = [f"{k} {num('by_policy.' + k, v)}" for k, v in by_policy.items()]
        lines.append("  conventions  " + ", ".join(parts) + (
            " nats" if any(v is not None for v in by_policy.values()) else ""))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``bce-lab``, ``python -m bce_gui`` and ``python main.py``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("compute", "gui", "-h", "--help", "--version"):
        return _gui(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "compute":
        return run_compute(args)
    return _gui(argv[1:])


def run_and_exit(argv: Sequence[str] | None = None) -> None:
    """Run :func:`main` as a program. After ``compute`` the process ends at once, without the
    interpreter's slow teardown of numpy and polars (the output is flushed first)."""
    import os

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["compute"]:
        # A command that ends at once: the cyclic garbage collector would only walk the
        # objects of the imports again and again (10 to 15 ms of a 1e6-row compute); compute
        # makes no reference cycles that grow with the file (peak memory of a 1e7-row file
        # measured the same without it).
        import gc

        gc.disable()
    try:
        code = main(argv)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``compute F | head -1``): end quietly, as Unix tools do. Point
        # stdout at /dev/null so the interpreter's own final flush cannot complain again.
        _silence_stdout()
        code = EXIT_BROKEN_PIPE
    except SystemExit as exc:  # --help, --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            code = EXIT_BROKEN_PIPE
        except (OSError, ValueError):
            pass
    except OSError as exc:  # output that failed at the final flush (a full disk)
        _silence_stdout()
        code = _fail(f"cannot write to standard output ({exc.strerror or exc})")
    if argv[:1] == ["compute"]:
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _gui(argv: list[str]) -> int:
    from .launch import launch_gui

    return launch_gui(argv)
