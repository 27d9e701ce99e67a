"""The process's standard streams, made safe before anything is written: a terminal or pipe
that cannot encode å, ä, ö, – or █ gets the nearest letters it can, a closed stdout is said
plainly, and an argument that is not text is refused rather than crashing later."""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import unicodedata

ERRORS = "fvm-nearest"
# What a stream that cannot write a character gets instead.
NEAREST = {
    "–": "-",
    "—": "-",
    "−": "-",
    "─": "-",
    "━": "-",
    "│": "|",
    "█": "#",
    "▏": "|",
    "░": ".",
    "▒": ":",
    "▓": "#",
    "…": "...",
    "→": "->",
    "←": "<-",
    "·": ".",
    "•": "*",
    "≥": ">=",
    "≤": "<=",
    "×": "x",
    "✓": "v",
    "✗": "x",
    "\u00a0": " ",
    "\u2009": " ",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}


def _nearest(char: str) -> str:
    """Return ``char`` as plain ASCII: a look-alike, the letter without its marks, else ?."""
    if char in NEAREST:
        return NEAREST[char]
    bare = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return bare or "?"


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    text = "".join(_nearest(c) for c in chunk)
    # The look-alike itself may not encode either (a very narrow codec): then ?.
    try:
        text.encode(error.encoding)
    except (UnicodeEncodeError, LookupError):
        text = "?" * len(chunk)
    return text, error.end


codecs.register_error(ERRORS, _handler)


def prepare() -> str | None:
    """Make stdout and stderr write what they cannot encode as its nearest letters; return
    why the command must not run (stdout closed, an argument that is not text), else None."""
    from fvmcli.i18n import _, env_language, use

    use(env_language())
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):  # a stream that will not change
                stream.reconfigure(errors=ERRORS)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long)
    if sys.stdout is None:
        return _("fvm: standard output is closed; nothing was done.")
    for i, arg in enumerate(sys.argv[1:], start=1):
        if any("\udc80" <= c <= "\udcff" for c in arg):
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            return _("fvm: argument {i} ({shown}) is not UTF-8 text; nothing was done.").format(
                i=i, shown=shown
            )
    return None
