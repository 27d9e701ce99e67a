"""A pack as files: ``pack.toml``, the files a pack is made of (resolved over the bundled pack
when it extends it), their validation as a whole, and the files written out from a published
version (the user cache folder, keyed by digest)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from fvmcli.content.locate import (
    BUNDLED_PACK,
    PACK_FILE,
    PACK_FOLDERS,
    ContentDirs,
    ContentFile,
    bundled_root,
)
from fvmcli.core.model import Text
from fvmcli.errors import ContentError, InputError, Problem
from fvmcli.i18n import _

# What a pack may hold: more files, or a larger file, is refused before anything is read.
MAX_FILES = 2_000
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class PackFile:
    """``pack.toml``: the pack's id and name, and the pack it extends (None: none)."""

    id: str
    name: Text | None
    extends: str | None


def read_pack_file(folder: Path) -> PackFile | None:
    """Return the folder's validated ``pack.toml``, None when it has none."""
    from fvmcli.content.tomlfile import Checker, read_toml

    path = folder / PACK_FILE
    if not path.is_file():
        return None
    file = ContentFile(path, str(path))
    data = read_toml(file)
    check = Checker(file)
    check.table(data, "", {"id", "name", "extends"}, {"id"})
    pack_id = check.get(data, "id", "", check.string, "")
    check.short_id(pack_id, "id", 100)
    name = check.get(data, "name", "", check.text, None)
    extends = check.get(data, "extends", "", check.string, "") or None
    if extends is not None and extends != BUNDLED_PACK:
        check.add(
            "extends",
            _("a pack extends only the bundled pack {pack!r}, got {value!r}").format(
                pack=BUNDLED_PACK, value=extends
            ),
        )
    check.raise_if_any()
    return PackFile(pack_id, name, extends)


def pack_paths(dirs: ContentDirs) -> dict[str, Path]:
    """Return the files the content is made of, path in the pack → file: each root's
    ``pack.toml`` and the files of its folders, a later root's replacing an earlier one's.
    The program's own templates are not the bundled pack's (``ContentDirs.template_dirs``).
    More than ``MAX_FILES`` files, or a file over ``MAX_FILE_BYTES``, is refused."""
    program = bundled_root()
    found: dict[str, Path] = {}
    for root in dirs.roots:
        if (root / PACK_FILE).is_file():
            found[PACK_FILE] = root / PACK_FILE
        for folder in PACK_FOLDERS:
            if root == program and folder == "templates":
                continue
            base = root / folder
            if not base.is_dir():
                continue
            for current, subdirs, names in os.walk(base):
                subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "__")))
                for name in sorted(names):
                    if name.startswith(".") or name.endswith((".pyc", "~")):
                        continue
                    path = Path(current) / name
                    found[path.relative_to(root).as_posix()] = path
                    if len(found) > MAX_FILES:
                        raise InputError(
                            _("the content holds more than {n} files; nothing was read").format(
                                n=f"{MAX_FILES:,}".replace(",", " ")
                            ),
                            hint=_("A pack holds checklists, courses, templates and runbooks."),
                        )
    for key, path in found.items():
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                _("{path}: {mb} MB, more than a content file may hold ({limit} MB)").format(
                    path=key, mb=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)
                )
            )
    return dict(sorted(found.items()))


def read_files(paths: dict[str, Path]) -> dict[str, bytes]:
    """Return each file's bytes."""
    files: dict[str, bytes] = {}
    for key, path in paths.items():
        try:
            files[key] = path.read_bytes()
        except OSError as exc:
            raise ContentError(
                key, [Problem("file", _("cannot read: {strerror}").format(strerror=exc.strerror))]
            ) from exc
    return files


def validate(dirs: ContentDirs) -> list[ContentError]:
    """Return every problem of the content as a whole, file by file: the territory, every
    checklist, the courses and roles, every runbook, and the catalog, gates and hypercare
    when the pack has them."""
    from fvmcli.content.catalog import load_catalog
    from fvmcli.content.checklists import checklist_files, load_checklist
    from fvmcli.content.courses import load_curriculum
    from fvmcli.content.gates import load_gate
    from fvmcli.content.hypercare import load_hypercare
    from fvmcli.content.runbooks import load_runbook, runbook_files
    from fvmcli.content.territory import load_territory

    found: list[ContentError] = []
    try:
        territory = load_territory(dirs)
    except ContentError as exc:
        return [exc]
    loads: list[Callable[[], object]] = [
        partial(load_checklist, dirs, cid, territory) for cid in checklist_files(dirs)
    ]
    loads.append(partial(load_curriculum, dirs))
    if dirs.file("checklists", "equipment.toml") is not None:
        loads.append(partial(load_catalog, dirs, territory))
    if dirs.file("checklists", "gates.toml") is not None:
        loads.append(partial(load_gate, dirs, territory))
    if dirs.file("checklists", "hypercare.toml") is not None:
        loads.append(partial(load_hypercare, dirs))
    loads += [partial(load_runbook, dirs, rid, territory) for rid in runbook_files(dirs)]
    for load in loads:
        try:
            load()
        except ContentError as exc:
            found.append(exc)
    return found


def cache_root() -> Path:
    """Return the folder in the user cache folder where published versions are written out."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("fvmcli", appauthor=False)) / "content"


def written_out(digest: str) -> Path | None:
    """Return the folder holding the version of this digest, when it was written out."""
    folder = cache_root() / digest
    return folder if (folder / ".complete").is_file() else None


def write_out(digest: str, files: dict[str, bytes]) -> Path:
    """Write a version's files into the cache folder named by its digest, whole or not at
    all (a temporary folder renamed into place); return the folder."""
    import shutil
    import tempfile

    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / digest
    staging = Path(tempfile.mkdtemp(prefix=".part-", dir=root))
    try:
        for key, data in files.items():
            path = staging.joinpath(*key.split("/"))
            if not path.resolve().is_relative_to(staging.resolve()):
                continue  # a stored path that would lead outside: never written
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / ".complete").write_text(digest, "utf-8")
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)
        except OSError:  # another process wrote it meanwhile
            if written_out(digest) is None:
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
