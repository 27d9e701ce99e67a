"""Many writers at once: answers per second when WRITERS processes each set answers on
their own unit of one database, every answer with its history entry (and, since the history
became a hash chain, its link of the chain).

    python -m benchmarks.writers --backend both [--source DIR]

``--source`` runs another checkout's fvmcli (an older commit, made with ``git worktree``), so
that two versions are compared on the same machine in the same hour: the figure that matters
is the ratio, not the rate.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

WRITERS = 8
ANSWERS = 40  # per writer
QUESTIONS = ("org.project-lead", "org.super-users", "cut.plan", "tech.workflow-tests")
PG_URL = os.environ.get("FVM_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _writer(source: str, url: str, unit: str, start: mp.Barrier) -> None:  # type: ignore[type-arg]
    sys.path.insert(0, source)
    from fvmcli.services import open_context
    from fvmcli.services.answers import set_answer

    ctx = open_context(url)
    set_answer(ctx, "golive", unit, QUESTIONS[0], "nej", by="bench")  # open and warm up
    start.wait()
    for i in range(ANSWERS):
        set_answer(ctx, "golive", unit, QUESTIONS[i % len(QUESTIONS)], "ja" if i % 2 else "nej")
    ctx.close()


def _database(backend: str, work: Path, source: str) -> str:
    """Return the URL of a fresh database with one unit per writer."""
    sys.path.insert(0, source)
    from fvmcli.services import open_context
    from fvmcli.services.territory import import_units

    if backend == "sqlite":
        url = f"sqlite:///{work / 'writers.sqlite'}"
    else:
        import psycopg

        name = f"fvm_writers_{os.getpid()}_{time.monotonic_ns()}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
    csv = work / "units.csv"
    csv.write_text(
        "id;name;area;type\n"
        + "".join(f"w{i};Avdelning {i};sodra;hospital\n" for i in range(WRITERS)),
        "utf-8",
    )
    ctx = open_context(url)
    import_units(ctx, csv)
    ctx.close()
    return url


def measure(backend: str, source: str, rounds: int) -> list[float]:
    """Return answers per second in each round."""
    rates = []
    for _ in range(rounds):
        work = Path(tempfile.mkdtemp(prefix="fvm-writers-"))
        spawn = mp.get_context("spawn")
        url = spawn.Pool(1).apply(_database, (backend, work, source))
        start = spawn.Barrier(WRITERS + 1)
        procs = [
            spawn.Process(target=_writer, args=(source, url, f"w{i}", start))
            for i in range(WRITERS)
        ]
        for p in procs:
            p.start()
        start.wait()
        began = time.perf_counter()
        for p in procs:
            p.join()
            assert p.exitcode == 0, p.exitcode
        rates.append(WRITERS * ANSWERS / (time.perf_counter() - began))
        if backend == "postgresql":
            _drop(url)
    return rates


def _drop(url: str) -> None:
    """Drop the round's PostgreSQL database."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--source", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("FVM_USER", "bench")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        rates = measure(backend, args.source, args.rounds)
        print(
            f"{backend}: {WRITERS} writers × {ANSWERS} answers: median "
            f"{statistics.median(rates):.1f} answers/s ({', '.join(f'{r:.1f}' for r in rates)})"
        )


if __name__ == "__main__":
    main()
