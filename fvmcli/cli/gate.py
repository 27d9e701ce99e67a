"""``fvm gate``: the go/no-go meeting, from the criteria to a decision bound to its evidence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, output_options
from fvmcli.cli.output import Output, Shown, say
from fvmcli.errors import ExitCode, InputError
from fvmcli.i18n import _, ngettext
from fvmcli.render.values import word

if TYPE_CHECKING:
    from fvmcli.services.gate_record import Since

app = typer.Typer(help=GROUPS["gate"][1], no_args_is_help=True)

PHASE = typer.Option(..., "--phase", metavar="N", help="The phase.")
LABEL = typer.Argument(..., metavar="LABEL", help="The proposal's name, e.g. etapp1-2027-02-10.")


@app.command("evaluate")
@output_options(csv=True)
def evaluate(
    ctx: typer.Context,
    out: Output,
    phase: int = PHASE,
    area: str | None = typer.Option(None, "--area", metavar="A", help="Only this area."),
    as_of: str | None = AS_OF,
    go_live: str | None = typer.Option(
        None, "--go-live", metavar="YYYY-MM-DD", help="As if the phase went live on this day."
    ),
) -> None:
    """Evaluate the go/no-go criteria of gates.toml over a phase: each criterion met or not,
    with its figure, threshold and the units behind a failure, worst first. Exits 1 when a
    required criterion is not met.

    Examples: fvm gate evaluate --phase 1
    fvm gate evaluate --phase 1 --go-live 2027-04-01 --json
    """
    from fvmcli.cli.views.gate import evaluation_view
    from fvmcli.services.gate import gate_evaluate

    env = get_env(ctx)
    found = gate_evaluate(env, phase, area=area, as_of=as_of, go_live=go_live)
    out.emit(evaluation_view(found, env.gate, env.lang))
    if found.verdict != "go":
        raise typer.Exit(ExitCode.GATE_FAILED)


@app.command("propose")
def propose(
    ctx: typer.Context,
    phase: int = PHASE,
    label: str = LABEL,
    as_of: str | None = AS_OF,
    hypercare: bool = typer.Option(
        False, "--hypercare", help="After go-live: continue or pause, on a day's hypercare."
    ),
    day: str | None = typer.Option(
        None, "--day", metavar="YYYY-MM-DD", help="With --hypercare: the day (default: today)."
    ),
) -> None:
    """Freeze the evidence for a go/no-go meeting: every unit's figures and every criterion's
    result, with the SHA-256 of its canonical JSON, under a label. With --hypercare, the
    evidence is a day of hypercare (each unit's state and values, the pause criteria) and the
    meeting decides continue, conditional or pause.

    Examples: fvm gate propose --phase 1 etapp1-2027-02-10
    fvm gate propose --phase 1 hypercare-2027-03-04 --hypercare --day 2027-03-04
    """
    from fvmcli.render.values import word
    from fvmcli.services.gate import propose as make

    found = make(get_env(ctx), phase, label, as_of, hypercare=hypercare, day=day)
    say(
        _("Proposed {label}: the criteria say {verdict}. Evidence digest {digest}").format(
            label=found.label, verdict=word(found.evaluation.verdict), digest=found.digest
        )
    )


@app.command("vote")
def vote(
    ctx: typer.Context,
    label: str = LABEL,
    role: str = typer.Option(..., "--role", metavar="ROLE", help="The voting role (gates.toml)."),
    choice: str = typer.Argument(..., metavar="go|no-go|abstain", help="Or ja, nej, avstår."),
    comment: str | None = typer.Option(None, "--comment", help="Why (kept with the vote)."),
) -> None:
    """Vote on a proposal for one role of gates.toml; a later vote of the role replaces it
    until the decision.

    Example: fvm gate vote etapp1-2027-02-10 --role chefslakare no-go --comment "Bemanning"
    """
    from fvmcli.core.gate import VOTE_WORDS, VOTES, choice_id
    from fvmcli.render.values import word
    from fvmcli.services.gate import vote as cast

    name = cast(get_env(ctx), label, role, choice, comment)
    given = word(choice_id(choice, VOTES, VOTE_WORDS) or choice)
    say(_("{role} votes {vote} on {label}.").format(role=name, vote=given, label=label))


@app.command("decide")
def decide(
    ctx: typer.Context,
    label: str = LABEL,
    choice: str = typer.Argument(
        ...,
        metavar="go|conditional|no-go",
        help="Or ja, villkorat, nej; a hypercare proposal continue|conditional|pause "
        "(fortsätt, villkorat, pausa).",
    ),
    conditions: list[str] | None = typer.Option(
        None, "--condition", metavar="TEXT", help="A condition of a conditional go (repeat)."
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Why, required for a go against failing criteria."
    ),
) -> None:
    """Decide on a proposal, once every required role has voted. A go or conditional go
    against failing required criteria needs --reason and is recorded as against them.

    Example: fvm gate decide etapp1-2027-02-10 conditional --condition "Bemanning klar 2/3"
    """
    from fvmcli.render.values import word
    from fvmcli.services.gate import decide as make

    env = get_env(ctx)
    done = make(env, label, choice, conditions=conditions, reason=reason)
    say(_("Decided {label}: {decision}.").format(label=label, decision=word(done.decision)))
    if done.against:
        say(
            _("The decision goes against the criteria: {criteria}").format(
                criteria=", ".join(env.gate.criterion_names(done.against, env.lang))
            ),
            "bold red",
        )
    # For the minutes: 'fvm history verify --head HASH' later shows nothing was changed since.
    say(_("History head for the minutes: {head}").format(head=done.history_head))


@app.command("show")
@output_options()
def show(ctx: typer.Context, out: Output, label: str = LABEL) -> None:
    """Show a proposal: its digest, the criteria's verdict, votes, dissent, the decision,
    as the history records them; exits 1 when a table holds something else.

    Example: fvm gate show etapp1-2027-02-10
    """
    from fvmcli.cli.views.gate import shown_view
    from fvmcli.services.gate import show as find

    env = get_env(ctx)
    found = find(env, label)
    gate = env.gate
    if found["verdict"] in ("continue", "pause"):  # a hypercare proposal: its criteria
        from fvmcli.cli.views.hypercare import hypercare_gate

        gate = hypercare_gate(gate, env.hypercare)
    out.emit(shown_view(found, gate, env.lang))
    if not found["record"]["ok"]:
        raise typer.Exit(ExitCode.GATE_FAILED)


@app.command("list")
@output_options(csv=True)
def list_(ctx: typer.Context, out: Output) -> None:
    """List the proposals, oldest first, with verdict and decision.

    Example: fvm gate list
    """
    from fvmcli.cli.views.gate import list_view
    from fvmcli.services.gate import list_gates

    out.emit(list_view(list_gates(get_env(ctx))))


@app.command("verify")
@output_options()
def verify(
    ctx: typer.Context,
    out: Output,
    label: str | None = typer.Argument(
        None, metavar="LABEL", help="The proposal's name, e.g. etapp1-2027-02-10."
    ),
    live: bool = typer.Option(
        False, "--live", help="Also evaluate the gate again and say what changed since."
    ),
    as_of: str | None = AS_OF,
    archive: Path | None = typer.Option(
        None,
        "--archive",
        metavar="FILE",
        help="Check an archive from 'fvm gate export' (.json or .pdf), with no database.",
    ),
) -> None:
    """Check that a proposal's evidence is as it was when it was proposed, and that the tables
    hold what the history records of its votes and decision: exits 0 when unaltered, 1 naming
    what was altered. With --live, also say what changed since (the frozen evidence alone
    decides the exit code). With --archive, check a filed archive without the database.

    Examples: fvm gate verify etapp1-2027-02-10
    fvm gate verify etapp1-2027-02-10 --live
    fvm gate verify --archive etapp1-2027-02-10.pdf
    """
    if archive is not None:
        _verify_archive(out, archive)
        return
    if label is None:
        raise InputError(_("give the proposal's LABEL, or --archive FILE"))
    from fvmcli.services.gate import verify as check
    from fvmcli.services.gate_record import since_proposal

    env = get_env(ctx)
    altered = check(env, label)
    since = since_proposal(env, label, as_of) if live else None
    document = {
        "label": label,
        "ok": not altered,
        "altered": altered,
        "since": since.as_json() if since else None,
    }

    def printer() -> None:
        if altered:
            say(
                _("{label}: the evidence was altered: {parts}").format(
                    label=label, parts=", ".join(altered)
                ),
                "bold red",
            )
        elif since is None:
            say(
                _(
                    "{label}: the evidence frozen at the proposal is unaltered. It speaks of the "
                    "day it was frozen, not of today; to compare with today:"
                ).format(label=label)
            )
            say(f"  fvm gate verify {label} --live")
        else:
            say(_("{label}: the evidence frozen at the proposal is unaltered.").format(label=label))
        if since is not None:
            since_view(since)

    out.emit(Shown(lambda: document, printer))
    if altered:
        raise typer.Exit(ExitCode.GATE_FAILED)


def since_view(since: Since) -> None:
    """Print what changed since a proposal, in a person's words."""
    if not (since.statuses or since.added or since.gone or since.criteria):
        say(_("Since then, as of {day}, nothing it holds has changed.").format(day=since.as_of))
    if since.statuses:
        changed = ", ".join(f"{u} ({word(a)} → {word(b)})" for u, a, b in since.statuses)
        say(
            ngettext(
                "Since then, as of {day}, {n} unit changed status: {units}",
                "Since then, as of {day}, {n} units changed status: {units}",
                len(since.statuses),
            ).format(day=since.as_of, n=len(since.statuses), units=changed)
        )
    if since.added:
        say(_("Units added since: {units}").format(units=", ".join(since.added)))
    if since.gone:
        say(_("Units no longer in the phase: {units}").format(units=", ".join(since.gone)))
    for criterion, then, now in since.criteria:
        say(
            _("Criterion {id}: {then} then, {now} now").format(
                id=criterion,
                then=_("met") if then else _("not met"),
                now=_("met") if now else _("not met"),
            )
        )
    if since.verdict_then != since.verdict_now:
        say(
            _("The criteria said {then}; today they say {now}.").format(
                then=word(since.verdict_then), now=word(since.verdict_now)
            ),
            "bold",
        )


def _verify_archive(out: Output, archive: Path) -> None:
    from fvmcli.services.gate_record import verify_archive

    found = verify_archive(archive)
    document = {
        "archive": str(archive),
        "label": found.label,
        "ok": not found.problems,
        "problems": found.problems,
        "digest": found.digest,
        "head": found.head,
        "decision": found.decision,
    }

    def printer() -> None:
        if found.problems:
            say(_("{archive}: the archive does not hold:").format(archive=archive), "bold red")
            for problem in found.problems:
                say(f"  {problem}", "red")
            return
        say(
            _(
                "{archive}: the archive holds. {label}: decision {decision}; evidence digest "
                "{digest}; history head {head}."
            ).format(
                archive=archive,
                label=found.label,
                decision=word(found.decision or ""),
                digest=found.digest,
                head=found.head,
            )
        )

    out.emit(Shown(lambda: document, printer))
    if found.problems:
        raise typer.Exit(ExitCode.GATE_FAILED)


@app.command("export")
def export(
    ctx: typer.Context,
    label: str = LABEL,
    output: Path = typer.Option(
        ..., "-o", "--output", metavar="FILE", help="FILE.json, or FILE.pdf (PDF/A-3b) to file."
    ),
) -> None:
    """Write a decided proposal's archive for filing: the frozen evidence and its digest, the
    rules it was evaluated under, the votes, the decision and the history from the proposal
    to the decision with its head. As .pdf, the decision's report in PDF/A-3b with the
    archive attached. Anyone checks it with 'fvm gate verify --archive FILE'.

    Examples: fvm gate export etapp1-2027-02-10 -o etapp1-beslut.pdf
    fvm gate export etapp1-2027-02-10 -o etapp1-beslut.json
    """
    from fvmcli.cli.writing import archive_format, write_archive
    from fvmcli.services.gate_record import archive_of

    kind = archive_format(output)
    env = get_env(ctx)
    document = archive_of(env, label)
    write_archive(env, document, kind, output)
    say(
        _("Evidence digest {digest}; history head {head}.").format(
            digest=document["digest"], head=document["head"]
        )
    )
