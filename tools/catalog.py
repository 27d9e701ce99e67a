"""Keep the gettext catalog in step with the code.

    python tools/catalog.py update   # add new messages to fvmcli/locale/sv/.../fvmcli.po
    python tools/catalog.py check    # list messages without a Swedish translation (exit 1 if any)

Messages are the strings marked ``_()``, ``N_()`` and ``ngettext()`` in ``fvmcli/`` and every
help text of the command line (docstrings and ``help=``), read from the commands themselves.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "fvmcli" / "locale" / "sv" / "LC_MESSAGES" / "fvmcli.po"
# Column(key, label, …): a column's label is declared once, and translated where it is shown.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Column": (2,)}


def source_messages() -> dict[str | tuple[str, str], str]:
    """Return every marked message in ``fvmcli/`` and ``templates/``, each with the file it is
    first found in."""
    found: dict[str | tuple[str, str], str] = {}
    sources = [
        (ROOT / "fvmcli", [("**.py", "python")], {}),
        (
            ROOT / "templates",
            [("**.j2", "jinja2.ext:babel_extract")],
            {"**.j2": {"trim_blocks": "true", "lstrip_blocks": "true"}},
        ),
    ]
    for folder, methods, options in sources:
        for filename, _line, message, _comments, _context in extract_from_dir(
            folder, methods, options_map=options, keywords=KEYWORDS
        ):
            key = message if isinstance(message, str) else (message[0], message[1])
            found.setdefault(key, f"{folder.name}/{filename}")
    return found


def help_messages() -> dict[str, str]:
    """Return every help text of the command line, each with the command it belongs to."""
    import typer

    from fvmcli import i18n
    from fvmcli.cli.app import app
    from fvmcli.cli.help_text import commands_of

    i18n.use("en")
    root = typer.main.get_command(app)
    found: dict[str, str] = {}
    for path, command in commands_of(root):
        for text in help_texts(command):
            found.setdefault(text, path)
    return found


def help_texts(command: object) -> list[str]:
    """Return the English help texts of one command and its parameters."""
    texts = []
    for item in [command, *getattr(command, "params", [])]:
        for attr in ("help", "short_help"):
            text = item.__dict__.get(f"_msgid_{attr}", getattr(item, attr, None))
            if text:
                texts.append(text)
    return texts


def template() -> Catalog:
    """Return a catalog of every message fvm says, without translations."""
    catalog = Catalog(domain="fvmcli", locale="sv")
    for message, where in {**source_messages(), **help_messages()}.items():
        catalog.add(message, None if isinstance(message, str) else ("", ""), auto_comments=[where])
    return catalog


def read() -> Catalog:
    """Return the Swedish catalog as stored."""
    with PO.open("rb") as source:
        return read_po(source, locale="sv")


def write(catalog: Catalog) -> None:
    """Store the Swedish catalog, sorted by message, without line numbers."""
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as target:
        write_po(target, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True)


def update() -> Catalog:
    """Add the code's new messages to the Swedish catalog and drop those no longer said."""
    catalog = read() if PO.exists() else Catalog(domain="fvmcli", locale="sv")
    catalog.update(template(), no_fuzzy_matching=True)
    write(catalog)
    return catalog


def untranslated(catalog: Catalog) -> list[str]:
    """Return the messages of ``catalog`` that have no Swedish words yet."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


_FIELDS = re.compile(r"\{[^{}]*\}|%\(\w+\)[sd]|%%")


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Return the messages whose Swedish words do not hold exactly the English placeholders
    (``{name}``, ``{value:.0%}``, ``%(n)s``): a missing or extra one would crash or mislead."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want = sorted(_FIELDS.findall(ids[-1]))
        for text in strings:
            if text and sorted(_FIELDS.findall(text)) != want:
                problems.append(f"{ids[0]!r}: {text!r}")
    return problems


def main(argv: list[str]) -> int:
    """Run ``update`` or ``check``; return the exit status."""
    catalog = update() if argv[:1] == ["update"] else read()
    missing = untranslated(catalog)
    for message in missing:
        print(message)
    for problem in placeholder_problems(catalog):
        print("placeholders differ:", problem)
    print(f"{len(missing)} of {len(catalog)} messages without Swedish words", file=sys.stderr)
    failed = bool(missing or placeholder_problems(catalog))
    return 1 if failed and argv[:1] == ["check"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
