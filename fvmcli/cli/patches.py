"""Every change fvm makes to the libraries under its command line, in one module, each for a
reason said where it is made, and each with a test that fails when it stops applying
(``tests/test_patches.py``); Typer, which carries its own copy of Click (``typer._click``), is
pinned to the range those tests pass on.

- Typer's and Click's words (usage, help, panel titles, the help option, type names) in the
  user's language: Typer offers no hook for them (``framework_words``);
- Typer's coercion of plain option values, which would import pydantic for nothing
  (``plain_values_pass_through``);
- rich's exit on a broken pipe, which would turn ``fvm … | head`` into a failure
  (``broken_pipe_is_no_error``);
- Click's usage errors, English only, said in the user's language when shown (``in_language``).
"""

from __future__ import annotations

import errno
import sys
from typing import Any

from fvmcli.i18n import N_, _


def framework_words() -> None:
    """Put the words Typer prints around help and usage errors in the current language (each
    run: a process may run commands in both languages), and let plain values pass Typer's
    coercion untouched.

    ``typer.core`` says its words through a module-level ``_`` (the standard library's
    gettext): it gets fvm's. ``typer.rich_utils`` turns its words into module constants when
    it is imported, which is only to show help (it is slow to import): they are set when it
    is, and again on every run after. The standard library's ``gettext`` is not touched."""
    from typer import core

    core._ = _
    _translated_help_option()
    _translated_usage()
    _plain_metavars()
    plain_values_pass_through()
    _after_import("typer.rich_utils", _rich_utils_words)


def _rich_utils_words(module: Any) -> None:
    for name, words in _TYPER_WORDS.items():
        setattr(module, name, _(words))
    # A number's range is shown as Python writes it ("[x>=0]"); the help says limits in words
    # where they matter, so the range is left out.
    module.RANGE_STRING = ""


def _translated_help_option() -> None:
    """Give ``--help`` its words in the current language: Typer's copy of Click makes that
    option when a command is parsed, with an English text of its own."""
    try:
        from typer._click import decorators
    except ImportError:  # another Typer: --help stays in English
        return
    original = getattr(decorators.help_option, "__wrapped__", decorators.help_option)

    def help_option(param_decls: list[str]) -> Any:
        decorate = original(param_decls)

        def apply(command: Any) -> Any:
            done = decorate(command)
            command.params[-1].help = _(HELP_WORDS)
            return done

        return apply

    help_option.__wrapped__ = original  # type: ignore[attr-defined]
    decorators.help_option = help_option


# What help shows for a value of each type, instead of Typer's Python names (<list[Path]>).
METAVARS = {
    "bool": "",
    "str": N_("TEXT"),
    "int": N_("NUMBER"),
    "float": N_("NUMBER"),
    "Path": N_("PATH"),
    "path": N_("PATH"),
    "file": N_("PATH"),
    "directory": N_("PATH"),
    "datetime": N_("DATE"),
}
# The metavars fvm gives its options, as words and formats of the user's language.
NAMED_METAVARS = {
    "YYYY-MM-DD": N_("YYYY-MM-DD"),
    "DATETIME": N_("YYYY-MM-DDTHH:MM"),
    "NAME": N_("NAME"),
    "FILE": N_("FILE"),
    "FOLDER": N_("FOLDER"),
    "DIR": N_("FOLDER"),
    "LABEL": N_("LABEL"),
    "LOGIN": N_("LOGIN"),
    "SECONDS": N_("SECONDS"),
    "DAYS": N_("DAYS"),
    "VALUE": N_("VALUE"),
    "TEXT": N_("TEXT"),
}


def _plain_metavars() -> None:
    """Show option and argument types in help as words of the current language (``TEXT``,
    ``SÖKVÄG…``) and nothing for a flag, instead of ``<str>``, ``<list[Path]>``, ``<bool>``."""
    try:
        from typer.core import _TyperParameter
    except ImportError:  # another Typer: its own words stay
        return
    original = getattr(_TyperParameter.display_type, "__wrapped__", _TyperParameter.display_type)

    def display_type(self: Any, ctx: Any) -> str:
        shown = str(original(self, ctx))
        inner = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
        many = inner.startswith("list[") and inner.endswith("]")
        if many:
            inner = inner[5:-1]
        inner = inner.removesuffix(" range")  # an int with min/max: the range is said beside
        if inner not in METAVARS:
            return shown
        word = _(METAVARS[inner]) if METAVARS[inner] else ""
        return f"{word}…" if many and word else word

    display_type.__wrapped__ = original  # type: ignore[attr-defined]
    _TyperParameter.display_type = display_type  # type: ignore[method-assign]
    _named_metavars()


def _named_metavars() -> None:
    """Show an option's own metavar (``--as-of YYYY-MM-DD``, ``--by NAME``) in the user's
    language (``ÅÅÅÅ-MM-DD``, ``NAMN``), as its errors say it: Typer prints the metavar as
    given, and a metavar is given once, when the command is defined, in no language yet."""
    try:
        from typer.core import TyperOption
    except ImportError:  # another Typer: the metavars stay as given
        return
    original = getattr(TyperOption.display_type_rich, "__wrapped__", TyperOption.display_type_rich)

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if self.metavar in NAMED_METAVARS:
            return _(NAMED_METAVARS[self.metavar])
        return original(self, ctx)

    display_type_rich.__wrapped__ = original  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _translated_usage() -> None:
    """Begin help and usage errors with ``Usage:`` in the current language (Typer's copy of
    Click writes the English word unless it is given another)."""
    try:
        from typer._click.formatting import HelpFormatter
    except ImportError:  # another Typer: the word stays English
        return
    original = getattr(HelpFormatter.write_usage, "__wrapped__", HelpFormatter.write_usage)

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, _(USAGE_WORDS) if prefix is None else prefix)

    write_usage.__wrapped__ = original  # type: ignore[attr-defined]
    HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


HELP_WORDS = N_("Show this message and exit.")
USAGE_WORDS = N_("Usage: ")
# What typer.core says through gettext (its usage errors of its own are English only).
TYPER_MESSAGES = (
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)

# The module constants of typer.rich_utils that hold words, and their English.
_TYPER_WORDS = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}


def plain_values_pass_through() -> None:
    """Let a text value, and an option not given, pass Typer's coercion untouched: Typer
    builds a pydantic validator for every parameter it is handed, even these, and importing
    pydantic and building them is a tenth of a second of every command's start. Numbers,
    paths, choices, lists and files are coerced by Typer as before."""
    try:
        from typer.core import _TyperParameter
    except ImportError:  # another Typer: nothing to skip
        return
    if hasattr(_TyperParameter.process_value, "__wrapped__"):
        return
    original = _TyperParameter.process_value

    def process_value(self: Any, ctx: Any, value: Any) -> Any:
        described = getattr(self, "type_descriptor", None)
        if described is None or self.required or described.parameter_info.parser is not None:
            return original(self, ctx, value)
        if self.multiple or self.nargs != 1:
            if value is not None and (not isinstance(value, list | tuple) or value):
                return original(self, ctx, value)
            value = () if value is None else []  # what Typer makes of no values
        elif not (value is None or (isinstance(value, str) and described.annotation is str)):
            return original(self, ctx, value)
        return self.callback(ctx, self, value) if self.callback is not None else value

    process_value.__wrapped__ = original  # type: ignore[attr-defined]
    _TyperParameter.process_value = process_value  # type: ignore[method-assign]


def in_language(error: Any) -> Any:
    """Make a usage error of Typer's Click say its message in the current language when it is
    shown; return it. Click composes the message when it is shown (``format_message``), from
    English it has no catalog for, so the error's own method is wrapped (``cli/usage_words.py``
    holds the words); Typer shows the error as before."""
    from fvmcli.cli.usage_words import usage_words

    shown = getattr(error, "format_message", None)
    if callable(shown) and not getattr(error, "_in_language", False):

        def format_message() -> str:
            return usage_words(shown())

        error.format_message = format_message
        error._in_language = True
    return error


def broken_pipe_is_no_error() -> None:
    """Let a reader that stops reading (``fvm --help | head``) end fvm with 0: rich exits 1
    on a broken pipe, so its consoles raise BrokenPipeError instead, which fvm handles. Rich
    is patched when it is first imported (a ``--json`` command never imports it)."""
    _after_import("rich.console", _raise_on_broken_pipe)


def _after_import(name: str, then: Any) -> None:
    """Run ``then`` on the module ``name`` now if it is loaded, else once it is imported."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        then(loaded)
    elif not any(isinstance(f, _OnImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _OnImport(name, then))


def _raise_on_broken_pipe(module: Any) -> None:
    def on_broken_pipe(self: Any) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    module.Console.on_broken_pipe = on_broken_pipe


class _OnImport:
    """An import finder that runs ``then`` on the module ``name`` once it is imported."""

    def __init__(self, name: str, then: Any) -> None:
        self.name = name
        self.then = then

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != self.name:
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module
        then = self.then

        def exec_module(module: Any) -> None:
            run(module)
            then(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
