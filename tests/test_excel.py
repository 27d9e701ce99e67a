"""Swedish Excel both ways: files as Excel saves them import, exports open in Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import Fvm

pytestmark = pytest.mark.store

# What "CSV (semikolonavgränsad)" in Swedish Excel writes: Windows-1252, ';', CRLF, and a
# whole number written with a decimal comma.
EXCEL_1252 = (
    "id;name;area;type;staff\r\n"
    "vc-ockero;Vårdcentralen Öckerö;vastra;primary-care;18,0\r\n"
    "kommun-amal;Åmål kommun – hemsjukvård;norra;municipal;32\r\n"
)


def test_a_windows_1252_file_from_excel_imports_and_says_so(fvm: Fvm, tmp_path: Path) -> None:
    path = tmp_path / "enheter.csv"
    path.write_bytes(EXCEL_1252.encode("cp1252"))
    result = fvm("unit", "import", str(path))
    assert "read it as Windows-1252" in result.stderr
    units = {u["id"]: u for u in fvm.json("unit", "list")}
    assert units["vc-ockero"]["name"] == "Vårdcentralen Öckerö"
    assert units["vc-ockero"]["staff"] == 18
    assert units["kommun-amal"]["name"] == "Åmål kommun – hemsjukvård"


def test_utf8_with_bom_and_crlf_imports_without_a_note(fvm: Fvm, tmp_path: Path) -> None:
    path = tmp_path / "enheter.csv"
    path.write_bytes(b"\xef\xbb\xbf" + EXCEL_1252.encode("utf-8"))
    result = fvm("unit", "import", str(path))
    assert "Windows-1252" not in result.stderr
    assert fvm.json("unit", "show", "vc-ockero")["name"] == "Vårdcentralen Öckerö"


def test_encoding_forces_how_a_file_is_read(fvm: Fvm, tmp_path: Path) -> None:
    path = tmp_path / "enheter.csv"
    path.write_bytes(EXCEL_1252.encode("cp1252"))
    err = fvm("unit", "import", str(path), "--encoding", "utf-8", code=2).stderr
    assert "is not utf-8 text" in err
    assert (
        "unknown encoding"
        in fvm("unit", "import", str(path), "--encoding", "klingon", code=2).stderr
    )
    assert fvm.json("unit", "list") == []
    fvm("unit", "import", str(path), "--encoding", "cp1252")
    assert len(fvm.json("unit", "list")) == 2


def test_a_half_number_is_not_a_whole_number(fvm: Fvm, tmp_path: Path) -> None:
    path = tmp_path / "enheter.csv"
    path.write_text("id;name;area;type;staff\nu1;A;sodra;hospital;18,5\n", "utf-8")
    assert "row 2, column staff" in fvm("unit", "import", str(path), code=2).stderr


def test_exports_open_in_swedish_excel_and_plain_csv_serves_scripts(
    fvm: Fvm, tmp_path: Path
) -> None:
    fvm("unit", "add", "u1", "--name", "=SUMMA(A1)", "--area", "sodra", "--type", "hospital")
    out = tmp_path / "rapport.csv"
    fvm("cutover", "report", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, first = rows[0], rows[1]
    assert header[:3] == ["unit", "name", "area"] and first[1] == "'=SUMMA(A1)"
    plain = tmp_path / "plain.csv"
    fvm("cutover", "report", "-o", str(plain), "--plain-csv")
    rows = list(csv.reader(io.StringIO(plain.read_text("utf-8"), newline="")))
    assert rows[0][:3] == ["unit", "name", "area"] and rows[1][1] == "'=SUMMA(A1)"


def test_a_python_caller_chooses_the_encoding_as_an_argument(db_url: str, tmp_path: Path) -> None:
    from fvmcli.errors import InputError
    from fvmcli.services import open_context
    from fvmcli.services.territory import import_units, list_units

    path = tmp_path / "enheter.csv"
    path.write_bytes(EXCEL_1252.encode("cp1252"))
    ctx = open_context(db_url)
    try:
        with pytest.raises(InputError, match="is not utf-8 text"):
            import_units(ctx, path, encoding="utf-8")
        assert import_units(ctx, path, encoding="cp1252").rows == 2
        assert [u.name for u in list_units(ctx)][0] == "Åmål kommun – hemsjukvård"
    finally:
        ctx.close()
