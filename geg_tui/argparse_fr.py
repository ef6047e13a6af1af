"""``geg-tui --help`` and its errors in the person's language: argparse's own words (« usage: »,
« options: », « show this help message and exit », « invalid choice… ») through ``_()``.

argparse looks its words up, when it needs them, through the module's ``_`` and ``ngettext``
(gettext). ``own_words()`` points them at geg-tui's catalogue for the time of one call of the
parser only, so that nothing else in the process (pytest's own argparse, say) is touched. In
French they are ours; in English they are argparse's own, as Python writes them (the French
ones are still in the catalogue, translated back to argparse's words, for completeness).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from geg_tui.i18n import SOURCE_LANGUAGE, LazyText, _l, current_language

# Python 3.11's argparse messages that a person can see, and their French (lazy: the language is
# chosen after this module is imported).
WORDS: dict[str, LazyText] = {
    "usage: ": _l("utilisation : "),
    "positional arguments": _l("arguments"),
    "options": _l("options"),
    "subcommands": _l("commandes"),
    "show this help message and exit": _l("afficher cette aide et quitter"),
    "argument %(argument_name)s: %(message)s": _l("argument %(argument_name)s : %(message)s"),
    "unrecognized arguments: %s": _l("arguments non reconnus : %s"),
    "the following arguments are required: %s": _l("arguments obligatoires manquants : %s"),
    "one of the arguments %s is required": _l("un de ces arguments est obligatoire : %s"),
    "not allowed with argument %s": _l("impossible avec l'argument %s"),
    "ignored explicit argument %r": _l("argument explicite ignoré : %r"),
    "expected one argument": _l("une valeur attendue"),
    "expected at most one argument": _l("au plus une valeur attendue"),
    "expected at least one argument": _l("au moins une valeur attendue"),
    "expected %s argument": _l("%s valeur attendue"),
    "expected %s arguments": _l("%s valeurs attendues"),
    "ambiguous option: %(option)s could match %(matches)s": _l(
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": _l("option inattendue : %s"),
    "invalid %(type)s value: %(value)r": _l("valeur invalide (%(type)s) : %(value)r"),
    "invalid choice: %(value)r (choose from %(choices)s)": _l(
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": _l(
        "commande inconnue %(parser_name)r (au choix : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": _l("impossible d'ouvrir « %(filename)s » : %(error)s"),
    "%(prog)s: error: %(message)s\n": _l("%(prog)s : erreur : %(message)s\n"),
}


def translate(message: str) -> str:
    """argparse's ``_``: one of its messages in the current language (argparse's own English
    outside French, and itself when not in the table)."""
    if current_language() != SOURCE_LANGUAGE:
        return message
    found = WORDS.get(message)
    return message if found is None else str(found)


def ntranslate(singular: str, plural: str, count: int) -> str:
    """argparse's ``ngettext``."""
    return translate(singular if count == 1 else plural)


@contextmanager
def own_words() -> Iterator[None]:
    """argparse speaks the current language inside the block (nested blocks are fine)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translate, ntranslate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
