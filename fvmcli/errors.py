"""The one error tree and the one exit-code enum.

Every error a user can cause is an :class:`FvmError`; the CLI's single handler turns it into
a message on stderr and the exit code of its class. Nothing else reaches a user as a traceback
unless they ask for it with ``--debug`` / ``FVM_DEBUG=1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from fvmcli.i18n import ngettext


class ExitCode(IntEnum):
    """Process exit statuses, the same for every command."""

    OK = 0
    GATE_FAILED = 1
    BAD_INPUT = 2
    CONFLICT = 3
    ENVIRONMENT = 4
    NOT_PERMITTED = 5
    INTERNAL = 70
    INTERRUPTED = 130


class FvmError(Exception):
    """Base of every error a user can cause; carries its exit code."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(
        self, message: str, *, hint: str | None = None, command: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.command = command  # a command to copy: shown on a line of its own, whole

    def explained(self) -> str:
        """Return the message with its hint, without the command."""
        return self.message if not self.hint else f"{self.message}\n{self.hint}"

    def render(self) -> str:
        """Return the full message a user sees: the message, its hint, and the command to
        copy on a line of its own, indented."""
        return self.explained() + (f"\n  {self.command}" if self.command else "")


class InputError(FvmError):
    """Bad input or usage: a bad value, an unknown id, an unreadable file."""


class UnknownIdError(InputError):
    """An id that names nothing stored or bundled."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: where it is and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ProblemsError(InputError):
    """A file (content or import) with one or more problems; all of them are listed."""

    def __init__(self, source: str, problems: list[Problem], *, hint: str | None = None) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        lines = [ngettext("{source}: {count} problem", "{source}: {count} problems", count)]
        lines[0] = lines[0].format(source=source, count=count)
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines), hint=hint)


class ContentError(ProblemsError):
    """Bundled or user content (TOML) that does not validate."""


class ImportRowsError(ProblemsError):
    """A CSV import with bad rows; nothing was stored."""


class ConflictError(FvmError):
    """The request conflicts with stored data (capacity, duplicate, prerequisite, stale bundle)."""

    exit_code = ExitCode.CONFLICT


class PartlyRefused(ConflictError):
    """Some items of a batch were refused and the rest were stored: ``done`` holds the
    outcome of the whole batch, for the caller to show (exit 3, like any refusal)."""

    def __init__(self, message: str, done: list[object], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.done = done


class EnvironmentProblem(FvmError):
    """The environment cannot serve the request (database, missing optional dependency)."""

    exit_code = ExitCode.ENVIRONMENT


class NotPermitted(FvmError):
    """The login may not do this on a shared database (rights, row-level security)."""

    exit_code = ExitCode.NOT_PERMITTED


class Interrupted(FvmError):
    """The user pressed Ctrl-C; what was saved stays saved."""

    exit_code = ExitCode.INTERRUPTED
