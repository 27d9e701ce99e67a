"""Floors: bare Python processes doing the least work a command's output needs.

Each floor imports only the driver (``sqlite3`` or ``psycopg``) and, for the writers, the same
writer the command uses; it reads every row it needs and writes the same number of cells. A
command's ratio to its floor, measured in the same run, is what to compare between machines.

    python -m benchmarks.floors read URL TABLE,TABLE,…
    python -m benchmarks.floors xlsx URL OUT SHEET:ROWSxCOLS,…
    python -m benchmarks.floors csv URL OUT ROWSxCOLS
    python -m benchmarks.floors html URL OUT CELLS
    python -m benchmarks.floors answers URL FILE      (parse, insert answers and history)
    python -m benchmarks.floors people URL FILE       (parse, insert people and history)
    python -m benchmarks.floors history URL TABLE,…   (read the history, hash each entry;
                                                       read the recorded tables)
    python -m benchmarks.floors hypercare-day URL DAY (read one day's hypercare values)
    python -m benchmarks.floors hypercare-import URL FILE DAY   (parse, insert values, history)
"""

from __future__ import annotations

import sys
from typing import Any

STATUS_TABLES = (
    "units,phases,answers,waivers,people,enrolments,sessions,equipment_counts,"
    "equipment_requirements"
)


def connect(url: str) -> Any:
    """Return a bare driver connection for a SQLite file URL or a PostgreSQL URL."""
    if url.startswith("sqlite:///"):
        import sqlite3

        return sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def mark(conn: Any) -> str:
    return "?" if conn.__class__.__module__ == "sqlite3" else "%s"


def read(url: str, tables: str) -> int:
    """Read every row of the tables; return how many."""
    conn = connect(url)
    n = 0
    for table in tables.split(","):
        cursor = conn.cursor()
        cursor.execute(f"SELECT * FROM {table}")
        while batch := cursor.fetchmany(5000):
            n += len(batch)
    return n


def history(url: str, tables: str) -> int:
    """Read every history entry and hash each with hashlib, then read every row of the
    recorded tables: the least ``history verify`` does; return how many entries."""
    import hashlib

    conn = connect(url)
    cursor = conn.cursor()
    cursor.execute(
        'SELECT id, prev, hash, payload, salt, at, "by", kind, unit_id, scope, subject, version, '
        "login, key, old, new, comment, tbl, rowkey, state, private FROM history ORDER BY id"
    )
    n = 0
    while batch := cursor.fetchmany(5000):
        for row in batch:
            hashlib.sha256(repr(row[1:]).encode("utf-8")).hexdigest()
        n += len(batch)
    read(url, tables)
    return n


def _rows(url: str) -> list[tuple[Any, ...]]:
    """Read the status tables and return the unit rows to write."""
    read(url, STATUS_TABLES)
    conn = connect(url)
    cursor = conn.cursor()
    cursor.execute("SELECT id, name, area, type, staff FROM units")
    return list(cursor.fetchall())


def xlsx(url: str, out: str, shape: str) -> None:
    """Write sheets of ROWS×COLS cells with xlsxwriter as the report does (after reading)."""
    import xlsxwriter

    units = _rows(url)
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    for spec in shape.split(","):
        name, size = spec.rsplit(":", 1)
        rows, cols = (int(x) for x in size.split("x"))
        sheet = book.add_worksheet(name)
        for r in range(rows):
            unit = units[r % len(units)] if units else ("x",)
            for c in range(cols):
                value = unit[c % len(unit)]
                if isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()


def csv_out(url: str, out: str, shape: str) -> None:
    """Write ROWS×COLS cells with the csv module (after reading)."""
    import csv

    units = _rows(url)
    rows, cols = (int(x) for x in shape.split("x"))
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        for r in range(rows):
            unit = units[r % len(units)] if units else ("x",)
            writer.writerow([unit[c % len(unit)] for c in range(cols)])


def html(url: str, out: str, cells: str) -> None:
    """Render a table of CELLS cells with Jinja2, autoescaped (after reading)."""
    import jinja2

    units = _rows(url)
    n = int(cells)
    template = jinja2.Environment(autoescape=True).from_string(
        "<table>{% for row in rows %}<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>"
        "{% endfor %}</table>"
    )
    rows = [units[i % len(units)][:5] for i in range(n // 5 + 1)] if units else []
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(template.render(rows=rows))


def answers(url: str, file: str) -> None:
    """Parse the answers CSV and insert its answers and their history in one transaction."""
    import csv

    conn = connect(url)
    p = mark(conn)
    at = "2026-11-27T10:00:00+01:00"
    cursor = conn.cursor()
    if p == "?":
        cursor.execute("BEGIN IMMEDIATE")

    def flush(batch: list[list[str]]) -> None:
        cursor.executemany(
            "INSERT INTO answers (unit_id, checklist, question, value, comment, answered_by, "
            f"answered_at, version) VALUES ({', '.join([p] * 8)})",
            [(u, "golive", q, v, c or None, "bench", at, 1) for u, q, v, c in batch],
        )
        cursor.executemany(
            'INSERT INTO history (at, "by", kind, unit_id, scope, subject, old, new, comment, '
            f"version, login) VALUES ({', '.join([p] * 11)})",
            [
                (at, "bench", "answer", u, "golive", q, None, v, c or None, 1, "bench")
                for u, q, v, c in batch
            ],
        )

    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row[:4])
            if len(batch) >= 5000:
                flush(batch)
                batch = []
        flush(batch)
    conn.commit() if p == "%s" else cursor.execute("COMMIT")


def people(url: str, file: str) -> None:
    """Parse the people CSV and insert the people and their history in one transaction."""
    import csv
    import json

    conn = connect(url)
    p = mark(conn)
    at = "2026-11-27T10:00:00+01:00"
    cursor = conn.cursor()
    if p == "?":
        cursor.execute("BEGIN IMMEDIATE")
    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        rows = [row[:4] for row in reader]
    cursor.executemany(
        f"INSERT INTO people (id, name, role, unit_id) VALUES ({', '.join([p] * 4)})", rows
    )
    cursor.executemany(
        f'INSERT INTO history (at, "by", kind, subject, new, login) VALUES ({", ".join([p] * 6)})',
        [
            (at, "bench", "person", i, json.dumps({"id": i, "name": n, "role": r, "unit": u}), "b")
            for i, n, r, u in rows
        ],
    )
    conn.commit() if p == "%s" else cursor.execute("COMMIT")


def hypercare_day(url: str, day: str) -> None:
    """Read one day's hypercare values, as ``hypercare status`` needs them."""
    conn = connect(url)
    cursor = conn.cursor()
    cursor.execute(
        f"SELECT unit_id, indicator, value FROM hypercare_values WHERE day = {mark(conn)}", (day,)
    )
    while cursor.fetchmany(5000):
        pass


def hypercare_import(url: str, file: str, day: str) -> None:
    """Parse a day's hypercare CSV and insert its values and their history in one transaction
    (on ``day`` instead of the file's, so that fvm's import of the file finds nothing stored)."""
    import csv

    conn = connect(url)
    p = mark(conn)
    at = "2026-11-29T10:00:00+01:00"
    cursor = conn.cursor()
    if p == "?":
        cursor.execute("BEGIN IMMEDIATE")
    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        rows = [(day, u, i, float(v), None, "bench", at) for u, i, _, v in reader]
    cursor.executemany(
        'INSERT INTO hypercare_values (day, unit_id, indicator, value, comment, "by", "at") '
        f"VALUES ({', '.join([p] * 7)})",
        rows,
    )
    cursor.executemany(
        'INSERT INTO history (at, "by", kind, unit_id, scope, subject, new, login) '
        f"VALUES ({', '.join([p] * 8)})",
        [(at, "bench", "hypercare-floor", u, d, i, str(v), "bench") for d, u, i, v, *_ in rows],
    )
    conn.commit() if p == "%s" else cursor.execute("COMMIT")


def main() -> None:
    kind, url, *rest = sys.argv[1:]
    if kind == "read":
        read(url, rest[0])
    elif kind == "xlsx":
        xlsx(url, rest[0], rest[1])
    elif kind == "csv":
        csv_out(url, rest[0], rest[1])
    elif kind == "html":
        html(url, rest[0], rest[1])
    elif kind == "answers":
        answers(url, rest[0])
    elif kind == "people":
        people(url, rest[0])
    elif kind == "history":
        history(url, rest[0])
    elif kind == "hypercare-day":
        hypercare_day(url, rest[0])
    elif kind == "hypercare-import":
        hypercare_import(url, rest[0], rest[1])
    else:
        sys.exit(f"unknown floor {kind!r}")
    report_peak()


def report_peak() -> None:
    """Print this process's peak resident memory (VmHWM, in KiB) for the benchmark to read."""
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print("MAXRSS_KB", peak, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
