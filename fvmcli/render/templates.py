"""The Jinja2 environment: sandboxed (templates may come from users) and autoescaping HTML."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from fvmcli.errors import ContentError, EnvironmentProblem, Problem


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".md.j2", ".csv.j2", ".txt.j2"))


def md_cell(value: Any) -> str:
    """Return ``value`` safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    for char in "\\|*_`[]<>":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def environment(template_dirs: Sequence[Path]) -> SandboxedEnvironment:
    """Return a sandboxed environment over the template folders (user folders first)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_cell
    return env


def render(template_dirs: Sequence[Path], name: str, context: dict[str, Any]) -> str:
    """Return the rendered template ``name``; a missing or broken template is a content error."""
    from jinja2 import TemplateError

    try:
        return environment(template_dirs).get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise ContentError(f"templates/{name}", [Problem("file", "not found")]) from exc
    except TemplateError as exc:
        where = f"line {getattr(exc, 'lineno', '?')}"
        raise ContentError(f"templates/{name}", [Problem(where, str(exc))]) from exc


def html_to_pdf(html: str, base: Path | None = None) -> bytes:
    """Return the PDF of an HTML document (WeasyPrint, the ``pdf`` extra)."""
    try:
        from weasyprint import HTML
    except ImportError as exc:  # also OSError-free: weasyprint raises ImportError without pango
        raise EnvironmentProblem(
            "PDF output needs WeasyPrint, which is not installed.",
            hint="Install it with: python -m pip install 'fvmcli[pdf]' (or write HTML and print "
            "it from a browser).",
        ) from exc
    return bytes(HTML(string=html, base_url=str(base) if base else None).write_pdf())
