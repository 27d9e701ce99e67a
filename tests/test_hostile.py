"""Hostile input: every way in refuses what fvm could not have written, stores nothing, and
never answers with a traceback or an exit code a script would misread."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fvmcli.core.bundle import canonical, digest
from fvmcli.core.signing import generate, sign
from fvmcli.services import bundles
from tests import factories
from tests.conftest import Fvm

CONTENT = str(factories.TEST_CONTENT)
pytestmark = pytest.mark.store


def table_rows(fvm: Fvm) -> dict[str, Any]:
    """Return the number of rows of every table: what "nothing stored" is checked against."""
    return json.loads(fvm("info", "--json").stdout)["counts"]


@pytest.fixture
def bundle(tmp_path: Path) -> dict[str, Any]:
    """Return a good bundle of unit h1 from a laptop: answers, a waiver, a count, an override."""
    ctx = factories.context(f"sqlite:///{tmp_path / 'laptop.sqlite'}", content=True)
    factories.units(ctx, ("h1", "sodra", "hospital", 12, "Avdelning 1"))
    factories.answered(ctx, "mini", "h1", a_lead="ja", a_staff="delvis", b_notes="Inget")
    factories.counted(ctx, "h1", "pc", 4, 3, 2)
    document = bundles.export_bundle(ctx, "h1", by="laptop").document
    ctx.close()
    return document


DEVICE = generate()  # a device key the shared database trusts: even it may not write nonsense


def forged(document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Return a copy changed by ``change``, digest recomputed and signed by a trusted device."""
    return signed(copy.deepcopy(document), change)


def signed(
    document: dict[str, Any], change: Callable[[dict[str, Any]], None] = lambda d: None
) -> dict[str, Any]:
    """Return the document changed by ``change`` and signed by the trusted device key."""
    change(document)
    document["signer"] = DEVICE.public
    document.pop("signature", None)
    document["digest"] = digest(document)
    document["signature"] = sign(DEVICE.private_pem, canonical(document))[1]
    return document


def trust_device(fvm: Fvm, tmp_path: Path) -> None:
    """Make the shared database trust DEVICE for unit h1."""
    public = tmp_path / "device.pub"
    public.write_text(DEVICE.public, "ascii")
    fvm("bundle", "trust", str(public), "--unit", "h1")


def entry(kind: str, **fields: Any) -> dict[str, Any]:
    base = {
        "kind": kind,
        "scope": "mini",
        "subject": "a.lead",
        "old": None,
        "new": "yes",
        "comment": None,
        "by": "offline",
        "at": "2026-11-20T10:00:00+01:00",
        "version": 2,
    }
    return {**base, **fields}


def add(e: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["history"].append(e)


def set_unit(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["unit"].update(fields)


HOSTILE = {
    "an answer that is no answer": (add(entry("answer", new="bogus")), "history[4].new"),
    "an unknown question": (add(entry("answer", subject="x.nope")), "unknown question"),
    "an unknown checklist": (add(entry("answer", scope="nope")), "unknown checklist 'nope'"),
    "a derived question": (add(entry("answer", subject="b.train", new="90")), "is computed"),
    "an unknown item": (add(entry("count", scope=None, subject="robot", new="{}")), "robot"),
    "a count breaking present ≥ configured ≥ tested": (
        add(
            entry(
                "count",
                scope=None,
                subject="pc",
                new='{"present": 1, "configured": 5, "tested": 0}',
            )
        ),
        "present ≥ configured ≥ tested",
    ),
    "a count with a column of its own": (
        add(
            entry(
                "count",
                scope=None,
                subject="pc",
                new='{"present": 1, "configured": 1, "tested": 0, "unit_id": "x"}',
            )
        ),
        "a count has exactly",
    ),
    "an unknown kind": (add(entry("person")), "unknown kind 'person'"),
    "a bad time": (add(entry("answer", at="igår")), "history[4].at"),
    "a time in the future": (add(entry("answer", at="2999-01-01T00:00:00")), "history[4].at"),
    "a null name": (add(entry("answer", by=None)), "history[4].by"),
    "a number where text belongs": (add(entry("answer", comment=5)), "history[4].comment"),
    "a field of its own": (add({**entry("answer"), "sql": "DROP"}), "not a field"),
    "an id with spaces": (set_unit(id="bad id; DROP"), "unit id"),
    "staff as words": (set_unit(staff="lots"), "unit.staff"),
    "staff beyond the limit": (set_unit(staff=2**63), "unit.staff"),
    "an unknown area": (set_unit(area="mars"), "unit.area"),
    "a null name of the unit": (set_unit(name=None), "unit.name"),
    "a history that is not a list": (lambda d: d.update(history={"a": 1}), "history"),
    "an entry that is not an object": (add([1, 2]), "history[4]"),  # type: ignore[arg-type]
    "a waiver without an end date": (
        add(entry("waiver", new="snart", comment="Beslut")),
        "history[4].new",
    ),
    "a requirement beyond the limit": (
        add(entry("requirement", scope=None, subject="pc", new="99999999999")),
        "history[4].new",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_forged_bundle_is_refused_whole(
    case: str, bundle: dict[str, Any], fvm: Fvm, tmp_path: Path
) -> None:
    change, where = HOSTILE[case]
    factories.units(
        factories.context(fvm.url, content=True), ("h1", "sodra", "hospital", 12, "Avd 1")
    )
    trust_device(fvm, tmp_path)
    before = table_rows(fvm)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(signed(copy.deepcopy(bundle))), "utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(forged(bundle, change)), "utf-8")
    result = fvm("--content", CONTENT, "bundle", "import", str(good), str(bad), code=2)
    assert where in result.stderr and "Nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert table_rows(fvm) == before


def test_deep_nesting_and_garbage_are_refused(fvm: Fvm, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert "nested too deeply" in fvm("bundle", "import", str(deep), code=2).stderr
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\xff\xfe\x00garbage")
    err = fvm("bundle", "import", str(junk), code=2).stderr
    assert "is a binary file, not JSON text" in err and "CSV" not in err


def test_a_future_answer_time_is_refused_in_csv(fvm: Fvm, write_csv) -> None:  # type: ignore[no-untyped-def]
    fvm("unit", "add", "h1", "--name", "Avd", "--area", "sodra", "--type", "hospital")
    path = write_csv(
        "unit;question;value;answered_at\nh1;a.lead;ja;2999-01-01T00:00\n", "future.csv"
    )
    err = fvm("--content", CONTENT, "checklist", "import", "mini", str(path), code=2).stderr
    assert "row 2, column answered_at" in err and "future" in err
    assert fvm.scalar("SELECT count(*) FROM answers") == 0
