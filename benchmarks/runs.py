"""The cut-over at region scale (issue 46): a runbook of 60 tasks, 10 of them per unit, over
2,000 units (20,050 instances), with half of it marked.

    python -m benchmarks.runs                         # SQLite
    python -m benchmarks.runs --backend postgresql    # a database on 127.0.0.1
    python -m benchmarks.runs --units 500 --pairs 3   # a quick look

Measured in pairs, as ``benchmarks.run`` does: ``run status --json`` against ``cutover status
--json`` on the same territory (target ≤ 2×), and ``run task`` (one mark, with its history
entry) against a minimal Typer app running a command (target ≤ 1.5×, SQLite).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks.common import (
    Result,
    compile_fvm,
    database,
    drop,
    fvm,
    hello,
    minimal_app,
    paired,
    save,
)
from benchmarks.territory import answers, bulk, execute, write_files

PHASE_TASKS = 50
UNIT_TASKS = 10
T0 = "2027-03-01T06:00"


def runbook_text() -> str:
    """Return a runbook of 50 phase tasks in five parallel chains and 10 unit tasks."""
    lines = ['id = "region"', 'title = { sv = "Regionhelgen" }', 't0 = "06:00"', ""]
    for i in range(PHASE_TASKS):
        after = f'after = ["p{i - 5}"]' if i >= 5 else f'start = "T-{48 - i}h"'
        lines += [
            "[[tasks]]",
            f'id = "p{i}"',
            f'title = {{ sv = "Fasaktivitet {i}" }}',
            'owner = "cutover-lead"',
            'duration = "30m"',
            after,
            "",
        ]
    for j in range(UNIT_TASKS):
        after = f'"u{j - 1}"' if j else f'"p{PHASE_TASKS - 1}"'
        lines += [
            "[[tasks]]",
            f'id = "u{j}"',
            f'title = {{ sv = "Enhetsaktivitet {j}" }}',
            'owner = "local-project-lead"',
            'per = "unit"',
            'duration = "15m"',
            f"after = [{after}]",
            "",
        ]
    return "\n".join(lines)


def marked(url: str, units: list[str]) -> None:
    """Mark every phase task done and the first half of the units' tasks done, straight into
    the table (what a weekend half over holds)."""
    rows = [
        ("bench", f"p{i}", "", "done", "2027-02-27T06:00:00+01:00", "2027-02-27T06:30:00+01:00")
        for i in range(PHASE_TASKS)
    ]
    for unit in units[: len(units) // 2]:
        for j in range(UNIT_TASKS):
            rows.append(
                (
                    "bench",
                    f"u{j}",
                    unit,
                    "done",
                    "2027-03-01T01:00:00+01:00",
                    "2027-03-01T01:20:00+01:00",
                )
            )
    bulk(
        url,
        'INSERT INTO run_marks (run, task, unit_id, state, started_at, ended_at, "by") '
        "VALUES (?, ?, ?, ?, ?, ?, 'bench')",
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    os.environ["FVM_USER"] = "bench"
    os.environ["FVM_NOW"] = "2027-03-01T03:00:00+01:00"
    compile_fvm()
    work = Path(tempfile.mkdtemp(prefix="fvm-bench-runs-"))
    content = work / "content"
    (content / "runbooks").mkdir(parents=True)
    (content / "runbooks" / "region.toml").write_text(runbook_text(), "utf-8")
    os.environ["FVM_CONTENT"] = str(content)
    results: list[Result] = []
    url = database(args.backend, args.units, work)
    paths = write_files(work, args.units)
    try:
        fvm(url, "init")
        fvm(url, "unit", "import", str(paths["units"]))
        execute(url, ["UPDATE units SET area = 'sodra'"])  # every unit in phase 1
        fvm(url, "phase", "set", "1", "--go-live", "2027-03-01")
        answers(url, paths)
        fvm(url, "run", "start", "region", "bench", "--phase", "1", "--t0", T0)
        from benchmarks.floors import connect

        conn = connect(url)
        units = [r[0] for r in conn.execute("SELECT id FROM units ORDER BY id").fetchall()]
        conn.close()
        marked(url, units)
        print(f"\n{args.backend}, {args.units} units, {PHASE_TASKS + UNIT_TASKS * len(units)}")
        paired(
            results,
            args.backend,
            args.units,
            "run status --json / cutover status --json",
            lambda: fvm(url, "run", "status", "bench", "--json"),
            lambda: fvm(url, "cutover", "status", "--json"),
            args.pairs,
        )
        minimal = minimal_app(work)
        waiting = iter(units[len(units) // 2 :])
        paired(
            results,
            args.backend,
            args.units,
            "run task (one mark)",
            lambda: fvm(url, "run", "task", "bench", "u0", "blocked", "--unit", next(waiting)),
            lambda: hello(minimal),
            args.pairs,
        )
    finally:
        drop(url)
    save(results, args.out)


if __name__ == "__main__":
    main()
