"""Widget styles kept in ``.tcss`` files beside their modules (DESIGN.md), as screens keep
theirs with ``CSS_PATH``.

Textual reads ``CSS_PATH`` for an App or a Screen only; a widget has ``DEFAULT_CSS``, a string.
``widget_css`` fills that string from the file when the widget's module is imported: the rules
stay default rules (a screen's or the app's own CSS still overrides them, as it did), and the
file is read once, a few hundred bytes, with the module.
"""

from __future__ import annotations

from pathlib import Path


def widget_css(module_file: str, name: str) -> str:
    """The text of ``name``, the ``.tcss`` file next to ``module_file`` (a module's ``__file__``)."""
    return Path(module_file).with_name(name).read_text(encoding="utf-8")
