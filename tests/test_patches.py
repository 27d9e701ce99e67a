"""Each change fvm makes to Typer's and rich's internals (all in ``cli/patches.py``) has a
test here that fails when the change stops applying: a Typer release that renames what
is patched must fail these, not pass silently. Typer is pinned below 0.30 for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def _run(code: str, *args: str, lang: str = "sv") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FVM_LANG": lang, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60
    )


PROBE = """
import json, runpy, sys
sys.argv = ["fvm", *sys.argv[1:]]
try:
    runpy.run_module("fvmcli", run_name="__main__")
except SystemExit:
    pass
finally:
    heavy = sorted(m for m in ("pydantic", "sqlalchemy", "rich.console") if m in sys.modules)
    print("\\n@@" + json.dumps(heavy), file=sys.stderr)
"""


def _loaded(*args: str) -> list[str]:
    done = _run(PROBE, *args)
    loaded: list[str] = json.loads(done.stderr.rsplit("@@", 1)[1])
    return loaded


def test_plain_option_values_skip_pydantic() -> None:
    """Typer builds a pydantic validator for every option it processes; the patch lets text
    values and options not given pass, so a content command imports no pydantic."""
    assert "pydantic" not in _loaded("checklist", "list", "--json")


def test_help_is_in_swedish_usage_and_options() -> None:
    """Usage (``HelpFormatter.write_usage``), the --help option's text (``help_option``),
    the metavars (``display_type``) and rich_utils' panel titles are Swedish."""
    shown = _run(PROBE, "unit", "list", "--help").stdout
    assert shown.lstrip().startswith("Användning: fvm unit list")
    assert "Visa det här meddelandet och avsluta." in shown
    assert "─ Alternativ ─" in shown
    assert "--phase              TAL " in shown and "--area               TEXT " in shown
    assert "<str>" not in shown and "<int>" not in shown and "<bool>" not in shown


def test_help_names_formats_and_limits_in_the_users_words() -> None:
    """An option's own metavar (``TyperOption.display_type_rich``) is in Swedish, as its
    errors say it; Python's range notation (``rich_utils.RANGE_STRING``) is left out; and a
    default is said once."""
    shown = _run(PROBE, "session", "add", "--help").stdout
    assert "ÅÅÅÅ-MM-DDTtt:mm" in shown and "DATETIME" not in shown
    assert "[x>=0]" not in shown and "x>=" not in shown
    report = _run(PROBE, "cutover", "report", "--help").stdout
    assert "<path>" not in report and "SÖKVÄG" in report
    status = _run(PROBE, "cutover", "status", "--help").stdout
    assert "--as-of" in status and "ÅÅÅÅ-MM-DD" in status and "YYYY-MM-DD " not in status
    plan = _run(PROBE, "course", "plan", "--help").stdout
    assert "[standard: 12]" in plan and "(standard 12)" not in plan


def test_the_standard_librarys_gettext_is_left_alone() -> None:
    """fvm's words reach Typer through Typer's own modules, never by replacing
    ``gettext.gettext`` for the whole process (a library beside fvm would speak fvm's words)."""
    probe = (
        "import gettext, runpy, sys\n"
        "original = gettext.gettext\n"
        "sys.argv = ['fvm', 'unit', 'list', '--help']\n"
        "try:\n    runpy.run_module('fvmcli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('@@', gettext.gettext is original, file=sys.stderr)\n"
    )
    done = _run(probe)
    assert "─ Alternativ ─" in done.stdout  # the help's panels are Swedish all the same
    assert done.stderr.rsplit("@@", 1)[1].split() == ["True"]


def test_a_broken_pipe_ends_with_0() -> None:
    """rich exits 1 on a broken pipe; fvm's patch makes it raise, and fvm ends with 0."""
    # ``true`` exits at once without reading: fvm's help (printed by rich) meets a closed pipe.
    shell = f"{sys.executable} -m fvmcli --help | true"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell],
        capture_output=True,
        text=True,
        env={**os.environ, "FVM_LANG": "sv"},
        timeout=60,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_the_patched_internals_exist() -> None:
    """The names patched must exist in the Typer installed: otherwise the patches silently do
    nothing (each is guarded for another Typer)."""
    from typer._click import decorators
    from typer._click.formatting import HelpFormatter
    from typer.core import _TyperParameter

    assert callable(_TyperParameter.process_value)
    assert callable(_TyperParameter.display_type)
    assert callable(decorators.help_option)
    assert callable(HelpFormatter.write_usage)
    from typer._click.exceptions import BadParameter, NoSuchOption, UsageError

    for error in (UsageError, BadParameter, NoSuchOption):  # ``in_language`` wraps it
        assert callable(error.format_message), error
    import typer.rich_utils as rich_utils

    for name in ("DEFAULT_STRING", "OPTIONS_PANEL_TITLE", "ARGUMENTS_PANEL_TITLE", "RICH_HELP"):
        assert hasattr(rich_utils, name), name


def test_plain_values_pass_through_as_typer_would_coerce_them() -> None:
    """The shortcut past Typer's coercion (``plain_values_pass_through``: Typer's public API
    builds a pydantic validator for every parameter it processes, given or not, and has no
    way to skip it; docs/decisions.md, #44) hands back what Typer's own coercion makes of the
    same value, for every parameter of every command: a value not given, a text, an empty
    list. A Typer that coerced them otherwise fails here."""
    import copy
    import importlib

    import typer
    from typer.core import _TyperParameter

    from fvmcli.cli.groups import GROUPS
    from fvmcli.cli.patches import plain_values_pass_through

    plain_values_pass_through()
    patched = _TyperParameter.process_value
    original = patched.__wrapped__

    def outcome(process: object, param: object, ctx: object, value: object) -> object:
        try:
            return ("value", process(param, ctx, value))  # type: ignore[operator]
        except Exception as exc:  # the same refusal counts as the same outcome
            return ("refused", type(exc).__name__)

    def commands(group: object) -> list[object]:
        found = []
        for command in getattr(group, "commands", {}).values():
            found += [command, *commands(command)]
        return found

    compared = 0
    for module, _ in GROUPS.values():
        group = typer.main.get_group(importlib.import_module(module).app)
        for command in commands(group):
            ctx = command.context_class(command)  # type: ignore[attr-defined]
            for param in command.params:  # type: ignore[attr-defined]
                if not isinstance(param, _TyperParameter):
                    continue
                bare = copy.copy(param)
                bare.callback = None  # what a callback makes of the value is not Typer's
                for value in (None, "tekst", "2027-01-10", []):
                    mine = outcome(patched, bare, ctx, value)
                    assert mine == outcome(original, bare, ctx, value), (command, param, value)
                    compared += 1
    assert compared > 1000  # every group's parameters were reached
