"""A plot's legend in a band under its axes, outside the data area.

Inside the data area a legend always covers something for some data: the penalty curve's points
around q = 0.4 in a short plot, the worst row at the top of a log-scaled axis, a calibration
bin at accuracy 1.0 (QA found each). Under the x axis's title it covers nothing, whatever the
data, the axis scale or the plot's size, in the window and in the report alike. Its entries
are laid out in as many columns as the plot's width holds, and the plot leaves a band of the
legend's height free for it (the bottom margin of the :class:`~pyqtgraph.PlotItem`'s layout).
"""

from __future__ import annotations

from contextlib import contextmanager

#: Pixels between the x axis's title and the legend, and under the legend.
GAP = 4


class LegendBelow:
    """Keeps ``legend`` (a :class:`pyqtgraph.LegendItem` made by ``item.addLegend``) under the
    axes of ``item`` (its :class:`~pyqtgraph.PlotItem`): re-fitted when the plot is resized or
    the legend's entries change."""

    def __init__(self, item, legend) -> None:
        self.item, self.legend = item, legend
        self._fitting = False
        legend.setParentItem(item)  # out of the view box: laid out beside the axes
        legend.anchor(itemPos=(0.5, 1), parentPos=(0.5, 1), offset=(0, -GAP))
        item.geometryChanged.connect(self.fit)
        legend.geometryChanged.connect(self.fit)  # (its size follows its entries)
        self.fit()

    def fit(self) -> None:
        """As many columns as the plot's width holds (one row when they all fit), and a band
        under the axes as high as the legend."""
        if self._fitting:
            return
        self._fitting = True
        try:
            legend, n = self.legend, len(self.legend.items)
            room = self.item.width() - 2 * GAP
            for columns in range(max(n, 1), 0, -1):
                legend.setColumnCount(columns)
                if legend.width() <= room:
                    break
            band = legend.height() + 2 * GAP if n else 0.0
            left, top, right, _bottom = self.item.layout.getContentsMargins()
            self.item.layout.setContentsMargins(left, top, right, 1 + band)
            self.item.layout.activate()  # now: an export lays the plot out and draws at once
        finally:
            self._fitting = False


@contextmanager
def entry_left_out(legend, plot_item):
    """The legend without ``plot_item``'s entry (the selection ring in an export), its other
    entries closing up; the entries as they were afterwards, in their order."""
    entries = [(sample.item, label.text) for sample, label in legend.items]
    if all(item is not plot_item for item, _name in entries):
        yield
        return
    legend.removeItem(plot_item)
    try:
        yield
    finally:
        legend.clear()
        for item, name in entries:
            legend.addItem(item, name)
