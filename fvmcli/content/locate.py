"""Where content lives: a pack of its own (``pack.toml`` without ``extends``), or the bundled
pack ``fvm`` with any user folders that add or override its files (``content.md``, "Packs")."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def bundled_root() -> Path:
    """Return the folder holding the bundled checklists/, courses/ and templates/.

    An installed wheel carries them in ``fvmcli/_content``; a source checkout (and an editable
    install) has them at the repository root.
    """
    packaged = Path(str(resources.files("fvmcli"))) / "_content"
    if (packaged / "checklists").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ContentFile:
    """One content file and the name it is shown by in messages."""

    path: Path
    label: str


# The folders of a pack, and the pack's own file beside them.
PACK_FOLDERS = ("checklists", "courses", "templates", "runbooks")
PACK_FILE = "pack.toml"
BUNDLED_PACK = "fvm"


@dataclass(frozen=True)
class ContentDirs:
    """The content roots in order of precedence (a later root's file replaces an earlier one
    of the same name), and the pack they make: ``standalone`` when no bundled file is read."""

    roots: tuple[Path, ...]
    pack: str = BUNDLED_PACK
    standalone: bool = False

    @classmethod
    def with_user(cls, user: list[Path]) -> ContentDirs:
        """Return the content the user's folders make: a folder with ``pack.toml`` and no
        ``extends`` is a pack of its own (with any other folders over it); else the bundled
        root followed by the user's folders (``extends = "fvm"``, or no ``pack.toml``)."""
        from fvmcli.content.pack import read_pack_file

        pack, standalone = BUNDLED_PACK, False
        for folder in user:
            found = read_pack_file(folder)
            if found is not None:
                pack, standalone = found.id, found.extends is None
        if standalone:
            return cls(tuple(user), pack, True)
        return cls((bundled_root(), *user), pack, False)

    @classmethod
    def published(cls, root: Path) -> ContentDirs:
        """Return a published version's files (written out whole in ``root``): nothing else
        is read, whatever its ``pack.toml`` says, since publishing resolved it."""
        from fvmcli.content.pack import read_pack_file

        found = read_pack_file(root)
        if found is None:
            return cls((root,), BUNDLED_PACK, False)
        return cls((root,), found.id, found.extends is None)

    def _label(self, root: Path, kind: str, name: str) -> str:
        return f"{kind}/{name}" if root == self.roots[0] else str(root / kind / name)

    def files(self, kind: str, suffix: str) -> dict[str, ContentFile]:
        """Return file stem → file for one kind; a later root replaces an earlier same name."""
        found: dict[str, ContentFile] = {}
        for root in self.roots:
            folder = root / kind
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob(f"*{suffix}")):
                found[path.name[: -len(suffix)]] = ContentFile(
                    path, self._label(root, kind, path.name)
                )
        return found

    def file(self, kind: str, name: str) -> ContentFile | None:
        """Return the winning file ``kind/name``, or None when no root has it."""
        for root in reversed(self.roots):
            path = root / kind / name
            if path.is_file():
                return ContentFile(path, self._label(root, kind, name))
        return None

    def template_dirs(self) -> list[Path]:
        """Return template folders, the pack's first so that they override, then the
        program's own layouts (neutral words: they are the program's, not the bundled
        pack's), which every pack may use."""
        found = [r / "templates" for r in reversed(self.roots) if (r / "templates").is_dir()]
        program = bundled_root() / "templates"
        return found if program in found else [*found, program]
