"""``fvm checklist``: readiness control questions, answers, waivers, scores and printouts."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import (
    AS_OF,
    BY,
    CHECKLIST,
    CHECKLIST_OR_ALL,
    DRY_RUN,
    ENCODING,
    FORMAT,
    FROM_START,
    OUTPUT,
    output_options,
    unit_filters,
)
from fvmcli.cli.output import Output, importing, progress, say
from fvmcli.i18n import _, ngettext

app = typer.Typer(
    help=GROUPS["checklist"][1],
    no_args_is_help=True,
)

UNIT = typer.Option(..., "--unit", metavar="ID", help="The unit.")


@app.command("list")
@output_options(csv=True)
def list_(ctx: typer.Context, out: Output) -> None:
    """List the checklists (bundled and from --content).

    Example: fvm checklist list
    """
    from fvmcli.cli.views.checklist import checklists_view
    from fvmcli.services.checklists import checklist_rows

    out.emit(checklists_view(checklist_rows(get_env(ctx))))


@app.command("show")
@output_options(csv=True)
def show_(ctx: typer.Context, out: Output, checklist_id: str | None = CHECKLIST_OR_ALL) -> None:
    """Show a checklist's sections (with the ids --section takes) and questions with due,
    weight, owner and rules; without a checklist, list the checklists.

    Example: fvm checklist show readiness --json
    """
    from fvmcli.cli.views.checklist import checklist_view, checklists_view
    from fvmcli.services.checklists import checklist_rows, show_checklist

    env = get_env(ctx)
    if checklist_id is None:
        return out.emit(checklists_view(checklist_rows(env)))
    out.emit(checklist_view(show_checklist(env, checklist_id)))


@app.command("set")
def set_(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    question_id: str = typer.Argument(..., metavar="QUESTION", help="Question id."),
    value: str = typer.Argument(
        ...,
        metavar="VALUE",
        help="yes/no/partial (ja/nej/delvis), n/a (ej aktuell), a number "
        "(87,5), a date, an option id or text.",
    ),
    comment: str | None = typer.Option(None, "--comment", help="Comment or evidence (a link)."),
    by: str | None = BY,
) -> None:
    """Answer one question for one unit, without prompts.

    Example: fvm checklist set readiness --unit lab-1 staff.trained delvis --comment "Natt saknas"
    """
    from fvmcli.services.answers import set_answer

    result = set_answer(
        get_env(ctx, creates=True),
        checklist_id,
        unit_id,
        question_id,
        value,
        comment=comment,
        by=by,
    )
    say(
        f"{result.unit} · {result.question.id} = {result.shown}"
        + ("" if result.changed else " " + _("(unchanged)"))
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    files: list[Path] = typer.Argument(
        ...,
        metavar="FILE...",
        help="A CSV (unit, question, value[, comment, answered_by, answered_at]), or answer "
        "sheets (.xlsx) from 'fvm checklist sheet', or XLSX with the CSV's columns.",
    ),
    by: str | None = BY,
    dry_run: bool = DRY_RUN,
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Sheets win over answers changed since they were made."
    ),
    encoding: str | None = ENCODING,
) -> None:
    """Import answers from CSV or from filled-in answer sheets. Every bad row or cell is
    reported, and nothing is stored if any is bad.

    Example: fvm checklist import readiness svar/*.xlsx --dry-run
    """
    from fvmcli.services.answer_files import are_sheets, import_answer_files

    env = get_env(ctx, creates=True)
    label = (
        _("Importing {count} sheets").format(count=len(files))
        if are_sheets(files)
        else _("Importing {name}").format(name=files[0].name)
    )
    with importing(label):
        done = import_answer_files(
            env, checklist_id, files, dry_run=dry_run, overwrite=overwrite, by=by, encoding=encoding
        )
    verb = _("Would save") if dry_run else _("Saved")
    if done.sheets is not None:
        say(
            _(
                "{verb} {changed} of {answers} answers (new or changed) from {sheets} sheets; "
                "{unchanged} unchanged."
            ).format(
                verb=verb,
                changed=done.changed,
                answers=done.answers,
                sheets=done.sheets,
                unchanged=done.unchanged,
            )
        )
        return
    say(
        ngettext(
            "{verb} {changed} of {answers} answers (new or changed) for {units} unit from "
            "{file}; {unchanged} unchanged.",
            "{verb} {changed} of {answers} answers (new or changed) for {units} units from "
            "{file}; {unchanged} unchanged.",
            done.units or 0,
        ).format(
            verb=verb,
            changed=done.changed,
            answers=done.answers,
            units=done.units,
            file=files[0],
            unchanged=done.unchanged,
        )
    )


@app.command("sheet")
@unit_filters(units=True)
def sheet_(
    ctx: typer.Context,
    filters: Any,
    checklist_id: str = CHECKLIST,
    output: Path = typer.Option(
        ..., "-o", "--output", help="A folder (one <unit>.xlsx each), or FILE.xlsx for one unit."
    ),
) -> None:
    """Write each unit its own answer sheet (XLSX) to fill in and send back: its questions,
    due dates and current answers, with dropdowns; import them with 'fvm checklist import'.

    Example: fvm checklist sheet readiness --area central -o svar/
    """
    from fvmcli.cli.writing import write_file
    from fvmcli.render.answer_sheet import write_sheet
    from fvmcli.services.sheets import make_sheets

    env = get_env(ctx)
    with progress(_("Answer sheets")):
        for sheet in make_sheets(env, checklist_id, filters, output):
            write_file(sheet.path, partial(write_sheet, sheet.data, env.lang))


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    questions: list[str] | None = typer.Argument(
        None, metavar="[QUESTION]...", help="Stale answers to confirm (default: all of them)."
    ),
    by: str | None = BY,
) -> None:
    """Confirm answers given before their question changed meaning, as they stand: until then
    they count as unanswered.

    Example: fvm checklist confirm readiness --unit clinic-12 staff.trained
    """
    from fvmcli.services.answers import confirm as confirm_answers

    done = confirm_answers(get_env(ctx), checklist_id, unit_id, questions or None, by=by)
    if not done:
        say(_("{unit_id} has no answer that needs confirming.").format(unit_id=unit_id))
    for question in done:
        say(_("{unit_id} · {question}: confirmed.").format(unit_id=unit_id, question=question))


@app.command("waive")
def waive(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    question_id: str = typer.Argument(..., metavar="QUESTION"),
    reason: str = typer.Option(..., "--reason", help="Why the risk is accepted."),
    until: str | None = typer.Option(
        None, "--until", metavar="YYYY-MM-DD", help="Last day the waiver holds."
    ),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw the unit's waiver."),
    by: str | None = BY,
) -> None:
    """Waive one question for one unit (accepted risk) until a date, or withdraw a waiver.

    Example: fvm checklist waive readiness --unit lab-1 test.rehearsal --reason "Styrgrupp 12/11"
    --until 2027-01-31
    """
    from fvmcli.services.waivers import waive as waive_question

    change = waive_question(
        get_env(ctx),
        checklist_id,
        unit_id,
        question_id,
        reason=reason,
        until=until,
        withdraw=withdraw,
        by=by,
    )
    if change.until is None:
        say(
            _("Withdrew the waiver on {question} for {unit}.").format(
                question=change.question, unit=change.unit
            )
        )
        return
    say(
        _("Waived {question} for {unit} until {until}: {reason}").format(
            question=change.question,
            unit=change.unit,
            until=change.until.isoformat(),
            reason=change.reason,
        )
    )
    if change.needs_approval:
        say(
            _(
                "The waiver takes effect when another person approves it: "
                "fvm checklist approve {checklist} --unit {unit} {question}"
            ).format(checklist=checklist_id, unit=change.unit, question=change.question)
        )


@app.command("score")
@output_options()
def score(
    ctx: typer.Context,
    out: Output,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    as_of: str | None = AS_OF,
) -> None:
    """Score one unit: sections, status, blockers, overdue items and waivers.

    Example: fvm checklist score readiness --unit clinic-12 --as-of 2027-01-15 --json
    """
    from fvmcli.cli.views.score import score_view
    from fvmcli.services.answers import score as unit_score

    env = get_env(ctx)
    out.emit(score_view(unit_score(env, checklist_id, unit_id, as_of), env.lang))


@app.command("history")
@output_options(csv=True)
def history(
    ctx: typer.Context,
    out: Output,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    question: str | None = typer.Option(None, "--question", help="Only this question."),
) -> None:
    """Show every answer and waiver change of a unit, oldest first.

    Example: fvm checklist history readiness --unit clinic-12 --question staff.trained
    """
    from fvmcli.cli.views.checklist import history_view
    from fvmcli.services.answers import history_rows

    rows = history_rows(get_env(ctx), checklist_id, unit_id, question)
    out.emit(history_view(rows, unit_id, checklist_id))


@app.command("answer")
def answer(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    section: str | None = typer.Option(None, "--section", help="Only this section."),
    revisit_all: bool = typer.Option(
        False, "--all", help="Revisit every question, previous answers offered as defaults."
    ),
    from_start: bool = FROM_START,
    by: str | None = BY,
) -> None:
    """Answer a unit's questions in the terminal; each answer is saved the moment it is given.

    Resumes where you stopped (--from-start: at the first unanswered question). Skip, go
    back, comment; Ctrl-C keeps what you answered and tells you how to resume.

    Example: fvm checklist answer readiness --unit clinic-12 --section staff
    """
    from fvmcli.cli import prompts
    from fvmcli.cli.views.checklist import walk_summary
    from fvmcli.cli.views.score import print_score
    from fvmcli.services.answers import answer_walk

    env = get_env(ctx)
    outcome = answer_walk(
        env,
        checklist_id,
        unit_id,
        prompts.make_asker(env.lang),
        section=section,
        revisit_all=revisit_all,
        by=by,
        from_start=from_start,
    )
    say(walk_summary(outcome, unit_id))
    print_score(outcome.after, env.lang)


@app.command("print")
def print_(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str | None = typer.Option(
        None, "--unit", metavar="ID", help="Fill in this unit's answers (default: blank)."
    ),
    fmt: str | None = FORMAT,
    output: Path | None = OUTPUT,
    phase: int | None = typer.Option(
        None, "--phase", help="For a blank sheet: print due dates of this phase."
    ),
) -> None:
    """Print a checklist for a walk-through and sign-off: blank, or filled for a unit.

    Each question shows its due date for the unit's phase; a sign-off block ends the sheet.

    Example: fvm checklist print readiness --unit clinic-12 -o clinic-12.pdf
    """
    from fvmcli.cli.writing import choose_format, write_document
    from fvmcli.services.checklists import printout

    env = get_env(ctx)
    kind = choose_format(fmt, output, ("html", "md", "pdf"))
    write_document(env, "checklist", kind, printout(env, checklist_id, unit_id, phase), output)


@app.command("attest")
@output_options()
def attest(
    ctx: typer.Context,
    out: Output,
    checklist_id: str = CHECKLIST,
    questions: list[str] | None = typer.Argument(None, metavar="QUESTION…"),
    unit_id: str | None = typer.Option(None, "--unit", metavar="ID", help="The unit."),
    area: str | None = typer.Option(None, "--area", metavar="A", help="With --pending: one area."),
    pending: bool = typer.Option(
        False, "--pending", help="List the answers that await attestation instead."
    ),
    reject: bool = typer.Option(
        False, "--reject", help="Reject the answers: they count as unanswered until answered again."
    ),
    comment: str | None = typer.Option(None, "--comment", help="Why (kept in the history)."),
    by: str | None = BY,
) -> None:
    """Attest critical answers as a second person (four eyes), or list those that await it.

    An answer is attested by someone other than the person who gave it; a new answer starts
    unattested again. A rejected answer counts as no answer.

    Examples: fvm checklist attest readiness --unit clinic-12 lead.named plan.ready
    fvm checklist attest readiness --pending --area central
    """
    from fvmcli.cli.views.four_eyes import attested_view, pending_view
    from fvmcli.services.four_eyes import attest as attest_answers
    from fvmcli.services.four_eyes import pending as pending_answers
    from fvmcli.services.territory import UnitFilter

    env = get_env(ctx)
    if pending:
        chosen = UnitFilter((unit_id,) if unit_id else (), area)
        out.emit(pending_view(pending_answers(env, checklist_id, chosen)))
        return
    if unit_id is None:
        raise typer.BadParameter(_("name the unit (--unit ID), or list with --pending"))
    done = attest_answers(
        env, checklist_id, unit_id, list(questions or []), reject=reject, comment=comment, by=by
    )
    out.emit(attested_view(done))


@app.command("approve")
def approve(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    question_id: str = typer.Argument(..., metavar="QUESTION"),
    reject: bool = typer.Option(False, "--reject", help="Refuse the waiver: it has no effect."),
    comment: str | None = typer.Option(None, "--comment", help="Why (kept in the history)."),
    by: str | None = BY,
) -> None:
    """Approve a requested waiver as a person other than its requester (four eyes).

    With [governance] four_eyes = true in territory.toml a waiver has no effect until it is
    approved.

    Example: fvm checklist approve readiness --unit lab-1 test.rehearsal --comment "Styrgrupp 12/11"
    """
    from fvmcli.cli.views.four_eyes import unproven_note
    from fvmcli.services.four_eyes import approve as approve_waiver

    done = approve_waiver(
        get_env(ctx), checklist_id, unit_id, question_id, reject=reject, comment=comment, by=by
    )
    message = (
        _("Rejected the waiver on {question} for {unit} (asked for by {by}).")
        if done.state == "rejected"
        else _("Approved the waiver on {question} for {unit} (asked for by {by}).")
    )
    say(message.format(question=done.question, unit=done.unit, by=done.requested_by))
    unproven_note(done.proven)
