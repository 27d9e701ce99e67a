"""Where content lives: the bundled folders, then any user folders that add or override."""

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


@dataclass(frozen=True)
class ContentDirs:
    """The content roots in order of precedence: bundled first, user folders after."""

    roots: tuple[Path, ...]

    @classmethod
    def with_user(cls, user: list[Path]) -> ContentDirs:
        """Return the bundled root followed by the user's folders."""
        return cls((bundled_root(), *user))

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
        """Return template folders, user folders first so that they override."""
        return [r / "templates" for r in reversed(self.roots) if (r / "templates").is_dir()]
