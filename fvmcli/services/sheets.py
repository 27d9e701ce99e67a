"""Answer sheets: each unit its own XLSX to fill in, read back safely, many at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from fvmcli.core.model import Checklist, NewAnswer
from fvmcli.errors import ConflictError, InputError, Problem, ProblemsError
from fvmcli.i18n import _, ngettext
from fvmcli.services.context import Context
from fvmcli.services.territory import UnitFilter, select

if TYPE_CHECKING:
    from fvmcli.content.xlsx_answers import ReadSheet
    from fvmcli.render.answer_sheet import SheetData


@dataclass(frozen=True)
class SheetMade:
    """One unit's answer sheet and the file it belongs in."""

    unit: str
    path: Path
    data: SheetData


def make_sheets(
    ctx: Context, checklist_id: str, chosen: UnitFilter, output: Path
) -> list[SheetMade]:
    """Return each selected unit's answer sheet with the file it goes to: ``output`` when one
    unit is chosen and it ends in .xlsx, else ``<unit>.xlsx`` in the folder ``output``."""
    from fvmcli.core.deadlines import due_date
    from fvmcli.render.answer_sheet import SheetData, SheetRow
    from fvmcli.services.readiness import in_given_order, territory_summaries

    if chosen.everything:
        raise InputError(_("choose the units: --unit ID…, --area A or --phase N"))
    checklist = ctx.checklist(checklist_id)
    lang = ctx.lang
    today = ctx.clock.today()
    sections = {s.id: s.title.get(lang) for s in checklist.sections}
    made: list[SheetMade] = []
    with ctx.open().read() as conn:
        from fvmcli.store.answers import answers_by_unit
        from fvmcli.store.reads import Scope, go_live_dates

        units = select(ctx, conn, chosen).units
        if not units:
            raise InputError(_("no unit matches the filters"))
        single = output.suffix.lower() == ".xlsx"
        if single and len(units) > 1:
            raise InputError(
                _("-o {output}: {count} units chosen; name a folder for one file per unit").format(
                    output=output, count=len(units)
                )
            )
        stored = answers_by_unit(conn, checklist.id, [u.id for u in units])
        dates = go_live_dates(conn)
        scores = in_given_order(
            units,
            territory_summaries(
                ctx, conn, checklist, Scope(tuple(u.id for u in units)), today, detail=True
            ),
        )
        for unit, score, _evidence in scores:
            phase = ctx.territory.phase_of(unit.area)
            answers = stored.get(unit.id, {})
            rows = [
                SheetRow(
                    r.question,
                    sections.get(r.question.section, r.question.section),
                    r.question.text.get(lang),
                    r.question.help.get(lang) if r.question.help else None,
                    due_date(dates.get(phase), r.question.due),
                    r.value,
                    answers[r.question.id].comment if r.question.id in answers else None,
                    r.stale,
                )
                for r in score.questions
            ]
            data = SheetData(
                checklist.id,
                checklist.version,
                checklist.title.get(lang),
                unit.id,
                unit.name,
                phase,
                dates.get(phase),
                ctx.clock.now(),
                rows,
            )
            made.append(SheetMade(unit.id, output if single else output / f"{unit.id}.xlsx", data))
    return made


@dataclass(frozen=True)
class SheetsImported:
    sheets: int
    answers: int
    changed: int
    dry_run: bool


def import_sheets(
    ctx: Context,
    checklist_id: str,
    files: list[Path],
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    by: str | None = None,
) -> SheetsImported:
    """Store the answers of filled-in sheets (or plain XLSX with the CSV's columns), all or
    nothing. Every problem names its file and cell; a sheet of another checklist, or made for
    a version whose questions have changed since, is refused; an answer whose stored value
    changed after the sheet was made is a conflict unless ``overwrite``."""
    from fvmcli.content.xlsx_answers import read_answers_xlsx
    from fvmcli.core.answers import ambiguous_percent, check_answers
    from fvmcli.render.values import number_shown
    from fvmcli.services.answers import answering_units, save

    checklist = ctx.checklist(checklist_id)
    read = [read_answers_xlsx(f) for f in files]
    problems: list[Problem] = []
    batch: list[NewAnswer] = []
    places: list[tuple[str, str]] = []  # per answer: (answer cell, comment cell), with file
    was: list[str | None] = []
    for sheet in read:
        name = sheet.file.name
        if sheet.answer_sheet:
            problems += _sheet_problems(sheet, checklist)
            if any(p.where.startswith(name) for p in problems):
                continue
        by_sheet = sheet.filled_by
        # The sheet's date says on which day the person answered (the start of that day, in
        # this clock's zone); the history records when the answers were stored.
        at_sheet = (
            datetime.combine(sheet.filled_on, time(), ctx.clock.read().tzinfo).isoformat()
            if sheet.filled_on
            else None
        )
        for a in sheet.answers:
            if a.value is None:
                continue  # an empty answer cell gives no answer: nothing is erased
            question = checklist.question(a.question)
            if sheet.answer_sheet and question is not None and question.derived:
                continue  # shown read-only, with its live value
            unclear = (
                ambiguous_percent(question, a.value, number_shown)
                if question and a.plain_number
                else None
            )
            if unclear:
                problems.append(Problem(f"{name}!{a.where}", unclear))
                continue
            batch.append(
                NewAnswer(
                    a.unit, a.question, a.value, a.comment, a.by or by_sheet, a.at or at_sheet
                )
            )
            places.append((f"{name}!{a.where}", f"{name}!{a.comment_at}"))
            # What was stored when the sheet was made ("" for nothing); None: a plain sheet.
            was.append((a.was or "") if sheet.answer_sheet else None)
    with ctx.open().write(dry_run=dry_run) as conn:
        units, values = answering_units(ctx, conn, checklist, (a.unit_id for a in batch))
        accepted, found = check_answers(checklist, units, values, batch, latest=ctx.clock.latest())
        for p in found:
            where = places[p.index][1] if p.field == "comment" else places[p.index][0]
            problems.append(Problem(where, p.message))
        if problems:
            raise ProblemsError(
                ngettext("{count} file", "{count} files", len(read)).format(count=len(read)),
                problems,
                hint=_("Nothing was imported. Correct the cells named and import again."),
            )
        if not overwrite:
            conflicts = _conflicts(accepted, batch, was, places, values)
            if conflicts:
                raise ConflictError(
                    _("answers changed in the database after these sheets were made:\n  ")
                    + "\n  ".join(conflicts),
                    hint=_(
                        "Nothing was imported. Make new sheets, or add --overwrite to let the "
                        "sheets win."
                    ),
                )
        changed = save(ctx, conn, checklist, accepted, ctx.actor(by))
    return SheetsImported(len(read), len(accepted), changed, dry_run)


def _sheet_problems(sheet: ReadSheet, checklist: Checklist) -> list[Problem]:
    """Return why an fvm answer sheet does not fit this checklist (wrong one, or made for a
    version whose questions changed since)."""
    name = sheet.file.name
    if sheet.checklist != checklist.id:
        return [
            Problem(
                name,
                _("is a sheet of checklist {checklist!r}, not {id!r}").format(
                    checklist=sheet.checklist, id=checklist.id
                ),
            )
        ]
    if sheet.version is None:
        return [Problem(name, _("names no checklist version; make a new sheet"))]
    if sheet.version > checklist.version:
        return [
            Problem(
                name,
                _(
                    "its hidden sheet says version {version}, newer than the checklist's "
                    "version {current}: it was not made from this content"
                ).format(version=sheet.version, current=checklist.version),
            )
        ]
    if sheet.version != checklist.version:
        asked = {a.question for a in sheet.answers}
        changed = sorted(
            q.id
            for q in checklist.questions
            if q.id in asked and q.revised is not None and q.revised > sheet.version
        )
        if changed:
            return [
                Problem(
                    name,
                    _(
                        "was made for version {version}; since then {changed} changed meaning. "
                        "Make a new sheet (fvm checklist sheet {id} --unit {unit})."
                    ).format(
                        version=sheet.version,
                        changed=", ".join(changed),
                        id=checklist.id,
                        unit=sheet.unit,
                    ),
                )
            ]
    return []


def _conflicts(
    accepted: list[NewAnswer],
    batch: list[NewAnswer],
    was: list[str | None],
    places: list[tuple[str, str]],
    values: dict[str, dict[str, str]],
) -> list[str]:
    """Return the cells whose stored value changed after the sheet was made, where the sheet
    says something else again."""
    index = {(a.unit_id, a.question): i for i, a in enumerate(batch)}
    found = []
    for answer in accepted:
        i = index[(answer.unit_id, answer.question)]
        now = values.get(answer.unit_id, {}).get(answer.question)
        before = was[i] or None
        if was[i] is not None and now != before and answer.value != now:
            found.append(
                _(
                    "{places}: the sheet says {value}, the database now {now} (it was "
                    "{before} when the sheet was made)"
                ).format(
                    places=places[i][0],
                    value=_shown(answer.value),
                    now=_shown(now),
                    before=_shown(before),
                )
            )
    return found


def _shown(value: str | None) -> str:
    """Return a stored answer as a person reads it in a message: «ja», or «inget svar»."""
    from fvmcli.render.values import answer_word

    return f"«{answer_word(value)}»" if value is not None else _("no answer")
