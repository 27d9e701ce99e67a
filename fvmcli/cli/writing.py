"""Writing rendered documents to a file or standard output, one suffix table for every writer.

A file is written whole or not at all (``fvmcli.files.atomic_path``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fvmcli.cli.environment import current
from fvmcli.cli.output import say
from fvmcli.errors import InputError
from fvmcli.files import atomic_path
from fvmcli.i18n import _
from fvmcli.services.context import Context

SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".pdf": "pdf",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ics": "ics",
}
REPORT_FORMATS = ("html", "pdf", "xlsx", "csv", "json")


def choose_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...]) -> str:
    """Return the output format: --format, else the file's suffix, else the first allowed."""
    kind = fmt or (SUFFIX.get(output.suffix.lower()) if output else None) or allowed[0]
    if kind not in allowed:
        raise InputError(
            _("--format: {kind!r} is not one of {allowed}").format(
                kind=kind, allowed=", ".join(allowed)
            )
        )
    if kind == "pdf" and output is None:
        raise InputError(_("PDF needs a file: add -o FILE.pdf"))
    return kind


def report_format(output: Path) -> str:
    """Return the report format the file's suffix names; any other suffix is refused."""
    kind = SUFFIX.get(output.suffix.lower())
    if kind not in REPORT_FORMATS:
        raise InputError(
            _("-o {output}: the file must end in .html, .pdf, .xlsx, .csv or .json").format(
                output=output
            )
        )
    return kind


def write_bytes(data: bytes, output: Path | None) -> None:
    """Write to ``output`` (atomically), or to standard output when None; say where it went."""
    if output is None:
        out = current().stdout
        out.buffer.write(data)
        out.flush()
        return
    write_file(output, lambda path: path.write_bytes(data))


def write_file(output: Path, write: Callable[[Path], Any], *, quiet: bool = False) -> None:
    """Let ``write`` fill a temporary file that then replaces ``output``; say where it went,
    unless ``quiet`` (stdout holds a document for a script)."""
    with atomic_path(output) as temporary:
        write(temporary)
    if not quiet:
        say(_("Wrote {output}").format(output=output))


def write_document(
    env: Context, template: str, kind: str, context: dict[str, Any], output: Path | None
) -> None:
    """Render ``template`` as HTML, Markdown or PDF (from the HTML) and write it."""
    from fvmcli.render.templates import html_to_pdf, render

    dirs = env.content.template_dirs()
    if kind == "md":
        write_bytes(render(dirs, f"{template}.md.j2", context).encode("utf-8"), output)
        return
    html = render(dirs, f"{template}.html.j2", context)
    if kind == "pdf":
        write_bytes(html_to_pdf(html), output)
    else:
        write_bytes(html.encode("utf-8"), output)


def write_report(
    env: Context, report: Any, kind: str, output: Path, *, plain: bool = False
) -> None:
    """Write the cutover report in ``kind`` (one of REPORT_FORMATS) to ``output``."""
    import json

    from fvmcli.render import report as render_report

    if kind == "json":
        text = json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
        write_bytes(text.encode("utf-8"), output)
    elif kind == "csv":
        rows = report.status.rows
        write_file(output, lambda path: render_report.write_units_csv(rows, path, plain=plain))
    elif kind == "xlsx":
        from fvmcli.render.report_workbook import workbook

        write_file(output, lambda path: workbook(report, path))
    elif kind == "pdf":
        from fvmcli.render.templates import html_to_pdf

        html = render_report.html(env.content.template_dirs(), report, management=True)
        write_bytes(html_to_pdf(html), output)
    else:
        dirs = env.content.template_dirs()
        write_file(output, lambda path: render_report.write_html(dirs, report, path))


def timeline_format(output: Path) -> str:
    """Return the format of the twelve-month plan the file's suffix names: ``xlsx`` or
    ``ics``; any other suffix is refused."""
    kind = SUFFIX.get(output.suffix.lower())
    if kind not in ("xlsx", "ics"):
        raise InputError(
            _("-o: expected a .xlsx or .ics file, got {name}").format(name=output.name)
        )
    return kind


def write_timeline(env: Context, plan: Any, kind: str, output: Path) -> None:
    """Write the twelve-month plan (``services.chains.Timeline``) to ``output``: ``kind``
    "xlsx", a sheet to print (owners and figures as rows, months as columns), or "ics", each
    open item's deadline as an event with a stable UID."""
    from fvmcli.render.timeline import deadlines_calendar, timeline_workbook

    if kind == "xlsx":
        write_file(output, lambda path: timeline_workbook(plan, path))
    else:
        write_bytes(deadlines_calendar(plan.items, plan.owners, env.clock.moment()), output)


def archive_format(output: Path) -> str:
    """Return the format of a decision's archive the file's suffix names: ``json`` or
    ``pdf``; any other suffix is refused (before anything is read)."""
    kind = SUFFIX.get(output.suffix.lower())
    if kind not in ("json", "pdf"):
        raise InputError(
            _("-o: an archive is written as .json or .pdf, not {suffix!r}").format(
                suffix=output.suffix
            )
        )
    return kind


def write_archive(env: Context, document: dict[str, Any], kind: str, output: Path) -> None:
    """Write a decided proposal's archive (``services.gate_record.archive_of``) to ``output``:
    ``kind`` "json", the canonical JSON whose digest rule the gate's is, or "pdf", the
    decision's report in PDF/A-3b with that JSON attached."""
    from fvmcli.core.gate import canonical

    data = canonical(document)
    if kind == "pdf":
        from fvmcli.core.archive import ATTACHMENT
        from fvmcli.render.gate_archive import archive_html
        from fvmcli.render.templates import html_to_pdf

        html = archive_html(document, env.gate, env.lang, env.content.template_dirs())
        data = html_to_pdf(html, variant="pdf/a-3b", attachments={ATTACHMENT: data})
    write_bytes(data, output)


def write_messages(messages: list[tuple[str, bytes]], folder: Path) -> list[Path]:
    """Write each (unit, message) as ``folder/UNIT.eml``, each whole or not at all; return
    the files written (the caller says how many)."""
    from functools import partial

    written = []
    for unit, message in messages:
        path = folder / f"{unit}.eml"
        write_file(path, partial(Path.write_bytes, data=message), quiet=True)
        written.append(path)
    return written


def write_pack(files: dict[str, bytes], out: Path) -> int:
    """Write a content version's files (path → bytes) into ``out``, a new or empty folder
    (export never writes over files), each whole or not at all; return how many."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(
            _("-o {out}: choose a new or empty folder").format(out=out),
            hint=_("Export never writes over files."),
        )
    from functools import partial

    written = 0
    for key, blob in files.items():
        if ".." in Path(key).parts or Path(key).is_absolute():
            continue  # a stored path that would leave the folder is never written
        write_file(out.joinpath(*key.split("/")), partial(Path.write_bytes, data=blob), quiet=True)
        written += 1
    return written


def say_imported(rows: str, file: Path, outcome: Any) -> None:
    """Print what an import from ``file`` did (or would do); ``rows`` says how many of what
    were read ("3 units")."""
    verb = _("Would import") if outcome.dry_run else _("Imported")
    say(
        _(
            "{verb} {rows} from {file}: {added} added, {changed} changed, {unchanged} unchanged."
        ).format(
            verb=verb,
            rows=rows,
            file=file,
            added=outcome.added,
            changed=outcome.changed,
            unchanged=outcome.unchanged,
        )
    )
