"""Answers from files: one CSV, or many filled-in answer sheets (XLSX), all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fvmcli.errors import InputError
from fvmcli.i18n import _
from fvmcli.services.context import Context


@dataclass(frozen=True)
class AnswerFilesImported:
    """What an import of answer files did (or would do): ``sheets`` is the number of XLSX
    sheets read, None for a CSV file; ``units`` the units a CSV named, None for sheets."""

    files: list[Path]
    answers: int
    changed: int
    units: int | None
    sheets: int | None
    dry_run: bool

    @property
    def unchanged(self) -> int:
        """Return how many answers were already stored as they are."""
        return self.answers - self.changed


def are_sheets(files: list[Path]) -> bool:
    """Return whether ``files`` are XLSX sheets (True) or one CSV file (False); refuse a mix,
    and more than one CSV file."""
    sheets = [f for f in files if f.suffix.lower() == ".xlsx"]
    if sheets and len(sheets) != len(files):
        raise InputError(_("import either one CSV file or XLSX sheets, not both at once"))
    if not sheets and len(files) != 1:
        raise InputError(_("import one CSV file at a time (or many .xlsx sheets)"))
    return bool(sheets)


def import_answer_files(
    ctx: Context,
    checklist_id: str,
    files: list[Path],
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    by: str | None = None,
    encoding: str | None = None,
) -> AnswerFilesImported:
    """Store the answers of one CSV file (``import_answers``) or of filled-in sheets
    (``import_sheets``; ``overwrite`` lets them win over answers changed since they were
    made). Every bad row or cell is reported, and nothing is stored if any is bad.
    Files are read in ``encoding`` (None: UTF-8, else Windows-1252)."""
    from fvmcli.content.csvfile import reading

    with reading(encoding):
        if are_sheets(files):
            from fvmcli.services.sheets import import_sheets

            got = import_sheets(
                ctx, checklist_id, files, dry_run=dry_run, overwrite=overwrite, by=by
            )
            return AnswerFilesImported(files, got.answers, got.changed, None, got.sheets, dry_run)
        from fvmcli.services.answers import import_answers

        done = import_answers(ctx, checklist_id, files[0], dry_run=dry_run, by=by)
        return AnswerFilesImported(files, done.answers, done.changed, done.units, None, dry_run)
