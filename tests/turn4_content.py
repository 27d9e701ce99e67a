"""A small checklist with attestation, evidence age and prerequisites, whose figures the
tests of four eyes, prerequisites and chains compute by hand."""

from __future__ import annotations

from pathlib import Path

CHAIN = """
id = "chain"
version = 1
title = { sv = "Kedja", en = "Chain" }

[scoring]
attest = "critical"
stale_after = "30d"

[[sections]]
id = "s"
title = { sv = "S" }

[[questions]]
id = "env"
section = "s"
type = "yes-no"
due = "T-60d"
duration = "2w"
owner = "cutover-lead"
text = { sv = "Är utbildningsmiljön klar?", en = "Is the training environment ready?" }

[[questions]]
id = "train"
section = "s"
type = "yes-no"
critical = true
due = "T-30d"
duration = "3w"
requires = ["env"]
owner = "unit-manager"
text = { sv = "Är utbildningen genomförd?", en = "Is training done?" }

[[questions]]
id = "ready"
section = "s"
type = "yes-no"
due = "T-7d"
duration = "1w"
requires = ["train"]
requires_parent = ["env"]
text = { sv = "Är enheten redo?", en = "Is the unit ready?" }

[[questions]]
id = "note"
section = "s"
type = "text"
text = { sv = "Övrigt" }
"""


def content(root: Path, text: str = CHAIN, name: str = "chain") -> str:
    """Write the checklist under ``root`` as --content and return the folder."""
    folder = root / "content" / "checklists"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(text, "utf-8")
    return str(root / "content")
