"""Reading a JSON file a user hands us (a bundle), with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fvmcli.content.csvfile import read_text
from fvmcli.errors import InputError
from fvmcli.i18n import _


class _Refused(ValueError):
    """JSON that parses but is not plain data: a key given twice, NaN or Infinity."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(_("the key {key!r} is given twice in one object").format(key=key[:50]))
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise _Refused(_("{name} is no number fvm takes").format(name=name))


def read_json(path: Path) -> Any:
    """Return a JSON file's content; an unreadable, invalid or absurdly nested file, a key
    given twice in one object (which copy counts would differ between readers, and a signature
    covers only one), or NaN and Infinity are an input error naming the file."""
    try:
        return json.loads(
            read_text(path, "JSON"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except _Refused as exc:
        raise InputError(_("{path}: {reason}").format(path=path, reason=exc)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            _("{path}: not valid JSON (line {lineno}, column {colno}): {msg}").format(
                path=path, lineno=exc.lineno, colno=exc.colno, msg=exc.msg
            )
        ) from exc
    except RecursionError as exc:
        raise InputError(_("{path}: nested too deeply to read").format(path=path)) from exc
