"""Database URLs, read without SQLAlchemy: a command that only reads opens the database with
the driver alone (``store/driver.py``) and must not pay for importing SQLAlchemy to parse its
``--db``. The URL is split by the standard library (``urllib.parse``), and its query is read
as SQLAlchemy reads it (``+`` is a space), so both see the same database, user and options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class Url:
    """A parsed database URL: ``drivername`` is ``backend`` or ``backend+driver``."""

    drivername: str
    host: str | None
    port: int | None
    database: str | None
    netloc: str  # user:password@host:port, as written
    query: tuple[tuple[str, str], ...]  # decoded as SQLAlchemy decodes it

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

    def with_driver(self, drivername: str) -> str:
        """Return the URL with another ``backend+driver`` (its other parts as they were)."""
        return self._text(drivername, urlencode(self.query, quote_via=quote))

    def libpq(self) -> str:
        """Return the URL as libpq (psycopg) reads a connection URI: its query percent-encoded,
        since libpq reads ``+`` as itself where SQLAlchemy reads a space."""
        return self._text("postgresql", urlencode(self.query, quote_via=quote))

    def _text(self, scheme: str, query: str) -> str:
        path = "/" + quote(self.database or "", safe="/:") if self.database is not None else ""
        return urlunsplit((scheme, self.netloc, path, query, ""))


_SCHEME = re.compile(r"[A-Za-z][\w+]*")


def parse_url(text: str) -> Url:
    """Return the parsed URL; raise ValueError when it does not parse or its port is not a
    number from 1 to 65535."""
    if "://" not in text:
        raise ValueError(text)
    scheme = text.split("://", 1)[0]
    if not _SCHEME.fullmatch(scheme):
        raise ValueError(text)
    # urlsplit lower-cases the scheme and knows nothing of "+driver": split after it.
    # No fragment: a '#' is part of a path or password, as SQLAlchemy reads it too.
    parts = urlsplit("db" + text[len(scheme) :], allow_fragments=False)
    port = parts.port  # ValueError for a port that is text or out of range
    if port is not None and not 0 < port < 65536:
        raise ValueError(text)
    path = parts.path
    database = unquote(path[1:]) if path.startswith("/") else (unquote(path) or None)
    return Url(
        scheme,
        parts.hostname,
        port,
        database if path else None,
        parts.netloc,
        tuple(parse_qsl(parts.query, keep_blank_values=True)),
    )


def sqlite_url(path: Path | str) -> str:
    """Return the URL of the SQLite file ``path`` (absolute). The three characters a URL
    would read otherwise are percent-encoded ('%', '?' and '#', as in a folder "Projekt #3"),
    the rest is kept as written, for the messages that show it."""
    text = str(path).replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    return f"sqlite:///{text}"


def masked(raw: str) -> str:
    """Return ``raw`` with the password of a user:password@ part hidden."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", raw)
