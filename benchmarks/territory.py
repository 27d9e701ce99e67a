"""The territory the benchmarks measure on: a region's units, people, answers on the
``golive`` checklist, equipment counts, completions, waivers and requirement overrides, written
as the CSV files fvm imports or straight to the tables with the bare driver."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from benchmarks.common import fvm
from benchmarks.floors import connect, mark

AREAS = ["sodra", "vastra", "norra", "ostra"]
TYPES = ["hospital", "primary-care", "private", "municipal", "school-health"]
ROLES = {
    "hospital": ["nurse", "assistant-nurse", "physician", "admin", "super-user"],
    "primary-care": ["nurse", "physician", "admin"],
    "private": ["physician", "admin"],
    "municipal": ["municipal-nurse", "assistant-nurse"],
    "school-health": ["nurse"],
}
COMPLETES = {
    "nurse": "enduser-clinical",
    "assistant-nurse": "enduser-clinical",
    "municipal-nurse": "enduser-clinical",
    "super-user": "enduser-clinical",
    "physician": "enduser-physician",
    "admin": "enduser-admin",
}
AS_OF = "2026-11-26"  # the day the commands are measured as of
ITEMS = ["care-client", "printer", "label-printer", "barcode-scanner", "card-reader"]


def write_files(folder: Path, units: int, seed: int = 7) -> dict[str, Path]:
    """Write the CSV files of a territory of ``units`` units (4 people each); return them."""
    from fvmcli.content.checklists import load_checklist
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.territory import load_territory
    from fvmcli.core.answers import needs_evidence
    from fvmcli.core.score_plan import applicable_questions

    rng = random.Random(seed)
    dirs = ContentDirs.with_user([])
    checklist = load_checklist(dirs, "golive", load_territory(dirs))
    rows = [
        (
            f"u{i:05d}",
            f"Enhet {i} – Vårdavdelning Ö",
            AREAS[i % 4],
            TYPES[i % 5],
            rng.randint(5, 120),
        )
        for i in range(units)
    ]
    paths = {
        k: folder / f"{k}.csv" for k in ("units", "people", "answers", "inventory", "sessions")
    }
    with paths["units"].open("w", encoding="utf-8") as f:
        f.write("id;name;area;type;staff\n")
        f.writelines(f"{u};{n};{a};{t};{s}\n" for u, n, a, t, s in rows)
    with paths["people"].open("w", encoding="utf-8") as f:
        f.write("id;name;role;unit\n")
        for p in range(units * 4):
            u, _, _, t, _ = rows[p % units]
            f.write(f"p{p:06d};Person {p} Åberg;{rng.choice(ROLES[t])};{u}\n")
    with paths["answers"].open("w", encoding="utf-8") as f:
        f.write("unit;question;value;comment\n")
        for u, _, _, t, _ in rows:
            for q in applicable_questions(checklist, t, {}):
                if q.derived or q.when is not None:
                    continue
                value = {
                    "yes-no": rng.choice(["ja", "ja", "nej"]),
                    "yes-partial-no": rng.choice(["ja", "delvis", "nej"]),
                    "percent": f"{rng.randint(40, 99)},5",
                    "number": "4",
                    "date": "2026-10-01",
                    "text": "Inga risker",
                }.get(q.type) or q.options[0].id
                # A question that needs evidence is answered with it (a link), as it must be.
                comment = "https://intra.example/bevis" if needs_evidence(q) else ""
                if rng.random() < 0.9:  # some questions left open, as in life
                    f.write(f"{u};{q.id};{value};{comment}\n")
    with paths["inventory"].open("w", encoding="utf-8") as f:
        f.write("unit;item;present;configured;tested\n")
        for u, *_ in rows:
            for item in ITEMS:
                p = rng.randint(0, 20)
                c = rng.randint(0, p)
                f.write(f"{u};{item};{p};{c};{rng.randint(0, c)}\n")
    with paths["sessions"].open("w", encoding="utf-8") as f:
        f.write("course;start;capacity;id\n")
        for course in sorted(set(COMPLETES.values()) | {"downtime-procedures"}):
            f.write(f"{course};2026-10-05T09:00;100000;{course}-bench\n")
    return paths


def execute(url: str, statements: list[str]) -> None:
    conn = connect(url)
    cursor = conn.cursor()
    for statement in statements:
        cursor.execute(statement)
    if mark(conn) == "%s":
        conn.commit()


def bulk(url: str, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows with the bare driver in one transaction (``?`` marks any placeholder)."""
    conn = connect(url)
    p = mark(conn)
    cursor = conn.cursor()
    if p == "?":
        cursor.execute("BEGIN")
    for start in range(0, len(rows), 20000):
        cursor.executemany(sql.replace("?", p), rows[start : start + 20000])
    if p == "?":
        cursor.execute("COMMIT")
    else:
        conn.commit()


def _target(url: str) -> tuple[str, str]:
    if url.startswith("sqlite:///"):
        return "sqlite", url.removeprefix("sqlite:///")
    return "postgresql", url.replace("postgresql+psycopg://", "postgresql://")


def record_baseline(url: str) -> None:
    """Put every row written straight to the tables into the history's chain, as the upgrade to
    the record does for a database from before it."""
    from fvmcli.clock import now_iso
    from fvmcli.store.driver import connect as transaction
    from fvmcli.store.record import baseline

    with transaction(*_target(url), write=True) as conn:
        baseline(conn, at=now_iso())


def recorded_tables(url: str) -> list[str]:
    """Return the recorded tables this database has."""
    from fvmcli.store.driver import connect as transaction
    from fvmcli.store.record import exists
    from fvmcli.store.record_shapes import SHAPES

    with transaction(*_target(url)) as conn:
        return [t for t in SHAPES if exists(conn, t)]


def completions(url: str, paths: dict[str, Path]) -> None:
    """Record a completed course for about 70 % of the people."""
    rng = random.Random(3)
    rows = []
    for line in paths["people"].read_text("utf-8").splitlines()[1:]:
        person, _, role, _ = line.split(";")
        if rng.random() < 0.7:
            rows.append((f"{COMPLETES[role]}-bench", person, "completed", "2026-10-05T17:00"))
    bulk(
        url,
        "INSERT INTO enrolments (session_id, person_id, status, enrolled_at) VALUES (?, ?, ?, ?)",
        rows,
    )


def answers(url: str, paths: dict[str, Path]) -> None:
    """Store the answers file straight into the answers table (no history)."""
    rows = []
    value_of = {"ja": "yes", "nej": "no", "delvis": "partial"}
    for line in paths["answers"].read_text("utf-8").splitlines()[1:]:
        unit, question, value, comment = line.split(";")
        value = value_of.get(value, value.replace(",", "."))
        rows.append(
            (unit, "golive", question, value, comment or None, "bench", "2026-11-01T10:00", 1)
        )
    bulk(
        url,
        "INSERT INTO answers (unit_id, checklist, question, value, comment, answered_by, "
        "answered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def waivers_and_overrides(url: str, units: int) -> None:
    """Waive two critical questions for 5 % of the units (half the waivers ended) and
    override two equipment requirements for 3 %."""
    rng = random.Random(5)
    waived, overridden = [], []
    for i in range(units):
        unit = f"u{i:05d}"
        if rng.random() < 0.05:
            for question in ("cut.plan", "org.project-lead"):
                until = "2027-06-30" if rng.random() < 0.5 else "2026-10-31"
                waived.append((unit, "golive", question, "Styrgruppsbeslut", until, "lead", "x"))
        if rng.random() < 0.03:
            overridden += [(unit, "care-client", rng.randint(0, 9)), (unit, "printer", 0)]
    bulk(
        url,
        "INSERT INTO waivers (unit_id, checklist, question, reason, until, decided_by, "
        "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        waived,
    )
    bulk(
        url,
        "INSERT INTO equipment_requirements (unit_id, item, quantity) VALUES (?, ?, ?)",
        overridden,
    )


def founded(url: str, paths: dict[str, Path]) -> None:
    """Create fvm's tables, import the units and the course sessions of ``write_files`` and
    set the go-live dates of the three phases."""
    fvm(url, "init")
    fvm(url, "unit", "import", str(paths["units"]))
    fvm(url, "session", "import", str(paths["sessions"]))
    for phase, day in ((1, "2027-03-01"), (2, "2027-09-01"), (3, "2028-03-01")):
        fvm(url, "phase", "set", str(phase), "--go-live", day)


def settle(url: str) -> None:
    """Leave the database as it is to be measured: a SQLite file without a long write-ahead
    log, a PostgreSQL database with its statistics."""
    if url.startswith("sqlite"):
        execute(url, ["PRAGMA wal_checkpoint(TRUNCATE)"])
    else:
        execute(url, ["ANALYZE"])
