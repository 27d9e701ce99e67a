"""The checklist a command uses when none is named, read from a pack's files.

A rule of content alone, so the service context can ask it without importing the services that
compare packs (``services/content_effects.py``)."""

from __future__ import annotations

from fvmcli.content.checklists import checklist_files
from fvmcli.content.locate import ContentDirs
from fvmcli.content.tomlfile import read_toml


def default_checklist(dirs: ContentDirs) -> str | None:
    """Return the pack's default checklist: the gate's, else its only one, else ``golive``
    when it has it; None when it has several and none of these."""
    names = sorted(checklist_files(dirs))
    gates = dirs.file("checklists", "gates.toml")
    if gates is not None:
        named = read_toml(gates).get("checklist")
        if isinstance(named, str) and named in names:
            return named
    if len(names) == 1:
        return names[0]
    return "golive" if "golive" in names else None
