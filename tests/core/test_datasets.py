"""Parquet, Arrow IPC/Feather, gzip/zstd text and data sets of parts: the same numbers as the
same rows in one CSV, read whole (the window) or in pieces (compute), with every cell that is
not a number reported and a part that does not fit the others named."""

from __future__ import annotations

import gzip
import os

import numpy as np
import polars as pl
import pytest

from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import NoDataRows, ReadOptions, TableReadError, preview_table, read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.partitions import compute_source, plan
from bce_gui.core.io.datasets import resolve
from bce_gui.core.policies import make_policy
from bce_gui.core.stream import stream_compute

READ = ReadOptions(load_ids=False, load_extras=False)
OPTIONS = {
    "exact": LossOptions(),
    "sklearn": LossOptions(policy=make_policy("sklearn")),
    "torch-sum": LossOptions(policy=make_policy("torch"), reduction="sum"),
    "keras": LossOptions(policy=make_policy("keras")),
}
SKIP = {"source", "invalid", "infinite_rows", "infinite_files"}


def frame(n: int = 3000, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    p = np.round(rng.random(n), 7)
    p[::211] = 0.0  # infinite under exact, clipped elsewhere
    return pl.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "actual": (rng.random(n) < 0.35).astype(np.int64),
        "predicted": p,
        "weight": rng.choice([0.0, 0.5, 1.0, 2.5], n),
        "note": rng.choice(["a", "b"], n),
    })


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("formats")
    df = frame()
    out = {"csv": tmp / "d.csv"}
    df.write_csv(out["csv"])
    out["parquet"] = tmp / "d.parquet"
    df.write_parquet(out["parquet"], row_group_size=700)
    out["arrow"] = tmp / "d.arrow"
    df.write_ipc(out["arrow"])
    out["feather"] = tmp / "d.feather"
    df.write_ipc(out["feather"], compression="zstd")
    out["arrows"] = tmp / "d.arrows"
    df.write_ipc_stream(out["arrows"])
    out["gz"] = tmp / "d.csv.gz"
    out["gz"].write_bytes(gzip.compress(out["csv"].read_bytes()))
    out["zst"] = tmp / "d.csv.zst"
    out["zst"].write_bytes(_zstd(out["csv"].read_bytes()))
    parts = tmp / "parts"
    (parts / "year=2024").mkdir(parents=True)
    (parts / "year=2025").mkdir()
    for k in range(3):
        df.slice(k * 1000, 1000).write_parquet(parts / f"year={2024 + k // 2}" / f"part-{k}.parquet")
    (parts / "_SUCCESS").write_text("")
    (parts / ".part-0.parquet.crc").write_bytes(b"x")
    out["parts"] = parts
    text_parts = tmp / "text_parts"
    text_parts.mkdir()
    for k in range(3):
        df.slice(k * 1000, 1000).write_csv(text_parts / f"part-{k}.csv")
    out["text_parts"] = text_parts
    return out


def _zstd(data: bytes) -> bytes:
    try:
        from compression import zstd
    except ImportError:
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return zstd.compress(data)


def summaries_agree(got: dict, expected: dict) -> None:
    assert {k: v for k, v in got.items() if k not in SKIP} == \
           {k: v for k, v in expected.items() if k not in SKIP}


@pytest.mark.parametrize("fmt", ["parquet", "arrow", "feather", "arrows", "gz", "zst", "parts",
                                 "text_parts"])
@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_every_format_gives_the_csv_result_to_the_last_digit(files, fmt, name):
    options = OPTIONS[name]
    expected = stream_compute(files["csv"], options, READ).summary
    got = compute_source(files[fmt], options, READ, chunk_rows=401).summary
    summaries_agree(got, expected)
    dataset, _ = read_table(files[fmt])  # the window's reader
    assert evaluate(dataset, options).totals == evaluate(read_table(files["csv"])[0], options).totals


def test_rows_are_numbered_from_1_in_parquet_and_per_file_in_a_data_set(files):
    csv = compute_source(files["csv"], LossOptions(), READ).summary
    pq = compute_source(files["parquet"], LossOptions(), READ, chunk_rows=500).summary
    assert pq["infinite_rows"] == [r - 1 for r in csv["infinite_rows"]]  # no header line
    parts = compute_source(files["parts"], LossOptions(), READ).summary
    offset = {"year=2024/part-0.parquet": 0, "year=2024/part-1.parquet": 1000,
              "year=2025/part-2.parquet": 2000}
    assert [offset[f] + r for r, f in zip(parts["infinite_rows"], parts["infinite_files"])] \
        == pq["infinite_rows"]
    assert set(parts["infinite_files"]) == set(offset)


def test_a_data_set_lists_its_parts_in_order_without_writer_files(files):
    data = resolve(files["parts"])
    assert [p.label for p in data.parts] == ["year=2024/part-0.parquet", "year=2024/part-1.parquet",
                                             "year=2025/part-2.parquet"]
    glob = resolve(str(files["text_parts"] / "part-*.csv"))
    assert [p.label for p in glob.parts] == ["part-0.csv", "part-1.csv", "part-2.csv"]
    assert [p.stop for p in plan(data, 400)][:3] == [400, 800, 1000]


def test_a_part_with_other_columns_or_types_is_an_error_naming_it(tmp_path):
    df = frame(100)
    df.write_parquet(tmp_path / "part-1.parquet")
    df.rename({"predicted": "p_hat"}).write_parquet(tmp_path / "part-2.parquet")
    with pytest.raises(TableReadError) as err:
        compute_source(tmp_path, LossOptions(), READ)
    assert "part-2.parquet" in str(err.value) and "'predicted'" in str(err.value)
    df.with_columns(pl.col("predicted").cast(pl.String)).write_parquet(tmp_path / "part-2.parquet")
    with pytest.raises(TableReadError) as err:
        read_table(tmp_path)
    assert "part-2.parquet" in str(err.value) and "String" in str(err.value)
    (tmp_path / "part-2.parquet").unlink()
    (tmp_path / "part-3.csv").write_text("actual,predicted\n1,0.5\n")
    with pytest.raises(TableReadError, match="mixes formats"):
        compute_source(tmp_path, LossOptions(), READ)
    text = tmp_path / "text"
    text.mkdir()
    (text / "a.csv").write_text("actual,predicted\n1,0.5\n")
    (text / "b.csv").write_text("actual,score\n1,0.5\n")
    with pytest.raises(TableReadError, match="b.csv"):
        compute_source(text, LossOptions(), READ)


def test_parquet_types_are_used_and_text_cells_checked_one_by_one(tmp_path):
    path = tmp_path / "typed.parquet"
    pl.DataFrame({
        "actual": [True, False, True, None, True],
        "predicted": ["0.9", "0.2", "abc", "0.4", "1e400"],
        "weight": pl.Series([1, 2, 3, 4, 5], dtype=pl.Int32),
    }).write_parquet(path)
    s = compute_source(path, LossOptions(), READ).summary
    assert s["n"] == 2 and s["weighted"]
    assert [(i["row"], i["column"], i["value"]) for i in s["invalid"]] == [
        (3, "predicted", "abc"), (4, "actual", ""), (5, "predicted", "1e400")]
    dataset, _ = read_table(path)
    assert dataset.cell_text("predicted", 2) == "abc"
    expected = -(np.log(0.9) + 2 * np.log(0.8)) / 3
    assert s["loss"] == pytest.approx(expected, rel=1e-15)


def test_empty_damaged_and_old_files_say_so(tmp_path):
    empty = tmp_path / "empty.parquet"
    frame(0).write_parquet(empty)
    with pytest.raises(NoDataRows):
        compute_source(empty, LossOptions(), READ)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1" + os.urandom(100))
    with pytest.raises(TableReadError, match="not a readable Parquet file"):
        compute_source(bad, LossOptions(), READ)
    old = tmp_path / "old.feather"
    old.write_bytes(b"FEA1" + b"\0" * 20)
    with pytest.raises(TableReadError, match="Feather version 1"):
        read_table(old)
    truncated = tmp_path / "cut.csv.gz"
    rows = "".join(f"1,{v!r}\n" for v in np.random.default_rng(2).random(5000)).encode()
    packed = gzip.compress(b"actual,predicted\n" + rows)
    truncated.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(TableReadError, match="cannot be decompressed"):
        compute_source(truncated, LossOptions(), READ)


def test_compressed_text_streams_in_small_blocks(files):
    expected = stream_compute(files["csv"], LossOptions(), READ).summary
    for fmt in ("gz", "zst"):
        got = stream_compute(files[fmt], LossOptions(), READ, block_bytes=997).summary
        summaries_agree(got, expected)
        assert got["infinite_rows"] == expected["infinite_rows"]


def test_the_window_previews_and_reads_every_format(files):
    for fmt in ("parquet", "arrow", "gz", "zst", "parts", "text_parts"):
        preview = preview_table(files[fmt])
        assert preview.mapping["predicted"] == "predicted" and not preview.needs_confirmation
        assert len(preview.rows) == 50
    dataset, info = read_table(files["parts"])
    assert len(dataset) == 3000 and dataset.spreadsheet_row(2999) == 3000
    assert list(dataset.extras) == ["note"] and dataset.ids[1] == "r1"
