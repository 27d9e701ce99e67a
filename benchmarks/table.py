"""Print benchmark results (``run.py --out FILE``) as the Markdown tables of the README: every
figure, and each target of issue 21 beside the figures it is judged by.

python -m benchmarks.table results.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

BACKENDS = ("sqlite", "postgresql")


def _find(results: Sequence[dict[str, Any]], backend: str, units: int, what: str) -> Any:
    """Return the result of ``what`` (its name's beginning) for this backend and size."""
    return next(
        (
            r
            for r in results
            if r["backend"] == backend and r["units"] == units and r["what"].startswith(what)
        ),
        None,
    )


def _ratio(limit: float) -> Callable[[Any], tuple[str, bool] | None]:
    def judge(r: Any) -> tuple[str, bool] | None:
        if r is None or r["ratio"] is None:
            return None
        return f"{r['seconds']:.2f} s / {r['floor']:.2f} s = {r['ratio']:.2f}", r["ratio"] <= limit

    return judge


def targets(results: Sequence[dict[str, Any]]) -> list[str]:
    """Return the Markdown table of the targets: each with its figure per backend and
    whether it is met."""
    lines = ["| target | SQLite | PostgreSQL |", "|---|---|---|"]

    def ratio_row(name: str, units: int, what: str, limit: float) -> None:
        row(name, lambda b: _ratio(limit)(_find(results, b, units, what)))

    def row(name: str, judge: Callable[[str], tuple[str, bool] | None]) -> None:
        cells = []
        for backend in BACKENDS:
            found = judge(backend)
            cells.append("–" if found is None else f"{found[0]}: {'met' if found[1] else 'MISSED'}")
        if any(c != "–" for c in cells):
            lines.append(f"| {name} | {' | '.join(cells)} |")

    for units in (5000, 20000):
        ratio_row(
            f"`cutover status --json` ≤ 2× floor, {units:,} units",
            units,
            "cutover status --json",
            2.0,
        )

    def memory(backend: str) -> tuple[str, bool] | None:
        big = _find(results, backend, 20000, "cutover status --json")
        small = _find(results, backend, 500, "cutover status --json")
        if big is None or small is None or not small["peak_mib"]:
            return None
        ratio = big["peak_mib"] / small["peak_mib"]
        return f"{big['peak_mib']} / {small['peak_mib']} MiB = {ratio:.2f}", ratio <= 1.25

    row("status peak at 20,000 ≤ 1.25× at 500", memory)
    ratio_row("answers import ≤ 3× floor, 5,000 units", 5000, "checklist import (", 3.0)

    def import_memory(backend: str) -> tuple[str, bool] | None:
        r = _find(results, backend, 5000, "checklist import (")
        return None if r is None else (f"{r['peak_mib']} MiB", r["peak_mib"] <= 150)

    row("the same import ≤ 150 MiB", import_memory)
    ratio_row(
        "the same import with rights enforced ≤ 3× floor", 5000, "checklist import, rights", 3.0
    )

    def pdf(backend: str) -> tuple[str, bool] | None:
        r = _find(results, backend, 5000, "cutover report .pdf")
        if r is None:
            return None
        return (
            f"{r['seconds']:.2f} s, {r['peak_mib']} MiB",
            r["seconds"] <= 10 and r["peak_mib"] <= 300,
        )

    row("PDF report, 5,000 units, ≤ 10 s and ≤ 300 MiB", pdf)
    for what, name in (
        ("fvm --version", "`fvm --version` ≤ 1.3× `python -c 'import typer'`"),
        ("fvm --help", "`fvm --help` ≤ 1.3× a minimal Typer app"),
    ):
        r = next((r for r in results if r["what"] == what), None)
        if r is not None and r["ratio"] is not None:
            verdict = "met" if r["ratio"] <= 1.3 else "MISSED"
            lines.append(f"| {name} | {r['ratio']:.2f}: {verdict} (either backend) | |")
    return lines


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        results = json.load(handle)
    print("\n".join(targets(results)))
    print()
    print("| backend | units | what | time | floor | ratio | peak |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        floor = f"{r['floor']:.2f} s" if r["floor"] is not None else "–"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "–"
        peak = f"{r['peak_mib']} MiB" if r["peak_mib"] else "–"
        units = f"{r['units']:,}".replace(",", " ") if r["units"] else "–"
        print(
            f"| {r['backend']} | {units} | {r['what']} | {r['seconds']:.2f} s | {floor} | "
            f"{ratio} | {peak} |"
        )


if __name__ == "__main__":
    main()
