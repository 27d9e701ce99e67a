"""``fvm person``: participants, with only the personal data the work needs."""

from __future__ import annotations

from pathlib import Path

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import BY, DRY_RUN, ENCODING, output_options
from fvmcli.cli.output import Listing, Output, importing, say
from fvmcli.i18n import _, ngettext
from fvmcli.render.columns import Column

app = typer.Typer(help=GROUPS["person"][1], no_args_is_help=True)

PEOPLE = (
    Column("id", "id"),
    Column("name", "name", empty="(erased)"),
    Column("role", "role"),
    Column("unit", "unit"),
    Column("email", "email"),
)


@app.command("add")
def add(
    ctx: typer.Context,
    person_id: str = typer.Argument(..., metavar="ID", help="Stable id, e.g. an employee id."),
    name: str = typer.Option(..., "--name", help="Name as shown on rosters."),
    role: str = typer.Option(..., "--role", help="Role from courses/roles.toml, e.g. nurse."),
    unit: str = typer.Option(..., "--unit", help="The unit the person works in."),
    email: str | None = typer.Option(None, "--email", help="Email (optional)."),
    by: str | None = BY,
) -> None:
    """Register a person in a unit with a role.

    Example: fvm person add p1001 --name "Åsa Öberg" --role lab-tech --unit ward-7
    """
    from fvmcli.core.model import Person
    from fvmcli.services.training import add_person

    person = Person(person_id, name.strip(), role, unit, (email or "").strip() or None)
    add_person(get_env(ctx, creates=True), person, by=by)
    say(
        _("Added {person_id} ({role}) to {unit}.").format(person_id=person_id, role=role, unit=unit)
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV: id, name, role, unit[, email]."),
    dry_run: bool = DRY_RUN,
    by: str | None = BY,
    encoding: str | None = ENCODING,
) -> None:
    """Add or update people from CSV. Nothing is stored if any row is bad.

    Example: fvm person import personal.csv --dry-run
    """
    from fvmcli.cli.writing import say_imported
    from fvmcli.services.training import import_people

    with importing(file):
        outcome = import_people(
            get_env(ctx, creates=True), file, dry_run=dry_run, by=by, encoding=encoding
        )
    counted = ngettext("{rows} person", "{rows} people", outcome.rows)
    say_imported(counted.format(rows=outcome.rows), file, outcome)


@app.command("list")
@output_options(csv=True)
def list_(
    ctx: typer.Context,
    out: Output,
    unit: str | None = typer.Option(None, "--unit", help="Only this unit."),
    role: str | None = typer.Option(None, "--role", help="Only this role."),
) -> None:
    """List people; a forgotten person shows with no name or email.

    Example: fvm person list --unit ward-7 --json
    """
    from fvmcli.render.columns import with_names
    from fvmcli.services.training import list_people

    env = get_env(ctx)
    found = list_people(env, unit=unit, role=role)
    roles = {r.id: r.name.get(env.lang) for r in env.curriculum.roles.values()}
    columns = with_names(PEOPLE, {"role": roles})  # the JSON and CSV keep the ids
    out.emit(Listing(columns, found, title=_("{count} people").format(count=len(found))))


@app.command("forget")
def forget(
    ctx: typer.Context,
    person_id: str = typer.Argument(..., metavar="ID"),
    delete_backups: bool = typer.Option(
        False, "--delete-backups", help="Also delete the pre-upgrade backup copies (they hold it)."
    ),
    purge: bool = typer.Option(
        False, "--purge", help="PostgreSQL: rewrite the tables so no old row versions remain."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Erase without asking (for scripts)."),
    by: str | None = BY,
) -> None:
    """Erase a person's name, email and free text everywhere, history included. It cannot be
    undone, so fvm asks first (--yes: it does not).

    The person stays as an anonymous record of the same role and unit, so counts and coverage
    stay correct. Exports and printouts made earlier are outside fvm's reach.

    Example: fvm person forget p1001 --purge
    """
    from fvmcli.cli.prompts import confirm
    from fvmcli.cli.views.training import named_id
    from fvmcli.services.training import forget_person

    def asked(name: str | None) -> bool:
        who = named_id(person_id, name)
        return confirm(
            _(
                "Erase {who} for good (name, e-mail, free text; bookings to come are cancelled)?"
            ).format(who=who),
            batch=_("fvm person forget {person_id} --yes").format(person_id=person_id),
        )

    done = forget_person(
        get_env(ctx),
        person_id,
        delete_backups=delete_backups,
        purge=purge,
        by=by,
        confirm=None if yes else asked,
    )
    if done.cancelled:
        say(_("Nothing was erased."))
        return
    say(
        _(
            "Erased the personal data of {person_id}; role, unit and training records remain."
        ).format(person_id=person_id)
    )
    for session_id in done.bookings_cancelled:
        say(_("Cancelled the booking on {session_id}.").format(session_id=session_id))
    for session_id, moved in done.promoted:
        say(
            _("Promoted {person} from the waitlist of {session_id}.").format(
                person=moved, session_id=session_id
            )
        )
    for backup in done.backups_deleted:
        say(_("Deleted the backup copy {backup}.").format(backup=backup))
    if done.purged:
        say(_("Rewrote the people, enrolment and history tables: no old row versions remain."))


@app.command("history")
@output_options(csv=True)
def history(
    ctx: typer.Context, out: Output, person_id: str = typer.Argument(..., metavar="ID")
) -> None:
    """Show a person's training history: every booking, attendance and result, oldest first.

    Example: fvm person history p1001
    """
    from fvmcli.cli.views.training import training_history_view
    from fvmcli.services.training import training_history

    rows = training_history(get_env(ctx), person_id=person_id)
    title = _("Training history of {person_id}").format(person_id=person_id)
    out.emit(training_history_view(rows, title, without="person"))
