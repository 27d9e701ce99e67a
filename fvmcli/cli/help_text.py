"""Help texts in the user's language: each command's and option's English help is its msgid,
kept aside the first time it is translated, so that the same process can switch languages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fvmcli.i18n import _, language

_ATTRS = ("help", "short_help")


def translate_help(command: Any) -> None:
    """Put the help of ``command``, its parameters and its loaded sub-commands in the current
    language."""
    if getattr(command, "_help_language", None) == language():
        return
    for item in [command, *getattr(command, "params", [])]:
        for attr in _ATTRS:
            msgid = item.__dict__.setdefault(f"_msgid_{attr}", getattr(item, attr, None))
            if msgid:
                setattr(item, attr, reflowed(_(msgid)))
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)
    command._help_language = language()


# A line that keeps its own line in help: a command to copy, an example, an item of a list.
_OWN_LINE = ("fvm ", "Example", "Exempel", "- ", "* ", "• ", "\b")


def reflowed(text: str) -> str:
    """Return a help text whose prose paragraphs are each one line, so that the terminal
    wraps them at its width (the catalog keeps the line breaks of the source's docstrings,
    which would break a line at the same place at any width); a paragraph with a command,
    an example or a list keeps its lines."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines = [line.strip() for line in paragraph.strip("\n").splitlines()]
        if any(line.startswith(_OWN_LINE) for line in lines):
            paragraphs.append(paragraph)
        else:
            paragraphs.append(" ".join(line for line in lines if line))
    return "\n\n".join(paragraphs)


def commands_of(root: Any, path: str = "fvm") -> Iterator[tuple[str, Any]]:
    """Yield ``(path, command)`` for ``root`` and every command under it, loading lazy groups."""
    yield path, root
    names = root.list_commands(None) if hasattr(root, "list_commands") else []
    for name in names:
        command = root.get_command(None, name)
        if command is not None:
            yield from commands_of(command, f"{path} {name}")
