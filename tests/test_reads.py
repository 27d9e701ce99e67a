"""The territory's reads give the same records in a read and in a write transaction, as IN
lists and as scans, on every backend; and no command that reads or writes rows imports
SQLAlchemy (it builds and upgrades the schema alone)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from fvmcli.services.context import Context
from fvmcli.store import driver, reads
from fvmcli.store.database import Database
from fvmcli.store.schema import metadata
from tests.conftest import Fvm

pytestmark = pytest.mark.store


def test_every_column_a_read_names_is_the_tables_own() -> None:
    for table, columns in reads.COLUMNS.items():
        declared = [c.name for c in metadata.tables[table].columns]
        assert set(columns) <= set(declared), (table, set(columns) - set(declared))
    # A unit is read by position: every column, in the table's order.
    assert reads.COLUMNS["units"] == tuple(c.name for c in metadata.tables["units"].columns)


@pytest.fixture
def demo(fvm: Fvm) -> Fvm:
    """The demo territory, with a waiver, overridden requirements and a revised answer."""
    fvm("demo", "--as-of", "2026-11-26")
    fvm("equipment", "require", "vc-hjo", "printer", "0")
    fvm("equipment", "require", "vc-hjo", "label-printer", "7")
    fvm(
        "checklist",
        "waive",
        "golive",
        "--unit",
        "vc-hjo",
        "cut.plan",
        "--reason",
        "Styrgrupp",
        "--until",
        "2027-01-31",
    )
    return fvm


def _everything(conn: Any) -> dict[str, Any]:
    """Return what every read gives on ``conn``, whole territory and a few units."""
    units = reads.list_units(conn)
    some = [u.id for u in units[::7]]
    first = units[0]
    return {
        "units": units,
        "some units": reads.list_units(conn, ids=some),
        "in areas": reads.list_units(conn, areas=[first.area], unit_type=first.type),
        "no areas": reads.list_units(conn, areas=[]),
        "parent": reads.list_units(conn, parent=first.id),
        "unit": reads.get_unit(conn, first.id),
        "none": reads.get_unit(conn, "ingen"),
        "ids": list(reads.unit_ids_in_order(conn)),
        "go-live": reads.go_live_dates(conn),
        "waivers": dict(reads.waivers_by_unit(conn, "golive")),
        "some waivers": dict(reads.waivers_by_unit(conn, "golive", some + ["vc-hjo"])),
        "stream": list(reads.stream_answers_by_unit(conn, "golive")),
        "some answers": list(
            reads.stream_answers_by_unit(conn, "golive", reads.Scope(tuple(some)))
        ),
        "versions": list(
            reads.versions_in_unit_order(conn, "golive", ["cut.plan", "org.project-lead"])
        ),
        "parents": reads.parents_of(conn),
        "counts": dict(reads.counts_by_unit(conn)),
        "counts in order": list(reads.counts_in_unit_order(conn, some)),
        "overrides": dict(reads.overrides_by_unit(conn)),
        "coverage": reads.coverage_counts(conn, None),
        "some coverage": reads.coverage_counts(conn, some),
    }


@pytest.fixture(params=["in lists", "filtered here"])
def long_lists(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the reads with short id lists as IN lists, and as a scan filtered in Python."""
    if request.param == "filtered here":
        monkeypatch.setattr(driver, "MAX_IN", 2)
    yield request.param


def test_reads_give_the_same_records_in_a_read_and_in_a_write(demo: Fvm, long_lists: str) -> None:
    database = Database(demo.url)
    with database.write(dry_run=True) as conn:
        expected = _everything(conn)
    with database.read() as conn:
        got = _everything(conn)
    assert "engine" not in database.__dict__  # the driver alone
    for key, value in expected.items():
        assert got[key] == value, key
    # What the demo holds is in the reads, not an empty territory read twice.
    assert len(got["units"]) == 75 and 0 < len(got["some units"]) < 75
    assert got["overrides"] == {"vc-hjo": {"printer": 0, "label-printer": 7}}
    assert got["waivers"]["vc-hjo"]["cut.plan"].reason == "Styrgrupp"
    answered = dict(got["stream"])
    assert [u for u, _ in got["stream"]] == [u for u in got["ids"] if u in answered]
    assert len(answered) > 50
    # Each answer's day is the first ten characters of when it was given.
    unit, found = got["stream"][0]
    assert set(found.days) == set(found.values)
    assert all(len(day) == 10 and day[4] == "-" for day in found.days.values())
    assert got["no areas"] == []


def test_answers_read_row_by_row_where_sqlite_has_no_json(
    demo: Fvm, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(demo.url)
    if database.backend != "sqlite":
        pytest.skip("PostgreSQL always has its JSON aggregate")
    with database.read() as conn:
        whole = list(reads.stream_answers_by_unit(conn, "golive"))
        monkeypatch.setattr(reads, "_sqlite_has_json", lambda _conn: False)
        rows = list(reads.stream_answers_by_unit(conn, "golive"))
    assert rows == whole and sum(len(v.values) for _, v in rows) == 1798


def test_a_date_that_is_no_date_names_where_it_is() -> None:
    from fvmcli.errors import EnvironmentProblem

    with pytest.raises(EnvironmentProblem, match=r"phases\.go_live"):
        driver.as_date("31 februari", "phases.go_live")


def _loaded(url: str, *command: str) -> tuple[str, str]:
    """Return what ``fvm --db url command…`` printed, and which of SQLAlchemy and Alembic it
    imported (comma separated, empty for neither)."""
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['fvm', '--db', {url!r}, *{list(command)!r}]\n"
        "try:\n    runpy.run_module('fvmcli', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n"
        "print('LOADED=' + ','.join(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'sqlalchemy', 'alembic'})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    printed, _, loaded = out.rpartition("LOADED=")
    return printed, loaded.strip()


def test_status_reads_without_the_database_layer(demo: Fvm) -> None:
    """``cutover status`` only reads: it imports neither SQLAlchemy nor Alembic."""
    out, loaded = _loaded(demo.url, "cutover", "status", "--json", "--as-of", "2026-11-26")
    assert '"checklist": "golive"' in out
    assert loaded == ""


def test_writing_an_answer_goes_the_same_one_way(demo: Fvm) -> None:
    """``checklist set`` writes the answer and its history on the driver's connection: one
    way to the database, without SQLAlchemy or Alembic; the answer is there to read."""
    _, loaded = _loaded(
        demo.url, "checklist", "set", "golive", "--unit", "vc-hjo", "cut.plan", "ja"
    )
    assert loaded == ""
    found = demo.json("checklist", "score", "golive", "--unit", "vc-hjo")
    assert next(q for q in found["questions"] if q["id"] == "cut.plan")["value"] == "yes"


def test_a_selection_streams_only_its_units(demo: Fvm, long_lists: str) -> None:
    """Named units, an area and a type narrow every stream alike (in SQL, or past
    ``MAX_IN`` ids in the walk), and a named unit that is not stored is refused."""
    from fvmcli.errors import UnknownIdError
    from fvmcli.services.cutover import territory_status
    from fvmcli.services.territory import UnitFilter

    ctx = Context(db_url=demo.url)
    whole = {r.unit: r for r in territory_status(ctx, as_of="2026-11-26").rows}
    named = sorted(whole)[::9]
    some = territory_status(ctx, UnitFilter(unit_ids=tuple(named)), as_of="2026-11-26")
    assert sorted(r.unit for r in some.rows) == named
    assert all(r == whole[r.unit] for r in some.rows)  # the same figures as in the whole
    area = whole[named[0]].area
    in_area = territory_status(ctx, UnitFilter(area=area), as_of="2026-11-26")
    assert {r.unit for r in in_area.rows} == {u for u, r in whole.items() if r.area == area}
    assert all(r == whole[r.unit] for r in in_area.rows)
    with pytest.raises(UnknownIdError, match="'ingen'"):
        territory_status(ctx, UnitFilter(unit_ids=(named[0], "ingen")), as_of="2026-11-26")
