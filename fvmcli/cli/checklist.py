"""``fvm checklist``: readiness control questions, answers, waivers, scores and printouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from fvmcli.cli.env import get_env, resolve_user
from fvmcli.cli.output import emit_json, emit_table, progress, say, warn
from fvmcli.errors import InputError

app = typer.Typer(
    help="Readiness checklists: control questions, answers, scores, printouts.",
    no_args_is_help=True,
)

CHECKLIST = typer.Argument(..., metavar="CHECKLIST", help="Checklist id, e.g. golive.")
UNIT = typer.Option(..., "--unit", metavar="ID", help="The unit.")
BY = typer.Option(None, "--by", metavar="NAME", help="Who answers (env FVM_USER, else login).")
JSON = typer.Option(False, "--json", help="Print JSON.")
AS_OF = typer.Option(
    None, "--as-of", metavar="YYYY-MM-DD", help="Score as of this day (default: today)."
)


def as_of_date(text: str | None) -> date:
    """Return the --as-of date, today by default."""
    from fvmcli.clock import today
    from fvmcli.core.values import parse_date

    if text is None:
        return today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError(f"--as-of: {exc}") from exc


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List the checklists (bundled and from --content).

    Example: fvm checklist list
    """
    from fvmcli.content.checklists import checklist_files

    env = get_env(ctx)
    found = [env.checklist(cid) for cid in sorted(checklist_files(env.content))]
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title.get(env.lang),
            "sections": len(c.sections),
            "questions": len(c.questions),
        }
        for c in found
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(
        ["id", "version", "title", "sections", "questions"],
        [list(r.values()) for r in rows],
        title="Checklists",
    )


@app.command("show")
def show(ctx: typer.Context, checklist_id: str = CHECKLIST, as_json: bool = JSON) -> None:
    """Show a checklist's sections and questions with due, weight, owner and rules.

    Example: fvm checklist show golive --json
    """
    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    lang = env.lang
    questions = [
        {
            "id": q.id,
            "section": q.section,
            "type": q.type,
            "text": q.text.get(lang),
            "help": q.help.get(lang) if q.help else None,
            "weight": q.weight,
            "critical": q.critical,
            "due": str(q.due),
            "owner": q.owner,
            "allow_na": q.allow_na,
            "evidence": q.evidence,
            "source": q.source,
            "target": q.target,
            "options": [o.id for o in q.options] or None,
            "applies_to": list(q.applies_to) if q.applies_to is not None else None,
            "when": {"question": q.when.question, "in": list(q.when.values)} if q.when else None,
        }
        for q in checklist.questions
    ]
    if as_json:
        emit_json(
            {
                "id": checklist.id,
                "version": checklist.version,
                "title": checklist.title.get(lang),
                "applies_to": list(checklist.applies_to) if checklist.applies_to else None,
                "scoring": {"green": checklist.green, "amber": checklist.amber},
                "sections": [
                    {"id": s.id, "title": s.title.get(lang), "weight": s.weight}
                    for s in checklist.sections
                ],
                "questions": questions,
            }
        )
        return
    say(f"{checklist.title.get(lang)} ({checklist.id}, version {checklist.version})", "bold")
    for section in checklist.sections:
        rows = [
            [
                q["id"],
                q["text"],
                q["type"],
                q["due"],
                q["weight"],
                "yes" if q["critical"] else "",
                q["owner"],
            ]
            for q in questions
            if q["section"] == section.id
        ]
        emit_table(
            ["id", "question", "type", "due", "weight", "critical", "owner"],
            rows,
            title=f"{section.title.get(lang)} (weight {section.weight:g})",
        )


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

    Example: fvm checklist set golive --unit vc-hjo org.super-users delvis --comment "Natt saknas"
    """
    from fvmcli.cli.readiness import require_unit
    from fvmcli.clock import now_iso
    from fvmcli.core.answers import parse_answer, settable_question
    from fvmcli.core.model import NewAnswer
    from fvmcli.store.answers import get_answers, save_answers

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    with env.db.write() as conn:
        unit = require_unit(conn, unit_id)
        values = {q: a.value for q, a in get_answers(conn, unit.id, checklist.id).items()}
        try:
            question = settable_question(checklist, unit.type, question_id, values)
            stored = parse_answer(question, value)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        changed = save_answers(
            conn,
            checklist.id,
            checklist.version,
            [NewAnswer(unit.id, question.id, stored, comment or None)],
            by=resolve_user(by),
            at=now_iso(),
        )
    if question.evidence == "required" and not comment:
        warn(f"{question.id} asks for evidence: add it with --comment (a link or a note).")
    say(f"{unit.id} · {question.id} = {stored}" + ("" if changed else " (unchanged)"))


@app.command("import")
def import_(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    file: Path = typer.Argument(
        ..., help="CSV: unit, question, value[, comment, answered_by, answered_at]."
    ),
    by: str | None = BY,
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file; store nothing."),
) -> None:
    """Import answers from CSV. Every bad row is reported, and nothing is stored if any is bad.

    Example: fvm checklist import golive svar.csv --dry-run
    """
    from fvmcli.clock import now_iso
    from fvmcli.content.answers_csv import check_answer_rows, read_answer_rows
    from fvmcli.store.answers import answers_by_unit, save_answers
    from fvmcli.store.units import list_units

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    rows = read_answer_rows(file)
    named = sorted({r.get("unit") or "" for r in rows})
    with progress(f"Importing {file.name}"), env.db.write(dry_run=dry_run) as conn:
        units = {u.id: u for u in list_units(conn, ids=named)}
        stored = answers_by_unit(conn, checklist.id, list(units))
        values = {u: {q: a.value for q, a in answers.items()} for u, answers in stored.items()}
        batch = check_answer_rows(file, rows, checklist, units, values)
        changed = save_answers(
            conn, checklist.id, checklist.version, batch, by=resolve_user(by), at=now_iso()
        )
    verb = "Would change" if dry_run else "Changed"
    say(
        f"{verb} {changed} of {len(batch)} answers for {len(units)} units from {file}; "
        f"{len(batch) - changed} unchanged."
    )


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

    Example: fvm checklist waive golive --unit vc-hjo cut.rehearsal --reason "Styrgrupp 12/11"
    --until 2027-01-31
    """
    from fvmcli.cli.readiness import require_unit
    from fvmcli.clock import now_iso
    from fvmcli.core.values import parse_date
    from fvmcli.store.answers import change_waiver

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    if checklist.question(question_id) is None:
        raise InputError(f"unknown question {question_id!r} in checklist {checklist.id!r}")
    if not reason.strip():
        raise InputError("--reason: a reason is required")
    if not withdraw and until is None:
        raise InputError("--until is required (the last day the waiver holds)")
    user, at = resolve_user(by), now_iso()
    day = None
    if not withdraw:
        assert until is not None
        try:
            day = parse_date(until)
        except ValueError as exc:
            raise InputError(f"--until: {exc}") from exc
    with env.db.write() as conn:
        unit = require_unit(conn, unit_id)
        if not change_waiver(
            conn,
            unit.id,
            checklist.id,
            question_id,
            reason.strip(),
            day,
            by=user,
            at=at,
            version=checklist.version,
        ):
            raise InputError(f"{unit.id} has no waiver on {question_id}")
    if day is None:
        say(f"Withdrew the waiver on {question_id} for {unit.id}.")
        return
    say(f"Waived {question_id} for {unit.id} until {day.isoformat()}: {reason.strip()}")


@app.command("score")
def score(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    as_of: str | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Score one unit: sections, status, blockers, overdue items and waivers.

    Example: fvm checklist score golive --unit vc-hjo --as-of 2027-01-15 --json
    """
    from fvmcli.cli.readiness import score_json, unit_readiness

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    with env.db.read() as conn:
        readiness = unit_readiness(env, conn, checklist, unit_id, as_of_date(as_of))
    if as_json:
        emit_json(score_json(readiness.unit.id, readiness.score))
        return
    from fvmcli.cli.score_view import print_score

    print_score(env, checklist, readiness)


@app.command("history")
def history(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    question: str | None = typer.Option(None, "--question", help="Only this question."),
    as_json: bool = JSON,
) -> None:
    """Show every answer and waiver change of a unit, oldest first.

    Example: fvm checklist history golive --unit vc-hjo --question org.super-users
    """
    from fvmcli.cli.readiness import require_unit
    from fvmcli.store.answers import answer_history

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    with env.db.read() as conn:
        require_unit(conn, unit_id)
        found = answer_history(conn, unit_id, checklist.id, question)
    rows = [
        {
            "question": c.subject,
            "value": c.new,
            "previous": c.old,
            "comment": c.comment,
            "by": c.by,
            "at": c.at,
            "version": c.version,
            "kind": c.kind,
        }
        for c in found
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(
        ["at", "by", "kind", "question", "previous", "value", "comment"],
        [
            [r["at"], r["by"], r["kind"], r["question"], r["previous"], r["value"], r["comment"]]
            for r in rows
        ],
        title=f"History of {unit_id} on {checklist.id}",
    )


@app.command("answer")
def answer(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str = UNIT,
    section: str | None = typer.Option(None, "--section", help="Only this section."),
    revisit_all: bool = typer.Option(
        False, "--all", help="Revisit every question, previous answers offered as defaults."
    ),
    by: str | None = BY,
) -> None:
    """Answer a unit's questions in the terminal; each answer is saved the moment it is given.

    Starts at the first unanswered question. Skip, go back, comment; Ctrl-C keeps what you
    answered and tells you how to resume.

    Example: fvm checklist answer golive --unit vc-hjo --section equipment
    """
    from fvmcli.cli import prompts
    from fvmcli.cli.answering import WalkResult, walk
    from fvmcli.cli.readiness import require_unit, unit_readiness
    from fvmcli.cli.score_view import print_score
    from fvmcli.clock import now_iso, today
    from fvmcli.core.model import NewAnswer, Question
    from fvmcli.errors import Interrupted
    from fvmcli.store.answers import get_answers, save_answers
    from fvmcli.store.units import go_live_dates

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    if section is not None and checklist.section(section) is None:
        known = ", ".join(s.id for s in checklist.sections)
        raise InputError(f"--section: unknown section {section!r} (known: {known})")
    asker = prompts.make_asker(env.lang)
    user = resolve_user(by)
    with env.db.read() as conn:
        unit = require_unit(conn, unit_id)
        go_live = go_live_dates(conn).get(env.territory.phase_of(unit.area))
        answers = get_answers(conn, unit.id, checklist.id)

    def save(question: Question, value: str, comment: str | None) -> None:
        with env.db.write() as conn:
            save_answers(
                conn,
                checklist.id,
                checklist.version,
                [NewAnswer(unit.id, question.id, value, comment)],
                by=user,
                at=now_iso(),
            )

    result = WalkResult()
    try:
        walk(
            checklist,
            unit.type,
            answers,
            asker,
            save,
            lang=env.lang,
            go_live=go_live,
            today=today(),
            section=section,
            revisit_all=revisit_all,
            result=result,
        )
    except KeyboardInterrupt:
        resume = f"fvm checklist answer {checklist.id} --unit {unit.id}"
        if section:
            resume += f" --section {section}"
        raise Interrupted(
            f"Interrupted. {result.saved} answers saved in this sitting; nothing answered is lost.",
            hint=f"Resume at the first unanswered question with: {resume}",
        ) from None
    if result.already_complete:
        say(f"Every question for {unit.id} is answered. Use --all to revisit them.")
    else:
        say(f"Saved {result.saved} answers, skipped {result.skipped}.")
    with env.db.read() as conn:
        print_score(env, checklist, unit_readiness(env, conn, checklist, unit.id, today()))


@app.command("print")
def print_(
    ctx: typer.Context,
    checklist_id: str = CHECKLIST,
    unit_id: str | None = typer.Option(
        None, "--unit", metavar="ID", help="Fill in this unit's answers (default: blank)."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="html, md or pdf (default: from -o, else html)."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="File to write (default: standard output; PDF needs a file)."
    ),
    phase: int | None = typer.Option(
        None, "--phase", help="For a blank sheet: print due dates of this phase."
    ),
) -> None:
    """Print a checklist for a walk-through and sign-off: blank, or filled for a unit.

    Each question shows its due date for the unit's phase; a sign-off block ends the sheet.

    Example: fvm checklist print golive --unit vc-hjo -o vc-hjo.pdf
    """
    from fvmcli.cli.readiness import unit_readiness
    from fvmcli.cli.writing import choose_format, write_document
    from fvmcli.clock import today
    from fvmcli.render.checklist_sheet import SheetUnit, sheet_context
    from fvmcli.store.units import go_live_dates

    env = get_env(ctx)
    checklist = env.checklist(checklist_id)
    kind = choose_format(fmt, output, ("html", "md", "pdf"))
    filled = None
    go_live = None
    with env.db.read() as conn:
        if unit_id is not None:
            r = unit_readiness(env, conn, checklist, unit_id, today())
            filled = SheetUnit(r.unit, r.go_live, r.answers, r.score)
        elif phase is not None:
            go_live = go_live_dates(conn).get(phase)
    context = sheet_context(checklist, env.territory, env.lang, today(), filled, go_live)
    write_document(env, "checklist", kind, context, output)
