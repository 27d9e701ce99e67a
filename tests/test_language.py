"""Swedish first: every word fvm says comes from the gettext catalog, in Swedish unless English
is asked for; what scripts read (JSON, ids, exit codes) is the same in both languages."""

from __future__ import annotations

import gettext
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from fvmcli import i18n
from fvmcli.cli.app import app
from tests.conftest import Fvm
from tests.tables import tables

ROOT = Path(__file__).parent.parent


def catalog_tool() -> ModuleType:
    """Return tools/catalog.py, the script that keeps the catalog in step with the code."""
    spec = importlib.util.spec_from_file_location("catalog_tool", ROOT / "tools" / "catalog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the catalog itself


def test_every_message_and_help_text_has_swedish_words() -> None:
    tool = catalog_tool()
    stored = tool.read()
    said = tool.template()
    missing = [m.id for m in said if m.id and m.id not in stored]
    assert not missing, f"run 'python tools/catalog.py update' and translate: {missing[:5]}"
    assert tool.untranslated(stored) == []
    assert tool.placeholder_problems(stored) == []
    assert len(stored) > 900  # messages, help texts, report and sheet words


def test_the_compiled_catalog_is_the_one_in_the_po_file() -> None:
    tool = catalog_tool()
    mo = i18n.LOCALE_DIR / "sv" / "LC_MESSAGES" / "fvmcli.mo"
    assert mo.exists(), "compile it: python -m pip install -e ."
    with mo.open("rb") as source:
        compiled = gettext.GNUTranslations(source)
    for message in tool.read():
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, (
                f"{mo} is older than its .po: python -m pip install -e . compiles it again"
            )


def test_placeholders_that_differ_are_found() -> None:
    from babel.messages.catalog import Catalog

    tool = catalog_tool()
    catalog = Catalog(locale="sv")
    catalog.add("no unit {unit_id!r}", "ingen enhet {unit!r}")
    catalog.add("Units: %(n)s", "Enheter: %(n)s")
    catalog.add("{count} units", "Enheter: {count}")
    assert tool.placeholder_problems(catalog) == ["'no unit {unit_id!r}': 'ingen enhet {unit!r}'"]


def test_a_word_table_is_translated_whatever_the_current_language() -> None:
    words = {"yes": i18n.N_("Yes"), "cols": (i18n.N_("Answer"), i18n.N_("Comment"))}
    i18n.use("en")
    assert i18n.words_in(words, "sv") == {"yes": "Ja", "cols": ("Svar", "Kommentar")}
    assert i18n.words_in(words, "en") == {"yes": "Yes", "cols": ("Answer", "Comment")}
    assert i18n.translated("", "sv") == ""  # never the catalog's header


# ---------------------------------------------------------------- what a user sees


def add_hjo(fvm: Fvm) -> None:
    """Add one primary-care unit, naming its area as people write it."""
    fvm(
        "unit",
        "add",
        "vc-hjo",
        "--name",
        "Vårdcentralen Hjo",
        "--area",
        "östra",
        "--type",
        "primary-care",
    )


def test_swedish_is_the_default_and_english_is_asked_for(
    fvm: Fvm, swedish: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = fvm("unit", "show", "vc-nowhere", code=2)
    assert refused.stderr.splitlines() == ["fvm: ingen enhet 'vc-nowhere'", "Se 'fvm unit list'."]
    english = fvm("--lang", "en", "unit", "show", "vc-nowhere", code=2)
    assert english.stderr.splitlines()[0] == "fvm: no unit 'vc-nowhere'"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "fvm: no unit" in fvm("unit", "show", "vc-nowhere", code=2).stderr
    monkeypatch.setenv("FVM_LANG", "sv")
    assert "fvm: ingen enhet" in fvm("unit", "show", "vc-nowhere", code=2).stderr


def test_one_process_can_switch_languages_back_and_forth(fvm: Fvm, swedish: None) -> None:
    for lang, words in [("en", "Show one unit"), ("sv", "Visa en enhet"), ("en", "Show one")]:
        shown = fvm("--lang", lang, "unit", "--help").stdout
        assert words in shown


def test_help_of_every_command_is_swedish(swedish: None) -> None:
    runner = CliRunner()
    root = typer.main.get_command(app)
    groups = root.list_commands(None)  # type: ignore[arg-type]
    paths = [[]] + [[g] for g in groups]
    for group in groups:
        command = root.get_command(None, group)  # type: ignore[arg-type]
        paths += [[group, c] for c in getattr(command, "commands", {})]
    assert len(paths) > 50
    for path in paths:
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, (path, shown.output)
        assert "Visa det här meddelandet och avsluta." in shown.stdout, path
        assert "Show this message" not in shown.stdout, path
        assert "Alternativ" in shown.stdout, path
        assert shown.stdout.strip().startswith("Användning: fvm"), path
        assert not re.search(r"<(bool|str|int|float|Path|list\[)", shown.stdout), path
        assert "Usage:" not in shown.stdout, path
    english = runner.invoke(app, ["--lang", "en", "unit", "--help"], env={"COLUMNS": "200"})
    assert english.stdout.strip().startswith("Usage: fvm unit")
    refused = runner.invoke(app, ["unit", "list", "--nope"], env={"COLUMNS": "200"})
    assert refused.exit_code == 2 and refused.stderr.startswith("Användning: fvm unit list")
    root_help = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    assert "Kommandon" in root_help and "Beredskap inför en driftstart" in root_help
    assert "Enheter: avdelningar, mottagningar" in root_help


def test_a_listing_in_swedish_has_swedish_headings_and_status_words(
    fvm: Fvm, swedish: None
) -> None:
    add_hjo(fvm)
    shown = fvm("cutover", "status", "--as-of", "2026-11-26").stdout
    assert shown.startswith("Beredskap inför driftstart, per 2026-11-26")
    heading = shown.splitlines()[1].split()
    assert heading[:3] == ["enhet", "namn", "område"]
    assert "ej påbörjad" in shown and "not-started" not in shown
    assert "Sammanfattning" in shown and "alla" in shown and "Östra området" in shown
    data = json.loads(fvm("cutover", "status", "--as-of", "2026-11-26", "--json").stdout)
    assert data["units"][0]["status"] == "not-started"  # scripts read ids, in any language
    english = fvm("--lang", "en", "cutover", "status", "--as-of", "2026-11-26").stdout
    assert english.splitlines()[1].split()[:3] == ["unit", "name", "area"]
    assert "not started" in english


def test_messages_of_an_import_are_swedish(fvm: Fvm, swedish: None, tmp_path: Path) -> None:
    bad = tmp_path / "enheter.csv"
    bad.write_text("id;name;area;type\nvc-a;A;sodra;hospital\nvc-b;B;mars;hospital\n", "utf-8")
    refused = fvm("unit", "import", str(bad), code=2).stderr
    assert "enheter.csv: 1 problem" in refused
    assert "rad 3" in refused and "okänt område 'mars'" in refused
    assert "Inget importerades." in refused
    good = tmp_path / "ok.csv"
    good.write_text("id;name;area;type\nvc-a;Vårdcentral Å;sodra;primary-care\n", "utf-8")
    said = fvm("unit", "import", str(good)).stdout
    assert said.startswith("Importerade 1 enhet från")
    assert "1 tillagda, 0 ändrade, 0 oförändrade." in said


def test_the_cutover_report_is_swedish_in_html_and_xlsx(
    fvm: Fvm, swedish: None, tmp_path: Path
) -> None:
    add_hjo(fvm)
    html = tmp_path / "rapport.html"
    fvm("cutover", "report", "--as-of", "2026-11-26", "-o", str(html))
    text = html.read_text("utf-8")
    assert '<html lang="sv">' in text
    for words in ("Enheter, sämst först", "Status per område", "Utrustningsbehov", "ej påbörjad"):
        assert words in text
    for words in ("Status by area", "Units, worst first", "Equipment needs", "mean score"):
        assert words not in text
    book_path = tmp_path / "rapport.xlsx"
    fvm("cutover", "report", "--as-of", "2026-11-26", "-o", str(book_path))
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[:2] == ["Enheter", "Blockerare"]
    header = [c.value for c in next(book["Enheter"].iter_rows(max_row=1))]
    assert header[:3] == ["enhet", "namn", "område"] and "utbildningstäckning" in header
    statuses = {
        row[header.index("status")]
        for row in book["Enheter"].iter_rows(min_row=2, values_only=True)
    }
    assert statuses == {"ej påbörjad"}  # the word, not the id not-started
    assert "Prognos" in book.sheetnames
    fvm("cutover", "snapshot", "r1", "--as-of", "2026-11-20")
    assert "r1 (2026-11-20) → nu (2026-11-26)" in fvm("cutover", "diff", "r1").stdout
    english = tmp_path / "report.xlsx"
    fvm("--lang", "en", "cutover", "report", "--as-of", "2026-11-26", "-o", str(english))
    book = openpyxl.load_workbook(english)
    assert book.sheetnames[:2] == ["Units", "Blockers"]
    assert [c.value for c in next(book["Units"].iter_rows(max_row=1))][:3] == [
        "unit",
        "name",
        "area",
    ]


def test_usage_errors_are_swedish_too(fvm: Fvm, swedish: None) -> None:
    cases = [
        (["unit", "list", "--phase", "x"], "Ogiltigt värde för '--phase': ange ett heltal"),
        (["unit", "list", "--nope"], "Okänt alternativ: --nope (möjliga alternativ:"),
        (["unit", "show"], "Argumentet 'ID' saknas."),
        (["unit", "show", "a", "b"], "Oväntade extra argument (b)"),
        (["unit", "list", "--phase"], "Alternativet '--phase' kräver ett värde."),
        (["--nope"], "Okänt alternativ: --nope"),
        (["unit", "lst"], "Inget kommando 'lst'. Menade du 'list'?"),
    ]
    for args, words in cases:
        refused = fvm(*args, code=2)
        assert words in " ".join(refused.stderr.replace("│", " ").split()), (args, refused.stderr)
    english = fvm("--lang", "en", "unit", "list", "--nope", code=2).stderr
    assert "No such option: --nope (Possible options:" in " ".join(english.split())


def test_percentages_read_the_swedish_way_in_swedish() -> None:
    from fvmcli.render.columns import fraction
    from fvmcli.render.values import percent_shown

    i18n.use("sv")
    assert percent_shown(12.5, 1) == "12,5\u00a0%"
    assert fraction(0.81) == "81\u00a0%"
    i18n.use("en")
    assert percent_shown(12.5, 1) == "12.5%"
    assert fraction(0.81) == "81%"


def test_what_commands_say_back_is_swedish(fvm: Fvm, tmp_path: Path, swedish: None) -> None:
    """Answers, counts, bookings and the printed status in Swedish words, not the ids."""
    fvm("unit", "add", "u1", "--name", "Avd Ö", "--area", "sodra", "--type", "hospital")
    fvm("person", "add", "p1", "--name", "Åsa", "--role", "nurse", "--unit", "u1")
    fvm("person", "add", "p2", "--name", "Örjan", "--role", "nurse", "--unit", "u1")
    said = fvm("checklist", "set", "golive", "--unit", "u1", "org.super-users", "delvis").stdout
    assert "org.super-users = Delvis" in said and "partial" not in said
    again = fvm("checklist", "set", "golive", "--unit", "u1", "org.super-users", "partial").stdout
    assert "(oförändrad)" in again and "(unchanged)" not in again
    fvm("session", "add", "downtime-procedures", "--id", "s1", "--start", "2027-01-10T09:00",
        "--end", "2027-01-10T12:00", "--capacity", "1")  # fmt: skip
    booked = fvm("session", "enroll", "s1", "p1", "p2").stdout
    assert "p1: bokad – Åsa" in booked and "enrolled" not in booked and "waitlisted" not in booked
    assert "oförändrad" in fvm("session", "update", "s1", "--capacity", "1").stdout
    printed = tmp_path / "u1.md"
    fvm("checklist", "print", "golive", "--unit", "u1", "-o", str(printed))
    text = printed.read_text("utf-8")
    assert "**Status:** " in text
    status = text.split("**Status:** ")[1].split(" ·")[0]
    assert status in ("röd", "gul", "grön", "ej påbörjad"), status


def test_history_reads_in_swedish_words_and_keeps_ids_whole(fvm: Fvm, swedish: None) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    fvm("checklist", "set", "golive", "--unit", "u1", "org.reduced-bookings", "40")
    fvm("checklist", "set", "golive", "--unit", "u1", "org.super-users", "nej")
    result = CliRunner().invoke(
        app, ["--db", fvm.url, "checklist", "history", "golive", "--unit", "u1"],
        env={"COLUMNS": "120"},
    )  # fmt: skip
    rows = tables(result.stdout)[0]
    assert {r["sort"] for r in rows} == {"svar"}
    assert "org.reduced-bookings" in {r["fråga"] for r in rows}  # an id is never cut
    assert {"Nej", "40\u00a0%"} == {r["värde"] for r in rows}
    assert fvm.json("checklist", "history", "golive", "--unit", "u1")[-1]["kind"] == "answer"


def test_an_id_is_never_cut_at_80_columns(fvm: Fvm) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    fvm("checklist", "set", "golive", "--unit", "u1", "org.reduced-bookings", "40",
        "--comment", "En lång kommentar om schemat som inte får plats på raden alls")  # fmt: skip
    result = CliRunner().invoke(
        app, ["--db", fvm.url, "checklist", "history", "golive", "--unit", "u1"],
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert {r["question"] for r in tables(result.stdout)[0]} == {"org.reduced-bookings"}


def test_tables_name_areas_and_unit_types_while_json_keeps_ids(fvm: Fvm, swedish: None) -> None:
    fvm("unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "primary-care")
    wide = {"COLUMNS": "200"}
    for args in (["unit", "list"], ["cutover", "status"]):
        shown = CliRunner().invoke(app, ["--db", fvm.url, *args], env=wide).stdout
        row = tables(shown)[0][0]
        assert (row["område"], row["typ"]) == ("Södra området", "Primärvård"), args
    assert fvm.json("unit", "list")[0]["area"] == "sodra"
    assert fvm.json("cutover", "status")["units"][0]["type"] == "primary-care"


def test_no_english_word_of_fvms_own_values_in_swedish_outputs(
    tmp_path: Path, swedish: None
) -> None:
    """The demo territory in every output a person reads, in Swedish: no status, state, kind
    or answer word of fvm's own appears in English (ids, commands and CSS aside)."""
    import email
    from email import policy

    from fvmcli.render.values import ANSWER_WORDS, WORDS

    db = str(tmp_path / "demo.sqlite")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", db, *args], env={"COLUMNS": "250"})
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    run("demo")
    english = {w for k, v in {**WORDS, **ANSWER_WORDS}.items() for w in (k, v)}
    english -= {w for w in english if i18n.translated(w, "sv") == w}  # the same in Swedish
    english -= {"sent"}  # a Swedish word too ("late")
    pattern = re.compile(
        r"(?<![\w.\-/@])(" + "|".join(re.escape(w) for w in sorted(english)) + r")(?![\w.\-/@])"
    )
    out = tmp_path / "out"
    outputs = {
        "status": run("cutover", "status"),
        "blockers": run("cutover", "blockers"),
        "forecast": run("cutover", "forecast"),
        "plan": run("course", "plan", "--phase", "1"),
        "coverage": run("course", "coverage"),
        "trend": run("cutover", "trend"),
        "gaps": run("equipment", "gaps"),
        "equipment": run("equipment", "show", "vc-hjo"),
        "score": run("checklist", "score", "golive", "--unit", "vc-hjo"),
        "history": run("checklist", "history", "golive", "--unit", "vc-hjo"),
        "sessions": run("session", "list"),
        "phases": run("phase", "list"),
        "unit": run("unit", "show", "vc-hjo"),
    }
    run("cutover", "report", "-o", str(out / "r.html"))
    html = (out / "r.html").read_text("utf-8")
    outputs["report"] = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    run("checklist", "print", "golive", "--unit", "vc-hjo", "-o", str(out / "c.md"))
    outputs["printout"] = (out / "c.md").read_text("utf-8")
    run("remind", "--dry-run", "-o", str(out / "mail"), "--area", "sodra")
    for eml in sorted((out / "mail").glob("*.eml"))[:5]:
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        body = message.get_body(("plain",))
        assert body is not None
        outputs[eml.name] = body.get_content()
    found = {}
    for name, text in outputs.items():
        text = "\n".join(line for line in text.splitlines() if "fvm " not in line)
        hits = sorted({m.group(1) for m in pattern.finditer(text)})
        if hits:
            found[name] = hits
    assert found == {}


@pytest.mark.parametrize(
    ("value", "sv", "en"),
    [
        (1234567.0, "1\u00a0234\u00a0567", "1,234,567"),
        (1.5, "1,5", "1.5"),
        (0.125, "0,125", "0.125"),
        (-0.0, "0", "0"),
        (24.0, "24", "24"),
        (-3.25, "-3,25", "-3.25"),
    ],
)
def test_numbers_are_never_shown_in_exponent_form(value: float, sv: str, en: str) -> None:
    from fvmcli.render.values import number_shown

    i18n.use("sv")
    assert number_shown(value) == sv
    i18n.use("en")
    assert number_shown(value) == en
