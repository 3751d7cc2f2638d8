"""Every file of the corpus (tests/corpus/odd_files.py), on every path: in memory with IDs and
extra columns (the window's read), in memory without them and streamed in several block sizes
(``compute``), and through ``compute --json``. The reference loss is the textbook weighted mean
of the corpus entry's numbers, computed here with ``math``."""

from __future__ import annotations

import json
import math

import pytest

from bce_gui.cli import main
from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, TableReadError, read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.stream import stream_compute
from bce_gui.core.summary import summary_dict
from tests.corpus.odd_files import CORPUS, OddFile

COMPUTE = ReadOptions(load_ids=False, load_extras=False)


def reference(f: OddFile) -> float:
    w = f.w or (1.0,) * len(f.y)
    return math.fsum(wi * -(math.log(p) if y == 1 else math.log1p(-p))
                     for y, p, wi in zip(f.y, f.p, w)) / math.fsum(w)


def invalid_as_listed(summary) -> tuple:
    return tuple((i["row"], i["column"], i["reason"] if i["column"] == "(whole row)" else i["value"])
                 for i in summary["invalid"])


@pytest.mark.parametrize("f", CORPUS, ids=lambda f: f.name)
def test_every_path_reads_the_corpus_file_alike(tmp_path, f, capsys):
    path = tmp_path / f.name
    path.write_bytes(f.data)
    if f.error:
        messages = set()
        for read in (lambda: read_table(path), lambda: read_table(path, COMPUTE),
                     lambda: stream_compute(path, LossOptions(), COMPUTE),
                     lambda: stream_compute(path, LossOptions(), COMPUTE, block_bytes=3)):
            with pytest.raises(TableReadError) as err:
                read()
            messages.add(str(err.value))
        assert len(messages) == 1
        message = messages.pop()
        assert f.error in message and "\n" not in message and "\r" not in message
        assert main(["compute", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f.error in err
        return

    want = reference(f)
    dataset, info = read_table(path)  # the window
    ev = evaluate(dataset, LossOptions())
    assert ev.totals.n == len(f.y)
    assert ev.totals.mean == pytest.approx(want, rel=1e-12)
    window = summary_dict(dataset, ev)
    assert invalid_as_listed(window) == f.invalid
    assert len(info.warnings) == f.warnings
    if f.ids is not None:
        valid_ids = [i for i, ok in zip(dataset.ids.tolist(), ev.validity.valid) if ok]
        assert tuple(valid_ids) == f.ids

    for kw in ({}, {"chunk_rows": 1}, {"block_bytes": 5}):
        s = stream_compute(path, LossOptions(), COMPUTE, **kw)
        assert s.summary["n"] == len(f.y), kw
        assert s.totals.mean == pytest.approx(want, rel=1e-12), kw
        assert invalid_as_listed(s.summary) == f.invalid, kw
        assert len(s.summary["warnings"]) == f.warnings, kw

    assert main(["compute", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["loss"] == pytest.approx(want, rel=1e-12) and out["n"] == len(f.y)
