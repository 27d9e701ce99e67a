"""Region-scale benchmark: build a territory and time fvm's heavy commands against floors.

Every timing is compared with a floor measured in the same run on the same machine: Python
started with the same libraries, reading every row the command needs once. The ratios, not the
seconds, are what to compare between machines.

    python -m benchmarks.run                 # 5,000 units, 20,000 people (a few minutes)
    python -m benchmarks.run --units 500     # a quick look
    python -m benchmarks.run --db postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AREAS = ["sodra", "vastra", "norra", "ostra"]
TYPES = ["hospital", "primary-care", "private", "municipal", "school-health"]
ROLES = {
    "hospital": ["nurse", "assistant-nurse", "physician", "admin", "super-user"],
    "primary-care": ["nurse", "physician", "admin"],
    "private": ["physician", "admin"],
    "municipal": ["municipal-nurse", "assistant-nurse"],
    "school-health": ["nurse"],
}
ITEMS = ["care-client", "printer", "label-printer", "barcode-scanner", "card-reader"]

RUN = """
import resource, runpy, sys
sys.argv = ["fvm", *sys.argv[1:]]
try:
    runpy.run_module("fvmcli", run_name="__main__")
except SystemExit as exit:
    if exit.code not in (0, 1, None):
        raise
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

FLOOR = """
import resource, sys, time
import sqlalchemy as sa, typer, rich, jinja2, xlsxwriter  # the libraries fvm loads
from fvmcli.store.database import Database, normalise_url
from fvmcli.content.locate import ContentDirs
from fvmcli.content.territory import load_territory
from fvmcli.content.checklists import load_checklist
from fvmcli.content.catalog import load_catalog
from fvmcli.content.courses import load_curriculum
d = ContentDirs.with_user([]); t = load_territory(d)
load_checklist(d, "golive", t); load_catalog(d, t); load_curriculum(d)
db = Database(normalise_url(sys.argv[1]))
with db.read() as conn:
    for table in sys.argv[2].split(","):
        for row in conn.execute(sa.text("SELECT * FROM " + table)):
            pass
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

READ_FOR_STATUS = (
    "units,phases,answers,waivers,people,enrolments,sessions,equipment_counts,"
    "equipment_requirements"
)


def timed(args: list[str]) -> tuple[float, int]:
    """Return (seconds, peak RSS in KiB) of a Python child process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args[:4])}…\n{done.stderr[-2000:]}")
    rss = next(
        (int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("MAXRSS_KB")),
        0,
    )
    return elapsed, rss


def fvm(db: str, *args: str) -> tuple[float, int]:
    return timed(["-c", RUN, "--db", db, *args])


def floor(db: str, tables: str) -> tuple[float, int]:
    return timed(["-c", FLOOR, db, tables])


def write_files(folder: Path, units: int, people: int, seed: int = 7) -> dict[str, Path]:
    """Write the CSV files of a region-sized territory; return their paths."""
    from fvmcli.content.checklists import load_checklist
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.territory import load_territory
    from fvmcli.core.scoring import applicable_questions

    rng = random.Random(seed)
    dirs = ContentDirs.with_user([])
    checklist = load_checklist(dirs, "golive", load_territory(dirs))
    unit_rows = [
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
        f.writelines(f"{u};{n};{a};{t};{s}\n" for u, n, a, t, s in unit_rows)
    with paths["people"].open("w", encoding="utf-8") as f:
        f.write("id;name;role;unit\n")
        for p in range(people):
            u, _, _, t, _ = unit_rows[p % units]
            f.write(f"p{p:06d};Person {p} Åberg;{rng.choice(ROLES[t])};{u}\n")
    with paths["answers"].open("w", encoding="utf-8") as f:
        f.write("unit;question;value\n")
        for u, _, _, t, _ in unit_rows:
            values: dict[str, str] = {}
            for q in applicable_questions(checklist, t, values):
                if q.derived or q.when is not None:
                    continue
                value = {
                    "yes-no": "ja",
                    "yes-partial-no": rng.choice(["ja", "delvis", "nej"]),
                    "percent": f"{rng.randint(40, 99)},5",
                    "number": "4",
                    "date": "2026-10-01",
                    "text": "Inga risker",
                }.get(q.type)
                if value is None:
                    value = q.options[0].id
                f.write(f"{u};{q.id};{value}\n")
    with paths["inventory"].open("w", encoding="utf-8") as f:
        f.write("unit;item;present;configured;tested\n")
        for u, *_ in unit_rows:
            for item in ITEMS:
                p = rng.randint(0, 20)
                c = rng.randint(0, p)
                f.write(f"{u};{item};{p};{c};{rng.randint(0, c)}\n")
    with paths["sessions"].open("w", encoding="utf-8") as f:
        f.write("course;start;capacity;id\n")
        for course in (
            "enduser-clinical",
            "downtime-procedures",
            "enduser-admin",
            "enduser-physician",
        ):
            f.write(f"{course};2026-10-05T09:00;100000;{course}-bench\n")
    return paths


def enrol_everyone(db: str, people: int) -> None:
    """Record completions for about 70 % of the people through the store, in one transaction."""
    from fvmcli.core.model import Person
    from fvmcli.store.database import Database, normalise_url
    from fvmcli.store.training import list_people, set_enrolment

    database = Database(normalise_url(db))
    rng = random.Random(3)
    course = {
        "nurse": "enduser-clinical",
        "assistant-nurse": "enduser-clinical",
        "municipal-nurse": "enduser-clinical",
        "super-user": "enduser-clinical",
        "physician": "enduser-physician",
        "admin": "enduser-admin",
    }
    with database.write() as conn:
        for person in list_people(conn):
            if rng.random() < 0.7:
                set_enrolment(
                    conn,
                    f"{course[person.role]}-bench",
                    Person(person.id, None, person.role, person.unit),
                    "completed",
                    by="bench",
                    at="2026-10-05T17:00:00+01:00",
                )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--people", type=int, default=None, help="default: 4 per unit")
    parser.add_argument("--db", default=None, help="default: a SQLite file in a temp folder")
    args = parser.parse_args()
    people = args.people or args.units * 4
    work = Path(tempfile.mkdtemp(prefix="fvm-bench-"))
    db = args.db or f"sqlite:///{work / 'bench.sqlite'}"
    os.environ["FVM_USER"] = "bench"
    print(f"territory: {args.units} units, {people} people; database {db.split('@')[-1]}")
    paths = write_files(work, args.units, people)
    rows = {k: sum(1 for _ in p.open(encoding="utf-8")) - 1 for k, p in paths.items()}
    print(f"files: {rows}")
    fvm(db, "init")
    results = []

    def record(name: str, spent: tuple[float, int], base: tuple[float, int]) -> None:
        results.append((name, spent[0], base[0], spent[0] / base[0], spent[1] // 1024))
        print(
            f"  {name:<28} {spent[0]:7.2f} s   floor {base[0]:6.2f} s   ratio "
            f"{spent[0] / base[0]:5.2f}   peak {spent[1] // 1024} MiB",
            flush=True,
        )

    empty = floor(db, "units")
    record(
        f"unit import ({rows['units']} rows)", fvm(db, "unit", "import", str(paths["units"])), empty
    )
    record(
        f"person import ({rows['people']})",
        fvm(db, "person", "import", str(paths["people"])),
        empty,
    )
    record(
        f"answer import ({rows['answers']})",
        fvm(db, "checklist", "import", "golive", str(paths["answers"])),
        empty,
    )
    record(
        f"equipment import ({rows['inventory']})",
        fvm(db, "equipment", "import", str(paths["inventory"])),
        empty,
    )
    fvm(db, "session", "import", str(paths["sessions"]))
    for phase, day in ((1, "2027-03-01"), (2, "2027-09-01"), (3, "2028-03-01")):
        fvm(db, "phase", "set", str(phase), "--go-live", day)
    start = time.perf_counter()
    enrol_everyone(db, people)
    print(f"  completions recorded in {time.perf_counter() - start:.1f} s")

    base = floor(db, READ_FOR_STATUS)
    record(
        "cutover status --json",
        fvm(db, "cutover", "status", "--json", "--as-of", "2026-11-26"),
        base,
    )
    record(
        "cutover report .html",
        fvm(db, "cutover", "report", "-o", str(work / "r.html"), "--as-of", "2026-11-26"),
        base,
    )
    record(
        "cutover report .xlsx",
        fvm(db, "cutover", "report", "-o", str(work / "r.xlsx"), "--as-of", "2026-11-26"),
        base,
    )
    one = floor(db, "units")
    record(
        "checklist score (1 unit)",
        fvm(db, "checklist", "score", "golive", "--unit", "u00042", "--json"),
        one,
    )
    print("\nratio = command time / floor time (same machine, same run)")


if __name__ == "__main__":
    main()
