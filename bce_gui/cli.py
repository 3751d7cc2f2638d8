"""The command line: ``bce-lab compute FILE`` and the dispatch between it and the window.

Nothing here imports Qt or pyqtgraph: computing a loss from a terminal must stay fast and must
work on a machine without a display.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
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

data sets: a folder of part files or a glob is read as one table (its parts in name order, all
with the same columns); quote a glob so that the shell does not expand it:
  bce-lab compute 'data/*.parquet'
  bce-lab compute data/ --engine dask                    # a local Dask cluster, one worker a core
  bce-lab compute data/ --engine dask --scheduler tcp://10.0.0.5:8786   # an existing cluster

exit status: 0 when a loss was computed (invalid rows are excluded, listed, and warned about on
stderr); 2 when the file cannot be read, a required column is missing, no valid row remains, or
--strict is given and a row is invalid; 130 when stopped with Ctrl+C.
"""


def build_compute_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="+",
        help="CSV, TSV (also .gz or .zst), spreadsheet (.xlsx, .xls, .ods), Parquet or Arrow/"
        "Feather file of observations, e.g. predictions.csv; a folder of part files or a glob "
        "('data/*.parquet', quoted) as one data set; several files as one data set; "
        "- reads standard input",
    )
    conv = parser.add_argument_group("loss convention")
    conv.add_argument(
        "--policy",
        default="exact",
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
        help="evaluate at most N rows at a time (default: 16 MB of CSV/TSV text, or 2^20 rows "
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
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
        epilog=COMPUTE_EPILOG,
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
    # A CSV/TSV is read a block at a time (as fast as reading it whole, and memory stays
    # flat); a spreadsheet is read whole.
    keep_block_memory()
    source = files[0] if len(files) == 1 else files
    try:
        if files == ["-"]:  # standard input, as Unix tools read it
            if sys.stdin is None:
                return _fail("standard input is closed")
            with spooled(None, sys.stdin.buffer, name="stdin") as path:
                result = _compute(args, path, options, read_opts, progress, "-")
        elif "-" in files:
            return _fail("- (standard input) cannot be one of several files")
        else:
            result = _compute(args, source, options, read_opts, progress, label)
    except TableReadError as exc:
        return _fail(str(exc))
    except ClusterError as exc:
        return _fail(str(exc))
    except (ClassesError, OptionsError) as exc:  # an option the file's task does not have (pos_weight, K classes)
        return _fail(f"{os.path.basename(label) if len(files) == 1 else label}: {exc}")
    finally:
        if progress is not None:
            progress.clear()

    summary = result.summary
    n_invalid = summary["n_invalid"]
    where = ""
    if n_invalid:
        first = summary["invalid"][0]
        where = f"row {first['row']}, column {first['column']} ({first['value']!r}): {first['reason']}"
        if first.get("file"):
            where = f"{first['file']} {where}"
        if args.strict:
            return _fail(f"{label}: {n_invalid} invalid row(s) (--strict); first at {where}")
    # Failures are decided before the warning is printed: an error is ONE line on stderr.
    if result.totals.n == 0:
        first_at = f"; first at {where}" if where else ""
        return _fail(f"{label}: no valid row remains ({n_invalid} invalid{first_at})")
    if result.totals.sum_weight == 0 and result.totals.reduction == "weighted-mean":
        # scikit-learn raises here ("Weights sum to zero"); PyTorch and Keras divide by N: 0.
        return _fail(
            f"{label}: the weights of the valid rows add up to 0, so their weighted mean is "
            "undefined (--reduction mean or sum gives 0)"
        )
    if n_invalid:
        _err(f"bce-lab: warning: {n_invalid} invalid row(s) excluded from the loss; first at "
             f"{one_line(where)}")
    for warning in summary.get("warnings", []):
        _err(f"bce-lab: warning: {one_line(warning)}")
    if summary.get("n_sum_not_one"):
        _err(f"bce-lab: warning: {one_line(sum_warning(summary))}")

    text = json.dumps(summary, allow_nan=False) if args.json else human_summary(summary)
    try:
        write_stdout(text)
    except OutputError as exc:
        return _fail(str(exc))
    return EXIT_OK


def _compute(args, source, options, read_opts, progress, label):
    """The summary by the engine asked for: this process, or a Dask cluster (whose module
    imports Dask only when it runs)."""
    from .core.partitions import compute_source

    if args.engine == "dask":
        from .core import cluster

        return cluster.cluster_compute(source, options, read_opts, scheduler=args.scheduler,
                                       workers=args.workers, chunk_rows=args.chunk_rows,
                                       progress=progress, label=label)
    return compute_source(source, options, read_opts, chunk_rows=args.chunk_rows,
                          progress=progress, label=label)


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
    lines.append(f"  rows used    {summary['n']}" + (" (weighted)" if summary["weighted"] else ""))
    lines.append(f"  invalid      {summary['n_invalid']}")
    lines.append(f"  convention   {summary['policy']}: {summary['policy_description']}")
    lines.append(f"  reduction    {summary['reduction']}: {summary['reduction_description']}")
    if summary.get("task") == "categorical":
        return "\n".join(lines + categorical_lines(summary))
    if summary["base_rate"] is not None:
        lines.append(
            f"  baseline     {fmt_plain(summary['baseline_loss'])} nats  "
            f"(always predicting the base rate {fmt_plain(summary['base_rate'], 4)})"
        )
        skill = summary["skill"]
        if isinstance(skill, float):
            lines.append(f"  skill        {skill:.1%} of the baseline loss removed")
    return "\n".join(lines)


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
