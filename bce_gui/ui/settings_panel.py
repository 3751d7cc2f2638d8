"""Loss settings in the window: convention, probabilities or logits, smoothing, reduction, units.

The document owns the options. The panel shows the document's (it follows
``Document.optionsChanged``, so also an Undo, the one-click clipping or a restored file) and, when
the user changes a control, asks for new ones with ``optionsRequested``; the window turns the
request into an undo step (``commands.set_options``), after which the panel shows what the
document then holds.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QWidget,
)

from ..core.formatting import NumberParseError
from ..core.loss import REDUCTION_DESCRIPTIONS, LossOptions, OptionsError, default_reduction
from ..core.policies import ClipPolicy, PolicyError, make_policy
from . import theme
from .document import Document
from .numbers import NumberEdit, NumberSpinBox

REDUCTION_FORMULAS = {"weighted-mean": "Σw·l/Σw", "mean": "Σw·l/N", "sum": "Σw·l"}
REDUCTION_LABELS = {
    "weighted-mean": "Weighted mean, Σw·l/Σw",
    "mean": "Mean over rows, Σw·l/N",
    "sum": "Sum, Σw·l",
}

#: What the epsilon field holds when Custom is first chosen.
DEFAULT_CUSTOM_EPS = 1e-7
CUSTOM_EPS_TIP = "Probabilities are clipped to [ε, 1 − ε]"

POLICIES = [(name, ClipPolicy(name).short_label()) for name in
            ("exact", "sklearn", "torch", "keras", "custom")]


class SettingsPanel(QGroupBox):
    """Shows the document's :class:`LossOptions`; asks for valid new ones (``optionsRequested``)."""

    #: The user changed a control: these options are wanted (the document does not have them yet).
    optionsRequested = Signal(object)
    unitsChanged = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__("Settings", parent)
        self.setAccessibleName("Loss settings")
        self._updating = False

        self.policy = QComboBox()
        for key, label in POLICIES:
            self.policy.addItem(label, key)
        self.policy.setAccessibleName("Clipping convention")
        # The epsilon in force: the convention's own (read only), or the custom one, which the
        # field keeps while another convention is shown.
        self.eps = NumberEdit()
        self.eps.setAccessibleName("Epsilon")
        self._custom_eps = DEFAULT_CUSTOM_EPS
        self._eps_is_custom = False
        self.input_kind = QComboBox()
        self.input_kind.addItem("Probabilities", False)
        self.input_kind.addItem("Logits (log-odds)", True)
        self.input_kind.setAccessibleName("Predicted values are")
        self.smoothing = NumberSpinBox()
        self.smoothing.setRange(0.0, 1.0)
        self.smoothing.setSingleStep(0.05)
        self.smoothing.setDecimals(3)
        self.smoothing.setAccessibleName("Label smoothing")
        self.smoothing.setToolTip("Keras' definition: y becomes y·(1 − a) + a/2")
        self.pos_weight = NumberSpinBox()
        self.pos_weight.setRange(0.0, 1e6)
        self.pos_weight.setDecimals(3)
        self.pos_weight.setSpecialValueText("off")
        self.pos_weight.setAccessibleName("Positive class weight")
        self.pos_weight.setToolTip("PyTorch's pos_weight (logits only): class-1 rows count this many times")
        self.reduction = QComboBox()
        self.reduction.addItem("", None)  # "Library default (...)": the text follows the convention
        for key in ("weighted-mean", "mean", "sum"):
            self.reduction.addItem(REDUCTION_LABELS[key], key)
        # The width must not follow the default's text (it changes with the convention).
        self.reduction.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reduction.setMinimumContentsLength(12)
        self.reduction.setAccessibleName("Reduction")
        self.reduction.setToolTip(
            "How weighted row losses become one number. scikit-learn divides Σ w·loss by Σ w; "
            "PyTorch and Keras by default divide it by N, the number of rows. Without weights "
            "both means agree."
        )
        self.soft = QCheckBox("Allow soft labels in [0, 1]")
        self.renormalize = QCheckBox("Renormalise rows not summing to 1")
        self.renormalize.setToolTip(
            "K classes: divide each row whose probabilities do not sum to 1 by its sum first, as "
            "Keras does (Keras always does). Off: such rows are used as given and noted, as "
            "scikit-learn does.")
        self.units = QComboBox()
        self.units.addItem("nats (natural log)", "nats")
        self.units.addItem("bits (log base 2)", "bits")
        self.units.setAccessibleName("Units")
        self.error = QLabel("")
        theme.set_text_colour(self.error, theme.warning_text(self.palette()))
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
        form.addRow("Epsi&lon:", self.eps)  # (Alt+E opens the Edit menu)
        form.addRow("&Predicted values:", self.input_kind)
        form.addRow("Label &smoothing:", self.smoothing)
        form.addRow("P&os. weight:", self.pos_weight)
        form.addRow("&Reduction:", self.reduction)
        form.addRow(self.soft)  # across both columns: the panel stays narrow
        form.addRow(self.renormalize)
        form.addRow("&Units:", self.units)
        form.addRow(self.error)

        # Long choices ("scikit-learn (clip to float64 ε)") may be cut in the closed box when the
        # window is narrow (at 2x scaling a 1920-pixel screen is 960 wide); the list shows them whole.
        for box in (self.policy, self.input_kind, self.units):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
            box.setToolTip(box.currentText())
            box.currentTextChanged.connect(box.setToolTip)

        self.doc = doc
        self.set_options(doc.options)
        doc.optionsChanged.connect(self._show_document_options)  # also after Undo / Redo
        doc.reset.connect(self._show_document_options)  # another table: binary or K classes
        for sig in (self.policy.currentIndexChanged, self.input_kind.currentIndexChanged,
                    self.smoothing.valueChanged, self.pos_weight.valueChanged, self.soft.toggled,
                    self.reduction.currentIndexChanged, self.renormalize.toggled):
            sig.connect(self._emit)
        self.eps.editingFinished.connect(self._emit)
        self.smoothing.invalidText.connect(lambda text: self._invalid("Label smoothing", text))
        self.pos_weight.invalidText.connect(lambda text: self._invalid("Pos. weight", text))
        self.units.currentIndexChanged.connect(lambda: self.unitsChanged.emit(self.units.currentData()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        """Wide enough for every choice in full: the boxes may shrink in a narrow window (their
        minimum), but where there is room they show "Library default (Σw·l/Σw)" whole."""
        hint = super().sizeHint()
        fm = self.fontMetrics()
        short = 0
        for box in (self.policy, self.input_kind, self.reduction, self.units):
            longest = max((fm.horizontalAdvance(box.itemText(i)) for i in range(box.count())), default=0)
            # (the arrow, frame and padding take what the box's own hint has beyond its text)
            chrome = box.sizeHint().width() - fm.horizontalAdvance("x" * box.minimumContentsLength())
            short = max(short, longest + chrome - box.sizeHint().width())
        return QSize(hint.width() + short, hint.height())

    def _show_document_options(self) -> None:
        self.set_options(self.doc.options)

    def set_options(self, options: LossOptions) -> None:
        """Show ``options`` (the document's); asks for nothing."""
        self._updating = True
        try:
            self.policy.setCurrentIndex(self.policy.findData(options.policy.name))
            if options.policy.name == "custom" and options.policy.eps is not None:
                self._custom_eps = options.policy.eps
                self._eps_is_custom = False  # (shown again below)
            self.input_kind.setCurrentIndex(1 if options.logits else 0)
            self.smoothing.setValue(options.label_smoothing)
            self.pos_weight.setValue(options.pos_weight or 0.0)
            self.soft.setChecked(options.soft_labels)
            self.renormalize.setChecked(options.renormalize)
            self.reduction.setCurrentIndex(max(0, self.reduction.findData(options.reduction)))
            self._sync_enabled()
        finally:
            self._updating = False

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            theme.set_text_colour(self.error, theme.warning_text(self.palette()))

    def set_units(self, units: str) -> None:
        self.units.setCurrentIndex(self.units.findData(units))

    def _sync_enabled(self) -> None:
        categorical = getattr(self, "doc", None) is not None and self.doc.categorical
        self._show_eps(not categorical)
        for i in range(self.policy.count()):  # (PyTorch's K-class loss clamps no log)
            self.policy.setItemText(i, ClipPolicy(self.policy.itemData(i)).short_label(
                not categorical))
        # K classes: pos_weight and soft labels are binary only; renormalising is K-class only.
        self.pos_weight.setEnabled(bool(self.input_kind.currentData()) and not categorical)
        self.soft.setEnabled(not categorical)
        self.renormalize.setVisible(categorical)
        self.renormalize.setEnabled(not self.input_kind.currentData())
        self.smoothing.setToolTip("Keras' definition: y becomes y·(1 − a) + a/K" if categorical
                                  else "Keras' definition: y becomes y·(1 − a) + a/2")
        default = default_reduction(self.policy.currentData())
        self.reduction.setItemText(0, f"Library default ({REDUCTION_FORMULAS[default]})")
        self.reduction.setItemData(0, f"As the convention's library: {REDUCTION_DESCRIPTIONS[default]}",
                                   Qt.ItemDataRole.ToolTipRole)

    def _show_eps(self, binary: bool) -> None:
        """The epsilon in force under the convention chosen: the library's own, read only (or
        what stands for it where no probability is clipped), or the custom one, editable."""
        name = self.policy.currentData()
        custom = name == "custom"
        if custom:
            if not self._eps_is_custom:
                self.eps.set_number(self._custom_eps)
            self.eps.setPlaceholderText("")
            self.eps.setToolTip(CUSTOM_EPS_TIP)
        else:
            if self._eps_is_custom:  # kept for a return to Custom
                try:
                    self._custom_eps = self.eps.number()
                except NumberParseError:
                    pass  # (the error label said so: the last good one is kept)
            policy = make_policy(name)
            if policy.eps is None:
                self.eps.clear()
            else:
                self.eps.set_number(policy.eps, 3)  # 2.22e-16: read only, three digits say it
            self.eps.setPlaceholderText(policy.eps_note(binary) or "")
            self.eps.setToolTip(policy.describe(binary))
        self._eps_is_custom = custom
        self.eps.setEnabled(custom)

    def current_options(self) -> LossOptions:
        name = self.policy.currentData()
        eps = None
        if name == "custom":
            try:
                eps = self.eps.number()
            except NumberParseError as exc:
                raise PolicyError(f"Epsilon: {exc}") from None
        logits = bool(self.input_kind.currentData())
        pw = self.pos_weight.value() if logits and self.pos_weight.value() > 0 else None
        return LossOptions(
            policy=make_policy(name, eps),
            logits=logits,
            label_smoothing=self.smoothing.value(),
            pos_weight=pw,
            soft_labels=self.soft.isChecked(),
            reduction=self.reduction.currentData(),
            renormalize=self.renormalize.isChecked(),
        )

    def _invalid(self, field: str, text: str) -> None:
        self.error.setText(f"{field}: {text}")

    def refresh_numbers(self) -> None:
        """Show every number again in the window's number style (after it changed)."""
        self.smoothing.refresh_text()
        self.pos_weight.refresh_text()
        if self.policy.currentData() == "custom":
            try:
                self.eps.set_number(self.eps.number())
            except NumberParseError:
                pass  # the error label already says what is wrong with it
        else:
            self._show_eps(not self.doc.categorical)  # the convention's own, in the new style

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
        if options != self.doc.options:
            self.optionsRequested.emit(options)
