"""People: who works where in which role, imported, listed and forgotten for real."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fvmcli.core.model import Person
from fvmcli.errors import ConflictError, EnvironmentProblem, InputError, UnknownIdError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import ImportOutcome, require_right

if TYPE_CHECKING:
    from fvmcli.store.driver import Connection


def add_person(ctx: Context, person: Person, *, by: str | None = None) -> Person:
    """Register a new person in a unit with a role; an existing id is a conflict."""
    from fvmcli.content.people_csv import person_problems
    from fvmcli.store.reads import unit_ids_in_order
    from fvmcli.store.training import get_person, upsert_people
    from fvmcli.store.units import existing_unit_ids

    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        units = existing_unit_ids(conn, {person.unit})
        known = [] if units else list(unit_ids_in_order(conn))  # to suggest what was meant
        problems = person_problems(person, ctx.curriculum.roles, units, known)
        if problems:
            raise InputError("; ".join(f"--{f}: {m}" for f, m in problems))
        if get_person(conn, person.id) is not None:
            raise ConflictError(
                _("person {id!r} already exists").format(id=person.id),
                hint=_("Use 'fvm person import' to update people from a file."),
            )
        upsert_people(conn, [person], by=ctx.actor(by), at=ctx.clock.now())
    return person


def save_people(ctx: Context, people: list[Person], *, by: str | None = None) -> ImportOutcome:
    """Add or update many people in one transaction after the checks every way in shares;
    any bad record stores nothing."""
    from fvmcli.content.people_csv import person_problems
    from fvmcli.errors import Problem, ProblemsError
    from fvmcli.store.training import upsert_people
    from fvmcli.store.units import existing_unit_ids

    with ctx.open().write() as conn:
        require_right(ctx, conn, "train")
        units = existing_unit_ids(conn, {p.unit for p in people})
        problems = [
            Problem(f"people[{index}].{f}", m)
            for index, person in enumerate(people)
            for f, m in person_problems(person, ctx.curriculum.roles, units)
        ]
        if problems:
            raise ProblemsError("people", problems, hint=_("Nothing was stored."))
        result = upsert_people(conn, people, by=ctx.actor(by), at=ctx.clock.now())
    return ImportOutcome(
        len(people), len(result.added), len(result.changed), len(result.unchanged), False
    )


def import_people(
    ctx: Context,
    file: Path,
    *,
    dry_run: bool = False,
    by: str | None = None,
    encoding: str | None = None,
) -> ImportOutcome:
    """Add or update people from CSV; nothing is stored when any row is bad.
    Files are read in ``encoding`` (None: UTF-8, else Windows-1252)."""
    from fvmcli.content.csvfile import read_csv, reading
    from fvmcli.content.people_csv import OPTIONAL, REQUIRED, parse_people
    from fvmcli.store.reads import unit_ids_in_order
    from fvmcli.store.training import upsert_people
    from fvmcli.store.units import existing_unit_ids

    with reading(encoding):
        rows = read_csv(file, REQUIRED, OPTIONAL)
        named = {r.get("unit") or "" for r in rows}
        with ctx.open().write(dry_run=dry_run) as conn:
            require_right(ctx, conn, "train")
            existing = existing_unit_ids(conn, named)
            # Every unit id only when one is missing: what was meant is suggested.
            known = list(unit_ids_in_order(conn)) if named - existing else []
            people = parse_people(file, ctx.curriculum.roles, existing, rows, known)
            result = upsert_people(conn, people, by=ctx.actor(by), at=ctx.clock.now())
        return ImportOutcome(
            len(people), len(result.added), len(result.changed), len(result.unchanged), dry_run
        )


def list_people(ctx: Context, unit: str | None = None, role: str | None = None) -> list[Person]:
    """Return people ordered by id; a forgotten person has no name or email."""
    from fvmcli.store.training import list_people as stored_people

    with ctx.open().read() as conn:
        return stored_people(conn, unit=unit, role=role)


@dataclass(frozen=True)
class Forgotten:
    """What erasing a person reached: the database, and the backup copies deleted."""

    person: str
    backups_deleted: list[Path]
    purged: bool
    cancelled: bool = False  # the person asked said no: nothing was erased
    # sessions not yet begun whose booking the erasure cancelled, and who moved up there
    bookings_cancelled: list[str] = field(default_factory=list)
    promoted: list[tuple[str, str]] = field(default_factory=list)


def forget_person(
    ctx: Context,
    person_id: str,
    *,
    delete_backups: bool = False,
    purge: bool = False,
    by: str | None = None,
    confirm: Callable[[str | None], bool] | None = None,
) -> Forgotten:
    """Erase a person's name, email and free text everywhere, history included, and leave no
    copy in the database's files: SQLite zeroes what it deletes, and ``purge`` rewrites the
    tables on PostgreSQL. Pre-upgrade backup copies still hold the person, so erasure is
    refused while any exists, unless ``delete_backups`` deletes them. ``confirm`` is asked
    once the erasure is known to be allowed (the right, the person), before anything goes,
    with the person's name (None: erased already). The person's places in sessions that have
    not begun are cancelled (an erased person comes to no session), and the waitlist there
    moves up."""
    from fvmcli.store.training import forget_person as erase
    from fvmcli.store.training import get_person

    backups = ctx.open().backups()
    if backups and not delete_backups:
        raise ConflictError(
            _("backup copies made before schema upgrades still hold {person_id}'s data: ").format(
                person_id=person_id
            )
            + ", ".join(str(b) for b in backups),
            hint=_(
                "Remove them, or run again with --delete-backups to delete them as "
                "part of the erasure. Nothing was erased."
            ),
        )
    if purge and ctx.open().backend != "postgresql":
        raise InputError(_("--purge is for PostgreSQL; a SQLite file is scrubbed anyway"))
    from fvmcli.store.access import forget_in_database

    actor = ctx.actor(by)
    if confirm is not None:
        with ctx.open().read() as conn:
            require_right(ctx, conn, "erase")
            found = get_person(conn, person_id)
            if found is None:
                raise UnknownIdError(_("no person {person_id!r}").format(person_id=person_id))
        if not confirm(found.name):
            return Forgotten(person_id, [], False, cancelled=True)
    with ctx.open().write() as conn:
        require_right(ctx, conn, "erase")
        person = get_person(conn, person_id)
        if person is None:
            raise UnknownIdError(_("no person {person_id!r}").format(person_id=person_id))
        dropped, promoted = _cancel_future(ctx, conn, person, by=actor)
        if ctx.enforced:
            forget_in_database(conn, person_id, at=ctx.clock.now(), by=actor)
        else:
            erase(conn, person_id, by=actor, at=ctx.clock.now())
    deleted = []
    for backup in backups:
        for part in (backup, *(backup.with_name(backup.name + s) for s in ("-wal", "-shm"))):
            try:
                part.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise EnvironmentProblem(
                    _(
                        "{person_id} is erased from the database, but {part} could not be "
                        "deleted: {strerror}"
                    ).format(person_id=person_id, part=part, strerror=exc.strerror),
                    hint=_("Delete it by hand: it still holds the person's data."),
                ) from exc
        deleted.append(backup)
    if ctx.open().backend == "sqlite" or purge:
        ctx.open().scrub(["people", "enrolments", "history"])
    return Forgotten(person_id, deleted, purge, bookings_cancelled=dropped, promoted=promoted)


def _cancel_future(
    ctx: Context, conn: Connection, person: Person, *, by: str
) -> tuple[list[str], list[tuple[str, str]]]:
    """Cancel a person's seats and waitlist places in sessions that have not begun; return
    those sessions, and who moved up from their waitlists (session, person)."""
    from fvmcli.core.enrolment import WAITLISTED
    from fvmcli.services.training.seats import promote
    from fvmcli.store.training import bookings_of, get_session, set_enrolment

    now, at = ctx.clock.moment(), ctx.clock.now()
    dropped, promoted = [], []
    for booking in bookings_of(conn, [person.id]).get(person.id, []):
        if booking.status not in ("enrolled", WAITLISTED) or booking.session.start <= now:
            continue
        session = get_session(conn, booking.session.id, lock=True)
        if session is None:  # gone since it was read
            continue
        set_enrolment(
            conn, session["id"], person, "cancelled", by=by, at=at, known=(booking.status,)
        )
        dropped.append(session["id"])
        promoted += [(session["id"], p) for p in promote(conn, session, by=by, at=at)]
    return sorted(dropped), promoted


def require_person(conn: Connection, person_id: str) -> Person:
    """Return the stored person; UnknownIdError, naming the one meant, when there is none."""
    from fvmcli.core.suggest import closest
    from fvmcli.store.training import get_person, list_people

    found = get_person(conn, person_id)
    if found is None:
        meant = closest(person_id, [p.id for p in list_people(conn)])
        raise UnknownIdError(
            _("no person {person_id!r}").format(person_id=person_id),
            hint=_("Did you mean {id}? See 'fvm person list'.").format(id=meant)
            if meant
            else _("See 'fvm person list'."),
        )
    return found
