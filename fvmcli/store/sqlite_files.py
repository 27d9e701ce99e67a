"""A SQLite file looked at before, or instead of, a connection: a read must neither create a
database nor change a file it then refuses (an empty file, a file beside another database's
write-ahead log)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from fvmcli.errors import EnvironmentProblem
from fvmcli.i18n import _

MAGIC = b"SQLite format 3\x00"  # how every SQLite file begins
FVM_TABLES = frozenset({"alembic_version", "units"})  # a database with either is fvm's


def sqlite_uri(path: str, *, write: bool) -> str:
    """Return the URI a connection to the SQLite file ``path`` opens: a write may create the
    file (``mode=rwc``); a read's query is ``read_query``'s."""
    uri = Path(path).absolute().as_uri()
    return uri + ("?mode=rwc" if write else "?" + read_query(path))


def read_query(path: str) -> str:
    """Return the URI query of a read of the SQLite file ``path``. A read opens an existing
    file only (``mode=rw``: a missing file is an error, not a new database), and beside a
    write-ahead log, or in a folder this user may not write to, it opens read-only
    (``mode=ro``): a read-only connection never copies the log into the file nor deletes it
    when it closes, so a read refused on a file beside a log that is not its own changes
    neither. Only when no one may write the file nor its folder (no write bit on either) does
    it read the file as it lies (``immutable``): no process can be writing it then."""
    if os.path.exists(path + "-wal"):
        return "mode=ro"
    folder = os.path.dirname(os.path.abspath(path))  # a bare name's folder is the working one
    if os.path.exists(path + "-shm") or os.access(folder, os.W_OK):
        return "mode=rw"
    try:
        written = (os.stat(path).st_mode | os.stat(folder).st_mode) & 0o222
    except OSError:
        return "mode=ro"  # the connection names what is wrong
    # A folder another user may write to (a group's share) may hold a writer at work: a
    # read-only connection reads its commits as they come (SQLite's locks and log index).
    return "mode=ro" if written else "mode=ro&immutable=1"


def unreadable_here(path: str) -> EnvironmentProblem:
    """Return the refusal of a read of the SQLite file ``path`` in a folder this user may not
    write to while someone else may: SQLite cannot make there the log's index a read needs."""
    return EnvironmentProblem(
        _(
            "{path} cannot be read here: its folder may be written by others but not by you, "
            "and reading it needs a small index file beside it; nothing was changed"
        ).format(path=path),
        hint=_("Ask for write access to the folder, or copy the file to a folder of yours."),
    )


def missing_or_empty(path: str) -> bool:
    """Return True when the file ``path`` does not exist or is empty (0 bytes): it holds no
    database, and a connection would write one into it."""
    try:
        return os.stat(path).st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False  # the connection names what is wrong


def others_tables(names: list[str]) -> str | None:
    """Return why a database whose tables are ``names`` is not fvm's (it holds tables and none
    of fvm's), or None."""
    if not names or FVM_TABLES & set(names):
        return None
    shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
    return _("it holds another program's tables: {names}").format(names=shown)


# The SQLite files this process has connected to. A file is read outside SQLite's locking
# only before then: closing such a reading drops the locks the process's connections hold on
# the file (POSIX locks are the process's), and another process could then take the log for
# unused and copy it in while they read.
_CONNECTED: set[str] = set()


def connecting(path: str) -> None:
    """Note that this process connects to the SQLite file ``path`` (and may hold it open)."""
    _CONNECTED.add(os.path.abspath(path))


def not_fvm_beside_log(path: str) -> str | None:
    """Return why the SQLite file ``path``, beside a write-ahead log (perhaps another
    database's), is no fvm database, judged from the file's own pages before a connection
    would copy the log in or delete it: it is empty, it is not a SQLite file, or it holds
    tables and none of fvm's. Return None when no log lies beside it or its pages say no such
    thing: the ordinary connection judges, and changes neither (``sqlite_uri``). The pages are
    read with SQLite's ``immutable`` flag (no lock; the log and its index untouched), and only
    while this process holds no connection to the file (``connecting``)."""
    log = path + "-wal"
    if not os.path.exists(log):
        return None
    beside = _("a write-ahead log ({log}) lies beside it").format(log=Path(log).name)
    if missing_or_empty(path):  # a database in write-ahead mode has its first page at once
        return _("it is empty, and {beside}").format(beside=beside)
    if os.path.abspath(path) in _CONNECTED:
        return None
    try:
        with open(path, "rb") as file:
            if file.read(len(MAGIC)) != MAGIC:
                return _("it is not a SQLite file, and {beside}").format(beside=beside)
        probe = sqlite3.connect(Path(path).absolute().as_uri() + "?immutable=1", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        rows = probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error:
        return None
    finally:
        probe.close()
    return others_tables([name for (name,) in rows])


def refuse_others(
    path: str, where: str, *, create: bool, read: Callable[[], AbstractContextManager[Any]]
) -> None:
    """Refuse the SQLite file ``path`` (``where``, for the message) when it is no fvm database:
    no regular file, ``not_fvm_beside_log``, or, for a command that would create fvm's
    schema, a database of another program's tables (read in a transaction of ``read``);
    before anything is opened or written into it."""
    if os.path.exists(path) and not os.path.isfile(path):
        reason: str | None = _("it is no file but a folder, a device or a pipe")
    else:
        reason = not_fvm_beside_log(path)
    if reason is None and create and not missing_or_empty(path):
        with read() as conn:
            rows = conn.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
            reason = others_tables([row[0] for row in rows])
    if reason is not None:
        raise EnvironmentProblem(
            _("{display_url} is not an fvm database ({reason}); nothing was changed").format(
                display_url=where, reason=reason
            ),
            hint=_("Point --db / FVM_DB at fvm's database, or at a new file to create one."),
        )
