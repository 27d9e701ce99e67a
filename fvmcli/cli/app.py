"""The ``fvm`` entry point: global options, sub-apps, and the one error handler."""

from __future__ import annotations

import errno
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from fvmcli import __version__
from fvmcli.cli import environment, system
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.help_text import translate_help
from fvmcli.cli.output import fail
from fvmcli.cli.patches import broken_pipe_is_no_error, framework_words, in_language
from fvmcli.errors import ExitCode, FvmError
from fvmcli.i18n import LANGS, _, env_language, use
from fvmcli.services.context import Context


class FvmGroup(TyperGroup):
    """The root group: turns every error into a message and an exit code of its own, so a
    script can always tell a crash (70) from a red gate (1). Command groups are loaded when
    used (``cli/groups.py``); ``fvm --help`` lists them from their one-line descriptions."""

    listing = False

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        args = _wide_first(sys.argv[1:] if args is None else list(args))
        use(_asked_language(args))
        framework_words()
        broken_pipe_is_no_error()
        translate_help(self)
        meant = _meant_elsewhere(args)
        if meant is not None:
            fail(
                _("fvm: {given} is not a command; the history is checked with:").format(
                    given=" ".join(meant[0])
                ),
                command=meant[1],
            )
            sys.exit(int(ExitCode.BAD_INPUT))
        try:
            return super().main(args, *rest, **kwargs)
        finally:
            environment.end()

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(g for g in GROUPS if g not in self.commands)]

    def get_command(self, ctx: Any, name: str) -> Any:
        found = super().get_command(ctx, name)
        if found is not None or name not in GROUPS:
            return found
        module, description = GROUPS[name]
        if self.listing:
            return TyperGroup(name=name, help=_(description))
        import importlib

        group = typer.main.get_group(importlib.import_module(module).app)
        group.name = name
        translate_help(group)
        self.commands[name] = group
        return group

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:  # help read by a reader that stopped (fvm --help | head)
            _quiet_stdout()
            raise typer.Exit(0) from None
        except Exception as exc:
            if _framework(exc):
                in_language(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FvmError as exc:
            _discard_unused(ctx)
            if _debug(ctx):
                traceback.print_exc()
            fail(f"fvm: {exc.explained()}", command=exc.command)
            raise typer.Exit(int(exc.exit_code)) from None
        except BrokenPipeError:
            # The reader stopped reading (fvm … | head): nothing is wrong, so say nothing.
            _quiet_stdout()
            raise typer.Exit(0) from None
        except OSError as exc:
            if exc.errno not in CANNOT_WRITE:
                raise
            raise typer.Exit(_output_lost(exc)) from None
        except KeyboardInterrupt:
            _discard_unused(ctx)
            if _debug(ctx):
                traceback.print_exc()
            fail(_("fvm: interrupted; everything saved before Ctrl-C is kept."))
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except Exception as exc:  # a bug: one line for the user, the details in a file
            if _framework(exc):
                in_language(exc)
                raise  # exits, aborts and usage errors: the framework shows them
            _discard_unused(ctx)
            if _debug(ctx):
                traceback.print_exc()
            report = _crash_report(exc)
            where = (
                _("the details are in {report}").format(report=report)
                if report
                else _("no report could be saved")
            )
            fail(
                _(
                    "fvm failed: an internal error ({name}). Nothing more was stored; "
                    "{where}. Please send that file with a bug report."
                ).format(name=type(exc).__name__, where=where)
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.close()  # the database's connection, kept for the command's transactions


def _discard_unused(ctx: Any) -> None:
    """Remove a SQLite file the failed command created and recorded nothing in."""
    found = ctx.obj
    if isinstance(found, Context):
        found.discard_if_unused()


def _wide_first(args: list[str]) -> list[str]:
    """Return ``args`` with ``--wide`` moved before the command, so that it may be given
    after it too (``fvm equipment catalog --wide``), as people type it."""
    end = args.index("--") if "--" in args else len(args)
    if "--wide" not in args[:end]:
        return args
    return ["--wide", *(a for a in args[:end] if a != "--wide"), *args[end:]]


# Words people type under the wrong group, and the command they mean: ``checklist history
# verify`` would be the history of a checklist named "verify" for a unit not given.
ELSEWHERE = {("checklist", "history", "verify"): "fvm history verify"}


def _meant_elsewhere(args: list[str]) -> tuple[tuple[str, ...], str] | None:
    """Return the words of ``args`` that name a command under the wrong group and the
    command meant; None when they do not (a checklist named "verify" with --unit is itself)."""
    end = args.index("--") if "--" in args else len(args)
    words = args[:end]
    if any(w == "--unit" or w.startswith("--unit=") for w in words):
        return None
    for given, meant in ELSEWHERE.items():
        n = len(given)
        if any(tuple(words[i : i + n]) == given for i in range(len(words) - n + 1)):
            return given, meant
    return None


def _asked_language(args: list[str]) -> str:
    """Return the language ``--lang`` asks for in ``args``, else the environment's, so that
    help is in that language before any command runs (a bad value is refused later)."""
    for i, arg in enumerate(args):
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value is not None and value.strip().lower() in LANGS:
            return value.strip().lower()
    return env_language()


def _framework(exc: BaseException) -> bool:
    """Return True for the framework's own exits, aborts and usage errors (Typer carries its
    own copy of Click, so they are recognised by name, not by importing Click)."""
    names = {"Exit", "Abort", "ClickException"}
    return any(
        cls.__name__ in names and cls.__module__.split(".")[0] in ("typer", "click")
        for cls in type(exc).__mro__
    )


def _crash_report(exc: BaseException) -> Path | None:
    """Write the traceback to a file in the user's state folder; return its path."""
    import platformdirs

    from fvmcli.clock import now_iso

    try:
        folder = Path(platformdirs.user_state_dir("fvmcli", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = now_iso().replace(":", "").replace("+", "p")
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        text = "".join(traceback.format_exception(exc))
        path.write_text(
            f"fvm {__version__}\n{' '.join(sys.argv)}\n\n{text}", "utf-8", "backslashreplace"
        )
        return path
    except OSError:
        return None


def _debug(ctx: Any) -> bool:
    env = ctx.find_root().obj
    return bool(getattr(env, "debug", False)) or os.environ.get("FVM_DEBUG") == "1"


app = typer.Typer(
    cls=FvmGroup,
    name="fvm",
    help="Readiness for a go-live: checklists, training, equipment and the go/no-go.\n\n"
    "Start with:  fvm demo",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fvm {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="Database: a SQLite file or postgresql://user@host/db "
        "(env FVM_DB; default: fvm.sqlite in the user data folder).",
    ),
    content: list[Path] = typer.Option(
        [],
        "--content",
        metavar="DIR",
        help="Content folder: a pack of its own (pack.toml), or checklists/, courses/, "
        "templates/ whose files override the bundled ones (env FVM_CONTENT). A database "
        "uses its published content: see fvm content.",
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of labels: sv or en (env FVM_LANG, else LANG)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks (env FVM_DEBUG=1)."),
    wide: bool = typer.Option(
        False, "--wide", help="Tables with every column and whole cells, whatever the width."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Readiness for a go-live: checklists, training, equipment and the go/no-go."""
    from fvmcli.cli import environment
    from fvmcli.cli.output import warn
    from fvmcli.services.content_effects import EFFECTS

    environment.begin(wide=wide)
    ctx.obj = Context(
        db_url=db,
        content_dirs=list(content),
        lang_option=lang,
        debug=debug,
        creates=False,
        on_notice=lambda message, command: warn(message, command=command),
        effects=EFFECTS,
    )
    ctx.obj.speak()  # an unknown --lang or FVM_LANG is refused by every command


system.register(app)


def main() -> None:
    """Run ``fvm``; the exit code comes from the ExitCode enum."""
    from fvmcli import streams

    refused = streams.prepare()
    if refused is not None:
        sys.stderr.write(refused + "\n")
        sys.exit(int(ExitCode.ENVIRONMENT if sys.stdout is None else ExitCode.BAD_INPUT))
    try:
        code = app(standalone_mode=True)
    except SystemExit as done:
        code = done.code
    except BrokenPipeError:  # the reader stopped reading while help was written
        code = 0
    sys.exit(_flushed(code))


# Why writing stdout can fail that is the environment's doing (a full disk, a bad device).
CANNOT_WRITE = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)


def _output_lost(exc: OSError) -> int:
    """Say that the output could not be written; return the exit code (4)."""
    _quiet_stdout()  # what could not be written must not fail again at exit
    fail(_("fvm: cannot write the output: {reason}").format(reason=exc.strerror))
    return int(ExitCode.ENVIRONMENT)


def _flushed(code: Any) -> Any:
    """Return ``code`` once stdout is written out: a reader that stopped reading is no error,
    a disk that is full is one of the environment (4)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    except OSError as exc:
        if exc.errno not in CANNOT_WRITE:
            raise
        return _output_lost(exc)
    return code


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
