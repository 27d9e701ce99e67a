"""The tagged PDF report (issue 45) against the untagged one it replaced, in the same run.

    python -m benchmarks.pdf                     # SQLite, 5,000 units, three pairs
    python -m benchmarks.pdf --pairs 5 --units 5000

Builds the territory ``benchmarks.run`` builds (its answers written straight to the table),
then runs ``fvm cutover report -o report.pdf`` (tagged PDF/UA-1, the default) in turn with the
same command writing WeasyPrint's plain, untagged PDF (``html_to_pdf``'s variant set to None
in that process only): the ratio is tagged / untagged, and the peak memory is the tagged one's.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks.common import PROBE, Result, database, drop, fvm, paired
from benchmarks.territory import (
    AS_OF,
    answers,
    completions,
    founded,
    settle,
    waivers_and_overrides,
    write_files,
)

UNTAGGED = (
    "from fvmcli.render import templates\n"
    "templates.html_to_pdf.__kwdefaults__['variant'] = None\n" + PROBE
)


def untagged(db: str, *args: str) -> tuple[float, int]:
    """Return (seconds, peak RSS in KiB) of the command writing an untagged PDF."""
    return fvm(db, *args, probe=UNTAGGED)


def pdf_pair(
    url: str, work: Path, backend: str, units: int, pairs: int, results: list[Result]
) -> Result:
    """Measure the tagged PDF report against the untagged one, ``pairs`` times in turn."""
    out = work / "report.pdf"
    plain = work / "report-untagged.pdf"
    return paired(
        results,
        backend,
        units,
        "cutover report .pdf",
        lambda: fvm(url, "cutover", "report", "-o", str(out), "--as-of", AS_OF),
        lambda: untagged(url, "cutover", "report", "-o", str(plain), "--as-of", AS_OF),
        pairs,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    os.environ["FVM_USER"] = "bench"
    work = Path(tempfile.mkdtemp(prefix="fvm-bench-pdf-"))
    url = database("sqlite", args.units, work)
    paths = write_files(work, args.units)
    try:
        founded(url, paths)
        fvm(url, "person", "import", str(paths["people"]))
        fvm(url, "equipment", "import", str(paths["inventory"]))
        completions(url, paths)
        answers(url, paths)
        waivers_and_overrides(url, args.units)
        settle(url)
        print(f"sqlite, {args.units} units: tagged PDF/UA-1 (time, peak) against untagged (floor)")
        pdf_pair(url, work, "sqlite", args.units, args.pairs, [])
    finally:
        drop(url)


if __name__ == "__main__":
    main()
