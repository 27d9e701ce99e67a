"""`fvm checklist answer` in a real pseudo-terminal: answer, Ctrl-C, resume."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from fvmcli.cli.app import app

CONTENT = str(Path(__file__).parent / "content")
UP = "\x1b[A"

pytestmark = pytest.mark.slow


def publish(db: str, content: str) -> None:
    """Publish ``content`` as the database's content in force: a --content on a database with
    published content changes nothing (content.md, "added turn 5")."""
    result = CliRunner().invoke(app, ["--db", db, "content", "publish", content])
    assert result.exit_code == 0, result.stdout + result.stderr


def spawn(db: str, *args: str) -> pexpect.spawn:
    publish(db, CONTENT)
    env = {**os.environ, "FVM_USER": "pty-user", "FVM_LANG": "sv", "TERM": "xterm", "NO_COLOR": "1"}
    return pexpect.spawn(
        sys.executable,
        [
            "-m",
            "fvmcli",
            "--db",
            db,
            "--content",
            CONTENT,
            "checklist",
            "answer",
            "mini",
            "--unit",
            "h1",
            *args,
        ],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )


def history(db: str) -> dict[str, str]:
    out = (
        CliRunner()
        .invoke(
            app,
            [
                "--db",
                db,
                "--content",
                CONTENT,
                "checklist",
                "history",
                "mini",
                "--unit",
                "h1",
                "--json",
            ],
        )
        .stdout
    )
    return {r["question"]: r["value"] for r in json.loads(out)}


def _unit_h1(path: Path) -> str:
    """Return the URL of a database at ``path`` with unit h1 in phase 1 (go-live 2030)."""
    db = f"sqlite:///{path}"
    for args in (
        ["unit", "add", "h1", "--name", "Avd 1", "--area", "sodra", "--type", "hospital"],
        ["phase", "set", "1", "--go-live", "2030-01-31"],
    ):
        assert CliRunner().invoke(app, ["--db", db, *args]).exit_code == 0
    publish(db, CONTENT)
    return db


@pytest.mark.usefixtures("swedish")
def test_answer_ctrl_c_and_resume_in_a_real_terminal(tmp_path: Path) -> None:
    db = _unit_h1(tmp_path / "pty.sqlite")

    child = spawn(db)
    child.expect("Fråga 1 av 5")
    child.expect("Finns projektledare")
    child.expect("Klart senast: 2030-01-01")
    child.expect("Hoppa över")
    child.send(UP + UP)  # the cursor starts on "Hoppa över": up past Nej to Ja
    child.send("\r")
    child.expect("Kommentar")
    child.send("Anna utsedd\r")
    child.expect("Fråga 2 av 5")
    child.expect("Hoppa över")
    child.send(UP + UP)  # Hoppa över → Nej → Delvis
    child.send("\r")
    child.expect("Kommentar")
    child.send("\r")
    child.expect("Fråga 3 av 5")
    child.expect("Andel klart")
    child.expect("Svar")
    time.sleep(0.5)  # let the prompt take the terminal before Ctrl-C, as a person would
    child.sendintr()  # Ctrl-C
    # The command that resumes is a line of its own, whole, to copy.
    child.expect(r"Fortsätt\s+där\s+du\s+slutade\s+\(a\.pct")
    child.expect("--from-start")
    child.expect(":\r\n  fvm checklist answer mini --unit h1\r\n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert history(db) == {"a.lead": "yes", "a.staff": "partial"}

    again = spawn(db)
    again.expect("Fråga 3 av 5")
    again.expect("Andel klart")
    again.send("87,5\r")
    again.expect("Kommentar")
    time.sleep(0.5)
    again.sendintr()
    # The answer is saved; the comment being typed is not, and that is said (#49 item 10).
    again.expect(r"kommentaren\s+du\s+höll\s+på\s+att\s+skriva\s+har\s+gått\s+förlorad")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 130
    assert history(db)["a.pct"] == "87.5"
    # The next sitting resumes there, where the comment can be given.
    third = spawn(db)
    third.expect("Där du slutade förra gången")
    third.expect("Fråga 3 av 5")
    time.sleep(0.5)
    third.sendintr()
    third.expect(pexpect.EOF)
    third.close()


@pytest.mark.usefixtures("swedish")
def test_holding_enter_answers_nothing(tmp_path: Path) -> None:
    """Enter on a choice question with no current answer skips it: nothing is saved that a
    person did not choose."""
    db = _unit_h1(tmp_path / "enter.sqlite")
    child = spawn(db)
    child.expect("Fråga 1 av 5")
    child.expect("Hoppa över")
    child.send("\r")
    child.expect("Fråga 2 av 5")
    child.expect("Hoppa över")
    child.send("\r")
    child.expect("Fråga 3 av 5")
    child.expect("Svar")
    time.sleep(0.5)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert history(db) == {}


def test_person_forget_asks_first_on_a_terminal(tmp_path: Path) -> None:
    """Erasure cannot be undone: on a terminal fvm asks (no is the default); without one it
    refuses and names --yes."""
    db = str(tmp_path / "p.sqlite")
    runner = CliRunner()
    for args in (
        ["init"],
        ["unit", "add", "u1", "--name", "Avd", "--area", "sodra", "--type", "hospital"],
        ["person", "add", "p1", "--name", "Åsa Öst", "--role", "nurse", "--unit", "u1"],
    ):
        assert runner.invoke(app, ["--db", db, *args]).exit_code == 0
    env = {**os.environ, "FVM_LANG": "sv", "TERM": "xterm", "NO_COLOR": "1"}

    def forget(reply: str) -> str:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "fvmcli", "--db", db, "person", "forget", "p1"],
            env=env,
            encoding="utf-8",
            timeout=20,
        )
        child.expect(r"\[j/N\] ")
        assert "Radera Åsa Öst (p1) för gott" in " ".join(str(child.before).split())
        child.sendline(reply)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        return str(child.before)

    def name() -> object:
        shown = runner.invoke(app, ["--db", db, "person", "list", "--json"]).stdout
        return json.loads(shown)[0]["name"]

    assert "Inget raderades" in forget("n") and name() == "Åsa Öst"
    assert "Inget raderades" in forget("") and name() == "Åsa Öst"
    assert "Raderade" in forget("ja") and name() is None
    refused = runner.invoke(app, ["--db", db, "--lang", "en", "person", "forget", "p1"])
    assert refused.exit_code == 2 and "fvm person forget p1 --yes" in refused.stderr


def test_evidence_is_asked_for_in_words_not_invalid_input(tmp_path: Path) -> None:
    """A question that needs evidence says so when Enter is pressed on an empty line, in
    Swedish (questionary's own "Invalid input" never shows), and saves the answer once given."""
    db = _unit_h1(tmp_path / "evidence.sqlite")
    set_pumps = ["--content", CONTENT, "checklist", "set", "mini", "--unit", "h1", "b.pumps", "ja"]
    assert CliRunner().invoke(app, ["--db", db, *set_pumps]).exit_code == 0
    child = spawn(db, "--section", "b")
    child.expect("Är pumparna uppkopplade")
    child.expect("Hoppa över")
    for _up in range(2):  # from "Hoppa över", past "Nej", up to "Ja"
        child.send("\x1b[A")
        time.sleep(0.2)
    child.send("\r")
    child.expect("Underlag")
    child.send("\r")  # nothing given
    child.expect("Svaret behöver sitt underlag")
    child.sendline("https://intranat.exempel.se/pumpar")
    child.expect("Fråga")
    time.sleep(0.3)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "Invalid input" not in (child.before or "")
    assert history(db)["b.connected"] == "yes"


def _narrow(db: str, content: str, checklist: str, unit: str) -> pexpect.spawn:
    """Return ``fvm checklist answer`` in a terminal 60 columns wide, in Swedish."""
    publish(db, content)
    env = {**os.environ, "FVM_USER": "pty-user", "FVM_LANG": "sv", "TERM": "xterm", "NO_COLOR": "1"}
    return pexpect.spawn(
        sys.executable,
        [
            "-m",
            "fvmcli",
            "--db",
            db,
            "--content",
            content,
            "checklist",
            "answer",
            checklist,
            "--unit",
            unit,
        ],  # fmt: skip
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 60),
    )


def test_at_60_columns_a_refused_answer_is_said_whole_and_critical_is_marked(
    tmp_path: Path,
) -> None:
    """#49 item 11: the reason an answer is refused is wrapped, not cut ("tillåtna: ett");
    critical questions say so; a percentage is asked for and shown with %."""
    db = _unit_h1(tmp_path / "narrow.sqlite")
    child = _narrow(db, CONTENT, "mini", "h1")
    child.expect(r"Finns projektledare\?")
    child.expect("· Kritisk")
    child.expect("Hoppa över")
    child.send("\r")  # skip a.lead
    child.expect("Är bemanningen klar")
    child.expect("Hoppa över")
    child.send("\r")  # skip a.staff
    child.expect("Andel klart")
    child.expect(r"Svar i %")
    child.send("ett\r")
    child.expect(
        r"tillåtna:\s+ett\s+tal\s+från\s+0\s+till\s+100\s+\(87,5\s+eller\s+87\.5\),\s+eller"
        r"\s+ej\s+aktuell"
    )
    child.expect(r"Svar i %")
    child.send("\x7f" * 3 + "87,5\r")
    child.expect("Kommentar")
    child.send("\r")
    child.expect("Fråga")
    time.sleep(0.3)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert history(db)["a.pct"] == "87.5"
    again = spawn(db, "--all", "--section", "a")
    again.expect("Finns projektledare")
    again.expect("Hoppa över")
    again.send("\r")
    again.expect("Hoppa över")
    again.send("\r")
    again.expect("Nuvarande svar: 87,5\u00a0%")
    time.sleep(0.3)
    again.sendintr()
    again.expect(pexpect.EOF)
    again.close()


def test_the_walk_says_when_an_answer_needs_a_colleagues_attestation(tmp_path: Path) -> None:
    from tests.turn4_content import content

    db = f"sqlite:///{tmp_path / 'attest.sqlite'}"
    for args in (
        ["unit", "add", "w", "--name", "Avd", "--area", "sodra", "--type", "hospital"],
        ["phase", "set", "1", "--go-live", "2030-01-31"],
    ):
        assert CliRunner().invoke(app, ["--db", db, *args]).exit_code == 0
    child = _narrow(db, content(tmp_path), "chain", "w")
    child.expect("Är utbildningsmiljön klar")
    child.expect("Hoppa över")
    child.send("\r")
    child.expect(r"Är utbildningen genomförd\?")
    child.expect("· Kritisk")
    child.expect(r"Svaret behöver attesteras av en\s+kollega \(fyra ögon\)\.")
    time.sleep(0.3)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
