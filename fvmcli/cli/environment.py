"""What one run of ``fvm`` talks to: its streams, the terminal's width and colours.

Made once per run by the root command (``Environment.of_process``) and read by everything
that prints; a test hands its own to ``use`` (``Environment.mock``), as httpie's
``Environment`` and ``MockEnvironment`` do."""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, TextIO


@dataclass
class Environment:
    """The streams and the terminal of one run (the clock is the service context's).

    ``width`` is the width tables must fit (None: no limit, as for a pipe or a file, which
    get whole cells); ``wide`` (``--wide``) lifts it for tables; ``colour`` is whether
    stdout is a colour terminal; ``interactive`` whether a person types at stdin and reads
    stdout."""

    stdout: TextIO
    stderr: TextIO
    stdin: TextIO
    width: int | None
    colour: bool
    interactive: bool
    wide: bool = False
    # What a test set (``mock``): each run starts from the process as it is then, with these.
    overrides: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of_process(cls, *, wide: bool = False) -> Environment:
        """Return the environment of this process: its streams as they are now (a test
        runner's too), COLUMNS when set else the terminal's width, and NO_COLOR."""
        import shutil

        out = sys.stdout
        terminal = _isatty(out)
        given = os.environ.get("COLUMNS", "")
        if given.isdigit() and int(given) > 0:
            width: int | None = int(given)
        else:
            width = shutil.get_terminal_size().columns if terminal else None
        return cls(
            stdout=out,
            stderr=sys.stderr,
            stdin=sys.stdin,
            width=width,
            colour=terminal and "NO_COLOR" not in os.environ,
            interactive=terminal and _isatty(sys.stdin),
            wide=wide,
        )

    @classmethod
    def mock(cls, **given: Any) -> Environment:
        """Return an environment for a test: no terminal, no colour, no width limit, changed
        by ``given`` (``width=80``); each run takes the streams
        of the process as they are then (a test runner's) unless ``given`` names them."""
        overrides = {"width": None, "colour": False, "interactive": False, **given}
        return replace(cls.of_process(), overrides=overrides, **overrides)

    def table_width(self) -> int | None:
        """Return the width a table must fit, or None for no limit (``--wide``, a pipe)."""
        return None if self.wide else self.width


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False


# The run's environment, and a test's, are values of the run's context (contextvars), not
# module state: a thread or task that runs fvm sees its own, and a run leaves nothing behind.
_GIVEN: ContextVar[Environment | None] = ContextVar("fvm_given_environment", default=None)
_RUN: ContextVar[Environment | None] = ContextVar("fvm_run_environment", default=None)


def use(environment: Environment | None) -> None:
    """Make every later run print to ``environment`` (a test's); None takes it back."""
    _GIVEN.set(environment)


def begin(*, wide: bool) -> Environment:
    """Return the environment of the run that starts now (the one a test gave, with
    ``wide``, else this process's) and make it the current one."""
    made = Environment.of_process(wide=wide)
    given = _GIVEN.get()
    run = replace(made, **given.overrides) if given else made
    if wide:
        run.wide = True
    _RUN.set(run)
    return run


def end() -> None:
    """End the run: later prints go to the process's streams as they are then."""
    _RUN.set(None)


def running() -> bool:
    """Return True while a run has begun and not ended."""
    return _RUN.get() is not None


def current() -> Environment:
    """Return this run's environment, else this process's as it is now."""
    return _RUN.get() or Environment.of_process()
