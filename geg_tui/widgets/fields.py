"""Form fields: a label, a control (input, select, checkbox, text area), and the error
shown right under it.

Every field shares one shape (``FormField``): a ``field_name`` (the name the backend uses in
``BackendError.fields``), a ``value``, a ``control`` to focus, and ``set_error``. The ``Form``
(``geg_tui.widgets.form``) owns them and is the only place that decides where an error goes.
An error line starts with a marker and a word (« ✗ Erreur : »), so it is not told by colour
alone (WCAG 1.4.1); setting one never clears what the person typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioButton, Select, Static

from geg_tui.i18n import _

if TYPE_CHECKING:
    from textual.widgets import TextArea

ERROR_MARK = "✗"


def error_text(message: str) -> str:
    """« ✗ Erreur : … »: the marker and the word that say it is an error without colour."""
    return _("{mark} Erreur : {message}").format(mark=ERROR_MARK, message=message)


class FormField(Vertical):
    """One labelled control with its error line; subclasses say which control.

    ``also``: other names the backend may use for this field (a step asking a new secret
    answer takes ``secret_answer``), tried after the exact names of the other fields.
    ``error_below=False``: a field with no room for an error line (a date in a toolbar); it is
    marked wrong and its message goes to the form's banner.
    """

    DEFAULT_CSS = """
    FormField { height: auto; margin: 0 0 1 0; }
    FormField > Label { color: $text-muted; padding: 0 1; }
    FormField > .field-error { color: $error; padding: 0 1; height: auto; display: none; }
    FormField.-invalid > .field-error { display: block; text-style: bold; }
    FormField.-no-error-line > .field-error { display: none; }
    """

    def __init__(
        self,
        label: str | Widget | None,
        name: str,
        control: Widget,
        *,
        also: Iterable[str] = (),
        error_below: bool = True,
        id: str | None = None,
    ) -> None:
        self.field_name = name
        self.also = tuple(also)
        self.error_below = error_below
        self.control = control
        children: list[Widget] = []
        if isinstance(label, Widget):
            children.append(label)
        elif label is not None:
            children.append(Label(label))
        # The children are given here rather than composed: they are then mounted with the
        # screen, in one pass, instead of in a second pass once the field is mounted.
        super().__init__(
            *children,
            control,
            Static("", classes="field-error"),
            id=id or f"field-{name}",
            classes="" if error_below else "-no-error-line",
        )

    @property
    def value(self) -> Any:
        raise NotImplementedError

    @property
    def invalid(self) -> bool:
        return self.has_class("-invalid")

    def set_error(self, message: str | None) -> None:
        """Show (or clear, with ``None``) this field's error; the value is left as typed."""
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(error_text(message) if message else "")

    def focus_control(self) -> None:
        self.control.focus()


class FormInput(Input):
    """An input that keeps a fast typist's keys where they were meant.

    Textual moves the focus on Tab only once the key has bubbled up to the screen's binding;
    the keys typed right after it (a burst: ``abc<Tab>secret``) are by then already queued for
    this input and would land here — a password in clear in the e-mail field. So this input
    moves the focus itself as soon as it sees Tab (or Shift+Tab), and hands any key that
    reaches it once it has lost the focus to the widget that has it, in the order typed.
    """

    refused_said = False  # the field shows « caractère refusé » (cleared by the next change)

    def restricted(self) -> None:
        """A key the field does not take (a letter in a postcode, past its length): Textual
        only rings the bell, which many terminals silence; the field says it under itself, and
        what was typed before stays as it was."""
        field = self.parent
        if not isinstance(field, FormField):
            super().restricted()
            return
        if self.max_length and len(self.value) >= self.max_length:
            message = _("{n} caractères au plus : la suite n'a pas été prise.").format(
                n=self.max_length
            )
        else:
            message = _("Caractère refusé dans ce champ ; le reste de votre saisie est conservé.")
        field.set_error(message)
        self.refused_said = True

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self.refused_said and isinstance(self.parent, FormField):
            self.refused_said = False
            self.parent.set_error(None)

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.prevent_default()
            event.stop()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab") and focused is self:
            event.prevent_default()
            event.stop()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        await super()._on_key(event)


class Field(FormField):
    """A labelled text input (``password=True`` hides what is typed)."""

    DEFAULT_CSS = """
    Field > Input { margin: 0 1; background: $boost; }
    Field > Input:focus { background: $primary 30%; }
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
        also: Iterable[str] = (),
        error_below: bool = True,
    ) -> None:
        """``field_input``: an ``Input`` of another kind (its id must be ``name``)."""
        self._input = field_input or FormInput(
            value=value,
            placeholder=placeholder,
            password=password,
            id=name,
            max_length=max_length,
            restrict=restrict,
            compact=True,
        )
        super().__init__(label, name, self._input, also=also, error_below=error_below)

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


class SelectField(FormField):
    """A labelled list to choose from; ``value`` is the chosen value or ``None``."""

    DEFAULT_CSS = """
    SelectField > Select { margin: 0 1; }
    """

    def __init__(self, label: str, name: str, prompt: str, *, also: Iterable[str] = ()) -> None:
        self.select: Select[Any] = Select([], prompt=prompt, id=name, compact=True)
        super().__init__(label, name, self.select, also=also)

    @property
    def value(self) -> Any:
        value = self.select.value
        return None if value is Select.NULL else value

    def set_options(self, options: Iterable[tuple[str, Any]]) -> None:
        """New choices, keeping the one made if it is still there."""
        chosen = self.select.value
        self.select.set_options(options)
        if chosen is not Select.NULL:
            try:
                self.select.value = chosen
            except Exception:  # InvalidSelectValueError: the choice is gone
                self.select.clear()


class CheckField(FormField):
    """A checkbox (its own label says what it does). Checked, its box shows « ✓ »; unchecked,
    an empty box: the state is readable without colour (WCAG 1.4.1)."""

    DEFAULT_CSS = """
    CheckField { margin: 0; }
    """

    def __init__(
        self,
        label: str,
        name: str,
        *,
        value: bool = False,
        disabled: bool = False,
        control_id: str | None = None,
    ) -> None:
        self.checkbox = MarkedCheckbox(
            label, value=value, id=control_id or name, disabled=disabled, compact=True
        )
        super().__init__(None, name, self.checkbox)

    @property
    def value(self) -> bool:
        return self.checkbox.value

    @value.setter
    def value(self, checked: bool) -> None:
        self.checkbox.value = checked


class MarkedCheckbox(Checkbox):
    """A checkbox whose box shows « ✓ » when checked and a blank when not (Textual's shows the
    same « X » in both states and tells them apart by colour only)."""

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # Textual's name, read when the box is drawn
        return "✓" if self.value else " "


class MarkedRadioButton(RadioButton):
    """A radio button whose dot shows only when chosen (Textual's shows « ● » in both states and
    tells them apart by colour only: with NO_COLOR both looked chosen)."""

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # Textual's name, read when the button is drawn
        return "●" if self.value else " "


class TextAreaField(FormField):
    """A labelled multi-line text with a live « n/max » counter (warned outside min…max)."""

    DEFAULT_CSS = """
    TextAreaField > .text-head { height: 1; padding: 0 1; }
    TextAreaField .text-label { width: 1fr; color: $text-muted; }
    TextAreaField .text-count { width: auto; color: $text-muted; }
    TextAreaField .text-count.-bad { color: $warning; text-style: bold; }
    TextAreaField > TextArea { height: 5; margin: 0 1; background: $boost; }
    TextAreaField.-invalid > TextArea { background: $error 20%; }
    """

    def __init__(self, label: str, name: str, *, min_length: int = 0, max_length: int = 0) -> None:
        # Imported here: TextArea brings its document model, which the login screen (the
        # first one painted) does not need.
        from textual.widgets import TextArea

        self.min_length, self.max_length = min_length, max_length
        self.area = TextArea(id=name, compact=True)
        self._counter = Label("", classes="text-count", id=f"{name}-count")
        head = Horizontal(Label(label, classes="text-label"), self._counter, classes="text-head")
        super().__init__(head, name, self.area)

    def on_mount(self) -> None:
        self.area.cursor_blink = getattr(self.app, "cursor_blink", True)
        self.count()

    @property
    def value(self) -> str:
        return self.area.text

    @value.setter
    def value(self, text: str) -> None:
        self.area.text = text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.count()

    def count(self) -> None:
        """The live counter; « (trop court) » / « (trop long) » say it without colour."""
        n = len(self.area.text.strip())
        counter = self._counter
        text = f"{n}/{self.max_length}" if self.max_length else str(n)
        bad = False
        if self.min_length and n < self.min_length:
            text, bad = _("{count} (trop court)").format(count=text), True
        elif self.max_length and n > self.max_length:
            text, bad = _("{count} (trop long)").format(count=text), True
        counter.update(text)
        counter.set_class(bad, "-bad")


class FormError(Static):
    """The form's banner: a message for the whole form (hidden when empty). An error starts
    with « ✗ Erreur : » (information has no marker): not told by colour alone."""

    DEFAULT_CSS = """
    FormError { color: $error; padding: 0 1; height: auto; display: none; text-style: bold; }
    FormError.-shown { display: block; }
    FormError.-info { color: $success; text-style: none; }
    """

    def show(self, message: str | None, *, info: bool = False) -> None:
        self.set_class(bool(message), "-shown")
        self.set_class(info, "-info")
        self.update(error_text(message) if message and not info else message or "")
