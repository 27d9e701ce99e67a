"""A programme of its own (#42): a pack with ``pack.toml`` and no ``extends`` reads nothing of
the bundled pack, and no word of the bundled pack appears in what fvm says or writes for it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fvmcli.content.locate import bundled_root
from tests.conftest import Fvm

pytestmark = pytest.mark.store

LAB = Path(__file__).parent / "packs" / "lab"
# Ids of the bundled pack that are common English words, which the program may say of its own.
COMMON = {"admin", "nurse", "private", "technical", "integration", "municipal"}


def bundled_words() -> set[str]:
    """Return the words that are the bundled pack's own: the programme's names, its areas,
    unit types, checklists, courses, roles and owners, by id and by name."""
    import tomllib

    root = bundled_root()
    words = {"FVM", "Millennium", "Västra Götaland", "Cerner", "golive"}

    def names(table: dict[str, Any]) -> None:
        for key, value in table.items():
            words.add(key)
            name = value.get("name", value) if isinstance(value, dict) else None
            if isinstance(name, dict):
                words.update(v for v in name.values() if isinstance(v, str))

    territory = tomllib.loads((root / "checklists" / "territory.toml").read_text("utf-8"))
    names(territory["areas"])
    names({k: {"name": v} for k, v in territory["unit_types"].items()})
    roles = tomllib.loads((root / "courses" / "roles.toml").read_text("utf-8"))
    names(roles["roles"])
    names(roles["owners"])
    for path in (root / "courses").glob("*.toml"):
        data = tomllib.loads(path.read_text("utf-8"))
        if "id" in data:
            words.add(data["id"])
            words.update(data["title"].values())
    golive = tomllib.loads((root / "checklists" / "golive.toml").read_text("utf-8"))
    words.update(golive["title"].values())
    # Words too common to be the bundled pack's alone: the program says them of its own.
    return {"FVM"} | {w for w in words if len(w) > 4 and w.lower() not in COMMON}


WORDS = bundled_words()
PATTERN = re.compile("|".join(rf"(?<![\w-]){re.escape(w)}(?![\w-])" for w in sorted(WORDS)))


def leaks(text: str) -> list[str]:
    return sorted(set(PATTERN.findall(text)))


@pytest.fixture
def lab(db_url: str, tmp_path: Path) -> Fvm:
    """A database of the lab pack with units, a go-live, answers and people."""
    fvm = Fvm(db_url)
    fvm("init", "--content", str(LAB))
    units = tmp_path / "units.csv"
    units.write_text(
        "id,name,area,type,staff,email\n"
        "lab-a,Lab A,nord,lab,10,lab-a@example.org\n"
        "st-b,Station B,nord,station,4,\n"
        "lab-c,Lab C,syd,lab,8,\n",
        "utf-8",
    )
    fvm("unit", "import", str(units))
    fvm("phase", "set", "1", "--go-live", "2027-01-15")
    fvm("phase", "set", "2", "--go-live", "2027-04-15")
    fvm("checklist", "set", "labready", "--unit", "lab-a", "inst.connected", "ja")
    fvm("checklist", "set", "labready", "--unit", "lab-a", "folk.trained", "50")
    fvm("checklist", "set", "labready", "--unit", "st-b", "inst.connected", "nej")
    fvm(
        "person",
        "add",
        "p1",
        "--name",
        "Ada Lab",
        "--role",
        "biomedicin",
        "--unit",
        "lab-a",
        "--email",
        "ada@example.org",
    )
    fvm("cutover", "snapshot", "R1", "--as-of", "2026-11-01")
    return fvm


def test_the_words_to_look_for_are_the_bundled_packs() -> None:
    assert {"FVM", "Millennium", "sodra", "Södra området", "millennium-intro"} <= WORDS
    assert leaks("Units of sodra and FVM's Millennium") == ["FVM", "Millennium", "sodra"]
    assert leaks("fvm-rules, a fvm database") == []


def test_a_pack_of_its_own_runs_without_a_bundled_word(lab: Fvm, tmp_path: Path) -> None:
    shown = lab.json("content", "show")
    assert shown["pack"] == "lab"
    assert all(not f.startswith("courses/millennium") for f in shown["files"])
    said: list[str] = []
    for args in (
        ("cutover", "status"),
        ("cutover", "status", "--json"),
        ("cutover", "blockers"),
        ("cutover", "forecast"),
        ("cutover", "timeline", "--phase", "1"),
        ("gate", "evaluate", "--phase", "1"),
        ("gate", "propose", "--phase", "1", "G1"),
        ("gate", "show", "G1"),
        ("checklist", "show", "labready"),
        ("checklist", "score", "labready", "--unit", "lab-a"),
        ("course", "list"),
        ("course", "coverage"),
        ("unit", "list"),
        ("info",),
        ("remind", "--dry-run", "-o", str(tmp_path / "mail")),
    ):
        result = lab(*args, code=None)
        assert result.exit_code in (0, 1), (args, result.stdout, result.stderr)
        said.append(result.stdout + result.stderr)
    assert "lab-a" in said[0] and "Lab North" in said[0] and "Laboratory" in said[0]
    assert "No lab is red" in said[5]
    for mail in (tmp_path / "mail").glob("*.eml"):
        said.append(mail.read_text("utf-8", "replace"))
    assert list((tmp_path / "mail").glob("*.eml")), "a reminder was written"
    assert leaks("\n".join(said)) == []


def test_its_reports_hold_no_bundled_word(lab: Fvm, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    lab("cutover", "report", "-o", str(html))
    text = html.read_text("utf-8")
    assert "Lab A" in text and "Lab ready" in text or "Labbredo" in text
    assert leaks(text) == []
    openpyxl = pytest.importorskip("openpyxl")
    book_path = tmp_path / "r.xlsx"
    lab("cutover", "report", "-o", str(book_path))
    book = openpyxl.load_workbook(book_path)
    cells = " ".join(
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
    )
    assert "lab-a" in cells and leaks(cells) == []
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    pdf = tmp_path / "r.pdf"
    lab("cutover", "report", "-o", str(pdf))
    words = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "lab-a" in words and leaks(words) == []


def test_what_it_lacks_is_said_where_it_is_needed(lab: Fvm) -> None:
    err = lab("equipment", "catalog", code=2).stderr
    assert "no equipment catalog (checklists/equipment.toml)" in err
    assert leaks(err) == []
    # Everything else runs without one.
    assert lab.json("cutover", "status")["units"][0]["equipment_readiness"] is None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_help_has_no_bundled_word(lang: str) -> None:
    import typer.main
    from typer.testing import CliRunner

    from fvmcli.cli.app import app
    from fvmcli.cli.groups import GROUPS

    runner = CliRunner(env={"FVM_LANG": lang, "COLUMNS": "200"})
    texts = [runner.invoke(app, ["--help"]).stdout]
    root = typer.main.get_command(app)
    for name in GROUPS:
        texts.append(runner.invoke(app, [name, "--help"]).stdout)
        group = root.get_command(None, name)  # type: ignore[attr-defined]
        for sub in getattr(group, "commands", {}):
            texts.append(runner.invoke(app, [name, sub, "--help"]).stdout)
    for command in ("init", "info"):
        texts.append(runner.invoke(app, [command, "--help"]).stdout)
    assert ("Beredskap inför en driftstart" in texts[0]) == (lang == "sv")
    assert len(texts) > 60
    assert leaks("\n".join(texts)) == []
