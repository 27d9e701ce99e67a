"""The words fvm says to people: gettext catalogs, Swedish by default and English on request.

Code writes each message in English, marked with :func:`_` (translated where it is said) or
:func:`N_` (declared once at import, translated where it is shown). The Swedish words are in
``fvmcli/locale/sv/LC_MESSAGES/fvmcli.po``, compiled to ``.mo`` when the package is built (see
``hatch_build.py``); English is the message itself. What scripts read (``--json``, ids, exit
codes) never passes through here.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path
from typing import Any

DOMAIN = "fvmcli"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGS = ("sv", "en")

_catalogs: dict[str, gettext.NullTranslations] = {}


def _catalog(lang: str) -> gettext.NullTranslations:
    """Return the translations of ``lang``, read once; English is the messages themselves."""
    if lang not in _catalogs:
        if lang == "en":
            _catalogs[lang] = gettext.NullTranslations()
        else:
            _catalogs[lang] = gettext.translation(
                DOMAIN, LOCALE_DIR, languages=[lang], fallback=True
            )
    return _catalogs[lang]


def env_language() -> str:
    """Return the language the environment asks for: FVM_LANG, else LANG, else Swedish."""
    for raw in (os.environ.get("FVM_LANG", ""), os.environ.get("LANG", "")[:2].lower()):
        if raw.strip().lower() in LANGS:
            return raw.strip().lower()
    return "sv"


_language = env_language()


def use(lang: str) -> None:
    """Make ``lang`` (``sv`` or ``en``) the language of every message from now on."""
    global _language
    _language = lang if lang in LANGS else "sv"


def language() -> str:
    """Return the language messages are said in now: ``sv`` or ``en``."""
    return _language


def _(message: str) -> str:
    """Return ``message`` in the current language (an empty one stays empty: gettext would
    give the catalog's header)."""
    return _catalog(_language).gettext(message) if message else message


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "translate later")
    """Return ``message`` unchanged: it is marked for the catalog and translated where shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """Return the singular or plural form of a message for ``count``, in the current language."""
    return _catalog(_language).ngettext(singular, plural, count)


def translated(message: str, lang: str) -> str:
    """Return ``message`` in ``lang``, whatever the current language."""
    return _catalog(lang if lang in LANGS else "sv").gettext(message) if message else message


def words_in(words: dict[str, Any], lang: str) -> dict[str, Any]:
    """Return a table of words (values marked with :func:`N_`, or tuples of them) in ``lang``."""
    return {
        key: tuple(translated(t, lang) for t in text)
        if isinstance(text, tuple)
        else translated(text, lang)
        for key, text in words.items()
    }
