"""``fvm person``: participants, with only the personal data the work needs."""

from __future__ import annotations

from pathlib import Path

import typer

from fvmcli.cli.env import get_env, resolve_user
from fvmcli.cli.output import emit_json, emit_table, progress, say
from fvmcli.errors import ConflictError, InputError, UnknownIdError

app = typer.Typer(help="People in training: add, import, list, forget.", no_args_is_help=True)
BY = typer.Option(None, "--by", metavar="NAME", help="Who makes the change (env FVM_USER).")


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

    Example: fvm person add p1001 --name "Åsa Öberg" --role nurse --unit sas-boras-med
    """
    from fvmcli.clock import now_iso
    from fvmcli.content.people_csv import person_problems
    from fvmcli.core.model import Person
    from fvmcli.store.training import get_person, upsert_people
    from fvmcli.store.units import existing_unit_ids

    env = get_env(ctx)
    person = Person(person_id, name.strip(), role, unit, (email or "").strip() or None)
    with env.db.write() as conn:
        units = existing_unit_ids(conn, {unit})
        problems = person_problems(person, env.curriculum.roles, units)
        if problems:
            raise InputError("; ".join(f"--{f}: {m}" for f, m in problems))
        if get_person(conn, person_id) is not None:
            raise ConflictError(
                f"person {person_id!r} already exists",
                hint="Use 'fvm person import' to update people from a file.",
            )
        upsert_people(conn, [person], by=resolve_user(by), at=now_iso())
    say(f"Added {person_id} ({role}) to {unit}.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV: id, name, role, unit[, email]."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file; store nothing."),
    by: str | None = BY,
) -> None:
    """Add or update people from CSV. Nothing is stored if any row is bad.

    Example: fvm person import personal.csv --dry-run
    """
    from fvmcli.clock import now_iso
    from fvmcli.content.csvfile import read_csv
    from fvmcli.content.people_csv import OPTIONAL, REQUIRED, parse_people
    from fvmcli.store.training import upsert_people
    from fvmcli.store.units import existing_unit_ids

    env = get_env(ctx)
    named = {r.get("unit") or "" for r in read_csv(file, REQUIRED, OPTIONAL)}
    with progress(f"Importing {file.name}"), env.db.write(dry_run=dry_run) as conn:
        people = parse_people(file, env.curriculum.roles, existing_unit_ids(conn, named))
        result = upsert_people(conn, people, by=resolve_user(by), at=now_iso())
    verb = "Would import" if dry_run else "Imported"
    say(
        f"{verb} {len(people)} people from {file}: {len(result.added)} added, "
        f"{len(result.changed)} changed, {len(result.unchanged)} unchanged."
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    unit: str | None = typer.Option(None, "--unit", help="Only this unit."),
    role: str | None = typer.Option(None, "--role", help="Only this role."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List people; a forgotten person shows with no name or email.

    Example: fvm person list --unit sas-boras-med --json
    """
    from fvmcli.store.training import list_people

    env = get_env(ctx)
    with env.db.read() as conn:
        people = list_people(conn, unit=unit, role=role)
    rows = [
        {"id": p.id, "name": p.name, "role": p.role, "unit": p.unit, "email": p.email}
        for p in people
    ]
    if as_json:
        emit_json(rows)
        return
    emit_table(
        ["id", "name", "role", "unit", "email"],
        [[r["id"], r["name"] or "(erased)", r["role"], r["unit"], r["email"]] for r in rows],
        title=f"{len(rows)} people",
    )


@app.command("forget")
def forget(
    ctx: typer.Context,
    person_id: str = typer.Argument(..., metavar="ID"),
    by: str | None = BY,
) -> None:
    """Erase a person's name, email and free text everywhere, history included.

    The person stays as an anonymous record of the same role and unit, so counts and coverage
    stay correct.

    Example: fvm person forget p1001
    """
    from fvmcli.clock import now_iso
    from fvmcli.store.training import forget_person, get_person

    env = get_env(ctx)
    with env.db.write() as conn:
        if get_person(conn, person_id) is None:
            raise UnknownIdError(f"no person {person_id!r}")
        forget_person(conn, person_id, by=resolve_user(by), at=now_iso())
    say(f"Erased the personal data of {person_id}; role, unit and training records remain.")
