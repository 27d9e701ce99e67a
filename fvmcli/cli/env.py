"""The service context of one invocation, kept on the root Typer context."""

from __future__ import annotations

import typer

from fvmcli.services.context import Context


def get_env(ctx: typer.Context, *, creates: bool = False) -> Context:
    """Return the invocation's context (a fresh default one when a command runs on its own).

    Only a command that stores something from nothing (``init``, ``demo``, an add or an
    import) passes ``creates``: any other, pointed at a SQLite file that does not exist, is
    refused instead of quietly making an empty database and showing nothing."""
    root = ctx.find_root()
    if not isinstance(root.obj, Context):
        from fvmcli.services.content_effects import EFFECTS

        root.obj = Context(creates=False, effects=EFFECTS)
    if creates:  # a later get_env(ctx) of the same command does not take it back
        root.obj.creates = True
    return root.obj
