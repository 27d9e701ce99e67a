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
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from benchmarks.common import (
    Result,
    compile_fvm,
    database,
    drop,
    floor,
    fvm,
    hello,
    minimal_app,
    paired,
    run,
    run_login,
    save,
)
from benchmarks.floors import STATUS_TABLES
from benchmarks.territory import (
    AS_OF,
    answers,
    completions,
    execute,
    founded,
    record_baseline,
    recorded_tables,
    settle,
    waivers_and_overrides,
    write_files,
)

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
        founded(url, paths)
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
        settle(url)

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
    login = f"fvm_bench_{os.getpid()}"
    user = os.environ.get("FVM_USER")
    os.environ["FVM_USER"] = login  # a lead importing their units' answers as themselves
    try:  # group roles of this run only (b…_): roles are the server's
        with run_login(url, login, f"b{os.getpid()}_") as as_login:
            fvm(url, "access", "init", "--admin", login)
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
                # the answers back, for what is measured after (by the admin: with rights
                # enforced the superuser may not answer on behalf of FVM_USER)
                if last:
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
        if user is not None:
            os.environ["FVM_USER"] = user


def startup(pairs: int, work: Path, results: list[Result]) -> None:
    print("\nstart-up", flush=True)
    minimal = minimal_app(work)
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
            lambda: hello(minimal),
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
    compile_fvm()
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
    save(results, args.out)


if __name__ == "__main__":
    main()
