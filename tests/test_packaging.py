"""The wheel carries checklists/, courses/, templates/ and the compiled Swedish catalog, and an
installed fvm finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("fvmcli-*.whl"))


def test_wheel_contains_the_content_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("checklists", "courses", "runbooks", "templates"):
        bundled = {p.name for p in (ROOT / kind).iterdir() if p.is_file()}
        packed = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"fvmcli/_content/{kind}/")}
        assert bundled and bundled <= packed, kind
    assert "fvmcli/store/migrations/versions/0001_initial.py" in names
    assert "fvmcli/store/migrations/env.py" in names
    assert "fvmcli/locale/sv/LC_MESSAGES/fvmcli.mo" in names  # compiled by hatch_build.py


def test_installed_fvm_finds_its_content(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    probe = (
        "from fvmcli.content.locate import bundled_root;"
        "from fvmcli.content.locate import ContentDirs;"
        "from fvmcli.content.checklists import load_checklist;"
        "from fvmcli.content.territory import load_territory;"
        "d = ContentDirs.with_user([]); r = bundled_root();"
        "print(r); print(len(load_checklist(d, 'golive', load_territory(d)).questions))"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert out[0] == str(target / "fvmcli" / "_content")
    assert int(out[1]) >= 40
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    subprocess.run(
        [sys.executable, "-m", "fvmcli", "--db", db, "init"],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    listed = subprocess.run(
        [sys.executable, "-m", "fvmcli", "--db", db, "checklist", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert "golive" in listed.stdout
    swedish = subprocess.run(
        [sys.executable, "-m", "fvmcli", "--db", db, "unit", "show", "nowhere"],
        capture_output=True,
        text=True,
        env={**env, "LANG": "C.UTF-8"},
        cwd=tmp_path,
    )
    assert swedish.returncode == 2
    assert "ingen enhet 'nowhere'" in swedish.stderr  # the installed catalog is found
