"""The form: it owns its fields and is the one place that decides where an error goes.

A screen never places an error itself: it hands the ``BackendError`` (or its own checks, as a
``{field: message}`` dict) to its ``Form``, which

- puts each message under the field of that name (``FormField.field_name``, or one of its
  ``also`` names), ignoring hidden fields;
- puts what belongs to no shown field, and a general message, in the form's banner
  (``FormError``; the current wizard step's own banner when it has one);
- keeps every value as typed, and moves the focus to the first field to correct, in the
  order of the form.

A field on a wizard step that is not shown is brought into view first (``Wizard.reveal``): the
summary of a signup sends the person back to the step of the field the backend refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual.containers import Vertical
from textual.widget import Widget

from geg_tui.api.errors import BackendError, ValidationError
from geg_tui.widgets.fields import FormError, FormField

if TYPE_CHECKING:
    from geg_tui.widgets.wizard import Wizard


def shown_in(widget: Widget, root: Widget, *, steps: bool = False, itself: bool = True) -> bool:
    """``widget`` and its ancestors up to ``root`` are displayed (``steps``: a wizard step put
    aside by its switcher counts as shown, since the form can bring it back; ``itself=False``:
    only the ancestors count, for a banner hidden while it is empty)."""
    from geg_tui.widgets.wizard import WizardStep

    node: Widget | None = widget
    if not itself and isinstance(widget.parent, Widget):
        node = widget.parent
    while node is not None and node is not root:
        if not node.display and not (steps and isinstance(node, WizardStep)):
            return False
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return True


class Form(Vertical):
    """A container of ``FormField``s with a banner (``FormError``) somewhere inside."""

    DEFAULT_CSS = """
    Form { height: auto; }
    """

    # --- the fields ------------------------------------------------------------------------
    def all_fields(self) -> list[FormField]:
        """Every field of the form, in order, shown or not."""
        return list(self.query(FormField).results(FormField))

    def fields(self) -> list[FormField]:
        """The fields a person can see now, in order."""
        return [f for f in self.all_fields() if shown_in(f, self)]

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def values(self) -> dict[str, Any]:
        """What is typed, by field name (hidden fields included: nothing typed is lost)."""
        return {f.field_name: f.value for f in self.all_fields()}

    def wizard(self) -> Wizard | None:
        from geg_tui.widgets.wizard import Wizard

        return self if isinstance(self, Wizard) else None

    # --- the banner ------------------------------------------------------------------------
    def banner(self) -> FormError | None:
        """The banner of what is shown: the current step's own, else the form's."""
        banners = [
            b for b in self.query(FormError).results(FormError) if shown_in(b, self, itself=False)
        ]
        return banners[0] if banners else None

    def clear_errors(self) -> None:
        for item in self.all_fields():
            item.set_error(None)
        for banner in self.query(FormError).results(FormError):
            banner.show(None)

    # --- errors ----------------------------------------------------------------------------
    def _candidates(self) -> list[FormField]:
        """Fields an error may go to: shown ones, and those of other wizard steps (the current
        step's first, so that a name both steps use lands on the step in view)."""
        wizard = self.wizard()
        other_steps = wizard is not None and wizard.reveal_other_steps
        fields = [f for f in self.all_fields() if shown_in(f, self, steps=other_steps)]
        if wizard is None:
            return fields
        current = [f for f in fields if wizard.step_of(f) is wizard.current_step()]
        return current + [f for f in fields if f not in current]

    def _target(self, name: str, fields: list[FormField]) -> FormField | None:
        """The field of that name (or taking it, ``also``), in ``fields``' order."""
        return next((f for f in fields if name == f.field_name or name in f.also), None)

    def show_error(
        self, error: BackendError | Mapping[str, str], *, general: str | None = None
    ) -> bool:
        """Each message under its field, the rest in the banner; the focus on the first field
        to correct. ``error`` is the backend's refusal or the form's own checks (a dict, with
        ``general`` for the banner). Returns whether a field got a message."""
        if isinstance(error, BackendError):
            messages, message = dict(error.fields), error.message
            # the generic « check the fields » in the current language is no news next to them
            specific = message not in messages.values() and message != str(
                ValidationError.default_message
            )
            general = general or (message if specific or not messages else None)
        else:
            messages = dict(error)
        self.clear_errors()
        candidates = self._candidates()
        placed: dict[FormField, str] = {}
        unplaced: list[str] = []
        for name, text in messages.items():
            target = self._target(name, candidates)
            if target is None:
                unplaced.append(text)
            elif target not in placed:  # two names for one field: the first message is kept
                placed[target] = text
        wizard = self.wizard()
        if wizard is not None and placed:
            wizard.reveal(list(placed))
            placed = {f: t for f, t in placed.items() if shown_in(f, self)}
        for target, text in placed.items():
            target.set_error(text)
            if not target.error_below:
                unplaced.append(text)
        banner_text = " ".join(t for t in (general, *unplaced) if t)
        if not placed and not banner_text and isinstance(error, BackendError):
            banner_text = error.message
        banner = self.banner()
        if banner is not None and banner_text:
            banner.show(banner_text)
        self.focus_first_error()
        return bool(placed)

    def first_error(self) -> FormField | None:
        return next((f for f in self.fields() if f.invalid), None)

    def focus_first_error(self) -> bool:
        """The focus on the first field to correct, in the order of the form (if any)."""
        first = self.first_error()
        if first is not None:
            first.focus_control()
        return first is not None
