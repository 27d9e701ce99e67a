"""Who is blamed when a report's template fails: the user's template (exit 2, naming it) for
its own mistakes, fvm (an internal error, exit 70) when fvm's own code that makes the long
tables' cells fails while the template reads them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app
from fvmcli.content.locate import PACK_FOLDERS, bundled_root

NOW = {"FVM_NOW": "2026-11-26T10:00", "FVM_LANG": "en"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of the demo's database (it has overdue blockers on 2026-11-26)."""
    from fvmcli.services import open_context
    from fvmcli.services.demo import run_demo

    folder = tmp_path_factory.mktemp("blame")
    db = f"sqlite:///{folder / 'demo.sqlite'}"
    run_demo(open_context(db), "2026-11-26")[0].close()
    return db


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args], env=NOW)
    return result.exit_code, result.stderr


def test_a_failing_cell_maker_is_an_internal_error_not_the_templates(
    demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fvmcli.render.report as report

    def broken(*_args: object, **_kwargs: object) -> tuple[object, ...]:
        raise KeyError("cut.plan")  # as texts[b.question] would for a question it lacks

    monkeypatch.setattr(report, "blocker_cells", broken)
    code, err = run(demo, "cutover", "report", "-o", str(tmp_path / "r.html"))
    assert code == 70 and "templates/report.html.j2" not in err, err
    assert "internal error (KeyError)" in err
    (crash,) = re.findall(r"details are in (\S+\.txt)", err)
    assert "KeyError: 'cut.plan'" in Path(crash).read_text("utf-8")
    assert not (tmp_path / "r.html").exists()


def test_a_users_template_failing_on_the_cells_is_still_the_templates(
    demo: str, tmp_path: Path
) -> None:
    pack = tmp_path / "pack"
    for folder in PACK_FOLDERS:
        if (bundled_root() / folder).is_dir():
            shutil.copytree(bundled_root() / folder, pack / folder)
    # A blocker's first cell is its unit's name, a text: adding 1 to it is the template's error.
    (pack / "templates" / "report.html.j2").write_text(
        "{% for c in blocker_cells %}{{ c[0] + 1 }}{% endfor %}", "utf-8"
    )
    assert run(demo, "content", "publish", str(pack))[0] == 0
    code, err = run(demo, "cutover", "report", "-o", str(tmp_path / "r.html"))
    assert code == 2 and "templates/report.html.j2" in err and "TypeError" in err, err
    assert "internal error" not in err and "Traceback" not in err
