"""Reading a JSON file a user hands us (a bundle), with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fvmcli.content.csvfile import read_text
from fvmcli.errors import InputError


def read_json(path: Path) -> Any:
    """Return a JSON file's content; an unreadable, invalid or absurdly nested file is an
    input error naming the file."""
    try:
        return json.loads(read_text(path, "JSON"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise InputError(f"{path}: nested too deeply to read") from exc
