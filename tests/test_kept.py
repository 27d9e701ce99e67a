"""A kept PostgreSQL connection outlives its server's session: a terminated backend (a
restart, an idle connection dropped) is connected to again before the next transaction,
instead of ending fvm watch with exit 4."""

from __future__ import annotations

import time

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


def test_a_terminated_backend_is_connected_to_again_before_the_next_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fvmcli.store import kept as kept_module
    from fvmcli.store.driver import psycopg_module
    from fvmcli.store.urls import parse_url

    assert PG_URL is not None
    target = parse_url(PG_URL).libpq()
    kept = kept_module.Kept("postgresql", target)
    other = psycopg_module().connect(target, autocommit=True)
    try:
        with kept.transaction() as conn:
            first = conn.scalar("SELECT pg_backend_pid()")
        ended = other.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone()
        assert ended == (True,)
        for _ in range(100):  # the server ends the backend a moment later
            gone = other.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (first,))
            if gone.fetchone() == (0,):
                break
            time.sleep(0.05)
        monkeypatch.setattr(kept_module, "PING_AFTER", 0.0)  # as after a watch's interval
        with kept.transaction(write=True) as conn:
            second = conn.scalar("SELECT pg_backend_pid()")
            assert conn.scalar("SELECT 1 + 1") == 2
        assert second != first
        with kept.transaction() as conn:  # and the new connection is kept
            assert conn.scalar("SELECT pg_backend_pid()") == second
    finally:
        kept.close()
        other.close()
