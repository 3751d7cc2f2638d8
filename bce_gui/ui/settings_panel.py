"""Loss settings in the window: convention, probabilities or logits, smoothing, units."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from ..core.loss import LossOptions, OptionsError
from ..core.policies import PolicyError, make_policy

POLICIES = [
    ("exact", "Exact (no clipping)"),
    ("sklearn", "scikit-learn (clip to float64 ε)"),
    ("torch", "PyTorch (log terms ≥ −100)"),
    ("keras", "Keras (float32, ε = 1e-7)"),
    ("custom", "Custom epsilon"),
]


class SettingsPanel(QGroupBox):
    """Edits a :class:`LossOptions`; emits ``optionsChanged`` with a valid one."""

    optionsChanged = Signal(object)
    unitsChanged = Signal(str)

    def __init__(self, options: LossOptions, parent: QWidget | None = None) -> None:
        super().__init__("Settings", parent)
        self.setAccessibleName("Loss settings")
        self._updating = False

        self.policy = QComboBox()
        for key, label in POLICIES:
            self.policy.addItem(label, key)
        self.policy.setAccessibleName("Clipping convention")
        self.eps = QLineEdit("1e-7")
        self.eps.setValidator(QDoubleValidator(1e-300, 0.4999, 20, self))
        self.eps.setAccessibleName("Custom epsilon")
        self.eps.setToolTip("Probabilities are clipped to [ε, 1 − ε]")
        self.input_kind = QComboBox()
        self.input_kind.addItem("Probabilities", False)
        self.input_kind.addItem("Logits (log-odds)", True)
        self.input_kind.setAccessibleName("Predicted values are")
        self.smoothing = QDoubleSpinBox()
        self.smoothing.setRange(0.0, 1.0)
        self.smoothing.setSingleStep(0.05)
        self.smoothing.setDecimals(3)
        self.smoothing.setAccessibleName("Label smoothing")
        self.smoothing.setToolTip("Keras' definition: y becomes y·(1 − a) + a/2")
        self.pos_weight = QDoubleSpinBox()
        self.pos_weight.setRange(0.0, 1e6)
        self.pos_weight.setDecimals(3)
        self.pos_weight.setSpecialValueText("off")
        self.pos_weight.setAccessibleName("Positive class weight")
        self.pos_weight.setToolTip("PyTorch's pos_weight (logits only): class-1 rows count this many times")
        self.soft = QCheckBox("Allow soft labels in [0, 1]")
        self.units = QComboBox()
        self.units.addItem("nats (natural log)", "nats")
        self.units.addItem("bits (log base 2)", "bits")
        self.units.setAccessibleName("Units")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #a40000;")
        self.error.setWordWrap(True)
        self.error.setMinimumWidth(120)  # wraps in a narrow panel instead of widening it

        for combo in (self.policy, self.input_kind, self.units):
            # Whole names when there is room; as narrow as ten characters when space is short
            # (the popup always shows whole names).
            combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance("0" * 8) + 30)
        for spin in (self.smoothing, self.pos_weight):
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("0000.000") + 30)
        form = QFormLayout(self)
        form.addRow("&Convention:", self.policy)
        form.addRow("&Epsilon:", self.eps)
        form.addRow("&Predicted values:", self.input_kind)
        form.addRow("Label &smoothing:", self.smoothing)
        form.addRow("P&os. weight:", self.pos_weight)
        form.addRow(self.soft)  # across both columns: the panel stays narrow
        form.addRow("&Units:", self.units)
        form.addRow(self.error)

        self.set_options(options)
        for sig in (self.policy.currentIndexChanged, self.input_kind.currentIndexChanged,
                    self.smoothing.valueChanged, self.pos_weight.valueChanged, self.soft.toggled):
            sig.connect(self._emit)
        self.eps.editingFinished.connect(self._emit)
        self.units.currentIndexChanged.connect(lambda: self.unitsChanged.emit(self.units.currentData()))

    def set_options(self, options: LossOptions) -> None:
        self._updating = True
        try:
            self.policy.setCurrentIndex(self.policy.findData(options.policy.name))
            if options.policy.name == "custom" and options.policy.eps is not None:
                self.eps.setText(f"{options.policy.eps:g}")
            self.input_kind.setCurrentIndex(1 if options.logits else 0)
            self.smoothing.setValue(options.label_smoothing)
            self.pos_weight.setValue(options.pos_weight or 0.0)
            self.soft.setChecked(options.soft_labels)
            self._sync_enabled()
        finally:
            self._updating = False

    def set_units(self, units: str) -> None:
        self.units.setCurrentIndex(self.units.findData(units))

    def _sync_enabled(self) -> None:
        self.eps.setEnabled(self.policy.currentData() == "custom")
        self.pos_weight.setEnabled(bool(self.input_kind.currentData()))

    def current_options(self) -> LossOptions:
        name = self.policy.currentData()
        eps = None
        if name == "custom":
            try:
                eps = float(self.eps.text().replace(",", "."))
            except ValueError:
                raise PolicyError(f"epsilon {self.eps.text()!r} is not a number") from None
        logits = bool(self.input_kind.currentData())
        pw = self.pos_weight.value() if logits and self.pos_weight.value() > 0 else None
        return LossOptions(
            policy=make_policy(name, eps),
            logits=logits,
            label_smoothing=self.smoothing.value(),
            pos_weight=pw,
            soft_labels=self.soft.isChecked(),
        )

    def _emit(self, *_args) -> None:
        if self._updating:
            return
        self._sync_enabled()
        try:
            options = self.current_options()
        except (PolicyError, OptionsError) as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.optionsChanged.emit(options)
