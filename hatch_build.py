"""Build hook: compile the gettext catalogs (``fvmcli/locale/*/LC_MESSAGES/*.po``) to the ``.mo``
files that :mod:`fvmcli.i18n` reads, for wheels and editable installs alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogs(root: Path) -> list[Path]:
    """Compile each ``.po`` under ``root/fvmcli/locale`` beside itself; return the ``.mo`` paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted((root / "fvmcli" / "locale").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog)
        written.append(mo)
    return written


class CatalogHook(BuildHookInterface):  # type: ignore[misc]
    """Compiles the catalogs before hatchling collects the package's files."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for mo in compile_catalogs(root):
            if version == "editable":
                continue  # the source folder is on the path, .mo files beside their .po
            relative = mo.relative_to(root).as_posix()
            build_data["force_include"][str(mo)] = relative
