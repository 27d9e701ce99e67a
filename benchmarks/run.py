"""Region-scale benchmarks: fvm's heavy commands against bare floors, in pairs.

For each backend and territory size the benchmark builds a territory (units, people, answers
on the ``golive`` checklist, equipment counts, completions, waivers and requirement overrides),
then runs each command in turn with its floor (``benchmarks/floors.py``) at least five times.
The ratio is taken per pair and the median of the ratios is reported with the medians of the
times and the command's peak memory. Ratios, not seconds, are what to compare between machines.

    python -m benchmarks.run                                  # SQLite, 500 / 5,000 / 20,000
    python -m benchmarks.run --backend postgresql             # a database per size on the server
    python -m benchmarks.run --sizes 500 --pairs 3            # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.floors import STATUS_TABLES, connect, mark
from fvmcli.core.access import ROLES as ACCESS_ROLES

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
ITEMS = ["care-client", "printer", "label-printer", "barcode-scanner", "card-reader"]
AS_OF = "2026-11-26"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"

# Peak memory is VmHWM, the high-water mark of this process image: getrusage's ru_maxrss
# would carry over the forking parent's (the benchmark's own, large) size across exec.
PROBE = """
import runpy, sys
sys.argv = ["fvm", *sys.argv[1:]]
try:
    runpy.run_module("fvmcli", run_name="__main__")
except SystemExit as exit:
    if exit.code not in (0, 1, None):
        raise
from benchmarks.floors import report_peak
report_peak()
"""


@dataclass
class Result:
    backend: str
    units: int
    what: str
    seconds: float
    floor: float | None
    ratio: float | None
    peak_mib: int
    pairs: int


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Return (seconds, peak RSS in KiB) of a Python child process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env or dict(os.environ)
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(args[:6])}…\n{done.stderr[-3000:]}")
    rss = next(
        (int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("MAXRSS_KB")), 0
    )
    return elapsed, rss


def fvm(db: str, *args: str) -> tuple[float, int]:
    return run(["-c", PROBE, "--db", db, *args])


def floor(kind: str, *args: str) -> tuple[float, int]:
    return run(["-m", "benchmarks.floors", kind, *args])


def paired(
    results: list[Result],
    backend: str,
    units: int,
    what: str,
    command: Any,
    base: Any,
    pairs: int,
    after: Any = None,
) -> Result:
    """Run ``base`` and ``command`` in turn ``pairs`` times; record the medians."""
    spent, floors, ratios, peaks = [], [], [], []
    for i in range(pairs):
        f = base() if base else None
        c = command()
        if after is not None:
            after(i == pairs - 1)
        spent.append(c[0])
        peaks.append(c[1])
        if f is not None:
            floors.append(f[0])
            ratios.append(c[0] / f[0])
    result = Result(
        backend,
        units,
        what,
        statistics.median(spent),
        statistics.median(floors) if floors else None,
        statistics.median(ratios) if ratios else None,
        max(peaks) // 1024,
        pairs,
    )
    results.append(result)
    ratio = f"{result.ratio:5.2f}" if result.ratio is not None else "    –"
    base_text = f"{result.floor:6.2f} s" if result.floor is not None else "       –"
    print(
        f"  {what:<34} {result.seconds:7.2f} s   floor {base_text}   ratio {ratio}   "
        f"peak {f'{result.peak_mib} MiB' if result.peak_mib else '–'}",
        flush=True,
    )
    return result


# ---------------------------------------------------------------- the territory


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


def database(backend: str, units: int, work: Path) -> str:
    """Return the URL of a fresh, empty database for this size."""
    if backend == "sqlite":
        return f"sqlite:///{work / f'bench-{units}.sqlite'}"
    import psycopg

    name = f"fvm_bench_{units}_{os.getpid()}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


# ---------------------------------------------------------------- what is measured


def shape_of_xlsx(path: Path) -> str:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return ",".join(f"{ws.title}:{ws.max_row}x{ws.max_column}" for ws in book.worksheets)


def shape_of_csv(path: Path) -> str:
    lines = path.read_text("utf-8-sig").splitlines()
    return f"{len(lines)}x{lines[0].count(';') + 1}"


def cells_of_html(path: Path) -> str:
    return str(path.read_text("utf-8").count("<td"))


def territory_size(backend: str, units: int, pairs: int, work: Path, results: list[Result]) -> None:
    print(f"\n{backend}, {units} units, {units * 4} people", flush=True)
    url = database(backend, units, work)
    paths = write_files(work, units)
    try:
        fvm(url, "init")
        fvm(url, "unit", "import", str(paths["units"]))
        fvm(url, "session", "import", str(paths["sessions"]))
        for phase, day in ((1, "2027-03-01"), (2, "2027-09-01"), (3, "2028-03-01")):
            fvm(url, "phase", "set", str(phase), "--go-live", day)
        imports = units == 5000
        if imports:

            def clean_people(last: bool) -> None:
                if not last:
                    execute(
                        url, ["DELETE FROM history WHERE kind = 'person'", "DELETE FROM people"]
                    )

            paired(
                results,
                backend,
                units,
                f"person import ({units * 4} people)",
                lambda: fvm(url, "person", "import", str(paths["people"])),
                lambda: (floor("people", url, str(paths["people"])), clean_people(False))[0],
                pairs,
                clean_people,
            )
        else:
            fvm(url, "person", "import", str(paths["people"]))
        fvm(url, "equipment", "import", str(paths["inventory"]))
        completions(url, paths)
        rows = sum(1 for _ in paths["answers"].open(encoding="utf-8")) - 1
        if imports:

            def clean_answers(last: bool) -> None:
                if not last:
                    execute(
                        url, ["DELETE FROM history WHERE kind = 'answer'", "DELETE FROM answers"]
                    )

            paired(
                results,
                backend,
                units,
                f"checklist import ({rows} answers)",
                lambda: fvm(url, "checklist", "import", "golive", str(paths["answers"])),
                lambda: (floor("answers", url, str(paths["answers"])), clean_answers(False))[0],
                pairs,
                clean_answers,
            )
        else:
            answers(url, paths)
        waivers_and_overrides(url, units)
        if backend == "sqlite":  # measure a settled file, not one with a long write-ahead log
            execute(url, ["PRAGMA wal_checkpoint(TRUNCATE)"])
        else:
            execute(url, ["ANALYZE"])

        base = lambda: floor("read", url, STATUS_TABLES)  # noqa: E731
        paired(
            results,
            backend,
            units,
            "cutover status --json",
            lambda: fvm(url, "cutover", "status", "--json", "--as-of", AS_OF),
            base,
            pairs,
        )
        # Planning: a round a month before, then the forecast and phase 1's capacity plan.
        fvm(url, "cutover", "snapshot", "r1", "--as-of", "2026-10-26")
        paired(
            results,
            backend,
            units,
            "cutover forecast --json",
            lambda: fvm(url, "cutover", "forecast", "--json", "--as-of", AS_OF),
            lambda: floor("read", url, STATUS_TABLES + ",snapshots,snapshot_units"),
            pairs,
        )
        # The history is the record: what the benchmark wrote straight to the tables enters the
        # chain as an upgrade's baseline would, then the whole record is verified.
        record_baseline(url)
        recorded = ",".join(recorded_tables(url))
        paired(
            results,
            backend,
            units,
            "history verify --json",
            lambda: fvm(url, "history", "verify", "--json"),
            lambda: floor("history", url, recorded),
            pairs,
        )
        paired(
            results,
            backend,
            units,
            "course plan --phase 1 --json",
            lambda: fvm(url, "course", "plan", "--phase", "1", "--json", "--as-of", AS_OF),
            lambda: floor("read", url, "units,people,enrolments,sessions,phases"),
            pairs,
        )
        # Turn 4: chains, the twelve-month plan, the gate and a what-if, each against the
        # status in the same run (the goal: at most twice its time).
        status_json = lambda: fvm(url, "cutover", "status", "--json", "--as-of", AS_OF)  # noqa: E731
        for what, args in (
            ("cutover chains --json", ("cutover", "chains", "--json")),
            (
                "cutover timeline --phase 1 --json",
                ("cutover", "timeline", "--phase", "1", "--json"),
            ),
            ("gate evaluate --phase 1 --json", ("gate", "evaluate", "--phase", "1", "--json")),
            (
                "cutover whatif --phase 1 --json",
                ("cutover", "whatif", "--phase", "1", "--go-live", "2027-01-15", "--json"),
            ),
        ):
            paired(
                results,
                backend,
                units,
                f"{what} (vs status)",
                lambda args=args: fvm(url, *args, "--as-of", AS_OF),
                status_json,
                pairs,
            )
        if units <= 500:
            paired(
                results,
                backend,
                units,
                "cutover status (table)",
                lambda: fvm(url, "cutover", "status", "--as-of", AS_OF),
                base,
                pairs,
            )
        for suffix, shape_of, kind in (
            ("xlsx", shape_of_xlsx, "xlsx"),
            ("csv", shape_of_csv, "csv"),
            ("html", cells_of_html, "html"),
        ):
            out = work / f"report-{units}.{suffix}"
            fvm(url, "cutover", "report", "-o", str(out), "--as-of", AS_OF)
            shape = shape_of(out)
            paired(
                results,
                backend,
                units,
                f"cutover report .{suffix}",
                lambda out=out: fvm(url, "cutover", "report", "-o", str(out), "--as-of", AS_OF),
                lambda suffix=suffix, kind=kind, shape=shape: floor(
                    kind, url, str(work / f"floor.{suffix}"), shape
                ),
                pairs,
            )
        if units == 5000 and backend == "postgresql":
            rights_enforced_import(url, paths, pairs, results)
        if units == 5000:  # the tagged PDF/UA-1 report, its "floor" the untagged PDF (#45)
            from benchmarks.pdf import pdf_pair

            pdf_pair(url, work, backend, units, max(1, pairs // 2), results)
    finally:
        drop(url)


def rights_enforced_import(
    url: str, paths: dict[str, Path], pairs: int, results: list[Result]
) -> None:
    """Measure the answers import again with rights enforced (``fvm access init``), run by a
    login of its own that is an admin: row-level security and the trigger that stamps the
    login are checked on every row, as on a shared database (a superuser would bypass them)."""
    import psycopg

    login = f"fvm_bench_{os.getpid()}"
    prefix = f"b{os.getpid()}_"  # group roles of this run only: roles are the server's
    os.environ["FVM_ROLE_PREFIX"] = prefix
    user = os.environ.get("FVM_USER")
    os.environ["FVM_USER"] = login  # a lead importing their units' answers as themselves
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{login}" LOGIN')
    try:
        fvm(url, "access", "init", "--admin", login)
        as_login = url.replace("postgres@", f"{login}@", 1)
        rows = sum(1 for _ in paths["answers"].open(encoding="utf-8")) - 1

        def clean(last: bool) -> None:
            # As the server's superuser, past the record's own check (which refuses rows
            # removed without their history entry): a benchmark's reset, not a change.
            execute(
                url,
                [
                    "SET session_replication_role = replica",
                    "DELETE FROM history WHERE kind = 'answer'",
                    "DELETE FROM answers",
                ],
            )
            if last:  # the answers back, for what is measured after (by the admin: with rights
                # enforced the superuser may not answer on behalf of FVM_USER)
                fvm(as_login, "checklist", "import", "golive", str(paths["answers"]))

        clean(False)
        paired(
            results,
            "postgresql",
            5000,
            f"checklist import, rights enforced ({rows} answers)",
            lambda: fvm(as_login, "checklist", "import", "golive", str(paths["answers"])),
            lambda: (floor("answers", url, str(paths["answers"])), clean(False))[0],
            pairs,
            clean,
        )
    finally:
        del os.environ["FVM_ROLE_PREFIX"]
        if user is not None:
            os.environ["FVM_USER"] = user
        drop_roles(url, [login, *(f"{prefix}{r}" for r in ACCESS_ROLES)])


def drop_roles(url: str, roles: list[str]) -> None:
    """Drop the benchmark's login and group roles: first their grants and what they own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        known = {r for (r,) in conn.execute("SELECT rolname FROM pg_roles")}
        for role in roles:
            if role in known:
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def startup(pairs: int, work: Path, results: list[Result]) -> None:
    print("\nstart-up", flush=True)
    minimal = work / "minimal_app.py"
    minimal.write_text(
        "import typer\napp = typer.Typer()\n"
        "@app.command()\ndef hello(name: str = 'x') -> None:\n    '''Say hello.'''\n"
        "@app.command()\ndef bye() -> None:\n    '''Bye.'''\napp()\n",
        "utf-8",
    )
    paired(
        results,
        "-",
        0,
        "fvm --version",
        lambda: run(["-m", "fvmcli", "--version"]),
        lambda: run(["-c", "import typer"]),
        pairs,
    )
    paired(
        results,
        "-",
        0,
        "fvm --help",
        lambda: run(["-m", "fvmcli", "--help"]),
        lambda: run([str(minimal), "--help"]),
        pairs,
    )


def answering(backends: list[str], pairs: int, work: Path, results: list[Result]) -> None:
    """``fvm checklist set`` (one answer and its history row, alternating values so that each
    run writes) against a minimal Typer app that runs a command, paired, on each backend."""
    print("\none answer", flush=True)
    minimal = work / "minimal_app.py"
    for backend in backends:
        url = database(backend, 1, work)
        fvm(url, "unit", "add", "u1", "--name", "Enhet", "--area", "sodra", "--type", "hospital")
        values = iter(["ja", "nej"] * pairs)
        paired(
            results,
            backend,
            1,
            "fvm checklist set",
            lambda url=url, values=values: fvm(
                url, "checklist", "set", "golive", "--unit", "u1", "org.project-lead", next(values)
            ),
            lambda: run([str(minimal), "hello", "--name", "y"]),
            pairs,
        )
        drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    args = parser.parse_args()
    os.environ["FVM_USER"] = "bench"
    # An installed fvm runs from bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module at every start instead.
    import compileall

    import fvmcli

    compileall.compile_dir(Path(fvmcli.__file__).parent, quiet=1)
    work = Path(tempfile.mkdtemp(prefix="fvm-bench-"))
    results: list[Result] = []
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    startup(args.pairs, work, results)
    answering(backends, args.pairs, work, results)
    for backend in backends:
        for units in (int(s) for s in args.sizes.split(",") if s):  # none: start-up only
            territory_size(backend, units, args.pairs, work, results)
    print("\nratio = median over pairs of (command time / floor time), same machine, same run")
    from benchmarks.table import targets

    print("\nThe targets of issue 21:\n")
    print("\n".join(targets([asdict(r) for r in results])))
    if args.out:
        Path(args.out).write_text(json.dumps([asdict(r) for r in results], indent=1), "utf-8")


if __name__ == "__main__":
    main()
