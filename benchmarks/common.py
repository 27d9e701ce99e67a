"""What every benchmark script shares: running fvm and its floors as processes, measuring
them in pairs, the peak memory of each, and the PostgreSQL databases and logins of a run.

The scripts (``run``, ``pdf``, ``rights``, ``runs``, ``hypercare``) import these instead of
each keeping a copy; what builds a territory stays in ``benchmarks/run.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fvmcli.core.access import ROLES as ACCESS_ROLES

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

Measured = Callable[[], tuple[float, int]]


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


def fvm(
    db: str, *args: str, env: dict[str, str] | None = None, probe: str = PROBE
) -> tuple[float, int]:
    """Return (seconds, peak RSS in KiB) of ``fvm --db DB ARGS…`` run as a fresh process
    (``probe``: the code that runs it and reports its peak)."""
    return run(["-c", probe, "--db", db, *args], env)


def floor(kind: str, *args: str) -> tuple[float, int]:
    """Return (seconds, peak RSS in KiB) of the floor ``kind`` (``benchmarks/floors.py``)."""
    return run(["-m", "benchmarks.floors", kind, *args])


def medians(
    backend: str, units: int, what: str, measured: list[tuple[float, float | None, int]]
) -> Result:
    """Return the result of pairs measured as (command's seconds, floor's seconds or None,
    command's peak in KiB): the medians of the times and of the ratios, and the highest peak."""
    floors = [(c, f) for c, f, _p in measured if f is not None]
    return Result(
        backend,
        units,
        what,
        statistics.median(c for c, _f, _p in measured),
        statistics.median(f for _c, f in floors) if floors else None,
        statistics.median(c / f for c, f in floors) if floors else None,
        max(p for *_cf, p in measured) // 1024,
        len(measured),
    )


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
    measured: list[tuple[float, float | None, int]] = []
    for i in range(pairs):
        f = base() if base else None
        c = command()
        if after is not None:
            after(i == pairs - 1)
        measured.append((c[0], f[0] if f is not None else None, c[1]))
    result = medians(backend, units, what, measured)
    results.append(result)
    ratio = f"{result.ratio:5.2f}" if result.ratio is not None else "    –"
    base_text = f"{result.floor:6.2f} s" if result.floor is not None else "       –"
    print(
        f"  {what:<34} {result.seconds:7.2f} s   floor {base_text}   ratio {ratio}   "
        f"peak {f'{result.peak_mib} MiB' if result.peak_mib else '–'}",
        flush=True,
    )
    return result


def minimal_app(work: Path) -> Path:
    """Write the floor of start-up and of a short command, a minimal Typer app of two
    commands; return its path."""
    path = work / "minimal_app.py"
    path.write_text(
        "import typer\napp = typer.Typer()\n"
        "@app.command()\ndef hello(name: str = 'x') -> None:\n    '''Say hello.'''\n"
        "@app.command()\ndef bye() -> None:\n    '''Bye.'''\napp()\n",
        "utf-8",
    )
    return path


def hello(app: Path) -> tuple[float, int]:
    """Return (seconds, peak RSS in KiB) of the minimal app running a command."""
    return run([str(app), "hello", "--name", "y"])


def compile_fvm() -> None:
    """Compile fvm's modules to bytecode first: an installed fvm runs from bytecode (pip
    compiles it); a checkout run with PYTHONDONTWRITEBYTECODE would compile every module at
    every start instead."""
    import compileall

    import fvmcli

    compileall.compile_dir(Path(fvmcli.__file__).parent, quiet=1)


def save(results: list[Result], out: str | Path | None) -> None:
    """Write the results as JSON to ``out``, when given."""
    if out:
        Path(out).write_text(json.dumps([asdict(r) for r in results], indent=1), "utf-8")


# ---------------------------------------------------------------- databases and logins


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
    """Drop the database ``database`` made (a SQLite file is left to its folder)."""
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def drop_roles(url: str, roles: list[str]) -> None:
    """Drop the benchmark's login and group roles: first their grants and what they own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        known = {r for (r,) in conn.execute("SELECT rolname FROM pg_roles")}
        for role in roles:
            if role in known:
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


@contextmanager
def run_login(url: str, login: str, prefix: str) -> Iterator[str]:
    """Create the login ``login`` on the server and name this run's group roles with
    ``prefix`` (``FVM_ROLE_PREFIX``: roles are the server's, not the database's) for the
    block; yield the database's URL as that login. Drop them all afterwards."""
    import psycopg

    os.environ["FVM_ROLE_PREFIX"] = prefix
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{login}" LOGIN')
    try:
        yield url.replace("postgres@", f"{login}@", 1)
    finally:
        del os.environ["FVM_ROLE_PREFIX"]
        drop_roles(url, [login, *(f"{prefix}{r}" for r in ACCESS_ROLES)])
