"""Two changes to the libraries under the command line, made at start: Typer's coercion of
plain option values, which would import pydantic for nothing, and rich's exit on a broken
pipe, which would turn ``fvm … | head`` into a failure."""

from __future__ import annotations

import errno
import sys
from typing import Any


def plain_values_pass_through() -> None:
    """Let a text value, and an option not given, pass Typer's coercion untouched: Typer
    builds a pydantic validator for every parameter it is handed, even these, and importing
    pydantic and building them is a tenth of a second of every command's start. Numbers,
    paths, choices, lists and files are coerced by Typer as before."""
    try:
        from typer.core import _TyperParameter
    except ImportError:  # another Typer: nothing to skip
        return
    if hasattr(_TyperParameter.process_value, "__wrapped__"):
        return
    original = _TyperParameter.process_value

    def process_value(self: Any, ctx: Any, value: Any) -> Any:
        described = getattr(self, "type_descriptor", None)
        if described is None or self.required or described.parameter_info.parser is not None:
            return original(self, ctx, value)
        if self.multiple or self.nargs != 1:
            if value is not None and (not isinstance(value, list | tuple) or value):
                return original(self, ctx, value)
            value = () if value is None else []  # what Typer makes of no values
        elif not (value is None or (isinstance(value, str) and described.annotation is str)):
            return original(self, ctx, value)
        return self.callback(ctx, self, value) if self.callback is not None else value

    process_value.__wrapped__ = original  # type: ignore[attr-defined]
    _TyperParameter.process_value = process_value  # type: ignore[method-assign]


def broken_pipe_is_no_error() -> None:
    """Let a reader that stops reading (``fvm --help | head``) end fvm with 0: rich exits 1
    on a broken pipe, so its consoles raise BrokenPipeError instead, which fvm handles. Rich
    is patched when it is first imported (a ``--json`` command never imports it)."""
    loaded = sys.modules.get("rich.console")
    if loaded is not None:
        _raise_on_broken_pipe(loaded)
    elif not any(isinstance(f, _OnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _OnImport("rich.console", _raise_on_broken_pipe))


def _raise_on_broken_pipe(module: Any) -> None:
    def on_broken_pipe(self: Any) -> None:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    module.Console.on_broken_pipe = on_broken_pipe


class _OnImport:
    """An import finder that runs ``then`` on the module ``name`` once it is imported."""

    def __init__(self, name: str, then: Any) -> None:
        self.name = name
        self.then = then

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != self.name:
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module
        then = self.then

        def exec_module(module: Any) -> None:
            run(module)
            then(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
