"""What keeping the record in the database costs (issue 51), on PostgreSQL, in one run.

The same three writes, each against its floor, three ways on one database:

- **no rights**: before ``fvm access init``, run by the owner of the tables (the server's
  superuser here, which row-level security would not stop anyway);
- **rights**: after ``fvm access init``, run by a login of the run's own that is an admin,
  with the record's triggers (``fvm_record``, ``fvm_four_eyes``) switched off: rights as they
  were before issue 51;
- **record**: the same login, with those triggers on: what a shared database runs now.

The last two alternate pair by pair (the triggers switched between them), so that a machine
that slows down slows both. The writes: ``checklist set`` (one answer) against a minimal Typer
app; ``checklist import`` of every unit's answers against the bare import floor; ``bundle
import`` of one unit's signed bundle against the same minimal app.

    python -m benchmarks.rights [--units 1000] [--pairs 3] [--no-import]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Measured,
    Result,
    compile_fvm,
    database,
    drop,
    floor,
    fvm,
    hello,
    medians,
    minimal_app,
    paired,
    run_login,
)
from benchmarks.territory import execute, write_files

BUNDLED = "ubundle"  # the unit of the bundle: not in the answers file
ADD_BUNDLED = ("unit", "add", BUNDLED, "--name", "Paket", "--area", "sodra", "--type", "hospital")
TRIGGERS = ("fvm_record", "fvm_four_eyes")


def _switch(url: str, on: bool) -> None:
    """Switch the record's triggers on or off on every table that has them (as the owner)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = ANY (%s)",
            (list(TRIGGERS),),
        ).fetchall()
        verb = "ENABLE" if on else "DISABLE"
        for table, trigger in found:
            conn.execute(f'ALTER TABLE "{table}" {verb} TRIGGER {trigger}')


def _reset_import(url: str) -> None:
    """Remove the imported answers and their entries, past the record's check (a reset)."""
    execute(
        url,
        [
            "SET session_replication_role = replica",
            f"DELETE FROM history WHERE kind = 'answer' AND unit_id <> '{BUNDLED}'",
            f"DELETE FROM answers WHERE unit_id <> '{BUNDLED}'",
        ],
    )


def _reset_bundle(url: str) -> None:
    """Remove what the bundle brought, so that the next import merges it again."""
    execute(
        url,
        [
            "SET session_replication_role = replica",
            f"DELETE FROM history WHERE unit_id = '{BUNDLED}' AND kind NOT IN ('unit', 'trust')",
            f"DELETE FROM answers WHERE unit_id = '{BUNDLED}'",
        ],
    )


def _without_evidence(answers: Path) -> None:
    """Leave out the answers to questions that require evidence (a comment): an import
    without comments would be refused for them."""
    from fvmcli.content.checklists import load_checklist
    from fvmcli.content.locate import ContentDirs
    from fvmcli.content.territory import load_territory

    dirs = ContentDirs.with_user([])
    checklist = load_checklist(dirs, "golive", load_territory(dirs))
    needing = {q.id for q in checklist.questions if q.evidence != "none"}
    lines = answers.read_text("utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split(";")[1] not in needing]
    answers.write_text("\n".join(kept) + "\n", "utf-8")


def _bundle(work: Path, answers: Path) -> tuple[Path, Path]:
    """Return a signed bundle of one unit's answers, made on a laptop's SQLite file, and the
    device's public key."""
    laptop = f"sqlite:///{work / 'laptop.sqlite'}"
    os.environ["FVM_DEVICE_KEY"] = str(work / "device.key")
    fvm(laptop, *ADD_BUNDLED)
    lines = answers.read_text("utf-8").splitlines()
    first = lines[1].split(";")[0]
    mine = work / "bundle-answers.csv"
    mine.write_text(
        "\n".join(
            [lines[0]]
            + [BUNDLED + line[len(first) :] for line in lines[1:] if line.startswith(first)]
        )
        + "\n",
        "utf-8",
    )
    fvm(laptop, "checklist", "import", "golive", str(mine))
    fvm(laptop, "bundle", "keygen")
    bundle = work / "bundle.json"
    fvm(laptop, "bundle", "export", "--unit", BUNDLED, "-o", str(bundle))
    return bundle, work / "device.key.pub"


def _alternating(
    results: list[Result],
    units: int,
    what: str,
    as_login: Measured,
    base: Measured,
    reset: Any,
    url: str,
    pairs: int,
) -> None:
    """Measure ``as_login`` against ``base`` with the record's triggers off, then on, pair by
    pair; record both medians."""
    found: dict[bool, list[tuple[float, float | None, int]]] = {False: [], True: []}
    for _ in range(pairs):
        for on in (False, True):
            _switch(url, on)
            f = base()
            c = as_login()
            if reset is not None:
                reset()
            found[on].append((c[0], f[0], c[1]))
    _switch(url, True)
    for on in (False, True):
        checked = "checked" if on else "not checked"
        result = medians("postgresql", units, f"{what}, rights, record {checked}", found[on])
        results.append(result)
        print(
            f"  {result.what:<58} {result.seconds:6.2f} s  floor {result.floor:5.2f} s  "
            f"ratio {result.ratio:5.2f}",
            flush=True,
        )


def measure(units: int, pairs: int, work: Path, imports: bool = True) -> list[Result]:
    """Build the territory and measure the three writes three ways (without the import of
    every answer, when ``imports`` is False: more pairs of the short writes in the time of
    one); return the results."""
    results: list[Result] = []
    url = database("postgresql", units, work)
    paths = write_files(work, units)
    _without_evidence(paths["answers"])
    login = f"fvm_rights_{os.getpid()}"
    os.environ["FVM_USER"] = "bench"
    minimal = minimal_app(work)
    app: Measured = lambda: hello(minimal)  # noqa: E731
    try:
        with run_login(url, login, f"r{os.getpid()}_") as as_login:
            fvm(url, "init")
            fvm(url, "unit", "import", str(paths["units"]))
            fvm(url, "phase", "set", "1", "--go-live", "2027-03-01")
            fvm(url, *ADD_BUNDLED)
            bundle, public = _bundle(work, paths["answers"])
            fvm(url, "bundle", "trust", str(public), "--unit", BUNDLED)
            rows = sum(1 for _ in paths["answers"].open(encoding="utf-8")) - 1
            values = iter(["ja", "nej"] * (4 * pairs))

            def answer(db: str) -> tuple[float, int]:
                return fvm(
                    db, "checklist", "set", "golive", "--unit", "u00000", "cut.plan", next(values)
                )

            def answers(db: str) -> tuple[float, int]:
                return fvm(db, "checklist", "import", "golive", str(paths["answers"]))

            def merge(db: str) -> tuple[float, int]:
                return fvm(db, "bundle", "import", str(bundle))

            def answers_floor() -> tuple[float, int]:
                measured = floor("answers", url, str(paths["answers"]))
                _reset_import(url)
                return measured

            print(f"\npostgresql, {units} units, {rows} answers", flush=True)
            # No rights: the owner of the tables, before 'fvm access init'.
            paired(
                results,
                "postgresql",
                units,
                "checklist set, no rights",
                lambda: answer(url),
                app,
                pairs,
            )
            if imports:
                paired(
                    results,
                    "postgresql",
                    units,
                    f"checklist import ({rows}), no rights",
                    lambda: answers(url),
                    answers_floor,
                    pairs,
                    lambda _last: _reset_import(url),
                )
            paired(
                results,
                "postgresql",
                units,
                "bundle import, no rights",
                lambda: merge(url),
                app,
                pairs,
                lambda _last: _reset_bundle(url),
            )
            fvm(url, "access", "init", "--admin", login)
            os.environ["FVM_USER"] = login
            _alternating(
                results, units, "checklist set", lambda: answer(as_login), app, None, url, pairs
            )
            if imports:
                _alternating(
                    results,
                    units,
                    f"checklist import ({rows})",
                    lambda: answers(as_login),
                    answers_floor,
                    lambda: _reset_import(url),
                    url,
                    pairs,
                )
            _alternating(
                results,
                units,
                "bundle import",
                lambda: merge(as_login),
                app,
                lambda: _reset_bundle(url),
                url,
                pairs,
            )
    finally:
        drop(url)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--no-import", action="store_true", help="only the short writes")
    args = parser.parse_args()
    compile_fvm()
    work = Path(tempfile.mkdtemp(prefix="fvm-rights-"))
    results = measure(args.units, args.pairs, work, imports=not args.no_import)
    by: dict[str, Any] = {r.what: r for r in results}
    print("\n| write | no rights | rights | rights and record | record / rights |")
    print("|---|---|---|---|---|")
    for what in ("checklist set", "checklist import", "bundle import"):
        if not any(w.startswith(what) for w in by):
            continue
        none = next(r for w, r in by.items() if w.startswith(what) and w.endswith("no rights"))
        off = next(r for w, r in by.items() if w.startswith(what) and w.endswith("not checked"))
        on = next(r for w, r in by.items() if w.startswith(what) and w.endswith("record checked"))
        print(
            f"| {what} | {none.seconds:.2f} s / {none.floor:.2f} s = {none.ratio:.2f} "
            f"| {off.seconds:.2f} s / {off.floor:.2f} s = {off.ratio:.2f} "
            f"| {on.seconds:.2f} s / {on.floor:.2f} s = {on.ratio:.2f} "
            f"| {on.ratio / off.ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
