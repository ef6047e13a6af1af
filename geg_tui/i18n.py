"""The one door for text a person reads: ``_("…")``, ``ngettext`` and ``_l("…")``.

French is the source language: every message id is the French sentence, so French needs no
catalogue and a message that has no translation yet shows in French rather than as a key.
English (the first translation) is a gettext catalogue: ``geg_tui/locale/en/LC_MESSAGES/
geg_tui.po``, extracted and updated by ``make i18n`` (Babel's ``pybabel``) and compiled to
``geg_tui.mo`` by ``make`` (for ``make run`` and the tests) and by the wheel's build (setup.py).
The stdlib's ``gettext`` reads the compiled file: no Babel import on the way to the first screen.

The language is chosen once at start-up (``--lang``, then ``language`` in config.toml, then
``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``, then French: :func:`choose_language`) and may change
while running (the settings screen): ``_()`` reads the current language at each call, so each
screen composed after the change is in the new language. Text defined at import time (class
attributes, ``BINDINGS``, the screen registry) uses ``_l``: a :class:`LazyText` that is
translated each time it is turned into a string, never frozen in the language of the import.

No Textual here: the backends and the command line use it too.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The languages geg-tui speaks, the first being the source language.
LANGUAGES: tuple[str, ...] = ("fr", "en")
SOURCE_LANGUAGE = "fr"
#: Each language by its own name (an autonym: never translated, so that a person who cannot
#: read the current language still finds theirs in the settings screen).
LANGUAGE_NAMES: Mapping[str, str] = {"fr": "Français", "en": "English"}
DOMAIN = "geg_tui"
LOCALE_DIR = Path(__file__).parent / "locale"

_current = SOURCE_LANGUAGE
_translations: dict[str, _gettext.NullTranslations] = {}


class _French(_gettext.NullTranslations):
    """The source language: each message as written, and French plurals (0 and 1 are
    singular). The fallback of every catalogue, so that a message not translated yet keeps
    the French rule with its French words (the stdlib's fallback would apply English's)."""

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return msgid1 if n <= 1 else msgid2

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


def _catalogue(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (read once). Missing, it is the identity: French,
    which is better than nothing, and ``tests/test_i18n.py`` fails when it is missing."""
    found = _translations.get(language)
    if found is None:
        if language == SOURCE_LANGUAGE:
            found = _French()
        else:
            # Our own file, by its path: ``gettext.find`` would first expand the language
            # through ``locale`` (aliases, encodings), for a name we already know.
            compiled = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            try:
                with compiled.open("rb") as handle:
                    found = _gettext.GNUTranslations(handle)
            except OSError:
                found = _compiled_from_source(language) or _French()
            found.add_fallback(_French())
        _translations[language] = found
    return found


def _compiled_from_source(language: str) -> _gettext.GNUTranslations | None:
    """The ``.po`` compiled in memory, when its ``.mo`` was not built (a bare ``pip install -e``
    that ran no ``make``): slower to start than a ``.mo``, but never silently French."""
    source = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not source.is_file():
        return None
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        catalogue = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def catalogue_found(language: str) -> bool:
    """Whether the compiled catalogue of ``language`` was found (French always is)."""
    return language == SOURCE_LANGUAGE or isinstance(_catalogue(language), _gettext.GNUTranslations)


def set_language(language: str) -> None:
    """Speak ``language`` from now on (one of :data:`LANGUAGES`)."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(language)
    _current = language


def current_language() -> str:
    """The language in use: ``"fr"`` or ``"en"``."""
    return _current


def _(message: str) -> str:
    """``message`` (a French sentence, a literal: it is extracted) in the current language."""
    return _translated(message)


def _translated(message: str) -> str:
    """``message`` in the current language, for a msgid held in a variable (:class:`LazyText`):
    not ``_``, whose every call ``tests/test_i18n.py`` requires to be extractable."""
    if _current == SOURCE_LANGUAGE:
        return message
    return _catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language (French counts 0 and 1
    as singular, English only 1: each catalogue carries its own rule)."""
    return _catalogue(_current).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same French word used with
    another meaning by ``context`` (« Relevé » the reading, « Relevé » the screen…)."""
    if _current == SOURCE_LANGUAGE:
        return message
    return _catalogue(_current).pgettext(context, message)


class LazyText:
    """A message translated when it is read, not when it is defined.

    ``str(text)``, ``f"{text}"`` and ``text.format(...)`` all give the current language. It is
    deliberately not a ``str``: something that stores it without turning it into text fails
    loudly in the tests instead of showing the language of the import. ``msgid`` is the French
    sentence, what the fake backend writes in GEG's own documents (mails, PDFs).
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, params: dict[str, Any] | None = None) -> None:
        self.msgid = msgid
        # Placeholders filled at each reading (``_l("espace n° {n}", n=3)``): formatting at
        # import would freeze the sentence in the language of the import.
        self.params = params or {}

    def __str__(self) -> str:
        text = _translated(self.msgid)
        return text.format(**self.params) if self.params else text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"_l({self.msgid!r}, **{self.params!r})" if self.params else f"_l({self.msgid!r})"

    def __eq__(self, other: object) -> bool:
        """Equal to another LazyText of the same message and values; never to a str, whose hash
        could not agree with it (compare ``str(text)`` to a text)."""
        if isinstance(other, LazyText):
            return (other.msgid, other.params) == (self.msgid, self.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msgid, *sorted(self.params.items())))

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def format(self, *args: Any, **kwargs: Any) -> str:
        return str(self).format(*args, **kwargs)

    def lower(self) -> str:
        return str(self).lower()


def _l(message: str, **params: Any) -> LazyText:
    """``message`` translated each time it is read (class attributes, tables built at import),
    its ``{placeholders}`` filled with ``params`` after the translation."""
    return LazyText(message, params)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only: it is translated later, where it is shown."""
    return message


# --- choosing the language ---------------------------------------------------------------------


def language_from_environment(environ: Mapping[str, str]) -> str | None:
    """The language POSIX says the person reads: the first of ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` that is set (``en_GB.UTF-8`` → ``en``). ``C`` / ``POSIX`` say nothing; a language
    geg-tui does not speak stops the search (``de_DE`` → French, not a later ``LANG=en``), as
    the C library would read only the first one that is set."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if not value:
            continue
        code = value.split(".")[0].split("@")[0].split("_")[0].lower()
        if code in ("c", "posix"):
            return None
        return code if code in LANGUAGES else None
    return None


def choose_language(option: str | None, configured: str | None, environ: Mapping[str, str]) -> str:
    """``--lang``, then ``language`` in config.toml, then the environment, then French."""
    for candidate in (option, configured):
        if candidate in LANGUAGES:
            return candidate
    return language_from_environment(environ) or SOURCE_LANGUAGE
