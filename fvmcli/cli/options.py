"""Options shared by many commands, declared once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
BY = typer.Option(
    None, "--by", metavar="NAME", help="Who makes the change (env FVM_USER, else the login)."
)
DRY_RUN = typer.Option(False, "--dry-run", help="Check everything and report; store nothing.")
AS_OF = typer.Option(
    None, "--as-of", metavar="YYYY-MM-DD", help="The day to look from (default: today)."
)
CHECKLIST = typer.Argument(..., metavar="CHECKLIST", help="Checklist id, e.g. golive.")
CHECKLIST_OPTION = typer.Option(
    "golive", "--checklist", metavar="CHECKLIST", help="The checklist (default: golive)."
)
PLAIN_CSV = typer.Option(
    False,
    "--plain-csv",
    help="CSV for scripts (RFC 4180: ',' and '.', no BOM) instead of Swedish Excel's "
    "(';', decimal commas, UTF-8 with BOM).",
)
ENCODING = typer.Option(
    None,
    "--encoding",
    metavar="NAME",
    help="Read the file in this encoding (default: UTF-8, else Windows-1252 as Excel saves).",
)
FORMAT = typer.Option(None, "--format", help="html, md or pdf (default: from -o, else html).")
OUTPUT = typer.Option(
    None, "-o", "--output", help="File to write (default: standard output; PDF needs a file)."
)

_FILTERS = {
    "unit_ids": (
        list[str],
        typer.Option([], "--unit", metavar="ID", help="Only these units (repeatable)."),
    ),
    "area": (
        str | None,
        typer.Option(None, "--area", help="Only units of this area (sodra, vastra, norra, ostra)."),
    ),
    "phase": (
        int | None,
        typer.Option(None, "--phase", help="Only units whose area goes live in this phase."),
    ),
    "unit_type": (
        str | None,
        typer.Option(None, "--type", help="Only units of this type (hospital, municipal, …)."),
    ),
}


def unit_filters(*, units: bool = False) -> Callable[[F], F]:
    """Give a command the filter options (``--area --phase --type``, and ``--unit`` when
    ``units``) and pass them to it as one ``filters`` argument (a ``UnitFilter``)."""
    names = [n for n in _FILTERS if units or n != "unit_ids"]

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        kept = [p for p in signature.parameters.values() if p.name != "filters"]
        added = [
            inspect.Parameter(
                n,
                inspect.Parameter.KEYWORD_ONLY,
                default=_FILTERS[n][1],
                annotation=_FILTERS[n][0],
            )
            for n in names
        ]
        positional = [p for p in kept if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        keyword = [p for p in kept if p.kind is inspect.Parameter.KEYWORD_ONLY]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from fvmcli.services.territory import UnitFilter

            given = {n: kwargs.pop(n, None) for n in names}
            kwargs["filters"] = UnitFilter(
                tuple(given.get("unit_ids") or ()),
                given["area"],
                given["phase"],
                given["unit_type"],
            )
            return func(*args, **kwargs)

        params = (
            [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in positional] + keyword + added
        )
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        del wrapper.__wrapped__
        return wrapper  # type: ignore[return-value]

    return decorate
