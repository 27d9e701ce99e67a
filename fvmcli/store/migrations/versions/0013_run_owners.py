"""The owners of the tasks of runs started before 0012 (issue 46): ``runs.owners`` is filled
from the runbook text each run keeps, by the rule a start uses (``core.access.task_owners``),
so that fvm's check of a mark and the database's row-level security read the same owners.

Revision ID: 0013
Revises: 0012
"""
import json

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from fvmcli.clock import now_iso
    from fvmcli.core.access import task_owners
    from fvmcli.store import record
    from fvmcli.store.driver import Connection
    from fvmcli.store.history import Change

    bind = op.get_bind()
    backend = "postgresql" if bind.dialect.name == "postgresql" else "sqlite"
    dbapi = bind.connection.dbapi_connection
    # Recorded as made by the login that upgrades (the database lets a login name only itself
    # and stamps its login on the entry, which the entry's hash covers).
    by = "fvm"
    if backend == "postgresql":
        by = str(Connection(dbapi, backend).scalar("SELECT session_user"))
    conn = Connection(dbapi, backend, by if backend == "postgresql" else None)
    at = now_iso()
    runs = list(conn.rows("SELECT name, source FROM runs WHERE owners IS NULL"))
    for name, source in runs:
        owners = json.dumps(task_owners(source), sort_keys=True)
        change = Change(
            at,
            by,
            record.BASELINE,
            None,
            "run",
            name,
            comment="the owners of its tasks, from the runbook it was started with",
        )
        record.update(conn, "runs", {"name": name}, {"owners": owners}, change)


def downgrade() -> None:
    pass  # the owners filled in stay: 0012's downgrade drops the column
