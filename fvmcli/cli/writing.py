"""Writing rendered documents to a file or standard output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from fvmcli.cli.env import Env
from fvmcli.cli.output import say
from fvmcli.errors import InputError

SUFFIX = {".html": "html", ".htm": "html", ".md": "md", ".pdf": "pdf", ".csv": "csv"}


def choose_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...]) -> str:
    """Return the output format: --format, else the file's suffix, else the first allowed."""
    kind = fmt or (SUFFIX.get(output.suffix.lower()) if output else None) or allowed[0]
    if kind not in allowed:
        raise InputError(f"--format: {kind!r} is not one of {', '.join(allowed)}")
    if kind == "pdf" and output is None:
        raise InputError("PDF needs a file: add -o FILE.pdf")
    return kind


def write_bytes(data: bytes, output: Path | None) -> None:
    """Write to ``output``, or to standard output when None; say where it went."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from exc
    say(f"Wrote {output}")


def write_document(
    env: Env, template: str, kind: str, context: dict[str, Any], output: Path | None
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


def read_json(path: Path) -> Any:
    """Return a JSON file's content; an unreadable or invalid file is an input error."""
    import json

    from fvmcli.content.csvfile import read_text

    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
