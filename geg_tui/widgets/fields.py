"""Form fields: a label, an input, and the French error shown right under it.

Every form of the app is made of ``Field``s so that a backend's per-field message lands next to
the right input, and an error never clears what the person typed. ``FormError`` is the banner for
messages that belong to no single field (a generic refusal, a server that does not answer).
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Input, Label, Static


class Field(Vertical):
    """One labelled input with its error line."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 1 0; }
    Field > Label { color: $text-muted; padding: 0 1; }
    Field > Input { margin: 0 1; background: $boost; }
    Field > Input:focus { background: $primary 30%; }
    Field > .field-error { color: $error; padding: 0 1; height: auto; display: none; }
    Field.-invalid > .field-error { display: block; }
    Field.-invalid > Input { background: $error 20%; }
    """

    def __init__(
        self,
        label: str,
        name: str,
        *,
        password: bool = False,
        placeholder: str = "",
        value: str = "",
        max_length: int = 0,
        restrict: str | None = None,
        field_input: Input | None = None,
    ) -> None:
        """``field_input``: an ``Input`` of another kind (its id must be ``name``)."""
        self.field_name = name
        self._label = label
        self._input = field_input or Input(
            value=value,
            placeholder=placeholder,
            password=password,
            id=name,
            max_length=max_length,
            restrict=restrict,
            compact=True,
        )
        # The children are given here rather than composed: they are then mounted with the
        # screen, in one pass, instead of in a second pass once the field is mounted.
        super().__init__(
            Label(label), self._input, Static("", classes="field-error"), id=f"field-{name}"
        )

    def on_mount(self) -> None:
        self._input.cursor_blink = getattr(self.app, "cursor_blink", True)

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    @value.setter
    def value(self, text: str) -> None:
        self._input.value = text

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(message or "")


class FormError(Static):
    """A message for the whole form (hidden when empty)."""

    DEFAULT_CSS = """
    FormError { color: $error; padding: 0 1; height: auto; display: none; }
    FormError.-shown { display: block; }
    FormError.-info { color: $success; }
    """

    def show(self, message: str | None, *, info: bool = False) -> None:
        self.set_class(bool(message), "-shown")
        self.set_class(info, "-info")
        self.update(message or "")
