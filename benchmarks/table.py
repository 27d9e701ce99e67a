"""Print benchmark results (``run.py --out FILE``) as the Markdown table of the README.

python -m benchmarks.table results.json
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        results = json.load(handle)
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
