"""The HTML report: loss, formula, convention, plot, worst and invalid rows, escaping.

The report is parsed with the standard library's HTML parser, so the tests check what a browser
would show (cell texts, in order), not substrings of markup that could appear anywhere.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from datetime import datetime
from html.parser import HTMLParser

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.evaluate import evaluate
from bce_gui.core.formatting import fmt_number
from bce_gui.core.io import read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.report import Figure, png_size, report_html

NOW = datetime(2024, 5, 6, 7, 8, 9)


class Page(HTMLParser):
    """Tables (as lists of rows of cell texts), headings, paragraphs, images, tags seen.

    ``tables`` are the tables of rows and numbers; the guide's coloured scale (a table whose
    header cells are bands) is ``guide`` instead."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.all_tables: list[list[list[str]]] = []
        self.guide: list[list[str]] | None = None
        self.headings: list[str] = []
        self.paragraphs: list[str] = []
        self.images: list[str] = []
        self.image_attrs: list[dict[str, str]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None
        self._text: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "table":
            self.all_tables.append([])
        elif tag == "tr":
            self.all_tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
            if "band" in (dict(attrs).get("class") or "").split():
                self.guide = self.all_tables[-1]
        elif tag in ("h1", "h2", "p"):
            self._text = []
        elif tag == "img":
            self.images.append(dict(attrs)["src"])
            self.image_attrs.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.all_tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag in ("h1", "h2") and self._text is not None:
            self.headings.append("".join(self._text))
            self._text = None
        elif tag == "p" and self._text is not None:
            self.paragraphs.append("".join(self._text))
            self._text = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)

    @property
    def tables(self) -> list[list[list[str]]]:
        return [t for t in self.all_tables if t is not self.guide]

    @property
    def text(self) -> str:
        return "\n".join(self.headings + self.paragraphs)


def _mixed() -> Dataset:
    y = [1, 0, 1, 0, 1, 0, np.nan, 2, 1, 1, 0, 1]
    p = [0.9, 0.2, 0.05, 0.7, 0.6, 0.01, 0.5, 0.5, np.nan, 1.5, 0.99, 0.3]
    ids = ["<script>alert(1)</script>", "b", "c", "d&e", "e", "f", "g", "h", "i", "j", "k", "l"]
    return Dataset.from_roles(
        actual=NumericColumn(np.array(y, dtype=float)),
        predicted=NumericColumn(np.array(p, dtype=float), text={8: "<b>n/a</b>"}),
        ids=np.array(ids, dtype=object),
    )


def _expected_losses(ds: Dataset) -> dict[int, float]:
    """Row loss by the textbook formula, for the rows that are valid (0/1 label, p in [0, 1])."""
    out = {}
    for i, (y, p) in enumerate(zip(ds.actual.values, ds.predicted.values)):
        if y in (0.0, 1.0) and 0.0 <= p <= 1.0:
            out[i] = -math.log(p) if y == 1 else -math.log1p(-p)
    return out


def test_report_shows_loss_formula_convention_source_and_time():
    ds = _mixed()
    ev = evaluate(ds, LossOptions())
    page = Page(report_html(ds, ev, source="preds.csv", now=NOW))
    losses = _expected_losses(ds)
    mean = sum(losses.values()) / len(losses)
    assert len(losses) == 8

    assert f"{mean:.4g} nats" in page.text  # to the precision the window shows
    assert f"{mean / math.log(2):.4g} bits" in page.text
    formula = next(p for p in page.paragraphs if "Σ ln(corrected p)" in p)
    assert formula.startswith("−(1/N) Σ ln(corrected p) = −(1/8)(")
    assert formula.endswith(f"= {mean:.4g}")
    assert f"−{sum(losses.values()):#.4g}" in formula
    assert "Convention: Exact (no clipping)." in page.text
    assert "Rows used: 8; excluded as invalid: 4." in page.text
    assert "Data: preds.csv · 12 rows · generated 2024-05-06 07:08 by BCE Lab" in page.text
    assert "BCE Lab report — preds.csv" in report_html(ds, ev, source="preds.csv", now=NOW)


def test_worst_rows_are_listed_largest_loss_first():
    ds = _mixed()
    ev = evaluate(ds, LossOptions())
    losses = _expected_losses(ds)
    order = sorted(losses, key=lambda r: -losses[r])[:5]
    page = Page(report_html(ds, ev, source=None, worst=5, now=NOW))
    assert "The 5 worst rows" in page.headings
    table = page.tables[0]
    assert table[0] == ["Row", "ID", "Actual", "Predicted", "Corrected p", "ln(corrected p)", "Row loss (nats)"]
    body = table[1:]
    assert [int(r[0]) for r in body] == [r + 1 for r in order]  # as the window numbers them
    assert [r[1] for r in body] == [str(ds.ids[r]) for r in order]
    for cells, r in zip(body, order):
        assert float(cells[6]) == float(f"{losses[r]:.5g}")
        assert float(cells[5].replace("−", "-")) == float(f"{-losses[r]:.5g}")
    # The largest first: p = 0.01 for class 0 is a mild loss, p = 0.99 for class 0 is the worst.
    assert body[0][1] == "k" and body[1][1] == "c"


def test_invalid_rows_with_the_window_row_numbers_and_reasons():
    ds = _mixed()
    ev = evaluate(ds, LossOptions())
    page = Page(report_html(ds, ev, source="x.csv", now=NOW))
    assert "Invalid rows (4, excluded)" in page.headings
    table = page.tables[1]
    # The ID names the row as the analyst knows it (the row number alone does not).
    assert table[0] == ["Row", "ID", "Column", "Value", "Reason"]
    assert table[1:] == [
        ["7", "g", "Actual", "", "missing value"],
        ["8", "h", "Actual", "2", "label is not 0 or 1"],
        ["9", "i", "Predicted", "<b>n/a</b>", "not a number"],
        ["10", "j", "Predicted", "1.5", "probability outside [0, 1]"],
    ]


def test_row_numbers_follow_the_file_when_blank_lines_were_skipped(tmp_path):
    src = tmp_path / "gaps.csv"
    src.write_text("\nid,actual,predicted\na,1,0.9\n\n,,\nb,0,oops\nc,1,0.01\n", encoding="utf-8")
    ds, _ = read_table(src)
    page = Page(report_html(ds, evaluate(ds, LossOptions()), source=src.name, now=NOW))
    worst, invalid = page.tables
    assert worst[0][:2] == ["Row", "File line"]
    assert [r[:2] for r in worst[1:]] == [["3", "7"], ["1", "3"]]  # window row; line in the file
    assert invalid[1:] == [["2", "6", "b", "predicted", "oops", "not a number"]]


def png(width: int, height: int) -> bytes:
    """A real (white) PNG image of ``width`` × ``height`` pixels, written here byte by byte."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels))
            + chunk(b"IEND", b""))


def test_plot_embedded_as_data_uri_or_referenced():
    ds = Dataset.from_arrays([1, 0], [0.8, 0.4])
    ev = evaluate(ds, LossOptions())
    image = png(30, 10)
    page = Page(report_html(ds, ev, source=None, plot=Figure.embedded(image), now=NOW))
    assert len(page.images) == 1
    prefix = "data:image/png;base64,"
    assert page.images[0].startswith(prefix)
    assert base64.b64decode(page.images[0][len(prefix):]) == image
    assert "Penalty curve" in page.headings
    named = Page(report_html(ds, ev, source=None, plot=Figure.named("plot.png", image), now=NOW))
    assert named.images == ["plot.png"]
    without = Page(report_html(ds, ev, source=None, now=NOW))
    assert without.images == [] and "Penalty curve" not in without.headings


def test_png_size_reads_the_header():
    assert png_size(png(1200, 396)) == (1200, 396)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))


@pytest.mark.parametrize("categorical", [False, True])
def test_every_figure_is_drawn_in_its_own_proportions(tmp_path, categorical):
    """Each <img> has a width and the height of its image's proportions: with a width alone,
    Qt's PDF drew the 3:2 calibration diagram at about 2.9:1 (QA, issue of the report's
    figures), binary and K-class reports alike, embedded or named."""
    from bce_gui.core.metrics.table import ModelColumns, table_insight

    src = tmp_path / "data.csv"
    if categorical:
        src.write_text("id,label,p_cat,p_dog,p_bird\nr1,cat,0.35,0.2,0.45\nr2,dog,0.1,0.8,0.1\n"
                       "r3,bird,0.2,0.2,0.6\nr4,cat,0.5,0.3,0.2\nr5,dog,0.3,0.4,0.3\n", encoding="utf-8")
    else:
        src.write_text("actual,predicted\n1,0.9\n0,0.2\n1,0.4\n0,0.7\n1,0.6\n", encoding="utf-8")
    ds, _ = read_table(src)
    assert ds.schema.task.is_binary != categorical
    ev = evaluate(ds, LossOptions())
    insight = table_insight(ModelColumns.of(ds, ev))
    sizes = {"plot": (1200, 396), "calibration": (1200, 800), "histogram": (1000, 700)}
    images = {k: png(*size) for k, size in sizes.items()}
    for make in (Figure.embedded, lambda b: Figure.named("x.png", b)):
        page = Page(report_html(ds, ev, source=None, plot=make(images["plot"]), insight=insight,
                                images={k: make(images[k]) for k in ("calibration", "histogram")},
                                now=NOW))
        assert len(page.image_attrs) == 3
        for attrs, (w, h) in zip(page.image_attrs, sizes.values()):
            shown_w, shown_h = int(attrs["width"]), int(attrs["height"])
            assert 400 <= shown_w <= 600
            assert abs(shown_h - shown_w * h / w) <= 0.5, (attrs["width"], attrs["height"], w, h)


def test_hostile_text_is_escaped_everywhere():
    ds = Dataset.from_roles(
        actual=NumericColumn(np.array([1.0, 1.0])),
        predicted=NumericColumn(np.array([0.4, np.nan]), text={1: "<img src=x onerror=alert(1)>"}),
        ids=np.array(["<script>alert('id')</script>", "ok"], dtype=object),
        column_names={"predicted": "<i>p</i>"},
    )
    text = report_html(ds, evaluate(ds, LossOptions()), source="<script>src</script>.csv", now=NOW)
    assert "<script" not in text.lower()
    assert "<img src=x" not in text and "<i>p</i>" not in text
    page = Page(text)
    assert set(page.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p",
                              "b", "table", "thead", "tr", "th", "td", "img"}
    assert page.images == []
    assert page.tables[0][1][1] == "<script>alert('id')</script>"  # shown as text, intact
    assert page.tables[1][1][1:4] == ["ok", "<i>p</i>", "<img src=x onerror=alert(1)>"]
    assert "Data: <script>src</script>.csv" in page.text


def test_infinite_loss_clipping_weights_and_options_are_stated():
    ds = Dataset.from_arrays([1, 0, 1], [0.0, 0.5, 0.5])
    page = Page(report_html(ds, evaluate(ds, LossOptions()), source=None, now=NOW))
    assert "∞ nats" in page.text
    assert "The loss is infinite: 1 row(s) give probability 0" in page.text
    assert page.tables[0][1][0] == "1" and page.tables[0][1][6] == "∞"

    sk = make_policy("sklearn")
    page = Page(report_html(ds, evaluate(ds, LossOptions(policy=sk)), source=None, now=NOW))
    assert "Convention: scikit-learn." in page.text and sk.description in page.text
    expected = (-math.log(sk.eps) + 2 * math.log(2)) / 3
    assert f"{expected:.4g} nats" in page.text

    w = Dataset.from_arrays([1, 0], [0.5, 0.5], weights=[3, 1])
    opts = LossOptions(logits=True, label_smoothing=0.1, pos_weight=2.0)
    page = Page(report_html(w, evaluate(w, opts), source=None, now=NOW))
    assert "weighted by the weight column" in page.text
    assert ("Options: Predictions read as logits; label smoothing 0.1; pos_weight 2 (class-1 rows count 2×)."
            in page.text)
    # The baseline is the best constant prediction under the same options, found here by search:
    # mean over rows of w·(−pos_weight·ys·ln q − (1 − ys)·ln(1 − q)), ys the smoothed labels.
    q = np.linspace(0.001, 0.999, 99_801)
    ys = np.array([1.0, 0.0]) * 0.9 + 0.05
    wts = np.array([3.0, 1.0])
    mean = sum(wt * -(2.0 * y * np.log(q) + (1 - y) * np.log1p(-q)) for wt, y in zip(wts, ys)) / wts.sum()
    best = int(np.argmin(mean))
    assert f"always predict p = {q[best]:.3g}, the best constant with these options" in page.text
    assert f"{mean[best]:.4g} nats" in page.text


def test_no_valid_rows_and_truncated_invalid_list():
    ds = Dataset.from_arrays([5.0] * 7, [0.5] * 7)
    page = Page(report_html(ds, evaluate(ds, LossOptions()), source=None, invalid_limit=3, now=NOW))
    assert "No valid rows: the loss is undefined." in page.text
    assert "Invalid rows (7, excluded)" in page.headings
    assert len(page.tables) == 1 and len(page.tables[0]) == 1 + 3
    assert "… the first 3 of them are listed." in page.text


def test_numbers_are_printed_to_the_precision_the_window_shows():
    p = [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]
    ds = Dataset.from_arrays([1, 0, 1], p)
    page = Page(report_html(ds, evaluate(ds, LossOptions()), source=None, now=NOW))
    predicted = {row[0]: row[3] for row in page.tables[0][1:]}
    assert predicted == {"1": f"{p[0]:.6g}", "2": f"{p[1]:.6g}", "3": f"{p[2]:.6g}"}
    assert "0.5488135039273248" not in report_html(ds, evaluate(ds, LossOptions()), source=None, now=NOW)


def test_the_guide_places_the_loss_and_the_baseline_on_the_scale():
    ds = Dataset.from_arrays([1, 0, 1, 0, 1, 1, 0, 0, 1, 0],
                             [0.94, 0.1, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])
    page = Page(report_html(ds, evaluate(ds, LossOptions()), source=None, now=NOW))
    assert "What the number means" in page.headings
    bands, marks = page.guide
    assert bands == ["great", "good", "fair", "not ideal", "very poor"]
    assert marks[2] == "▲ this loss 0.214"  # 0.214 is "fair" (0.20 to 0.30)
    assert marks[3] == "△ no skill 0.6931"  # the base rate's loss: "not ideal" (0.30 to 1.00)
    # (to the digits of the sentence above the scale: "No-skill baseline (...): 0.6931 nats")
    assert "always predict the base rate 0.5): 0.6931 nats." in page.text


def test_a_report_in_bits_gives_the_loss_baseline_and_guide_in_bits():
    """The window's unit is the report's: the loss first in bits (then nats), the baseline,
    the guide's marks and band limits in bits."""
    ds = Dataset.from_arrays([1, 0, 1, 0, 1, 1, 0, 0, 1, 0],
                             [0.94, 0.1, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])
    html_text = report_html(ds, evaluate(ds, LossOptions()), source=None, now=NOW, units="bits")
    page = Page(html_text)
    assert "0.3087 bits" in html_text and "= 0.214 nats per observation" in html_text
    _bands, marks = page.guide
    assert marks[2] == "▲ this loss 0.3087" and marks[3] == "△ no skill 1"
    assert "Band limits in bits: great | 0.0721" in html_text
    assert "No-skill baseline (always predict the base rate 0.5): 1 bit." in html_text
    nats = report_html(ds, evaluate(ds, LossOptions()), source=None, now=NOW)
    assert "0.214 nats" in nats and "= 0.3087 bits per observation" in nats
    # the worst rows' losses too: ID8's 0.82098 nats is 1.1844 bits
    assert "<th>Row loss (bits)</th>" in html_text and "1.1844" in html_text
    assert "<th>Row loss (nats)</th>" in nats and "0.82098" in nats


def test_the_conventions_sentences_are_in_the_reports_unit():
    """Found by the team: the report's Conventions sentences gave their costs in nats without
    the unit, also in a report in bits (whose table of losses was in bits)."""
    from bce_gui.core.metrics.table import MetricsSettings, ModelColumns, table_insight

    ds = Dataset.from_arrays([1, 0, 1, 0], [0.0, 0.2, 0.7, 0.4])
    ev = evaluate(ds, LossOptions())
    insight = table_insight(ModelColumns.of(ds, ev), MetricsSettings(n_resamples=10, band_resamples=10))
    sentences = {}
    for units in ("nats", "bits"):
        page = Page(report_html(ds, ev, source=None, now=NOW, insight=insight, units=units))
        sentences[units] = [p for p in page.paragraphs if p.startswith("1 row has p = 0")]
    (nats,), (bits,) = sentences["nats"], sentences["bits"]
    eps = np.finfo(float).eps
    # scikit-learn's cost of the p = 0 row, −ln(ε) nats = −log₂(ε) bits = 52 bits
    assert f"scikit-learn clips p to 2.2e-16 and it costs {-math.log(eps):.1f} nats" in nats
    assert f"scikit-learn clips p to 2.2e-16 and it costs {-math.log2(eps):g} bits" in bits
    assert f"so it costs {100 / math.log(2):.0f} bits" in bits  # PyTorch's −100 cap
    assert "nats" not in bits


def test_the_models_compared_are_in_the_reports_unit():
    """Found by the team: a report in bits gave the leaderboard, the differences and their
    sentences in nats."""
    from bce_gui.core.compare import ComparisonColumns, compare
    from bce_gui.core.metrics.table import MetricsSettings
    from bce_gui.core.schema import Schema

    y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0.0])
    a = np.array([0.94, 0.1, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])
    b = np.clip(a + 0.05, 0, 1)
    ds = Dataset({"actual": NumericColumn(y), "a": NumericColumn(a), "b": NumericColumn(b)},
                 Schema.binary("actual", ("a", "b")))
    ev = evaluate(ds, LossOptions())
    c = compare(ComparisonColumns.of(ds, ev), 0, MetricsSettings(n_resamples=50))
    loss = {m: -np.mean(np.log(np.where(y == 1, p, 1 - p))) for m, p in (("a", a), ("b", b))}
    for units, unit in (("nats", 1.0), ("bits", math.log(2))):
        page = Page(report_html(ds, ev, source=None, now=NOW, units=units, comparison=c))
        board = next(t for t in page.tables if t[0][0] == "Model" and t[0][2] == "95% interval")
        assert board[0][1] == f"Loss ({units})"
        assert {r[0].removesuffix(" (reference)"): r[1] for r in board[1:]} == {
            m: fmt_number(v / unit, 4) for m, v in loss.items()}
        diff = next(t for t in page.tables if t[0][0] == "Model" and t[0][3] == "Better on")
        assert diff[0][1] == f"Δ loss vs reference ({units})"
        assert diff[1][1] == fmt_number((loss["b"] - loss["a"]) / unit, 4)
        (sentence,) = [p for p in page.paragraphs if p.startswith("b − a = ")]
        assert sentence.startswith(f"b − a = {fmt_number((loss['b'] - loss['a']) / unit, 4)} {units} (")


def test_the_report_says_when_other_models_leave_rows_out():
    from bce_gui.core.schema import Schema

    nan = float("nan")
    cols = {"actual": NumericColumn(np.array([1.0, 0.0, 1.0, 0.0])),
            "predicted": NumericColumn(np.array([0.9, 0.2, 0.8, 0.3])),
            "model_b": NumericColumn(np.array([0.7, nan, nan, nan]))}
    ds = Dataset(cols, Schema.binary("actual", ("predicted", "model_b")))
    html = report_html(ds, evaluate(ds, LossOptions()), source="x.csv", now=NOW)
    assert ("<p>Scored on the 1 row every model has (3 rows have no usable prediction from "
            "model_b).</p>") in html
    one = Dataset(cols, Schema.binary("actual", ("predicted",)))
    assert "Scored on" not in report_html(one, evaluate(one, LossOptions()), source=None, now=NOW)
