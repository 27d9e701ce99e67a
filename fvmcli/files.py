"""Files written whole or not at all: to a temporary file beside the target, then renamed.

A failed write (a full disk, Ctrl-C) never leaves an empty or half-written file where the
user expects one."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fvmcli.errors import EnvironmentProblem, InputError
from fvmcli.i18n import _


@contextmanager
def atomic_path(output: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``output`` to write to; on success it replaces
    ``output``, on any failure it is removed. A full disk or a refused write is reported."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
        os.close(handle)
    except OSError as exc:
        raise _write_error(output, exc) from exc
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except OSError as exc:
        raise _write_error(output, exc) from exc
    finally:
        temporary.unlink(missing_ok=True)


def _write_error(output: Path, exc: OSError) -> Exception:
    message = _("cannot write {output}: {strerror}").format(
        output=output, strerror=exc.strerror or exc
    )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS):
        return EnvironmentProblem(message, hint=_("Free some space, or write somewhere else."))
    return InputError(message, hint=_("Check the folder exists and you may write there."))
