"""Clipping conventions: how each reference library keeps log(0) out of the loss.

The libraries analysts compare against disagree near p = 0 and p = 1. Each convention here
reproduces one library's arithmetic, so the app can show a number that matches the library the
analyst uses, and explain the difference when they disagree:

* ``exact``   -- no clipping at all. p = 0 for a class-1 row gives an infinite loss.
* ``sklearn`` -- ``sklearn.metrics.log_loss``: the probability of each class (p and 1 - p, the
  latter rounded to float64) is clipped to [eps, 1 - eps], eps = float64 machine epsilon.
* ``torch``   -- ``torch.nn.functional.binary_cross_entropy``: each log term is clamped at -100.
* ``keras``   -- ``keras.losses.BinaryCrossentropy`` (Keras 3): float32 arithmetic, p clipped
  to [1e-7, 1 - 1e-7] before the logs.
* ``custom``  -- like ``sklearn`` but with the analyst's own epsilon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .formatting import NumberStyle, fmt_list, localize

FLOAT64_EPS = float(np.finfo(np.float64).eps)
KERAS_EPSILON = 1e-7
TORCH_LOG_FLOOR = -100.0

POLICY_NAMES = ("exact", "sklearn", "torch", "keras", "custom")


@dataclass(frozen=True)
class ClipPolicy:
    """A named clipping convention, with the epsilon it uses (if any)."""

    name: str
    eps: float | None = None

    @property
    def label(self) -> str:
        """Short human name, e.g. for a combo box or a report."""
        return {
            "exact": "Exact (no clipping)",
            "sklearn": "scikit-learn",
            "torch": "PyTorch",
            "keras": "Keras",
            "custom": f"Custom epsilon ({localize(f'{self.eps:g}')})" if self.eps is not None
            else "Custom epsilon",
        }[self.name]

    @property
    def description(self) -> str:
        """One sentence saying what the convention does to p (binary; see :meth:`describe`)."""
        return self._description()

    def _clip_range(self, eps: str, style: NumberStyle | None) -> str:
        """"[eps, 1 - eps]" with the decimal mark (and list separator) of ``style``."""
        shown = localize(eps, style)
        return f"[{fmt_list([shown, f'1 - {shown}'], style=style)}]"

    def _description(self, style: NumberStyle | None = None) -> str:
        if self.name == "exact":
            return "Probabilities are used as they are; a probability of 0 for the actual class gives an infinite loss."
        if self.name == "sklearn":
            return (
                "As sklearn.metrics.log_loss: the probability of each class is clipped to "
                f"{self._clip_range(f'{FLOAT64_EPS:.3g}', style)} (float64 machine epsilon)."
            )
        if self.name == "torch":
            return (
                "As torch.nn.functional.binary_cross_entropy: each log term is clamped at -100, "
                "so no row loses more than 100 nats."
            )
        if self.name == "keras":
            return (
                "As keras.losses.BinaryCrossentropy (Keras 3): float32 arithmetic, p clipped to "
                f"{self._clip_range('1e-7', style)} before taking logs."
            )
        return f"The probability of each class is clipped to {self._clip_range(f'{self.eps:g}', style)}."


    def describe(self, binary: bool = True, style: NumberStyle | None = None) -> str:
        """:attr:`description`, for K classes too (PyTorch's K-class loss clamps no log; Keras'
        is CategoricalCrossentropy, which divides each row by its sum); its numbers in
        ``style`` (default: the window's; JSON passes C)."""
        if self.name == "torch" and not binary:
            return ("As torch.nn.NLLLoss of log(p) (CrossEntropyLoss for logits): nothing is "
                    "clipped or clamped; a probability of 0 for the actual class gives an "
                    "infinite loss.")
        if self.name == "keras" and not binary:
            return ("As keras.losses.CategoricalCrossentropy (Keras 3): float32 arithmetic, "
                    f"each row divided by its sum, then clipped to {self._clip_range('1e-7', style)} "
                    "before taking logs.")
        return self._description(style)

    def short_label(self, binary: bool = True) -> str:
        """:attr:`label` with what the convention does, for a list to choose from."""
        if self.name == "sklearn":
            return "scikit-learn (clip to float64 ε)"
        if self.name == "torch":
            return "PyTorch (log terms ≥ −100)" if binary else "PyTorch (NLLLoss: no clamp)"
        if self.name == "keras":
            return "Keras (float32, ε = 1e-7)"
        return self.label

    def eps_note(self, binary: bool = True) -> str | None:
        """What stands where an epsilon would for a convention that clips no probability (a
        settings field shows it); None when it has an epsilon (:attr:`eps`)."""
        if self.eps is not None:
            return None
        if self.name == "torch" and binary:
            return f"none (log ≥ {TORCH_LOG_FLOOR:g})"
        return "none (no clipping)"


class PolicyError(ValueError):
    """An unknown convention name or an unusable epsilon."""


def make_policy(name: str = "exact", eps: float | None = None) -> ClipPolicy:
    """Build a policy by name; ``eps`` alone (with name ``custom`` or ``exact``) means custom."""
    name = (name or "exact").strip().lower()
    aliases = {"scikit-learn": "sklearn", "pytorch": "torch", "none": "exact", "tf": "keras"}
    name = aliases.get(name, name)
    if name not in POLICY_NAMES:
        raise PolicyError(
            f"unknown clipping convention {name!r}; choose one of: {', '.join(POLICY_NAMES)}"
        )
    if eps is not None:
        if name not in ("custom", "exact", "sklearn"):
            raise PolicyError(f"--eps cannot be combined with the {name} convention")
        eps = float(eps)
        if not (0.0 < eps < 0.5):
            raise PolicyError(f"epsilon must be greater than 0 and less than {localize('0.5')}, "
                              f"not {localize(f'{eps:g}')}")
        return ClipPolicy("custom", eps)
    if name == "custom":
        raise PolicyError("the custom convention needs an epsilon (--eps)")
    if name == "sklearn":
        return ClipPolicy("sklearn", FLOAT64_EPS)
    if name == "keras":
        return ClipPolicy("keras", KERAS_EPSILON)
    return ClipPolicy(name)
