"""The wizard: a form in steps (signup, password reset), one step shown at a time.

It is a ``Form``: its fields live on every step at once, so nothing typed is lost going back and
forth, and an error the backend gives for a field of another step brings that step back into
view (``reveal``). Each step has its own validation (``WizardStep.check``, run by
``check_step`` before the screen calls the backend) and may have its own banner. Going back
follows the steps actually visited (``back``); the screen hears of every change
(``Wizard.StepChanged``) to update its buttons, key bar and indicator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from geg_tui.widgets.fields import FormField
from geg_tui.widgets.form import Form

StepCheck = Callable[[Mapping[str, Any]], dict[str, str]]


class WizardStep(VerticalScroll):
    """One step. ``check``: its own validation, from the form's values to ``{field: message}``
    (empty when the step may go on)."""

    DEFAULT_CSS = """
    WizardStep { height: auto; }
    """

    def __init__(
        self,
        *children: Widget,
        id: str,
        title: str = "",
        check: StepCheck | None = None,
        classes: str | None = "step",
    ) -> None:
        super().__init__(*children, id=id, classes=classes)
        self.title = title
        self.check = check


class WizardSteps(ContentSwitcher):
    """The steps of a wizard (only the current one is displayed)."""


class Wizard(Form):
    """A form whose fields are spread over ``WizardStep``s inside its ``WizardSteps``."""

    @dataclass
    class StepChanged(Message):
        wizard: Wizard
        step: str

    def __init__(
        self, *children: Widget, id: str | None = None, reveal_other_steps: bool = True
    ) -> None:
        """``reveal_other_steps=False``: an error is placed on the step in view only (what
        belongs to another step goes to its banner)."""
        super().__init__(*children, id=id)
        self.history: list[str] = []
        self.reveal_other_steps = reveal_other_steps

    # --- where we are ----------------------------------------------------------------------
    def switcher(self) -> WizardSteps:
        return self.query_one(WizardSteps)

    def steps(self) -> list[WizardStep]:
        return list(self.switcher().query_children(WizardStep).results(WizardStep))

    @property
    def step(self) -> str:
        """The id of the current step."""
        return self.switcher().current or self.steps()[0].id or ""

    def current_step(self) -> WizardStep:
        return self.switcher().query_one(f"#{self.step}", WizardStep)

    def index(self) -> int:
        """The current step's position, from 1."""
        return [s.id for s in self.steps()].index(self.step) + 1

    def step_of(self, widget: Widget) -> WizardStep | None:
        for ancestor in widget.ancestors:
            if isinstance(ancestor, WizardStep):
                return ancestor
        return None

    # --- moving ----------------------------------------------------------------------------
    def go(self, step: str, *, remember: bool = True) -> None:
        """Show ``step`` (``remember``: « back » returns to the step left)."""
        if step != self.step and remember:
            self.history.append(self.step)
        self.switcher().current = step
        self.clear_errors()
        self.post_message(self.StepChanged(self, step))

    def back(self) -> bool:
        """The step visited before, keeping what was typed; False on the first step."""
        if not self.history:
            return False
        self.go(self.history.pop(), remember=False)
        return True

    def reveal(self, fields: list[FormField]) -> None:
        """Errors on fields of other steps: the earliest of those steps comes into view,
        unless one of them is on the step shown."""
        owners = [self.step_of(f) for f in fields]
        if not owners or self.current_step() in owners:
            return
        order = self.steps()
        first = min((o for o in owners if o is not None), key=order.index, default=None)
        if first is not None and first.id:
            self.go(first.id, remember=False)

    # --- each step's validation ------------------------------------------------------------
    def check_step(self) -> bool:
        """Run the current step's own check; its errors are shown. True when it may go on."""
        check = self.current_step().check
        errors = check(self.values()) if check is not None else {}
        if errors:
            self.show_error(errors)
            return False
        return True

    def focus_first_field(self, *, empty_first: bool = False) -> None:
        """The focus on the step's first field (``empty_first``: its first empty one)."""
        fields = [f for f in self.current_step().query(FormField) if f.display]
        empty = [f for f in fields if not f.value] if empty_first else []
        target = (empty or fields or [None])[0]
        if target is not None:
            target.focus_control()
