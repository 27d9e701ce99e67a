"""Round four of hostile input (issue 34): each case ends with a clear refusal, the right exit
code, and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Fvm
from tests.test_sheets import made as made  # noqa: F401 (the fixture)
from tests.test_sheets import rows_of

CONTENT = str(factories.TEST_CONTENT)


def _answers(fvm: Fvm) -> object:
    return fvm.scalar("SELECT count(*) FROM answers")


@pytest.mark.parametrize(
    ("column", "cell"), [("answered_by", "x" * 5000), ("comment", "y" * 20000)]
)
def test_an_over_long_cell_of_an_answer_file_is_named(
    fvm: Fvm, tmp_path: Path, column: str, cell: str
) -> None:
    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")
    given = {"answered_by": "anna", "comment": "", column: cell}
    path = tmp_path / "svar.csv"
    path.write_text(
        "unit;question;value;comment;answered_by\n"
        f"u1;org.project-lead;ja;{given['comment']};{given['answered_by']}\n",
        "utf-8",
    )
    err = fvm("checklist", "import", "golive", str(path), code=2).stderr
    assert f"row 2, column {column}" in err
    assert _answers(fvm) == 0


@pytest.mark.parametrize(
    ("version", "said"),
    [("9" * 5000, "names no checklist version"), ("99", "newer than the checklist's version")],
)
def test_a_sheet_whose_hidden_version_is_hostile_is_refused(
    made: tuple[Fvm, Path], version: str, said: str
) -> None:
    fvm, out = made
    book, _rows = rows_of(out / "h1.xlsx")
    meta = book["fvm"]  # type: ignore[index]
    for row in meta.iter_rows():
        if row[0].value == "version":
            row[1].value = version
    book.save(out / "h1.xlsx")  # type: ignore[attr-defined]
    before = _answers(fvm)
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(out / "h1.xlsx"), code=2)
    assert "h1.xlsx" in err.stderr and said in err.stderr
    assert _answers(fvm) == before


def _bundle_pair(tmp_path: Path) -> tuple[Fvm, Fvm, Path]:
    laptop = Fvm(f"sqlite:///{tmp_path / 'laptop.sqlite'}")
    shared = Fvm(f"sqlite:///{tmp_path / 'shared.sqlite'}")
    key = tmp_path / "laptop.key"
    laptop("bundle", "keygen", "-o", str(key))
    shared("unit", "add", "h0", "--name", "Sjukhus", "--area", "sodra", "--type", "hospital")
    shared("bundle", "trust", f"{key}.pub", "--area", "sodra")
    return laptop, shared, key


def test_a_bundle_with_a_digest_in_other_letters_is_refused(tmp_path: Path) -> None:
    laptop, shared, key = _bundle_pair(tmp_path)
    laptop("unit", "add", "h0", "--name", "Sjukhus", "--area", "sodra", "--type", "hospital")
    bundle = tmp_path / "h0.json"
    laptop("bundle", "export", "--unit", "h0", "--key", str(key), "-o", str(bundle))
    document = json.loads(bundle.read_text("utf-8"))
    document["digest"] = "sha256:åäö"
    bundle.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert "digest does not match" in shared("bundle", "import", str(bundle), code=2).stderr


def test_a_bundle_whose_new_unit_names_a_missing_parent_is_refused(tmp_path: Path) -> None:
    laptop, shared, key = _bundle_pair(tmp_path)
    laptop("unit", "add", "p0", "--name", "P", "--area", "sodra", "--type", "hospital")
    laptop(
        "unit",
        "add",
        "u9",
        "--name",
        "U9",
        "--area",
        "sodra",
        "--type",
        "hospital",
        "--parent",
        "p0",
    )
    bundle = tmp_path / "u9.json"
    laptop("bundle", "export", "--unit", "u9", "--key", str(key), "-o", str(bundle))
    err = shared("bundle", "import", str(bundle), code=2).stderr
    assert "u9" in err and "p0" in err and "does not exist" in err
    assert shared.scalar("SELECT count(*) FROM units WHERE id = 'u9'") == 0


def test_a_stale_bundle_is_a_conflict_and_the_newer_value_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, shared, key = _bundle_pair(tmp_path)
    laptop("unit", "add", "h0", "--name", "Sjukhus", "--area", "sodra", "--type", "hospital")
    laptop("checklist", "set", "golive", "--unit", "h0", "org.steering", "nej")
    monkeypatch.setenv("FVM_NOW", "2026-11-27T10:00:00+01:00")  # a day later, on the server
    shared("checklist", "set", "golive", "--unit", "h0", "org.steering", "ja")
    bundle = tmp_path / "h0.json"
    laptop("bundle", "export", "--unit", "h0", "--key", str(key), "-o", str(bundle))
    result = shared("bundle", "import", str(bundle), code=3)
    assert "1 conflicting" in result.stdout and "not taken" in result.stderr
    assert shared.scalar("SELECT value FROM answers WHERE question = 'org.steering'") == "yes"


@pytest.mark.parametrize("moment", ["9999-12-31", "2101-01-01T10:00", "1999-06-01", "0001-01-01"])
def test_a_clock_outside_the_years_fvm_stores_is_refused(
    fvm: Fvm, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")
    monkeypatch.setenv("FVM_NOW", moment)
    for args in (
        ("checklist", "set", "golive", "--unit", "u1", "org.steering", "ja"),
        ("cutover", "snapshot", "r1"),
        ("remind", "--dry-run"),
    ):
        err = fvm(*args, code=2).stderr
        assert "FVM_NOW" in err and ("2000–2100" in err or moment.startswith("0001"))
    monkeypatch.delenv("FVM_NOW")
    assert _answers(fvm) == 0


def test_a_when_value_the_question_can_never_have_is_refused(fvm: Fvm, tmp_path: Path) -> None:
    folder = tmp_path / "content" / "checklists"
    folder.mkdir(parents=True)
    (folder / "maybe.toml").write_text(
        """
id = "maybe"
version = 1
title = { sv = "Kanske" }

[[sections]]
id = "s"
title = { sv = "S" }

[[questions]]
id = "a"
section = "s"
type = "yes-no"
text = { sv = "A?" }

[[questions]]
id = "b"
section = "s"
type = "yes-no"
when = { question = "a", in = ["yes", "maybe"] }
text = { sv = "B?" }
""",
        "utf-8",
    )
    err = fvm("--content", str(tmp_path / "content"), "checklist", "show", "maybe", code=2).stderr
    assert "questions[1] (b).when.in[1]" in err and "'maybe'" in err


def test_csv_headings_are_the_json_keys(fvm: Fvm) -> None:
    import csv
    import io

    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")

    def heading(*args: str) -> list[str]:
        return next(csv.reader(io.StringIO(fvm(*args, "--plain-csv").stdout)))

    show = fvm.json("checklist", "show", "golive")
    assert heading("checklist", "show", "golive") == list(show["questions"][0])
    plan = fvm.json("course", "plan", "--phase", "1")
    assert heading("course", "plan", "--phase", "1") == [
        k for k in plan["courses"][0] if k != "areas"
    ]
    forecast = fvm.json("cutover", "forecast")
    assert heading("cutover", "forecast") == list(forecast["units"][0])


def test_help_names_no_areas_of_another_territory() -> None:
    from typer.testing import CliRunner

    from fvmcli.cli.app import app

    for command in (["cutover", "status", "--help"], ["cutover", "forecast", "--help"]):
        text = CliRunner().invoke(app, command).stdout
        assert "vastra" not in text and "norra" not in text


def test_a_read_sees_one_snapshot_while_an_import_commits(fvm: Fvm) -> None:
    """A reader stopped mid-read while another writer commits still reads the database as
    it was when the read began, on both backends (no torn territory)."""
    from fvmcli.services.context import Context
    from fvmcli.services.readiness import territory_summaries
    from fvmcli.store.reads import EVERY_UNIT, go_live_dates

    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")

    def scores(stop: bool = False) -> list[tuple[str, float, float]]:
        reading = Context(db_url=fvm.url)
        checklist = reading.checklist("golive")
        with reading.open().read() as reader:
            assert go_live_dates(reader)  # the read has begun
            if stop:  # stopped here while another writer commits
                fvm("checklist", "set", "golive", "--unit", "u1", "org.project-lead", "ja")
            found = [
                (unit.id, score.score, score.completeness)
                for unit, score, _ in territory_summaries(
                    reading, reader, checklist, EVERY_UNIT, factories.TODAY
                )
            ]
        reading.close()
        return found

    before = scores()
    assert scores(stop=True) == before  # the state when the read began
    assert scores() != before  # the commit is there for the next read


def test_a_read_on_an_empty_database_creates_nothing(db_url: str, tmp_path: Path) -> None:
    """A zero-byte SQLite file, or an empty PostgreSQL schema: reading commands refuse (4)
    with the hint 'fvm init' and create no table; init creates the schema."""
    import sqlalchemy as sa

    if db_url.startswith("sqlite"):
        empty = tmp_path / "empty.sqlite"
        empty.touch()
        db_url = f"sqlite:///{empty}"
    fvm = Fvm(db_url)
    for args in (
        ("cutover", "status", "--json"),
        ("course", "plan", "--phase", "1"),
        ("cutover", "report", "-o", str(tmp_path / "r.json")),
    ):
        err = fvm(*args, code=4).stderr
        assert "holds no fvm database" in err and "fvm init" in err
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()
    fvm("init")
    assert fvm.json("unit", "list") == []


def test_a_sheet_of_millions_of_rows_is_refused_before_it_is_parsed(
    fvm: Fvm, tmp_path: Path
) -> None:
    import time
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    row = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        body = "<worksheet><sheetData>" + row * 400_000 + "</sheetData></worksheet>"
        archive.writestr("xl/worksheets/sheet1.xml", body)
    started = time.perf_counter()
    err = fvm("checklist", "import", "golive", str(bomb), code=2).stderr
    assert "bomb.xlsx" in err and "sheet1.xml" in err
    assert time.perf_counter() - started < 10
    assert _answers(fvm) == 0


def test_a_pipe_is_read_once(fvm: Fvm, tmp_path: Path) -> None:
    """A shell's process substitution (``<(cat enheter.csv)``) is a pipe: it can be read only
    once, and the import reads it once."""
    import os
    import threading

    fifo = tmp_path / "enheter.csv"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w", encoding="utf-8") as handle:
            handle.write("id;name;area;type\nf1;Fifo;sodra;hospital\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    out = fvm("unit", "import", str(fifo)).stdout
    writer.join(5)
    assert "1 added" in out
    assert [u["id"] for u in fvm.json("unit", "list")] == ["f1"]


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("UPDATE phases SET go_live = 'soon'", "phases.go_live"),
        ("UPDATE phases SET go_live = '0001-01-01'", "phases.go_live"),
        ("UPDATE units SET staff = 'many'", "units.staff of u1"),
        ("UPDATE waivers SET until = 'never'", "waivers.until"),
        (
            "UPDATE answers SET value = 'lots' WHERE question = 'train.proficiency'",
            "train.proficiency",
        ),
        ("UPDATE snapshot_units SET score = 'high'", "snapshot_units.score"),
        ("UPDATE snapshot_units SET score = 9e999", "snapshot_units.score"),
        ("UPDATE snapshots SET as_of = 'T-90'", "snapshots.as_of"),
    ],
)
def test_a_damaged_stored_value_is_named_never_a_traceback(
    tmp_path: Path, damage: str, named: str
) -> None:
    import sqlite3

    path = tmp_path / "fvm.sqlite"
    fvm = Fvm(f"sqlite:///{path}")
    fvm("unit", "add", "u1", "--name", "A", "--area", "sodra", "--type", "hospital", "--staff", "5")
    fvm("phase", "set", "1", "--go-live", "2027-03-01")
    fvm("checklist", "set", "golive", "--unit", "u1", "train.proficiency", "50")
    fvm(
        "checklist",
        "waive",
        "golive",
        "--unit",
        "u1",
        "org.steering",
        "--reason",
        "x",
        "--until",
        "2027-01-01",
    )
    fvm("cutover", "snapshot", "r1", "--as-of", "2026-11-01")
    with sqlite3.connect(path) as conn:
        conn.execute(damage)
    conn.close()
    for args in (("cutover", "forecast"), ("cutover", "report", "-o", str(tmp_path / "r.html"))):
        result = fvm(*args, code=4)
        assert named in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_imports_read_swedish_headings_and_names(fvm: Fvm, tmp_path: Path) -> None:
    """Every import reads the Swedish headings of content.md, in any case and with or
    without å/ä/ö, and areas, unit types and roles by their names."""
    files = {
        "enheter.csv": "Id;Namn;Omrade;Typ;Personal;Kommun;Överordnad\n"
        "s1;Sjukhuset;Södra området;Sjukhus;40;Borås;\n"
        "a1;Avdelning 1;sodra;hospital;12;Borås;s1\n",
        "personal.csv": "ID;NAMN;ROLL;ENHET;E-POST\np1;Åsa Öberg;Sjuksköterska;a1;asa@exempel.se\n",
        "svar.csv": "enhet;fråga;svar;kommentar;besvarad_av;besvarad\n"
        "a1;org.project-lead;ja;Klart;Karin;2026-11-20T09:00\n",
        "inventering.csv": "Enhet;Artikel;På plats;Konfigurerade;Testade\na1;care-client;5;4;3\n",
        "tillfallen.csv": "kurs;start;slut;platser;plats;utbildare;id\n"
        "millennium-intro;2027-01-11T09:00;2027-01-11T12:00;12;Borås;Eva;s9\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    fvm("unit", "import", str(tmp_path / "enheter.csv"))
    fvm("person", "import", str(tmp_path / "personal.csv"))
    fvm("checklist", "import", "golive", str(tmp_path / "svar.csv"))
    fvm("equipment", "import", str(tmp_path / "inventering.csv"))
    fvm("session", "import", str(tmp_path / "tillfallen.csv"))
    units = {u["id"]: u for u in fvm.json("unit", "list")}
    assert (units["s1"]["area"], units["s1"]["type"], units["a1"]["parent"]) == (
        "sodra",
        "hospital",
        "s1",
    )
    assert fvm.json("person", "list")[0]["role"] == "nurse"
    history = fvm.json("checklist", "history", "golive", "--unit", "a1")
    assert (history[0]["value"], history[0]["by"], history[0]["comment"]) == (
        "yes",
        "Karin",
        "Klart",
    )
    assert fvm.json("session", "show", "s9")["capacity"] == 12
    assert fvm.scalar("SELECT tested FROM equipment_counts WHERE unit_id = 'a1'") == 3
