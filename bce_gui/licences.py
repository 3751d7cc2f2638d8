"""Licence names of installed distributions (no Qt): shared by the About dialog and the build's
licence gathering (packaging/bce_licenses.py), so both name a component's licence the same way."""

from __future__ import annotations


def licence_expression(meta) -> str:
    """A distribution's licence in one short line, from its metadata: the SPDX
    ``License-Expression``, else a one-line ``License`` field, else its licence classifiers."""
    expr = meta.get("License-Expression")
    if expr:
        return expr.strip()
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " / ".join(classifiers) or "see licence text"
