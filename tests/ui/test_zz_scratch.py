from PySide6.QtCore import Qt, QPoint, QPointF
from PySide6.QtWidgets import QApplication, QLineEdit
from PySide6.QtGui import QGuiApplication
import numpy as np

def test_probe(window, qtbot):
    w = window
    plot = w.plot
    pw = plot.plot
    vb = pw.getPlotItem().getViewBox()
    print("range", vb.viewRange(), pw.size(), pw.viewport().size())
    pts = plot.points0.points()
    print([ (p.pos().x(), p.pos().y(), p.data()) for p in pts])
    p8 = [p for p in pts if int(p.data()) == 7][0]
    scene = vb.mapViewToScene(p8.pos())
    vp = pw.mapFromScene(scene)
    print("scene", scene, "view", vp)
    with qtbot.waitSignal(plot.rowClicked, timeout=1000) as blocker:
        qtbot.mouseClick(pw.viewport(), Qt.LeftButton, pos=vp)
    print("clicked", blocker.args, w.tables.selected_data_rows())
