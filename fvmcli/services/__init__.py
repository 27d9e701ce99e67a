"""Use cases: one function per thing a user does, over store, core and content.

A service takes a :class:`~fvmcli.services.context.Context` and typed arguments, returns typed
results (frozen dataclasses) or raises an :class:`~fvmcli.errors.FvmError`. It never prints and
never imports typer, rich or questionary, so a notebook or a script uses the same functions as
the command line::

    from fvmcli.services import open_context
    from fvmcli.services.cutover import territory_status

    ctx = open_context()              # FVM_DB, else the default database, as `fvm` does
    status = territory_status(ctx)    # what `fvm cutover status --json` shows
"""

from __future__ import annotations

from pathlib import Path

from fvmcli.services.context import Context

__all__ = ["Context", "open_context"]


def open_context(
    db: str | None = None,
    *,
    content: list[Path] | None = None,
    lang: str | None = None,
) -> Context:
    """Return a context like the command line's: ``db`` else FVM_DB else the default database,
    ``content`` else FVM_CONTENT else the bundled content, ``lang`` else FVM_LANG/LANG; like
    the command line's, it publishes the local content on a database that has none."""
    from fvmcli.services.content_effects import EFFECTS

    return Context(db_url=db, content_dirs=list(content or []), lang_option=lang, effects=EFFECTS)
