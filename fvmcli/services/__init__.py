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

from fvmcli.services.context import Context, open_context

__all__ = ["Context", "open_context"]
