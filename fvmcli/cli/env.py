"""The service context of one invocation, kept on the root Typer context."""

from __future__ import annotations

import typer

from fvmcli.services.context import Context


def get_env(ctx: typer.Context) -> Context:
    """Return the invocation's context (a fresh default one when a command runs on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Context):
        root.obj = Context()
    return root.obj
