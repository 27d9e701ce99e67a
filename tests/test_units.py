"""Units and phases: adding, importing, listing, and every way bad input is refused."""

from __future__ import annotations

import pytest

from tests.conftest import Fvm

UNITS_CSV = (
    "id;name;area;type;staff;municipality;parent\n"
    "kommun-hjo;Hjo kommun – hemsjukvård;ostra;municipal;30;Hjo;\n"
    "vc-hjo;Vårdcentralen Hjo;ostra;primary-care;15;Hjo;\n"
    "su-iva;Sahlgrenska – IVA;vastra;hospital;110;;su\n"
    "su;Sahlgrenska Universitetssjukhuset;vastra;hospital;;;\n"
)


def test_add_list_and_show_keep_swedish_letters(fvm: Fvm) -> None:
    fvm(
        "unit",
        "add",
        "kommun-hjo",
        "--name",
        "Hjo kommun – hemsjukvård",
        "--area",
        "ostra",
        "--type",
        "municipal",
        "--staff",
        "30",
        "--municipality",
        "Hjo",
    )
    listed = fvm.json("unit", "list")
    assert listed == [
        {
            "id": "kommun-hjo",
            "name": "Hjo kommun – hemsjukvård",
            "area": "ostra",
            "phase": 3,
            "type": "municipal",
            "staff": 30,
            "municipality": "Hjo",
            "parent": None,
        }
    ]
    shown = fvm.json("unit", "show", "kommun-hjo")
    assert shown["name"] == "Hjo kommun – hemsjukvård" and shown["go_live"] is None
    assert "Hjo kommun – hemsjukvård" in fvm("unit", "list").stdout


def test_add_records_history(fvm: Fvm) -> None:
    fvm("unit", "add", "u1", "--name", "Enhet", "--area", "sodra", "--type", "hospital")
    assert fvm.scalar("SELECT count(*) FROM history WHERE kind = 'unit' AND unit_id = 'u1'") == 1
    assert fvm.scalar("SELECT by FROM history WHERE unit_id = 'u1'") == "tester"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "mitten", "--type", "hospital"], "unknown area 'mitten'"),
        (["--area", "sodra", "--type", "spa"], "unknown unit type 'spa'"),
        (["--area", "sodra", "--type", "hospital", "--parent", "nope"], "no unit 'nope'"),
    ],
)
def test_add_refuses_bad_input_and_stores_nothing(fvm: Fvm, args: list[str], message: str) -> None:
    result = fvm("unit", "add", "u1", "--name", "X", *args, code=2)
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert fvm.scalar("SELECT count(*) FROM units") == 0


def test_add_twice_is_a_conflict(fvm: Fvm) -> None:
    fvm("unit", "add", "u1", "--name", "X", "--area", "sodra", "--type", "hospital")
    result = fvm(
        "unit", "add", "u1", "--name", "Y", "--area", "sodra", "--type", "hospital", code=3
    )
    assert "already exists" in result.stderr


def test_show_unknown_unit(fvm: Fvm) -> None:
    assert "no unit 'ghost'" in fvm("unit", "show", "ghost", code=2).stderr


def test_import_semicolon_with_bom_parent_after_child_and_reimport_is_idempotent(
    fvm: Fvm, write_csv
) -> None:
    path = write_csv("\ufeff" + UNITS_CSV)
    out = fvm("unit", "import", str(path)).stdout
    assert "4 added" in out
    units = {u["id"]: u for u in fvm.json("unit", "list")}
    assert units["su-iva"]["parent"] == "su" and units["su"]["staff"] is None
    assert units["kommun-hjo"]["phase"] == 3 and units["su"]["phase"] == 2
    history_rows = fvm.scalar("SELECT count(*) FROM history")
    again = fvm("unit", "import", str(path)).stdout
    assert "0 added, 0 changed, 4 unchanged" in again
    assert fvm.scalar("SELECT count(*) FROM history") == history_rows


def test_import_updates_changed_rows(fvm: Fvm, write_csv) -> None:
    fvm("unit", "import", str(write_csv(UNITS_CSV)))
    changed = UNITS_CSV.replace(
        "Vårdcentralen Hjo;ostra;primary-care;15", "Vårdcentralen Hjo;ostra;primary-care;18"
    )
    assert "1 changed" in fvm("unit", "import", str(write_csv(changed, "b.csv"))).stdout
    assert fvm.json("unit", "show", "vc-hjo")["staff"] == 18


def test_import_comma_separated(fvm: Fvm, write_csv) -> None:
    path = write_csv('ID,Name,Area,Type\nu1,"Avd 1, medicin",sodra,hospital\n')
    fvm("unit", "import", str(path))
    assert fvm.json("unit", "show", "u1")["name"] == "Avd 1, medicin"


def test_import_reports_every_bad_row_with_line_and_column_and_stores_nothing(
    fvm: Fvm, write_csv
) -> None:
    path = write_csv(
        "id;name;area;type;staff\n"
        "ok;Bra enhet;sodra;hospital;10\n"
        "bad-area;Enhet;mitten;hospital;10\n"
        ";Utan id;sodra;hospital;\n"
        "bad-staff;Enhet;sodra;hospital;många\n"
        "ok;Dubblett;sodra;hospital;1\n"
    )
    result = fvm("unit", "import", str(path), code=2)
    err = result.stderr
    assert "row 3, column area: unknown area 'mitten'" in err
    assert "row 4, column id: is required" in err
    assert "row 5, column staff" in err
    assert "row 6, column id: duplicate id 'ok' (first on row 2)" in err
    assert "Nothing was imported" in err
    assert fvm.scalar("SELECT count(*) FROM units") == 0


def test_import_unknown_parent_stores_nothing(fvm: Fvm, write_csv) -> None:
    path = write_csv("id,name,area,type,parent\nu1,A,sodra,hospital,\nu2,B,sodra,hospital,ghost\n")
    assert "ghost" in fvm("unit", "import", str(path), code=2).stderr
    assert fvm.scalar("SELECT count(*) FROM units") == 0


def test_import_dry_run_stores_nothing(fvm: Fvm, write_csv) -> None:
    before = fvm.scalar("SELECT count(*) FROM history")  # init's: the content published
    out = fvm("unit", "import", str(write_csv(UNITS_CSV)), "--dry-run").stdout
    assert "Would import 4 units" in out and "4 added" in out
    assert fvm.scalar("SELECT count(*) FROM units") == 0
    assert fvm.scalar("SELECT count(*) FROM history") == before


def test_import_missing_binary_and_latin1_files(fvm: Fvm, tmp_path, write_csv) -> None:
    assert "no such file" in fvm("unit", "import", str(tmp_path / "nope.csv"), code=2).stderr
    binary = tmp_path / "x.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert "binary file" in fvm("unit", "import", str(binary), code=2).stderr
    latin = write_csv("id;name;area;type\nu1;Åmål;norra;municipal\n", "l.csv", encoding="latin-1")
    assert "read it as Windows-1252" in fvm("unit", "import", str(latin)).stderr
    assert fvm.json("unit", "show", "u1")["name"] == "Åmål"
    undecodable = tmp_path / "u.csv"
    undecodable.write_bytes(b"id;name;area;type\nu2;\x81\x8d;norra;municipal\n")
    assert "not UTF-8" in fvm("unit", "import", str(undecodable), code=2).stderr


def test_import_header_problems(fvm: Fvm, write_csv) -> None:
    err = fvm("unit", "import", str(write_csv("id;namne;area\n")), code=2).stderr
    assert "unknown column 'namne'" in err
    assert "required column 'name' is missing" in err
    assert "required column 'type' is missing" in err


def test_list_filters(fvm: Fvm, write_csv) -> None:
    fvm("unit", "import", str(write_csv(UNITS_CSV)))
    assert [u["id"] for u in fvm.json("unit", "list", "--phase", "3")] == ["kommun-hjo", "vc-hjo"]
    assert [u["id"] for u in fvm.json("unit", "list", "--type", "hospital")] == ["su", "su-iva"]
    assert [
        u["id"] for u in fvm.json("unit", "list", "--area", "ostra", "--type", "municipal")
    ] == ["kommun-hjo"]
    assert "unknown area" in fvm("unit", "list", "--area", "x", code=2).stderr
    assert "unknown phase" in fvm("unit", "list", "--phase", "9", code=2).stderr


def test_phase_set_and_list(fvm: Fvm, write_csv) -> None:
    fvm("unit", "import", str(write_csv(UNITS_CSV)))
    fvm("phase", "set", "3", "--go-live", "2027-10-01")
    phases = fvm.json("phase", "list")
    assert phases == [
        {"phase": 1, "go_live": None, "areas": ["sodra"], "units": 0},
        {"phase": 2, "go_live": None, "areas": ["vastra"], "units": 2},
        {"phase": 3, "go_live": "2027-10-01", "areas": ["norra", "ostra"], "units": 2},
    ]
    assert fvm.json("unit", "show", "vc-hjo")["go_live"] == "2027-10-01"
    out = fvm("phase", "set", "3", "--go-live", "2027-11-01").stdout
    assert "was 2027-10-01" in out
    assert fvm.scalar("SELECT count(*) FROM history WHERE kind = 'phase'") == 2


@pytest.mark.parametrize(
    ("phase", "day", "message"),
    [
        ("1", "2027-02-30", "not a real date: 2027-02 has 28 days"),
        ("1", "2027-13-01", "not a real date: a month is 1–12"),
        ("1", "30/3/2027", "expected a date YYYY-MM-DD"),
        ("7", "2027-03-01", "unknown phase 7"),
    ],
)
def test_phase_set_refuses_bad_dates(fvm: Fvm, phase: str, day: str, message: str) -> None:
    err = fvm("phase", "set", phase, "--go-live", day, code=2).stderr
    assert message in err and "out of range" not in err  # our words, not Python's
    assert fvm.scalar("SELECT count(*) FROM phases") == 0


def test_a_date_with_one_digit_month_and_day_is_read(fvm: Fvm) -> None:
    fvm("phase", "set", "1", "--go-live", "2027-3-1")
    assert fvm.json("phase", "list")[0]["go_live"] == "2027-03-01"


def test_areas_and_types_are_known_by_their_names_too(fvm: Fvm, write_csv) -> None:  # type: ignore[no-untyped-def]
    fvm(
        "unit",
        "add",
        "vc-hjo",
        "--name",
        "VC Hjo",
        "--area",
        "Östra området",
        "--type",
        "primärvård",
    )
    shown = fvm.json("unit", "show", "vc-hjo")
    assert (shown["area"], shown["type"]) == ("ostra", "primary-care")
    fvm("unit", "import", str(write_csv("id;name;area;type\ns1;S;Södra området;Sjukhus\n")))
    assert fvm.json("unit", "show", "s1")["area"] == "sodra"
    for area in ("södra", "Södra området", "SODRA", "Southern area", "sodra"):
        assert [u["id"] for u in fvm.json("unit", "list", "--area", area)] == ["s1"]
    assert [u["id"] for u in fvm.json("unit", "list", "--type", "Hospital")] == ["s1"]
    assert "unknown area 'mitten'" in fvm("unit", "list", "--area", "mitten", code=2).stderr


def test_every_problem_of_a_row_is_reported_at_once(fvm: Fvm, write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        "id;name;area;type;staff\nbad id;;nowhere;spaceship;-3\nu2;Två;sodra;hospital;1\n"
    )
    err = fvm("unit", "import", str(path), code=2).stderr
    for expected in (
        "row 2, column name: is required",
        "row 2, column id: unit id 'bad id' may hold only",
        "row 2, column staff: staff must be a whole number",
        "row 2, column area: unknown area 'nowhere'",
        "row 2, column type: unknown unit type 'spaceship'",
    ):
        assert expected in err, expected
    assert "5 problems" in err and fvm.json("unit", "list") == []


def test_a_mistyped_id_is_answered_with_the_one_meant(fvm: Fvm) -> None:
    fvm("unit", "add", "vc-hjo", "--name", "VC Hjo", "--area", "sodra", "--type", "primary-care")
    err = fvm(
        "checklist", "set", "golive", "--unit", "vc-hj0", "org.project-lead", "ja", code=2
    ).stderr
    assert "no unit 'vc-hj0'" in err and "Did you mean vc-hjo?" in err
    err = fvm(
        "checklist", "set", "golive", "--unit", "vc-hjo", "org.project-led", "ja", code=2
    ).stderr
    assert "did you mean org.project-lead?" in err
    err = fvm("--lang", "sv", "unit", "show", "VC-HJ0", code=2).stderr
    assert "Menade du vc-hjo?" in err  # case aside, in Swedish
    # Nothing alike: no guess, the usual hint.
    err = fvm("unit", "show", "sahlgrenska", code=2).stderr
    assert "Did you mean" not in err and "fvm unit list" in err
    err = fvm("course", "show", "millenium-fundament", code=2).stderr
    assert "Did you mean millennium-fundament?" in err


def test_units_are_listed_by_their_areas_names_in_swedish_order(fvm: Fvm) -> None:
    for unit, area in (("a1", "ostra"), ("a2", "sodra"), ("a3", "vastra"), ("a4", "norra")):
        fvm("unit", "add", unit, "--name", unit, "--area", area, "--type", "hospital")
    # Norra, Södra, Västra, Östra: Ö after V, though its id ostra sorts before sodra.
    listed = fvm.json("--lang", "sv", "unit", "list")
    assert [u["area"] for u in listed] == ["norra", "sodra", "vastra", "ostra"]


def test_swedish_alphabetical_order_puts_a_ring_a_umlaut_o_umlaut_last() -> None:
    from fvmcli.core.territory import alphabetical

    names = ["Östra", "Ängelholm", "Åmål", "Zeta", "alingsås", "Borås"]
    assert sorted(names, key=alphabetical) == [
        "alingsås",
        "Borås",
        "Zeta",
        "Åmål",
        "Ängelholm",
        "Östra",
    ]
