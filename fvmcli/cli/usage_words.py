"""The words of usage errors in the user's language. Typer's own copy of Click writes them in
English, not through gettext; each is recognised by its English words and said again from our
catalog (in English, the same words). The errors are made to say them in ``cli/patches.py``
(``in_language``), the one module of changes to the libraries."""

from __future__ import annotations

import re
from collections.abc import Callable

from fvmcli.i18n import N_, _

# (the English Click writes, its message in the catalog with the same named parts)
_WORDS = [
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"\(Possible options: (?P<options>[^)]*)\)", N_("(Possible options: {options})")),
    (r"Missing argument (?P<name>.+?)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+?)\.", N_("Missing option {name}.")),
    (r"Invalid value for (?P<name>.+?): ", N_("Invalid value for {name}: ")),
    (
        r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
        N_("Got unexpected extra argument(s) ({args})"),
    ),
    (r"Option (?P<name>.+?) requires an argument\.", N_("Option {name} requires an argument.")),
    (r"Option (?P<name>.+?) does not take a value\.", N_("Option {name} does not take a value.")),
    (r"Did you mean (?P<names>.+)\?", N_("Did you mean {names}?")),
    (
        r"Input should be a valid integer, unable to parse string as an integer",
        N_("Input should be a valid integer, unable to parse string as an integer"),
    ),
    (
        r"Input should be a valid number, unable to parse string as a number",
        N_("Input should be a valid number, unable to parse string as a number"),
    ),
    (
        r"Input should be greater than or equal to (?P<limit>\S+)",
        N_("Input should be greater than or equal to {limit}"),
    ),
    (
        r"Input should be less than or equal to (?P<limit>\S+)",
        N_("Input should be less than or equal to {limit}"),
    ),
    (
        r"Value (?P<value>.+?) is not a valid (?P<kind>\S+)\.",
        N_("Value {value} is not a valid {kind}."),
    ),
    (r"(?P<value>'.*?') is not one of (?P<choices>.+?)\.$", N_("{value} is not one of {choices}.")),
]
_PATTERNS = [(re.compile(pattern), message) for pattern, message in _WORDS]


def usage_words(text: str) -> str:
    """Return a usage error's text with every part we know said in the current language."""
    for pattern, message in _PATTERNS:
        text = pattern.sub(_saying(message), text)
    return text


def _saying(message: str) -> Callable[[re.Match[str]], str]:
    """Return what replaces a match of ``message``'s English: its words, parts filled in."""
    return lambda match: _(message).format(**match.groupdict())
