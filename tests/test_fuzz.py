"""Fuzzing as a habit: generated input to every importer, the bundle reader and the content
loader gives only documented exit codes, never a traceback, and a refused input stores nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fvmcli.cli.app import app
from fvmcli.services import bundles
from tests import factories
from tests.test_hostile import DEVICE, signed

FUZZ = settings(
    max_examples=int(os.environ.get("FVM_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {0, 2, 3}

# Cells that have broken importers: words, numbers at and past the limits, dates, times with
# zones, formulas, control characters, separators, quotes and very long text.
CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "u1",
            "h1",
            "sodra",
            "mars",
            "hospital",
            "nurse",
            "ja",
            "nej",
            "delvis",
            "ej aktuell",
            "87,5",
            "-1",
            "1e400",
            "nan",
            "inf",
            str(2**31),
            str(2**63),
            "9" * 40,
            "2026-12-14T09:00",
            "2026-12-14T09:00+05:00",
            "9999-12-31T23:59",
            "2999-01-01",
            '=HYPERLINK("x")',
            "\x1b[2J",
            "a;b",
            'a"b',
            "Åsa Öberg",
            "org.project-lead",
            "care-client",
            "open-link",
            "x" * 20_000,
        ]
    ),
    st.text(max_size=30),
)
COLUMNS = {
    "unit": ("id", "name", "area", "type", "staff", "municipality", "parent"),
    "person": ("id", "name", "role", "unit", "email"),
    "checklist": ("unit", "question", "value", "comment", "answered_by", "answered_at"),
    "equipment": ("unit", "item", "present", "configured", "tested"),
    "session": ("id", "course", "start", "end", "capacity", "location", "trainer"),
}


def counts(db: str) -> dict[str, int]:
    result = CliRunner().invoke(app, ["--db", db, "info", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["counts"]


def check(result: Any, db: str, before: dict[str, int]) -> None:
    """Assert a documented exit code, no traceback, and nothing stored when refused."""
    output = result.stdout + result.stderr
    assert result.exit_code in ALLOWED, (result.exit_code, output, result.exception)
    assert "Traceback" not in output
    if result.exit_code != 0:
        assert counts(db) == before


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a database with a unit, a person and a session to import against."""
    path = tmp_path_factory.mktemp("fuzz") / "seed.sqlite"
    ctx = factories.context(f"sqlite:///{path}")
    factories.units(ctx, ("u1", "sodra", "hospital", 10), ("h1", "ostra", "municipal", 20))
    factories.people(ctx, "u1", "nurse")
    from fvmcli.services.bundles import trust

    public = path.with_name("device.pub")
    public.write_text(DEVICE.public, "ascii")
    trust(ctx, public, units=["u1"], areas=[])
    ctx.close()
    return path


def fresh(seeded: Path, tmp_path: Path) -> str:
    """Return a new copy of the seeded database, one per example."""
    target = Path(tempfile.mkdtemp(dir=tmp_path)) / "f.sqlite"
    shutil.copy(seeded, target)
    return str(target)


@pytest.mark.parametrize("kind", sorted(COLUMNS))
@FUZZ
@given(data=st.data())
def test_importers_take_any_file(
    kind: str, data: st.DataObject, seeded: Path, tmp_path: Path
) -> None:
    columns = COLUMNS[kind]
    header = data.draw(
        st.lists(st.sampled_from([*columns, "junk"]), min_size=1, max_size=8), label="header"
    )
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=4), label="rows"
    )
    sep = data.draw(st.sampled_from([";", ","]))
    text = "\n".join(sep.join(r) for r in [header, *rows])
    raw = text.encode("utf-8") if data.draw(st.booleans()) else data.draw(st.binary(max_size=200))
    db = fresh(seeded, tmp_path)
    file = Path(db).with_name("in.csv")
    file.write_bytes(raw)
    before = counts(db)
    args = ["checklist", "import", "golive"] if kind == "checklist" else [kind, "import"]
    result = CliRunner().invoke(app, ["--db", db, *args, str(file)])
    check(result, db, before)


JSON_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        CELL,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def good_bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("laptop") / "laptop.sqlite"
    ctx = factories.context(f"sqlite:///{path}")
    factories.units(ctx, ("u1", "sodra", "hospital", 10))
    factories.answered(ctx, "golive", "u1", **{"org.project-lead": "ja"})
    factories.counted(ctx, "u1", "care-client", 3, 2, 1)
    document = bundles.export_bundle(ctx, "u1", by="laptop").document
    ctx.close()
    return document


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


@FUZZ
@given(data=st.data())
def test_the_bundle_reader_takes_any_bundle(
    data: st.DataObject, good_bundle: dict[str, Any], seeded: Path, tmp_path: Path
) -> None:
    document = json.loads(json.dumps(good_bundle))
    targets = [p for p in _paths(document) if p and p[0] not in ("digest", "signature")]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(targets))
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = data.draw(JSON_VALUE)
        targets = [p for p in _paths(document) if p and p[0] not in ("digest", "signature")]
    signed(document)  # by a device the database trusts: even it may not write nonsense
    db = fresh(seeded, tmp_path)
    file = Path(db).with_name("b.json")
    file.write_text(json.dumps(document), "utf-8")
    before = counts(db)
    check(CliRunner().invoke(app, ["--db", db, "bundle", "import", str(file)]), db, before)


MINI = (factories.TEST_CONTENT / "checklists" / "mini.toml").read_text("utf-8")
VALUES = [m.start(1) for m in re.finditer(r"=\s*(\S)", MINI)]
TOML_VALUE = st.sampled_from(
    [
        "nan",
        "inf",
        "-inf",
        "-1",
        "0",
        "1e308",
        "99999999999999999999",
        '"x"',
        '""',
        "[]",
        "{}",
        "true",
        '"T-99999999d"',
        '"T-0d"',
        "[[[[[[[[[[[[[[]]]]]]]]]]]]]]",
        '["yes"]',
        '{ question = "a.lead", in = [] }',
        '{ sv = "" }',
        '"\\u001b[2J"',
    ]
)


@FUZZ
@given(data=st.data())
def test_the_content_loader_takes_any_checklist(data: st.DataObject, tmp_path: Path) -> None:
    text = MINI
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.sampled_from(VALUES))
        end = text.find("\n", start)
        text = text[:start] + data.draw(TOML_VALUE) + text[end:]
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    (root / "checklists").mkdir()
    (root / "checklists" / "mini.toml").write_text(text, "utf-8")
    db = str(tmp_path / "content.sqlite")
    if not Path(db).exists():
        assert CliRunner().invoke(app, ["--db", db, "init"]).exit_code == 0
    for command in (["checklist", "show", "mini"], ["cutover", "status", "--checklist", "mini"]):
        result = CliRunner().invoke(app, ["--db", db, "--content", str(root), *command])
        output = result.stdout + result.stderr
        assert result.exit_code in {0, 2}, (result.exit_code, output, text)
        assert "Traceback" not in output and "NaN" not in result.stdout


ARG = st.one_of(
    CELL,
    st.sampled_from(
        ["1", "0", "3", "-1", "99999", "2027-03-01", "2026-02-30", "m1", "mas", "go", "no-go"]
    ),
)
# The commands of turn four, each with its fixed words, the options it takes and the exit
# codes it may end with (1: the gate or the history says no).
TURN_FOUR = {
    "gate evaluate": (["--phase", "--area", "--as-of", "--go-live"], {0, 1, 2}),
    "gate propose": (["--phase", "--as-of"], {0, 1, 2, 3}),
    "gate vote m1": (["--role", "--comment"], {0, 2, 3}),
    "gate decide m1": (["--condition", "--reason"], {0, 2, 3}),
    "gate show": (["--json"], {0, 2}),
    "gate verify": (["--json"], {0, 1, 2}),
    "cutover chains": (["--phase", "--area", "--unit", "--as-of"], {0, 2}),
    "cutover timeline": (["--phase", "--area", "--unit", "--owner", "--as-of"], {0, 2}),
    "cutover whatif": (["--phase", "--go-live", "--as-of"], {0, 2}),
    "checklist attest golive": (["--unit"], {0, 2, 3}),
    "checklist approve golive": (["--unit", "--comment"], {0, 2, 3}),
    "history verify": (["--head"], {0, 1, 2}),
}


@pytest.fixture(scope="module")
def meeting(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the seeded database with phase 1's go-live, answers and a proposal m1."""
    path = tmp_path_factory.mktemp("meeting") / "m.sqlite"
    shutil.copy(seeded, path)
    for args in (
        ["phase", "set", "1", "--go-live", "2027-03-01"],
        ["checklist", "set", "golive", "--unit", "u1", "org.project-lead", "ja"],
        ["gate", "propose", "--phase", "1", "m1"],
    ):
        result = CliRunner().invoke(app, ["--db", str(path), *args])
        assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("command", sorted(TURN_FOUR))
@FUZZ
@given(data=st.data())
def test_the_commands_of_turn_four_take_any_argument(
    command: str, data: st.DataObject, meeting: Path, tmp_path: Path
) -> None:
    options, allowed = TURN_FOUR[command]
    args = command.split()
    for option in data.draw(st.lists(st.sampled_from(options), max_size=3), label="options"):
        args += [option, data.draw(ARG)]
    args += data.draw(st.lists(ARG, max_size=3), label="arguments")
    db = fresh(meeting, tmp_path)
    before = counts(db)
    result = CliRunner().invoke(app, ["--db", db, *args])
    output = result.stdout + result.stderr
    assert result.exit_code in allowed, (args, result.exit_code, output, result.exception)
    assert "Traceback" not in output
    if result.exit_code not in (0, 1):
        assert counts(db) == before
