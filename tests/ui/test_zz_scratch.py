from PySide6.QtCore import Qt, QPoint
from PySide6.QtWidgets import QApplication, QLineEdit
from PySide6.QtGui import QGuiApplication

def test_probe(window, qtbot):
    w = window
    m = w.model
    print("active", QApplication.activeWindow(), "focus", QApplication.focusWidget())
    v = w.obs_view
    idx = m.index(7, m.column_of('predicted'))
    v.setCurrentIndex(idx)
    qtbot.keyClick(v, Qt.Key_0)
    eds = v.viewport().findChildren(QLineEdit)
    print("editors", eds, QApplication.focusWidget(), [e.text() for e in eds])
    ed = eds[0]
    qtbot.keyClicks(ed, ".3")
    qtbot.keyClick(ed, Qt.Key_Return)
    qtbot.waitUntil(lambda: not v.viewport().findChildren(QLineEdit) or not v.viewport().findChildren(QLineEdit)[0].isVisible())
    print("focus after", QApplication.focusWidget())
    print("cell", w.doc.dataset.cell_text('predicted', 7), w.summary.loss_text())
    QGuiApplication.clipboard().setText("id\tactual\tpredicted\nA\t1\t0.5\n")
    v.setCurrentIndex(m.index(9, 0))
    qtbot.keyClick(v, Qt.Key_V, Qt.ControlModifier)
    print("len after paste", len(w.doc), w.doc.dataset.cell_text('id',9))
    v.setCurrentIndex(m.index(3, 1)); qtbot.keyClick(v, Qt.Key_I, Qt.ControlModifier); print("after ins", len(w.doc), w.tables.selected_data_rows(), [ (r.top(), r.bottom(), r.left(), r.right()) for r in v.selectionModel().selection()])
    qtbot.keyClick(v, Qt.Key_Minus, Qt.ControlModifier); print("after del", len(w.doc))
    v.setCurrentIndex(m.index(3, 1)); qtbot.keyClick(v, Qt.Key_C, Qt.ControlModifier); print("copied", repr(QGuiApplication.clipboard().text()))
    qtbot.keyClick(v, Qt.Key_Delete); print("after delete key", repr(w.doc.dataset.cell_text('actual',3)))
    qtbot.keyClick(v, Qt.Key_N, Qt.ControlModifier); print("new", len(w.doc), w.summary.loss_text())

    qtbot.keyClick(v, Qt.Key_Z, Qt.ControlModifier)
    print("len after undo", len(w.doc))
    qtbot.keyClick(v, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    print("len after redo", len(w.doc))
    qtbot.keyClick(v, Qt.Key_F1)
    print("dock", w.explain_dock.isVisible())
