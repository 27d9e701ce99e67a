"""Guards on content, the database file, limits, times, templates, output files, terminals,
erasure and the exit codes: each case checks the code, the message and what was stored."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app
from tests import factories
from tests.conftest import Fvm

ROOT = Path(__file__).parent.parent
MINI = factories.TEST_CONTENT / "checklists" / "mini.toml"


def made(path: Path, content: Path | None = None) -> str:
    """Return the path of a new database made with ``fvm init`` at ``path`` (publishing
    ``content`` when given)."""
    extra = ["--content", str(content)] if content is not None else []
    code, _, err = run("--db", str(path), "init", *extra)
    assert code == 0, err
    return str(path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def content_with(tmp_path: Path, folder: str, name: str, text: str) -> Path:
    """Return a content folder holding the test checklists and one file ``name`` in
    ``folder`` with ``text``."""
    root = tmp_path / "content"
    shutil.copytree(factories.TEST_CONTENT, root, dirs_exist_ok=True)
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / name).write_text(text, "utf-8")
    return root


# ---------------------------------------------------------------- content


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "weight = 2\n",
            "weight = nan\n",
            "questions[1] (a.staff).weight: expected a finite number",
        ),
        (
            "target = 80\n",
            "target = inf\n",
            "questions[2] (a.pct).target: expected a finite number",
        ),
        ('id = "b"\n', 'id = "b"\nweight = -inf\n', "sections[1] (b).weight"),
        ('due = "T-30d"\n', 'due = "T-99999999d"\n', "questions[0] (a.lead).due"),
        ("version = 2\n", "version = 99999999999999\n", "version: expected a whole number"),
        ('in = ["yes"]', "in = []", "when.in: lists no value"),
    ],
)
def test_content_numbers_and_ranges_are_checked(
    tmp_path: Path, old: str, new: str, where: str
) -> None:
    text = MINI.read_text("utf-8")
    assert old in text
    root = content_with(tmp_path, "checklists", "mini.toml", text.replace(old, new, 1))
    db = str(tmp_path / "c.sqlite")
    code, _, err = run("--db", db, "--content", str(root), "checklist", "show", "mini")
    assert code == 2 and where in err and "Traceback" not in err


def test_nan_weights_can_no_longer_turn_a_gate_green(tmp_path: Path) -> None:
    text = MINI.read_text("utf-8").replace("weight = 2\n", "weight = nan\n")
    root = content_with(tmp_path, "checklists", "mini.toml", text)
    db = str(tmp_path / "c.sqlite")
    code, out, err = run(
        "--db",
        db,
        "--content",
        str(root),
        "cutover",
        "status",
        "--checklist",
        "mini",
        "--fail-on",
        "red",
        "--json",
    )
    assert code == 2 and "NaN" not in out


@pytest.mark.parametrize(
    ("folder", "name", "text", "where"),
    [
        ("courses", "roles.toml", "roles = 5\n", "roles: expected a table"),
        (
            "courses",
            "millennium-intro.toml",
            'id = "millennium-intro"\ntitle = { sv = "Intro" }\nhours = nan\n'
            'prerequisites = ["open-link"]\n',
            "hours: expected a finite number",
        ),
        (
            "courses",
            "millennium-intro.toml",
            'id = "millennium-intro"\ntitle = { sv = "Intro" }\nhours = 2\n'
            'prerequisites = ["open-link"]\n',
            "a cycle: ",
        ),
        ("courses", "roles.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        (
            "checklists",
            "equipment.toml",
            "[[items]]\nid = 'pc'\ncategory = 'it'\nname = { sv = 'PC' }\n"
            "recommend = { hospital = { per_staff = nan } }\n",
            "per_staff: expected a finite number",
        ),
    ],
)
def test_course_and_catalog_content_is_checked(
    tmp_path: Path, folder: str, name: str, text: str, where: str
) -> None:
    root = content_with(tmp_path, folder, name, text)
    db = str(tmp_path / "c.sqlite")
    command = ["equipment", "catalog"] if name == "equipment.toml" else ["course", "list"]
    code, _, err = run("--db", db, "--content", str(root), *command)
    assert code == 2 and where in err and "Traceback" not in err


def test_a_unit_in_an_area_the_territory_dropped_is_named(fvm: Fvm, tmp_path: Path) -> None:
    fvm("unit", "add", "vc-hjo", "--name", "VC Hjo", "--area", "ostra", "--type", "primary-care")
    territory = (ROOT / "checklists" / "territory.toml").read_text("utf-8")
    smaller = re.sub(r"^ostra .*\n", "", territory, flags=re.M)
    root = content_with(tmp_path, "checklists", "territory.toml", smaller)
    for command in (
        ("cutover", "status"),
        ("checklist", "score", "golive", "--unit", "vc-hjo"),
        ("equipment", "show", "vc-hjo"),
    ):
        err = fvm("--content", str(root), *command, code=2).stderr
        assert "vc-hjo (ostra, primary-care)" in err and "territory.toml" in err


# ---------------------------------------------------------------- the database file


@pytest.mark.parametrize("damage", ["random", "truncated", "page"])
def test_a_damaged_sqlite_file_is_an_environment_error(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "d.sqlite"
    ctx = factories.context(f"sqlite:///{db}")
    factories.units(ctx, *[(f"u{i}", "sodra", "hospital", 10) for i in range(300)])
    ctx.open().scrub([])
    ctx.close()
    data = bytearray(db.read_bytes())
    if damage == "random":
        data = bytearray(b"\x13\x37" * 3000)
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[4096 : 4096 * 3] = b"\x5a" * 8192
    db.write_bytes(bytes(data))
    code, _, err = run("--db", str(db), "cutover", "status")
    assert code == 4 and "damaged" in err and "backup" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "--db / FVM_DB is empty"),
        ("postgresql://", "names no database"),
        ("postgresql://h:port/db", "not a database URL"),
        ("mysql://h/db", "unsupported database"),
        ("postgresql+nope://h/db", "unsupported database driver"),
        ("postgresql://anna:hemligt@h:99999/db", "not a database URL"),
    ],
)
def test_bad_database_urls_are_refused(url: str, message: str) -> None:
    code, _, err = run("--db", url, "unit", "list")
    assert code == 2 and message in err and "hemligt" not in err


# ---------------------------------------------------------------- limits and times


@pytest.mark.store
@pytest.mark.parametrize(
    ("args", "where"),
    [
        (
            (
                "unit",
                "add",
                "u9",
                "--name",
                "N",
                "--area",
                "sodra",
                "--type",
                "hospital",
                "--staff",
                str(2**63),
            ),
            "staff",
        ),
        (
            ("unit", "add", "u9", "--name", "N" * 5000, "--area", "sodra", "--type", "hospital"),
            "name",
        ),
        (
            ("unit", "add", "u" * 300, "--name", "N", "--area", "sodra", "--type", "hospital"),
            "longer than 100",
        ),
        (("equipment", "count", "u1", "care-client", "--present", str(2**40)), "at most"),
        (("equipment", "require", "u1", "care-client", str(2**40)), "N must be"),
        (
            (
                "session",
                "add",
                "open-link",
                "--start",
                "2027-01-10T09:00",
                "--capacity",
                str(2**40),
            ),
            "--capacity",
        ),
        (
            (
                "checklist",
                "set",
                "golive",
                "--unit",
                "u1",
                "org.project-lead",
                "ja",
                "--comment",
                "x" * 20000,
            ),
            "--comment",
        ),
        (
            (
                "checklist",
                "waive",
                "golive",
                "--unit",
                "u1",
                "org.project-lead",
                "--reason",
                "x" * 20000,
                "--until",
                "2027-01-01",
            ),
            "--reason",
        ),
        (
            ("session", "add", "open-link", "--start", "9999-01-10T09:00", "--capacity", "4"),
            "outside the years",
        ),
        (("phase", "set", "1", "--go-live", "1066-10-14"), "outside the years"),
        (
            (
                "checklist",
                "set",
                "golive",
                "--unit",
                "u1",
                "org.project-lead",
                "ja",
                "--by",
                "x" * 300,
            ),
            "--by",
        ),
    ],
)
def test_input_beyond_the_limits_is_refused_alike_on_both_backends(
    fvm: Fvm, args: tuple[str, ...], where: str
) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    before = json.loads(fvm("info", "--json").stdout)["counts"]
    err = fvm(*args, code=2).stderr
    assert where in err and "Traceback" not in err
    assert json.loads(fvm("info", "--json").stdout)["counts"] == before


@pytest.mark.store
def test_a_start_with_a_time_zone_becomes_local_time_and_enrolment_works(fvm: Fvm) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    fvm("person", "add", "p1", "--name", "Åsa", "--role", "nurse", "--unit", "u1")
    fvm(
        "session",
        "add",
        "downtime-procedures",
        "--start",
        "2027-01-10T08:00:00+00:00",
        "--capacity",
        "3",
        "--id",
        "s1",
    )
    fvm(
        "session",
        "add",
        "downtime-procedures",
        "--start",
        "2027-01-11T09:00",
        "--capacity",
        "3",
        "--id",
        "s2",
    )
    shown = fvm.json("session", "show", "s1")
    assert shown["start"].startswith("2027-01-10T") and "+" not in shown["start"]
    assert "p1: enrolled" in fvm("session", "enroll", "s1", "p1").stdout
    assert "same course" in fvm("session", "enroll", "s2", "p1", code=3).stderr


# ---------------------------------------------------------------- sessions


@pytest.mark.store
def test_the_session_importer_refuses_states_that_strand_bookings(fvm: Fvm, write_csv) -> None:  # type: ignore[no-untyped-def]
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    for i in range(3):
        fvm("person", "add", f"p{i}", "--name", f"P {i}", "--role", "nurse", "--unit", "u1")
    fvm(
        "session",
        "add",
        "downtime-procedures",
        "--start",
        "2027-01-10T09:00",
        "--capacity",
        "3",
        "--id",
        "s1",
    )
    fvm("session", "enroll", "s1", "p0", "p1", "p2")
    twice = write_csv(
        "id;course;start;capacity\ns9;open-link;2027-02-01T09:00;4\n"
        "s9;open-link;2027-02-02T09:00;4\n",
        "twice.csv",
    )
    assert (
        "row 3, column id: session s9 is in the file twice (first on row 2)"
        in fvm("session", "import", str(twice), code=2).stderr
    )
    lower = write_csv(
        "id;course;start;capacity\ns1;downtime-procedures;2027-01-10T09:00;1\n", "lower.csv"
    )
    assert "3 seats are held" in fvm("session", "import", str(lower), code=3).stderr
    moved = write_csv("id;course;start;capacity\ns1;open-link;2027-01-10T09:00;5\n", "moved.csv")
    assert "its course cannot change" in fvm("session", "import", str(moved), code=3).stderr
    assert "3 seats are held" in fvm("session", "update", "s1", "--capacity", "1", code=3).stderr
    shown = fvm.json("session", "show", "s1")
    assert shown["capacity"] == 3 and shown["course"] == "downtime-procedures"
    assert fvm.scalar("SELECT count(*) FROM sessions") == 1


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            "took longer than",
        ),
        ("{{ 'x' * 1000000000 }}", "'*' would build"),
        ("{% include 'checklist.html.j2' %}", "includes or calls itself"),
        ("{{ range(1e8) }}", "TypeError"),
        ("{{ 10 ** 100000000 }}", "'**' would give"),
        ("{{ ().__class__.__bases__[0].__subclasses__() }}", "unsafe"),
    ],
)
def test_a_template_cannot_hang_or_crash_fvm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, message: str
) -> None:
    monkeypatch.setenv("FVM_TEMPLATE_SECONDS", "2")
    root = content_with(tmp_path, "templates", "checklist.html.j2", template)
    out = tmp_path / "out" / "blank.html"
    code, _, err = run(
        "--db",
        made(tmp_path / "t.sqlite", root),
        "checklist",
        "print",
        "golive",
        "-o",
        str(out),
    )
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists() and not list(out.parent.glob("*")) if out.parent.exists() else True


# ---------------------------------------------------------------- output files


def test_a_full_disk_exits_4_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = Path.open

    class Full:
        """A file on a disk that fills after its first ten characters."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def write(self, data: str) -> int:
            self.handle.write(data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    def full(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = opened(self, mode, *args, **kwargs)
        return Full(handle) if "w" in mode and self.name.startswith(".report") else handle

    db = made(tmp_path / "o.sqlite")
    monkeypatch.setattr(Path, "open", full)  # the report is written row by row, as it streams
    out = tmp_path / "r" / "report.csv"
    code, _, err = run("--db", db, "cutover", "report", "-o", str(out))
    assert code == 4 and "No space left" in err
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_a_failing_xlsx_write_leaves_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"the old report")
    import fvmcli.render.report_workbook as report

    def broken(_report: object, path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(report, "workbook", broken)
    code, _, err = run("--db", made(tmp_path / "o.sqlite"), "cutover", "report", "-o", str(out))
    assert code == 4 and out.read_bytes() == b"the old report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


# ---------------------------------------------------------------- terminals


@pytest.mark.store
def test_stored_escape_codes_are_shown_escaped(fvm: Fvm) -> None:
    evil = "Avd \x1b]0;pwned\x07 \x1b[2J \x9b31m \u202e slut"
    fvm("unit", "add", "u1", "--name", evil, "--area", "sodra", "--type", "hospital")
    shown = fvm("unit", "list").stdout
    assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
    assert "\\x1b]0;pwned\\x07" in shown
    data = fvm("unit", "list", "--json").stdout
    assert "\x9b" not in data and "\u202e" not in data
    assert json.loads(data)[0]["name"] == evil  # the stored data is unchanged


# ---------------------------------------------------------------- erasure


def test_erasure_reaches_the_file_and_its_backups(tmp_path: Path) -> None:
    db = tmp_path / "e.sqlite"
    ctx = factories.context(f"sqlite:///{db}")
    factories.units(ctx, ("u1", "sodra", "hospital", 10))
    from fvmcli.core.model import Person
    from fvmcli.services import training

    training.save_people(ctx, [Person("p1", "Gunnel Ödmark", "nurse", "u1", "gunnel@example.se")])
    training.save_people(ctx, [Person("p1", "Gunnel Ödmark-Lind", "nurse", "u1")])
    backup = ctx.open().backup()
    assert backup is not None
    ctx.close()
    code, _, err = run("--db", str(db), "person", "forget", "p1", "--yes")
    assert code == 3 and str(backup) in err and "--delete-backups" in err
    code, out, _ = run("--db", str(db), "person", "forget", "p1", "--yes", "--delete-backups")
    assert code == 0 and not backup.exists() and "Deleted the backup copy" in out
    for path in tmp_path.glob("e.sqlite*"):
        raw = path.read_bytes()
        assert "Ödmark".encode() not in raw and b"gunnel@" not in raw, path


@pytest.mark.store
def test_purge_rewrites_the_tables_on_postgresql(fvm: Fvm) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    fvm("person", "add", "p1", "--name", "Gunnel", "--role", "nurse", "--unit", "u1")
    if fvm.url.startswith("sqlite"):
        assert "for PostgreSQL" in fvm("person", "forget", "p1", "--yes", "--purge", code=2).stderr
        return
    out = fvm("person", "forget", "p1", "--yes", "--purge").stdout
    assert "no old row versions remain" in out
    assert fvm.json("person", "list")[0]["name"] is None


# ---------------------------------------------------------------- smaller guards


@pytest.mark.store
def test_the_demo_refuses_a_database_with_any_data_of_others(fvm: Fvm) -> None:
    fvm("phase", "set", "1", "--go-live", "2027-04-01")
    assert "would destroy them" in fvm("demo", code=3).stderr
    assert fvm.json("phase", "list")[0]["go_live"] == "2027-04-01"


@pytest.mark.store
def test_unknown_options_are_refused_by_every_command(fvm: Fvm) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    for command in (("unit", "list"), ("phase", "list"), ("cutover", "status")):
        assert "unknown language 'fr'" in fvm("--lang", "fr", *command, code=2).stderr
    err = fvm("checklist", "history", "golive", "--unit", "u1", "--question", "nope", code=2)
    assert "unknown question 'nope'" in err.stderr


# ---------------------------------------------------------------- internal errors


def test_an_internal_error_exits_70_with_a_crash_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fvmcli.services.territory as territory

    def boom(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    db = made(tmp_path / "x.sqlite")
    monkeypatch.setattr(territory, "list_units", boom)
    code, _, err = run("--db", db, "unit", "list")
    assert code == 70 and "Traceback" not in err
    (report,) = re.findall(r"details are in (\S+\.txt)", err)
    assert "ZeroDivisionError: a bug" in Path(report).read_text("utf-8")
    code, _, err = run("--db", db, "--debug", "unit", "list")
    assert code == 70 and "Traceback" in err and "ZeroDivisionError" in err
    code, _, err = run("--db", db, "--debug", "unit", "show", "nope")
    assert code == 2 and "no unit 'nope'" in err


@pytest.mark.store
def test_unit_parent_cycles_are_refused(fvm: Fvm, write_csv) -> None:  # type: ignore[no-untyped-def]
    fvm("unit", "add", "a", "--name", "A", "--area", "sodra", "--type", "hospital")
    fvm("unit", "add", "b", "--name", "B", "--area", "sodra", "--type", "hospital", "--parent", "a")
    loop = write_csv("id;name;area;type;parent\na;A;sodra;hospital;b\n", "loop.csv")
    err = fvm("unit", "import", str(loop), code=2).stderr
    assert "a → b → a" in err and "Nothing was stored" in err
    assert fvm.json("unit", "show", "a")["parent"] is None


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("areas = 5\nunit_types = 5\n", "areas: expected a table"),
        (
            "[areas]\n" + "x" * 60 + ' = { phase = 1, name = { sv = "X" } }\n'
            '[unit_types]\nhospital = { sv = "Sjukhus" }\n',
            "an id is at most 50 characters",
        ),
    ],
)
def test_territory_shapes_are_checked(tmp_path: Path, text: str, where: str) -> None:
    root = content_with(tmp_path, "checklists", "territory.toml", text)
    db = str(tmp_path / "t.sqlite")
    code, _, err = run("--db", db, "init", "--content", str(root))
    assert code == 2 and where in err and "Traceback" not in err


def test_a_mistyped_database_folder_is_refused_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = tmp_path / "projekt" / "fvm.sqlite"
    runner = CliRunner()
    refused = runner.invoke(app, ["--db", str(wrong), "unit", "list"])
    assert refused.exit_code == 2
    assert f"the folder {wrong.parent} does not exist" in refused.stderr
    assert not wrong.parent.exists()
    monkeypatch.setenv("FVM_DB", str(wrong))
    assert runner.invoke(app, ["unit", "list", "--json"]).exit_code == 2
    assert not wrong.parent.exists()
    wrong.parent.mkdir()  # a new database in a folder that exists: made only by init…
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["unit", "list", "--json"]).stdout.strip() == "[]"
    assert wrong.exists()


def test_a_command_that_only_reads_creates_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pointed at a SQLite file that does not exist, a reading command creates nothing and
    exits 4 with the hint 'fvm init'; init and commands that store something create it."""
    missing = tmp_path / "fvm.sqlite"
    for args in (
        ["unit", "list"],
        ["cutover", "status", "--json"],
        ["info"],
        ["checklist", "score", "golive", "--unit", "u1"],
        ["session", "enroll", "s1", "p1"],
    ):
        code, out, err = run("--db", str(missing), *args)
        assert code == 4, (args, err)
        assert f"no database at {missing}" in err and "fvm init" in err and out == ""
        assert not missing.exists() and list(tmp_path.iterdir()) == [tmp_path / "home"]
    monkeypatch.setenv("FVM_DB", str(missing))  # the same through FVM_DB
    assert run("unit", "list")[0] == 4 and not missing.exists()
    code, out, _ = run(
        "unit", "add", "u1", "--name", "Åby", "--area", "sodra", "--type", "hospital"
    )
    assert code == 0 and missing.exists()
    assert json.loads(run("unit", "list", "--json")[1])[0]["name"] == "Åby"
    units = tmp_path / "enheter.csv"
    units.write_text("id;name;area;type\nu2;Öby;vastra;hospital\n", "utf-8")
    other = tmp_path / "other.sqlite"
    assert run("--db", str(other), "unit", "import", str(units))[0] == 0 and other.exists()
