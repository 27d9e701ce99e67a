"""Hypercare at region scale: 20,000 units × 8 indicators × 28 days, on each backend.

The values of days 0 … 26 are written straight to the table; day 27 is what is imported. Each
command runs as a fresh ``python -m fvmcli`` process in turn with its floor
(``benchmarks/floors.py``):

| command | its floor |
|---|---|
| ``hypercare status --phase 1 --day D --json`` | read that day's values with the bare driver |
| ``hypercare import DAY.csv`` (160,000 rows) | parse the CSV, insert the values and their history |
| ``hypercare trend --phase 1 --json`` | – (its peak memory against the status's: flat in days) |

    python -m benchmarks.hypercare                         # SQLite, 20,000 units
    python -m benchmarks.hypercare --backend postgresql
    python -m benchmarks.hypercare --units 2000 --pairs 3  # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import Result, database, drop, floor, fvm, paired, save
from benchmarks.territory import bulk, execute

GO_LIVE = date(2026, 11, 1)
DAYS = 28
NOW = "2026-11-28T18:00:00+01:00"  # the last day of hypercare: every day has come
INDICATORS = [
    ("p1", "count", "higher", 1, 3),
    ("p2", "count", "higher", 5, 15),
    ("safety", "count", "higher", 1, 2),
    ("backlog", "count", "higher", 10, 30),
    ("calls", "count", "higher", 40, 80),
    ("staffing", "percent", "lower", 90, 75),
    ("paper", "percent", "higher", 5, 20),
    ("downtime", "percent", "higher", 2, 10),
]


def content(folder: Path) -> Path:
    """Write a content folder whose hypercare file has the eight indicators."""
    (folder / "checklists").mkdir(parents=True, exist_ok=True)
    lines = [f"days = {DAYS}\n"]
    for iid, unit, worse, alert, pause in INDICATORS:
        lines.append(
            f'[[indicators]]\nid = "{iid}"\nname = {{ sv = "{iid}" }}\nunit = "{unit}"\n'
            f'worse = "{worse}"\nalert = {alert}\npause = {pause}\n'
        )
    lines.append(
        '[[criteria]]\nid = "paused"\ntext = { sv = "Paus" }\nkind = "units_in_state"\n'
        'state = ["pause", "missing"]\nmax_share = 0.1\n'
        '[[criteria]]\nid = "p1"\ntext = { sv = "P1" }\nkind = "indicator_total"\n'
        'indicator = "p1"\nmax = 500\n'
        '[[criteria]]\nid = "staff"\ntext = { sv = "Bemanning" }\nkind = "indicator_mean"\n'
        'indicator = "staffing"\nmin = 85\n'
    )
    (folder / "checklists" / "hypercare.toml").write_text("".join(lines), "utf-8")
    return folder


def value(rng: random.Random, unit: str) -> float:
    if unit == "percent":
        return round(rng.uniform(70, 100), 1)
    return float(rng.choice((0, 0, 0, 1, 2, 4, 9)))


def day_rows(units: int, day: date, rng: random.Random, skip: float = 0.02) -> list[tuple]:  # type: ignore[type-arg]
    """Return a day's values of every unit (about ``skip`` of them not reported)."""
    rows = []
    for i in range(units):
        if rng.random() < skip:
            continue
        for iid, unit, *_ in INDICATORS:
            rows.append((day.isoformat(), f"u{i:05d}", iid, value(rng, unit)))
    return rows


def build(url: str, units: int, env: dict[str, str]) -> None:
    """Create the schema, the units of phase 1 and the values of days 0 … DAYS − 2."""
    fvm(url, "init", env=env)
    bulk(
        url,
        "INSERT INTO units (id, name, area, type, staff) VALUES (?, ?, ?, ?, ?)",
        [(f"u{i:05d}", f"Enhet {i}", "sodra", "hospital", 20) for i in range(units)],
    )
    execute(url, [f"INSERT INTO phases (phase, go_live) VALUES (1, '{GO_LIVE.isoformat()}')"])
    rng = random.Random(11)
    for n in range(DAYS - 1):
        rows = day_rows(units, GO_LIVE + timedelta(days=n), rng)
        bulk(
            url,
            'INSERT INTO hypercare_values (day, unit_id, indicator, value, "by", "at") '
            "VALUES (?, ?, ?, ?, 'bench', '2026-11-01T10:00')",
            rows,
        )


def measure(backend: str, units: int, pairs: int, work: Path, results: list[Result]) -> None:
    url = database(backend, units, work)
    env = {
        **os.environ,
        "FVM_CONTENT": str(content(work / "content")),
        "FVM_NOW": NOW,
        "FVM_USER": "bench",
        "FVM_LANG": "en",
    }
    try:
        print(f"{backend}, {units} units: building …", flush=True)
        build(url, units, env)
        day = (GO_LIVE + timedelta(days=DAYS - 2)).isoformat()
        last = GO_LIVE + timedelta(days=DAYS - 1)
        csv = work / f"hypercare-{units}.csv"
        with csv.open("w", encoding="utf-8") as f:
            f.write("enhet;indikator;dag;värde\n")
            for d, u, i, v in day_rows(units, last, random.Random(13), skip=0.0):
                f.write(f"{u};{i};{d};{v:g}\n")

        def hypercare(*args: str) -> tuple[float, int]:
            return fvm(url, "hypercare", *args, env=env)

        paired(
            results,
            backend,
            units,
            f"hypercare status ({units * len(INDICATORS)} values)",
            lambda: hypercare("status", "--phase", "1", "--day", day, "--json"),
            lambda: floor("hypercare-day", url, day),
            pairs,
        )

        def forget_day(_last: bool) -> None:
            execute(
                url,
                [
                    f"DELETE FROM hypercare_values WHERE day >= '{last.isoformat()}'",
                    "DELETE FROM history WHERE kind IN ('hypercare', 'hypercare-floor')",
                ],
            )

        spare = (last + timedelta(days=1)).isoformat()  # the floor's day: not fvm's
        paired(
            results,
            backend,
            units,
            f"hypercare import ({units * len(INDICATORS)} rows)",
            lambda: hypercare("import", str(csv)),
            lambda: floor("hypercare-import", url, str(csv), spare),
            pairs,
            after=forget_day,
        )
        paired(
            results,
            backend,
            units,
            f"hypercare trend ({DAYS - 1} days)",
            lambda: hypercare("trend", "--phase", "1", "--json"),
            None,
            max(1, pairs // 2),
        )
    finally:
        drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            measure(backend, args.units, args.pairs, Path(folder), results)
    save(results, args.out)


if __name__ == "__main__":
    main()
