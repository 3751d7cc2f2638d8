"""Computing the loss of a CSV/TSV file larger than memory, a block of rows at a time.

The result is the one :func:`read_table` + :func:`evaluate` + :func:`summary_dict` give for the
whole file, because every block goes through the same code: detection runs once on the file's
beginning (exactly as :func:`read_table` runs it: the same functions on the same bytes), then each
block of whole records is parsed with the header in front of it (so polars sees what it would
see in the whole file), converted by ``frame_to_dataset`` with the row numbers it has in the
file, and evaluated by :func:`evaluate`. Only the aggregates are kept:

* the sums (Σ w·loss, Σ w, the weight of each class) are exact: every block's
  :class:`~bce_gui.core.accumulate.Accumulator` is merged into the run's, and rounded once at
  the end, so the result does not depend on the block size and equals the in-memory result
  (which sums the same per-row terms with the same accumulator) to the last digit;
* counts (rows used, invalid rows, infinite rows) are integers;
* the first 1000 invalid cells and infinite rows, with their spreadsheet row numbers.

Memory is one block (``block_bytes`` of text, 8 MB by default), its one copy handed to polars,
and what it becomes, whatever the file's size. Spreadsheets are read whole
(:func:`stream_compute` does that for them).

Two decisions of the in-memory reader depend on the whole file; a stream can only learn them
as it goes, and starts over (rarely) when a later block contradicts the first:

* the encoding: UTF-8 decided from the beginning, but a later block is not UTF-8 (the whole
  file is then read as cp1252, else latin-1, as ``decode`` would have);
* the fast path (numbers parsed while reading): taken for the whole file only if every block
  allows it; a block that does not sends the stream back to the start with text columns.
"""

from __future__ import annotations

import codecs
import io
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .blocks import BlockTotals, Visit, check_classes_present
from .io import ImportInfo, NoDataRows, ReadOptions, TableReadError
from .io.compressed import open_bytes
from .io.decode import check_raw, decode, is_regular, open_head, spooled
from .io.sniff import SNIFF_BYTES, detect_layout, strip_leading_blank_lines
from .io.spreadsheets import is_spreadsheet
from .io.text_tables import parse_delimited
from .io.to_dataset import detect_decimal, frame_to_dataset, map_frame, numeric_names, strip_names
from .loss import LossOptions, LossTotals
from .metrics_settings import MetricsSettings
from .summary import summary_dict

if TYPE_CHECKING:
    from .metrics.insight import Insight

#: Text handed to polars at a time (a block ends at the last whole record). Below glibc's
#: largest mmap threshold (32 MB), so each block's memory is reused by the next one. 8 MB
#: rather than 16: the last block's evaluation, which nothing runs beside, is half as long
#: (a 1e6-row compute 15 ms sooner, the median of 10 runs of each) and the peak memory of a
#: 1e7-row file 75 MB lower.
DEFAULT_BLOCK_BYTES = 8 << 20
#: The decimal mark is decided on the first rows (as ``detect_decimal`` does in memory).
DECIMAL_SAMPLE_ROWS = 10_000
_AUTO_FALLBACKS = ("cp1252", "latin-1")  # as decode tries them for a file that is not UTF-8

Progress = Callable[[float, int], None]


@dataclass
class StreamResult:
    """The ``compute --json`` summary and the totals it was made from."""

    summary: dict
    totals: LossTotals
    streamed: bool
    n_chunks: int = 0
    #: How many times the stream started over (see the module docstring).
    restarts: int = 0
    #: What merges with other files' or partitions' totals (None for a spreadsheet).
    blocks: BlockTotals | None = None
    #: The statistics (issue 11) of the first model, when they were asked for; their
    #: ``compute --json`` keys are in ``summary`` too.
    insight: Insight | None = None


def keep_block_memory() -> bool:
    """Let the process reuse each block's memory for the next block (glibc; a no-op elsewhere).

    By default glibc gives freed memory back as soon as more than 32 MB is free at the top of
    its heap: a block's text and its copy are, so every block had to be faulted in again (a
    fifth of the time of a large file). Here allocations below 32 MB come from the heap and up to
    512 MB of free heap is kept. For a process that streams (the command line); the window tunes
    the allocator the other way (:mod:`memory`), since it lives on after a load.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        # glibc's own name first: find_library runs ldconfig in a subprocess (a few ms)
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        import ctypes.util

        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        except OSError:
            return False
    try:
        mallopt = libc.mallopt
    except AttributeError:  # not glibc (musl)
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(mallopt(m_mmap_threshold, 32 << 20)) and bool(mallopt(m_trim_threshold, 512 << 20))


# --------------------------------------------------------------------------------------------
# Reading the text of a file a block at a time, as UTF-8
# --------------------------------------------------------------------------------------------


class _WrongEncoding(Exception):
    """A block contradicts the encoding decided from the file's beginning."""


class _FastPathFailed(Exception):
    """A block cannot take the fast path that earlier blocks took."""


class _Text:
    """The file's text as UTF-8, read (and decoded where needed) a piece at a time.

    ``mode`` is what ``decode`` decided: "utf-8" (passed through untouched; blocks are checked
    by :func:`_check_utf8`), an automatic fallback ("cp1252", "latin-1"), "utf-16" (by its
    BOM), or an encoding the user named (``explicit``: a leading BOM character is dropped, as
    ``decode`` does). Automatic modes other than UTF-16 skip a UTF-8 BOM, as ``decode`` does.
    """

    def __init__(self, path: Path, mode: str, explicit: bool):
        self.path = path
        self.mode = mode
        self.explicit = explicit
        self._decoder = None
        if mode != "utf-8" or explicit:
            try:
                self._decoder = codecs.getincrementaldecoder(mode)()
            except LookupError as exc:
                raise TableReadError(path, f"cannot be decoded as {mode} ({exc})") from None
        self.fh = open_bytes(path)  # (decompressed as it is read, for a .gz or .zst file)
        self.size = os.fstat(self.fh.fileno()).st_size
        self.compressed = not isinstance(self.fh, io.BufferedReader)
        if not explicit and mode != "utf-16" and self.fh.read(3) != b"\xef\xbb\xbf":
            self.fh.seek(0)
        self.eof = False
        self._bom_pending = explicit

    @property
    def consumed(self) -> int:
        return self.fh.tell()

    @property
    def exhausted(self) -> bool:
        """Nothing is left to read (known before the read that finds the end, for a file that
        is not decompressed as it is read)."""
        return self.eof or (not self.compressed and self._decoder is None
                            and self.fh.tell() >= self.size)

    def close(self) -> None:
        self.fh.close()

    def read(self, n: int) -> bytes:
        """About ``n`` bytes of UTF-8 text (the file's own bytes when it is UTF-8: no copy);
        b"" only at the end, after which ``eof`` is true."""
        if self.eof:
            return b""
        # Not more than the file holds: reading into a larger buffer and shrinking it costs a
        # copy of the whole block.
        left = self.size - self.fh.tell()
        if self.compressed:  # (its text is larger than what is left of the file)
            n = max(int(n), 1)
        else:
            n = max(min(int(n), left), 1) if left > 0 else 1 << 16
        while True:
            raw = self.fh.read(n)
            if not raw:
                self.eof = True
            if self._decoder is None:
                return raw
            out = self._decode(raw, final=not raw)
            if out or self.eof:
                return out

    def _decode(self, raw: bytes, final: bool) -> bytes:
        try:
            text = self._decoder.decode(raw, final)
        except UnicodeDecodeError as exc:
            if self.explicit:
                raise TableReadError(self.path, f"cannot be decoded as {self.mode} ({exc})") from None
            if self.mode == "utf-16":
                raise TableReadError(self.path, "starts like UTF-16 text but cannot be decoded") from None
            raise _WrongEncoding() from None
        if self._bom_pending and text:
            text = text.lstrip("\ufeff")
            self._bom_pending = not text
        return text.encode("utf-8")


def _check_utf8(buf: bytes, start: int, stop: int) -> None:
    """Raise _WrongEncoding unless ``buf[start:stop]`` (whole lines) is UTF-8."""
    if stop <= start or int(np.frombuffer(buf, np.uint8, stop - start, start).max()) < 128:
        return
    try:
        with memoryview(buf) as mv:
            codecs.utf_8_decode(mv[start:stop], "strict", True)
    except UnicodeDecodeError:
        raise _WrongEncoding() from None


def _complete_lines(raw: bytes) -> bytes:
    """The beginning of ``raw`` up to its last line break, cut where a decoder can stop."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: a newline at an even offset
        nl = b"\n\x00" if raw.startswith(b"\xff\xfe") else b"\x00\n"
        end = len(raw)
        while True:
            i = raw.rfind(nl, 0, end)
            if i < 0:
                return raw[: len(raw) // 2 * 2]
            if i % 2 == 0:
                return raw[: i + 2]
            end = i + 1
    return raw[: raw.rfind(b"\n") + 1]


def _record_end(data, start: int = 0, stop: int | None = None, *, first: bool = False,
                odd: bool = False) -> int:
    """Where the last (with ``first``: the first) whole record of ``data[start:stop]`` ends:
    just after a line break outside double quotes; ``start`` when there is none. ``odd``: the
    text before ``start`` left a quoted field open."""
    stop = len(data) if stop is None else stop
    if first:  # (no search of the whole text for quotes: the first record is usually one line)
        quotes = int(odd)
        pos = start
        while True:
            i = data.find(b"\n", pos, stop)
            if i < 0:
                return start
            quotes += data.count(b'"', pos, i)
            if quotes % 2 == 0:
                return i + 1
            pos = i + 1
    if data.find(b'"', start, stop) < 0:
        if odd:
            return start
        return data.rfind(b"\n", start, stop) + 1 or start
    after = 0  # quotes after the candidate line break
    total = data.count(b'"', start, stop) + int(odd)
    end = stop
    while True:
        i = data.rfind(b"\n", start, end)
        if i < 0:
            return start
        after += data.count(b'"', i, end)
        if (total - after) % 2 == 0:
            return i + 1
        end = i


# --------------------------------------------------------------------------------------------
# The stream
# --------------------------------------------------------------------------------------------


def stream_compute(
    path: str | os.PathLike,
    options: LossOptions,
    read_options: ReadOptions | None = None,
    *,
    chunk_rows: int | None = None,
    block_bytes: int | None = None,
    progress: Progress | None = None,
    source: str | None = None,
    visit: Visit | None = None,
    name: str | None = None,
    keep_text: bool = False,
    metrics: MetricsSettings | None = None,
) -> StreamResult:
    """The ``compute`` summary of a file, reading a CSV/TSV a block at a time.

    ``chunk_rows`` caps the rows evaluated at once (and sizes the blocks read from it);
    ``block_bytes`` sets the text read at a time (default 8 MB). ``progress(fraction, rows)``
    is called after each chunk. IDs and extra columns are loaded only with ``keep_text`` (and
    then as ``read_options`` asks).
    Spreadsheets are read whole. A gzip or Zstandard file is decompressed as it is read.
    ``visit`` sees each evaluated block; ``name`` is the file's name in a data set of several
    (each listed row then names it). Raises :class:`TableReadError` as :func:`read_table`
    would for the same file.

    ``metrics``: also compute the statistics of issue 11 (Brier, AUC, accuracy, ECE, the
    bootstrap interval, the worst rows' shares, the decomposition, the loss per convention):
    each block's valid rows fill a :class:`~bce_gui.core.metrics.MetricsAccumulator`, merged
    like the loss accumulator (:class:`~bce_gui.core.blocks.BlockTotals`); their keys are added
    to the summary.
    """
    if not is_regular(path):  # a pipe, FIFO or /dev/stdin: read it once, into a file
        with spooled(path) as regular:
            return stream_compute(regular, options, read_options, chunk_rows=chunk_rows,
                                  block_bytes=block_bytes, progress=progress, source=source,
                                  visit=visit, name=name, keep_text=keep_text, metrics=metrics)
    path = Path(path)
    read_options = replace(read_options or ReadOptions(), n_rows=None, progress=None,
                           is_cancelled=None)
    if not keep_text:
        read_options = replace(read_options, load_ids=False, load_extras=False)
    if chunk_rows is not None and chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    head = open_head(path)
    if is_spreadsheet(path, head) or _cr_only(path):
        # Spreadsheets are read whole; so are files with old Mac line ends (CR only), whose
        # blocks could not end at a line break.
        return _in_memory(path, options, read_options, source, visit, name, metrics)
    encoding = read_options.encoding
    fast: bool | None = None
    restarts = 0
    while True:
        run = _Run(path, options, read_options, chunk_rows, block_bytes, progress, source, visit,
                   name, metrics)
        try:
            result = run.execute(encoding, fast)
        except _WrongEncoding:
            # The beginning was UTF-8 (or cp1252) but the file is not: as decode would.
            tried = run.encoding_mode
            later = _AUTO_FALLBACKS[_AUTO_FALLBACKS.index(tried) + 1:] if tried in _AUTO_FALLBACKS \
                else _AUTO_FALLBACKS
            encoding = ("auto", later[0])
        except _FastPathFailed:
            fast = False
        else:
            result.restarts = restarts
            return result
        finally:
            run.close()
        restarts += 1


def _same_classes(ropts: ReadOptions, info: ImportInfo) -> ReadOptions:
    """K classes: the class ↔ column mapping the first block with rows found is every block's
    (a later block cannot map the columns otherwise because its labels differ)."""
    if info.class_columns is None or ropts.class_columns is not None:
        return ropts
    return replace(ropts, class_columns=info.class_columns)


def _cr_only(path: Path) -> bool:
    """True when the file's beginning has CR line ends but no LF."""
    with open_bytes(path) as fh:
        head = fh.read(SNIFF_BYTES)
    return b"\r" in head and b"\n" not in head


def _in_memory(path: Path, options: LossOptions, read_options: ReadOptions,
               source: str | None, visit: Visit | None = None,
               name: str | None = None, metrics: MetricsSettings | None = None) -> StreamResult:
    from .io import read_table

    dataset, info = read_table(path, read_options)
    blocks = BlockTotals(name=name, warnings=dict(info.warnings), metrics_settings=metrics)
    evaluation = blocks.add(dataset, options, visit)
    check_classes_present(evaluation.accumulator, dataset.schema.task, options,
                          read_options.classes is not None)
    summary = summary_dict(dataset, evaluation, source=source,
                           warnings=list(info.warnings.values()))
    # The same statistics accumulator as a streamed file's, one block: the same numbers.
    summary.update(blocks.statistics_keys(options))
    return StreamResult(summary=summary, totals=evaluation.totals, streamed=False, n_chunks=1,
                        blocks=blocks, insight=blocks.insight(options))


class _Run:
    """One pass over the file (a restart is a new pass)."""

    def __init__(self, path, options, read_options, chunk_rows, block_bytes, progress, source,
                 visit=None, name=None, metrics: MetricsSettings | None = None):
        self.path = path
        self.options = options
        self.read_options = read_options
        self.chunk_rows = chunk_rows
        self.block_bytes = block_bytes
        self.progress = progress
        self.source = source
        self.text: _Text | None = None
        self.encoding_mode = "utf-8"
        # Aggregates: the blocks' exact sums merged, and the rows to list
        self.blocks = BlockTotals(name=name, metrics_settings=metrics)
        self.visit = visit
        self.name = name
        self.metrics = metrics
        #: The blocks being evaluated on the workers, in file order (see :meth:`_evaluate`),
        #: and the workers.
        self._pending: deque = deque()
        self._workers = None
        self._last_job = None  # the last block's, which draws the interval ahead

    def close(self) -> None:
        if self.text is not None:
            self.text.close()
        if self._workers is not None:
            for job, _binned in self._pending:
                job.cancel()
            self._workers.shutdown(wait=True)
            self._workers = None

    # ---- the text -------------------------------------------------------------------------

    def _open_text(self, encoding) -> None:
        """Decide the encoding from the file's first whole lines (``decode`` on them)."""
        path = self.path
        first_read = 1 << 20
        with open_bytes(path) as fh:
            raw = fh.read(first_read)
            eof = len(raw) < first_read
            check_raw(path, raw, complete=eof)
            head = raw if eof else _complete_lines(raw)
            while not head:  # a first line longer than the first read
                more = fh.read(first_read)
                eof = not more
                raw += more
                head = raw if eof else _complete_lines(raw)
                if not head and len(raw) >= 8 * first_read:
                    head = raw  # a line of megabytes: detection refuses it (too many columns)
        if isinstance(encoding, tuple):  # a restart with a fallback encoding
            mode, explicit = encoding[1], False
        elif encoding:
            mode, explicit = encoding, True
        else:
            _data, detected = decode(path, head, None)
            mode = "utf-8" if detected in ("utf-8", "utf-8-sig") else detected
            explicit = False
        self.encoding_mode = mode
        self.text = _Text(path, mode, explicit)

    def _read_size(self, bytes_per_row: float | None) -> int:
        if self.block_bytes is not None:
            return self.block_bytes
        if self.chunk_rows is not None and bytes_per_row:
            return int(min(DEFAULT_BLOCK_BYTES, max(1, self.chunk_rows * bytes_per_row)))
        return DEFAULT_BLOCK_BYTES

    # ---- the pass -------------------------------------------------------------------------

    def execute(self, encoding, fast: bool | None) -> StreamResult:
        """One pass; ``fast`` None lets the first block choose (as the whole file would)."""
        if self.visit is None:
            # polars first (it parses the blocks): the workers' imports (their first job) then
            # run while this thread reads the first block and polars parses it, not while
            # this thread imports polars
            import polars  # noqa: F401

            self._start_workers()
        self._open_text(encoding)
        text = self.text
        path, ropts = self.path, self.read_options

        # Leading blank lines (counted: they keep the row numbers), then enough text to detect.
        # A file smaller than a block is read at once (and handed to polars without a copy).
        if self.block_bytes is not None:
            first_read = self.block_bytes
        else:
            first_read = DEFAULT_BLOCK_BYTES if self.chunk_rows is None else 1 << 20
        pending = b""
        n_leading = 0
        while True:
            pending, count = strip_leading_blank_lines(pending + text.read(first_read))
            n_leading += count
            if (pending and not pending.isspace()) or text.eof:  # (strip() would copy it)
                break
        if not pending or pending.isspace():
            raise TableReadError(path, "is empty")
        pending = self._fill_head(pending, SNIFF_BYTES + 1, 0)
        # The lines above the header that detection drops (Excel's sep= line, # comments)
        # are dropped here too, and counted with the blank lines.
        pending, layout = detect_layout(path, pending, ropts)
        layout.n_leading += n_leading
        # The header (or the first row), parsed with every block.
        prefix = pending[: _record_end(pending, first=True) or len(pending)]
        prefix_lines = prefix.count(b"\n")
        sample = pending[:SNIFF_BYTES]
        target = self._read_size(len(sample) / max(1, sample.count(b"\n")))

        info = ImportInfo(
            path=str(path), format="tsv" if layout.delimiter == "\t" else "csv",
            encoding=self.encoding_mode, delimiter=layout.delimiter,
            has_header=layout.has_header, first_line=layout.n_leading + 1,
        )
        self.blocks.warnings = info.warnings  # shared by every block's copy of info
        decimal = ropts.decimal
        # (A comma-separated file can have decimal commas only in quoted cells: "0,9".)
        if decimal is None and (layout.delimiter != "," or b'"' in pending[:SNIFF_BYTES]):
            pending, decimal = self._head_decimal(pending, layout)
        check = text._decoder is None  # UTF-8 passed through: check each block
        records = 0  # data records (blank ones included) before the current block
        line = info.first_line  # file line of the current block's first line (for errors)
        tail, pos = pending, 0  # the text not parsed yet: tail[pos:]
        del pending
        first = True
        while True:
            parts, tail, pos = self._next_block(tail, pos, target)
            if not parts:
                break
            last_block = text.exhausted and pos >= len(tail)  # (no text after this block)
            lead = 0 if first else len(prefix)
            if first and len(parts) == 1 and parts[0][1] == 0 and parts[0][2] == len(parts[0][0]):
                data = parts[0][0]  # the whole text: no copy
            else:
                pieces = [] if first else [prefix]
                pieces += [memoryview(obj)[a:b] for obj, a, b in parts]
                data = b"".join(pieces)  # the one copy of the block: polars reads bytes
                del pieces
            del parts
            if check:
                _check_utf8(data, lead, len(data))
            quoted = data.find(b'"', lead) >= 0
            if first:
                frame = parse_delimited(path, data, layout, ropts, fast=fast)
                if fast is None:
                    fast = _parsed_numbers(frame)
            else:
                frame = parse_delimited(path, data, layout, ropts, fast=fast,
                                        line_offset=line - 1 - prefix_lines)
                if frame is None:
                    raise _FastPathFailed()
                if not layout.has_header:
                    frame = frame.slice(1)  # the first row, read again for its field count
            if quoted:
                line += data.count(b"\n", lead)
            del data
            frame = strip_names(frame)
            block_info = replace(info)
            mapping = map_frame(frame, block_info, ropts)
            if frame.height:
                ropts = _same_classes(ropts, block_info)
            chunk_opts = replace(ropts, decimal=decimal or ".")
            height = frame.height
            step = self.chunk_rows or max(height, 1)
            for offset in range(0, height, step):
                chunk = frame.slice(offset, step)
                chunk_info = replace(block_info, first_line=info.first_line + records + offset)
                self._evaluate(chunk, chunk_info, mapping, chunk_opts,
                               last=last_block and offset + step >= height)
                if self.progress is not None:
                    done = records + offset + chunk.height
                    self.progress(min(1.0, text.consumed / max(text.size, 1)), done)
            records += height
            if not quoted:  # one record per line (and the header's lines in the first block)
                line += height + (prefix_lines if first and layout.has_header else 0)
            del frame
            first = False
        self._merge_pending()
        if self.blocks.empty:
            raise NoDataRows(path, "has a header but no data rows" if layout.has_header else "is empty")
        return self._result()

    def _next_block(self, tail: bytes, pos: int, target: int):
        """The next block of whole records, about ``target`` bytes, as (bytes, start, stop)
        parts, and the text left after it (as ``tail[pos:]``); no parts at the end.

        The text left is copied out when it is small (a part of a record, usually), so that
        the block read before is freed once its parts are joined."""
        text = self.text
        while True:
            avail = len(tail) - pos
            if avail >= target:  # enough text already (the beginning of the file)
                end = _record_end(tail, pos, pos + target)
                if end > pos:
                    if len(tail) - end <= target:
                        return [(tail, pos, end)], tail[end:], 0
                    return [(tail, pos, end)], tail, end
            raw = text.read(target - avail) if not text.eof and avail < target else b""
            if text.eof:  # everything that is left
                parts = [(tail, pos, len(tail))] if avail else []
                if raw:
                    parts.append((raw, 0, len(raw)))
                return parts, b"", 0
            odd = tail.find(b'"', pos) >= 0 and tail.count(b'"', pos) % 2 == 1
            end = _record_end(raw, odd=odd)
            if end:
                parts = [(tail, pos, len(tail))] if avail else []
                parts.append((raw, 0, end))
                return parts, raw[end:], 0
            # No record ends in this text (or a record longer than the block): read on.
            tail, pos = tail[pos:] + raw, 0
            target = max(target, 2 * len(tail))

    def _head_decimal(self, pending: bytes, layout) -> tuple[bytes, str | None]:
        """The decimal mark, decided as in memory on the first 10 000 rows read as text (it
        matters only for text columns; numbers parsed while reading have a point).

        None when those rows cannot be read as text: a block read as text meets the same
        error (and reports it as the whole-file reader would) before the mark is used."""
        ropts = replace(self.read_options, n_rows=DECIMAL_SAMPLE_ROWS)
        info = ImportInfo(path=str(self.path), format="csv", delimiter=layout.delimiter,
                          has_header=layout.has_header)
        pending = self._fill_head(pending, 0, DECIMAL_SAMPLE_ROWS + 2)
        while True:
            end = len(pending) if self.text.eof else _record_end(pending)
            try:
                frame = strip_names(parse_delimited(self.path, pending[:end], layout, ropts,
                                                     fast=False))
                if frame.height < DECIMAL_SAMPLE_ROWS and not self.text.eof:
                    # Records spanning lines: read on until there are enough rows.
                    pending = self._fill_head(pending, 2 * len(pending), 0)
                    continue
                mapping = map_frame(frame, info, ropts)
            except TableReadError:
                return pending, None
            numeric = numeric_names(mapping, info)
            return pending, detect_decimal(frame, numeric, info)

    def _fill_head(self, pending: bytes, size: int, lines: int) -> bytes:
        """Read on until ``pending`` holds ``size`` bytes and ``lines`` line breaks (or all)."""
        parts = [pending]
        have = len(pending)
        nl = pending.count(b"\n", 0, 1 << 20) if lines else 0  # (usually enough in 1 MB)
        if nl < lines and have > 1 << 20:
            nl += pending.count(b"\n", 1 << 20)
        while (have < size or nl < lines) and not self.text.eof:
            piece = self.text.read(max(1 << 16, size - have))
            parts.append(piece)
            have += len(piece)
            nl += piece.count(b"\n")
        return b"".join(parts) if len(parts) > 1 else pending

    # ---- one chunk ------------------------------------------------------------------------

    def _evaluate(self, frame, info: ImportInfo, mapping: dict, ropts: ReadOptions,
                  last: bool = False) -> None:
        """Evaluate one chunk (``last``: the file's last one: its interval's resamples start
        as soon as its losses are binned, while its other statistics are computed)."""
        try:
            dataset, _ = frame_to_dataset(frame, info, mapping, ropts)
        except NoDataRows:
            return  # only blank rows
        if self.visit is not None:
            self.blocks.add(dataset, self.options, self.visit)
            return
        # The block is evaluated (and its statistics gathered) on a worker thread while this
        # thread reads and parses the next one, and the next block's evaluation may start
        # before this one's ends; the blocks' totals are merged in file order, so the result
        # is the one of evaluating them here one after another. numpy and polars let go of
        # the GIL in their loops, so the threads share the two cores.
        self._merge_pending(keep=1)
        from concurrent.futures import Future

        binned = Future()  # this block's interval histogram, once its losses are binned
        ahead = None
        if last and self.metrics is not None:
            # The last block: the interval of all the rows is drawn ahead from the histograms
            # merged so far, those of the blocks still on a worker (as soon as they have
            # binned their losses), and this block's.
            merged = self.blocks.metrics
            ahead = (None if merged is None else merged.bootstrap.copy(),
                     [b for _job, b in self._pending])
        job = self._start_workers().submit(_evaluate_block, dataset, self.options, self.name,
                                           self.metrics, self.blocks.room(), binned, ahead)
        self._pending.append((job, binned))
        if ahead is not None:
            self._last_job = job

    def _start_workers(self):
        """The worker threads that evaluate the blocks (see :meth:`_evaluate`); with the
        statistics, the first job imports what they need beyond the loss while this thread
        parses the first block."""
        if self._workers is None:
            from concurrent.futures import ThreadPoolExecutor

            self._workers = ThreadPoolExecutor(2, thread_name_prefix="bce-block")
            if self.metrics is not None and self.visit is None:
                self._workers.submit(_statistics_imports)
        return self._workers

    def _merge_pending(self, keep: int = 0) -> None:
        """Merge the evaluated blocks in file order, waiting for them until at most ``keep``
        are left on the workers (a block's error is raised here)."""
        while len(self._pending) > keep:
            self.blocks.merge(self._pending.popleft()[0].result())

    def _result(self) -> StreamResult:
        self._merge_pending()
        blocks = self.blocks
        if self._last_job is not None and blocks.metrics is not None:
            last = self._last_job.result().metrics
            drawn = last.__dict__.pop("interval_ahead", None) if last is not None else None
            if drawn is not None:  # (used only if drawn from the very rows merged)
                blocks.metrics.bootstrap.adopt(*drawn)
        summary = blocks.summary(self.options, self.source,
                                 classes_given=self.read_options.classes is not None)
        return StreamResult(summary=summary, totals=blocks.totals(self.options), streamed=True,
                            n_chunks=blocks.n_blocks, blocks=blocks,
                            insight=blocks.insight(self.options))


def _statistics_imports() -> None:
    """Import what the statistics need beyond the loss: their modules, numpy's random
    generators (the bootstrap) and numpy.ma, which polars imports when it takes a numpy column
    (the AUC's sort): about 35 ms, spent here beside the first block's parse instead."""
    import numpy.random  # noqa: F401

    from .metrics import table  # noqa: F401  (every statistic's module)

    np.ma.getmask  # (numpy imports numpy.ma on first access)


def _evaluate_block(dataset, options: LossOptions, name: str | None,
                    metrics: MetricsSettings | None, room: int, binned=None,
                    ahead=None) -> BlockTotals:
    """One block's totals (and statistics), to be merged in order into the run's (whose row
    lists have ``room`` rows left). ``binned`` (a Future) is given this block's interval
    histogram as soon as its losses are binned (None without statistics). ``ahead``, for
    the file's last block: (a copy of the run's interval histogram so far, or None; the
    ``binned`` of the blocks before this one not merged yet): the interval of all the rows is
    drawn on a thread of its own as soon as this block's losses are binned, and kept as the
    block statistics' ``interval_ahead``."""
    piece = BlockTotals(name=name, metrics_settings=metrics)

    def on_binned(block) -> None:
        if binned is not None:
            binned.set_result(block.bootstrap)
        if ahead is None:
            return
        merged, before = ahead
        parts = [] if merged is None else [merged]  # (merged: a copy, free to add to)
        for earlier in before:  # the blocks before this one, still on the other worker
            histogram = earlier.result()
            if histogram is None:
                return  # (a block without statistics: nothing to draw ahead from)
            parts.append(histogram)
        parts.append(block.bootstrap)
        # the histogram the run will hold: the same merges in the same order
        rows = parts[0] if merged is not None else parts[0].copy()
        for part in parts[1:]:
            rows.merge(part)
        block.interval_ahead = (rows, rows.draw_ahead())

    try:
        piece.add(dataset, options, room=room,
                  on_binned=None if binned is None and ahead is None else on_binned)
    finally:
        if binned is not None and not binned.done():
            binned.set_result(None)  # (no statistics, or an error: never leave it waiting)
    return piece


def _parsed_numbers(frame) -> bool:
    """True when the frame came from the fast path (its number columns are floats already)."""
    import polars as pl

    return any(dt == pl.Float64 for dt in frame.dtypes)
