"""The README's Python example runs as written against the demo database."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app
from fvmcli.services.context import Context
from fvmcli.services.demo import run_demo

README = Path(__file__).parent.parent / "README.md"

pytestmark = pytest.mark.slow


def python_examples() -> list[str]:
    """Return the README's ```python blocks."""
    return re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)


def test_the_python_example_gives_what_cutover_status_json_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.sqlite"
    run_demo(Context(db_url=f"sqlite:///{db}"), "2026-11-26")[0].close()
    monkeypatch.setenv("FVM_DB", str(db))
    (example,) = python_examples()
    printed = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), namespace)
    cli = CliRunner().invoke(
        app, ["cutover", "status", "--phase", "1", "--as-of", "2026-11-26", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert namespace["data"] == json.loads(cli.stdout)
    lines = printed.getvalue().splitlines()
    summary = json.loads(cli.stdout)["summary"]
    assert lines[0] == repr(summary)
    worst = json.loads(cli.stdout)["units"][0]
    assert lines[1].split()[:2] == [worst["unit"], worst["status"]]
