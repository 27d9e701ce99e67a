"""``fvm content``: the content in force on the database, its versions, publishing a pack and
what a change would change."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from fvmcli.cli.env import get_env
from fvmcli.cli.groups import GROUPS
from fvmcli.cli.options import AS_OF, output_options
from fvmcli.cli.output import Output, Shown, command_line, say
from fvmcli.i18n import _

if TYPE_CHECKING:
    from fvmcli.services.content_effects import ContentDiff

app = typer.Typer(help=GROUPS["content"][1], no_args_is_help=True)

VERSION = typer.Option(
    None, "--version", metavar="N", help="A version (default: the one in force)."
)


@app.command("publish")
def publish(
    ctx: typer.Context,
    folder: Path | None = typer.Argument(
        None,
        metavar="DIR",
        help="The pack to publish (default: --content / FVM_CONTENT, else the bundled pack).",
    ),
    message: str | None = typer.Option(None, "--message", "-m", help="Why it changed."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check it and show what would change; store nothing."
    ),
) -> None:
    """Publish a pack as the next content version: every command on the database uses it
    from then on. A pack that does not validate is refused whole; identical content stores
    nothing.

    Example: fvm content publish ./lab-pack --message "Weights after the steering group"
    """
    from fvmcli.services.content import publish as publish_pack

    found = publish_pack(get_env(ctx), folder, message=message, dry_run=dry_run)
    if found.identical:
        say(
            _(
                "The content is identical to the version in force ({digest}); nothing was stored."
            ).format(digest=found.digest[:12])
        )
        return
    if found.diff is not None:
        _print_diff(found.diff)
    if found.version is None:
        say(_("Dry run: nothing was published."))
    else:
        say(
            _("Published content version {version} ({digest}).").format(
                version=found.version, digest=found.digest[:12]
            )
        )


@app.command("show")
@output_options()
def show(ctx: typer.Context, out: Output, version: int | None = VERSION) -> None:
    """Show a content version: its digest, pack, who published it and its files.

    Example: fvm content show --json
    """
    from fvmcli.services.content import show as show_version

    found = show_version(get_env(ctx), version)

    def printer() -> None:
        say(
            _("Content version {version} of pack {pack} ({digest}), by {by} at {at}.").format(
                version=found["version"],
                pack=found["pack"],
                digest=found["digest"],
                by=found["by"],
                at=found["at"],
            )
        )
        if found["message"]:
            say(found["message"])
        for path in found["files"]:
            say(f"  {path}")

    out.emit(Shown(lambda: found, printer))


@app.command("history")
@output_options()
def history(ctx: typer.Context, out: Output) -> None:
    """List the content versions, oldest first; the last is in force.

    Example: fvm content history
    """
    from fvmcli.services.content import history as content_history

    found = content_history(get_env(ctx))

    def printer() -> None:
        for v in found:
            line = f"{v['version']:>4}  {v['digest'][:12]}  {v['pack']}  {v['by']}  {v['at']}"
            say(line + (f"  {v['message']}" if v["message"] else ""))

    out.emit(Shown(lambda: found, printer))


@app.command("diff")
@output_options()
def diff(
    ctx: typer.Context,
    out: Output,
    folder: Path | None = typer.Argument(
        None, metavar="DIR", help="A pack not published yet, compared with the version in force."
    ),
    source: int | None = typer.Option(
        None, "--from", metavar="N", help="The version to compare from (default: in force)."
    ),
    target: int | None = typer.Option(
        None, "--to", metavar="N", help="The version to compare with (instead of DIR)."
    ),
    as_of: str | None = AS_OF,
) -> None:
    """Say what changes from one content version to another, or to a pack not published yet:
    each question, checklist, criterion, course, role and item, then the units whose status
    and the gate criteria whose verdict would change.

    Examples: fvm content diff ./lab-pack
    fvm content diff --from 1 --to 2 --json
    """
    from fvmcli.errors import InputError
    from fvmcli.services.content_effects import diff as content_diff

    if folder is not None and target is not None:
        raise InputError(_("--to and DIR: choose one"))
    found = content_diff(get_env(ctx), source=source, target=target, folder=folder, as_of=as_of)
    out.emit(Shown(found.as_json, lambda: _print_diff(found)))


def _print_diff(found: ContentDiff) -> None:
    from fvmcli.render.values import word

    source = _("version {n}").format(n=found.source[0])
    target = (
        _("version {n}").format(n=found.target[0])
        if found.target[0] is not None
        else _("the local pack ({digest})").format(digest=found.target[1][:12])
    )
    say(_("From {source} to {target}:").format(source=source, target=target))
    if not found.changes:
        say(_("  no item changed"))
    words = {"added": _("added"), "removed": _("removed"), "revised": _("revised")}
    for change in found.changes:
        fields = f" ({', '.join(change.fields)})" if change.fields else ""
        say(f"  {change.file}: {change.what} {change.id} {words[change.change]}{fields}")
    if found.units:
        say(_("Units whose status changes:"))
        for unit in found.units:
            say(f"  {unit.unit}: {word(unit.status)} → {word(unit.status_to)}")
    elif not found.notes:
        say(_("No unit's status changes."))
    for note in found.notes:
        say(_("Not scored: {why}").format(why=note))
    for criterion in found.criteria:
        say(
            _("Gate, phase {phase}: criterion {id} {before} → {after}").format(
                phase=criterion["phase"],
                id=criterion["id"],
                before=_met(criterion["met"]),
                after=_met(criterion["met_to"]),
            )
        )


def _met(value: Any) -> str:
    if value is None:
        return "-"
    return _("met") if value else _("not met")


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "-o", "--output", metavar="DIR", help="A new or empty folder."),
    version: int | None = VERSION,
) -> None:
    """Write a content version's files into a folder, to change them and publish again.

    Example: fvm content export -o ./pack
    """
    from fvmcli.cli.writing import write_pack
    from fvmcli.services.content import version_files

    number, files = version_files(get_env(ctx), version)
    count = write_pack(files, out)
    say(
        _("Content version {version}: {count} files written to {out}.").format(
            version=number, count=count, out=out
        )
    )
    command_line(f"fvm content diff {out}")
