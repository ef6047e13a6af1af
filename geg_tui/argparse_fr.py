"""``geg-tui --help`` and its errors in French: argparse's own words (« usage: », « options: »,
« show this help message and exit », « invalid choice… ») through ``_()``.

argparse looks its words up, when it needs them, through the module's ``_`` and ``ngettext``
(gettext). ``french_words()`` points them at this catalogue for the time of one call of the
parser only, so that nothing else in the process (pytest's own argparse, say) is touched.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from geg_tui.i18n import _

# Python 3.11's argparse messages that a person can see, and their French.
WORDS: dict[str, str] = {
    "usage: ": _("utilisation : "),
    "positional arguments": _("arguments"),
    "options": _("options"),
    "subcommands": _("commandes"),
    "show this help message and exit": _("afficher cette aide et quitter"),
    "argument %(argument_name)s: %(message)s": _("argument %(argument_name)s : %(message)s"),
    "unrecognized arguments: %s": _("arguments non reconnus : %s"),
    "the following arguments are required: %s": _("arguments obligatoires manquants : %s"),
    "one of the arguments %s is required": _("un de ces arguments est obligatoire : %s"),
    "not allowed with argument %s": _("impossible avec l'argument %s"),
    "ignored explicit argument %r": _("argument explicite ignoré : %r"),
    "expected one argument": _("une valeur attendue"),
    "expected at most one argument": _("au plus une valeur attendue"),
    "expected at least one argument": _("au moins une valeur attendue"),
    "expected %s argument": _("%s valeur attendue"),
    "expected %s arguments": _("%s valeurs attendues"),
    "ambiguous option: %(option)s could match %(matches)s": _(
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": _("option inattendue : %s"),
    "invalid %(type)s value: %(value)r": _("valeur invalide (%(type)s) : %(value)r"),
    "invalid choice: %(value)r (choose from %(choices)s)": _(
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": _(
        "commande inconnue %(parser_name)r (au choix : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": _("impossible d'ouvrir « %(filename)s » : %(error)s"),
    "%(prog)s: error: %(message)s\n": _("%(prog)s : erreur : %(message)s\n"),
}


def translate(message: str) -> str:
    """argparse's ``_``: the French of one of its messages (itself when not in the catalogue)."""
    return WORDS.get(message, message)


def ntranslate(singular: str, plural: str, count: int) -> str:
    """argparse's ``ngettext``."""
    return translate(singular if count == 1 else plural)


@contextmanager
def french_words() -> Iterator[None]:
    """argparse speaks French inside the block (nested blocks are fine)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = translate, ntranslate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
