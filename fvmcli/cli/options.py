"""Options shared by many commands, declared once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

BY = typer.Option(
    None, "--by", metavar="NAME", help="Who makes the change (env FVM_USER, else the login)."
)
DRY_RUN = typer.Option(False, "--dry-run", help="Check everything and report; store nothing.")
AS_OF = typer.Option(
    None, "--as-of", metavar="YYYY-MM-DD", help="The day to look from (default: today)."
)
CHECKLIST = typer.Argument(..., metavar="CHECKLIST", help="Checklist id, e.g. readiness.")
CHECKLIST_OR_ALL = typer.Argument(  # ``checklist show`` without one lists them
    None, metavar="CHECKLIST", help="Checklist id, e.g. readiness (none: list them)."
)
FROM_START = typer.Option(
    False, "--from-start", help="Begin at the first unanswered question, not where you stopped."
)


def _default_checklist(ctx: typer.Context, value: str | None) -> str:
    """Return the checklist named, else the content's default one (the gate's checklist, or
    the pack's only one)."""
    if value:
        return value
    from fvmcli.cli.env import get_env

    return get_env(ctx).default_checklist


CHECKLIST_OPTION = typer.Option(
    None,
    "--checklist",
    metavar="CHECKLIST",
    help="The checklist (default: the gate's, or the pack's only one).",
    callback=_default_checklist,
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
        typer.Option(
            None, "--area", help="Only units of this area (its id or name in territory.toml)."
        ),
    ),
    "phase": (
        int | None,
        typer.Option(None, "--phase", help="Only units whose area goes live in this phase."),
    ),
    "unit_type": (
        str | None,
        typer.Option(
            None, "--type", help="Only units of this type (an id of unit_types in territory.toml)."
        ),
    ),
}


def unit_filters(*, units: bool = False) -> Callable[[F], F]:
    """Give a command the filter options (``--area --phase --type``, and ``--unit`` when
    ``units``) and pass them to it as one ``filters`` argument (a ``UnitFilter``)."""
    names = [n for n in _FILTERS if units or n != "unit_ids"]

    def make(given: dict[str, Any]) -> Any:
        from fvmcli.services.territory import UnitFilter

        return UnitFilter(
            tuple(given.get("unit_ids") or ()), given["area"], given["phase"], given["unit_type"]
        )

    return partial(_inject, "filters", {n: _FILTERS[n] for n in names}, make)


JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
CSV = typer.Option(
    False,
    "--csv",
    help="Print CSV instead of a table (Swedish Excel's: ';', decimal commas; "
    "--plain-csv for scripts).",
)


def output_options(*, csv: bool = False) -> Callable[[F], F]:
    """Give a command ``--json`` (and ``--csv``, ``--plain-csv`` for a listing, when
    ``csv``) and pass the choice to it as one ``out`` argument (a ``cli.output.Output``)."""
    options: dict[str, tuple[Any, Any]] = {"to_json": (bool, JSON)}
    if csv:
        options |= {"to_csv": (bool, CSV), "plain_csv": (bool, PLAIN_CSV)}

    def make(given: dict[str, Any]) -> Any:
        from fvmcli.cli.output import Output
        from fvmcli.errors import InputError
        from fvmcli.i18n import _

        to_csv = bool(given.get("to_csv") or given.get("plain_csv"))
        if given["to_json"] and to_csv:
            raise InputError(_("--json and --csv: choose one"))
        form = "json" if given["to_json"] else "csv" if to_csv else "table"
        return Output(form, plain=bool(given.get("plain_csv")))

    return partial(_inject, "out", options, make)


def _inject(
    name: str, options: dict[str, tuple[Any, Any]], make: Callable[[dict[str, Any]], Any], func: F
) -> F:
    """Return ``func`` with its parameter ``name`` replaced by ``options`` on the command
    line, and called with ``make`` of their values in its place."""
    signature = inspect.signature(func, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != name]
    added = [
        inspect.Parameter(o, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
        for o, (a, d) in options.items()
    ]
    positional = [p for p in kept if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    keyword = [p for p in kept if p.kind is inspect.Parameter.KEYWORD_ONLY]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs[name] = make({o: kwargs.pop(o, None) for o in options})
        return func(*args, **kwargs)

    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in positional] + keyword + added
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__
    return wrapper  # type: ignore[return-value]
