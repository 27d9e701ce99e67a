"""Database URLs, read without SQLAlchemy: a command that only reads opens the database with
the driver alone (``store/driver.py``) and must not pay for importing SQLAlchemy to parse its
``--db``. The grammar is SQLAlchemy's own (``sqlalchemy.engine.url``), so both read a URL
alike; SQLAlchemy parses the same text again when a command needs its engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_URL = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)


@dataclass(frozen=True)
class Url:
    """A parsed database URL: ``drivername`` is ``backend`` or ``backend+driver``; ``rest``
    is the text after ``://``, kept as written."""

    drivername: str
    host: str | None
    port: int | None
    database: str | None
    rest: str

    @property
    def backend(self) -> str:
        """Return the kind of database: ``sqlite``, ``postgresql``, … (``postgres`` is
        PostgreSQL's old name and reads as ``postgresql``)."""
        name = self.drivername.split("+", 1)[0]
        return "postgresql" if name == "postgres" else name

    @property
    def driver(self) -> str | None:
        """Return the driver a ``backend+driver`` URL names, else None."""
        return self.drivername.split("+", 1)[1] if "+" in self.drivername else None


def parse_url(text: str) -> Url:
    """Return the parsed URL; raise ValueError when it does not parse or its port is not a
    number from 1 to 65535."""
    found = _URL.match(text)
    if found is None:
        raise ValueError(text)
    parts = found.groupdict()
    port = int(parts["port"]) if parts["port"] else None  # ValueError for a port that is text
    if port is not None and not 0 < port < 65536:
        raise ValueError(text)
    database = parts["database"]
    return Url(
        parts["name"],
        parts["ipv4host"] or parts["ipv6host"],
        port,
        unquote(database) if database is not None else None,
        text.split("://", 1)[1],
    )


def masked(raw: str) -> str:
    """Return ``raw`` with the password of a user:password@ part hidden."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)
