"""Reading a JSON file a user hands us (a bundle), with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fvmcli.content.csvfile import read_text
from fvmcli.errors import InputError
from fvmcli.i18n import _


def read_json(path: Path) -> Any:
    """Return a JSON file's content; an unreadable, invalid or absurdly nested file is an
    input error naming the file."""
    try:
        return json.loads(read_text(path, "JSON"))
    except json.JSONDecodeError as exc:
        raise InputError(
            _("{path}: not valid JSON (line {lineno}, column {colno}): {msg}").format(
                path=path, lineno=exc.lineno, colno=exc.colno, msg=exc.msg
            )
        ) from exc
    except RecursionError as exc:
        raise InputError(_("{path}: nested too deeply to read").format(path=path)) from exc
