"""The Jinja2 environment: sandboxed (templates may come from users) and autoescaping HTML."""

from __future__ import annotations

import io
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from fvmcli.errors import ContentError, EnvironmentProblem, Problem
from fvmcli.i18n import _, ngettext
from fvmcli.render.values import breakable, fraction_shown, hyphenated, local_time, word


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".md.j2", ".csv.j2", ".txt.j2"))


def md_cell(value: Any) -> str:
    """Return ``value`` safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    for char in "\\|*_`[]<>":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


# Limits on what a (possibly user-supplied) template may do.
MAX_OUTPUT = 200_000_000  # characters of output
MAX_SECONDS = 20.0  # of rendering (FVM_TEMPLATE_SECONDS changes it); a region's report takes a few


class TemplateLimit(Exception):
    """A template went past one of the limits above."""


class OwnCodeFailed(Exception):
    """fvm's own code, called while a template renders (a row's cells made as the template
    reads them), failed: a bug in fvm, not in the template. ``write_rendered`` gives back
    ``error`` itself, which ends as an internal error (exit 70), never as the template's."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


class LimitedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, which also refuses to build huge strings or lists with ``*`` and
    huge numbers with ``**`` (each would exhaust memory before any other limit bites)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and _huge_product(left, right):
            raise TemplateLimit(_("a '*' would build more text than a report may hold"))
        if (
            operator == "**"
            and isinstance(left, int | float)
            and isinstance(right, int | float)
            and abs(left) > 1
            and abs(right) > 64
        ):
            raise TemplateLimit(_("a '**' would give a number too large to print"))
        return super().call_binop(context, operator, left, right)


def _huge_product(left: Any, right: Any) -> bool:
    """Return True when ``left * right`` repeats a text or list past MAX_OUTPUT."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return len(seq) * max(times, 0) > MAX_OUTPUT
    return False


def environment(template_dirs: Sequence[Path]) -> SandboxedEnvironment:
    """Return a sandboxed environment over the template folders (user folders first)."""
    env = LimitedSandbox(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["md"] = md_cell
    env.filters["word"] = word
    env.filters["pct"] = fraction_shown  # a fraction 0…1 as "5,6 %" in Swedish
    env.filters["local"] = local_time  # an ISO time as local 2026-12-07 15:16
    env.filters["hyphenate"] = hyphenated  # soft hyphens in a heading's long words
    env.filters["breakable"] = breakable  # an id that may break after its . and -
    return env


def render(template_dirs: Sequence[Path], name: str, context: dict[str, Any]) -> str:
    """Return the rendered template ``name`` (``write_rendered``'s text, whole)."""
    out = io.StringIO()
    write_rendered(template_dirs, name, context, out.write)
    return out.getvalue()


PARTS_AT_ONCE = 4096  # of the template's output, joined and written together


def write_rendered(
    template_dirs: Sequence[Path],
    name: str,
    context: Mapping[str, Any],
    write: Callable[[str], Any],
) -> None:
    """Render the template ``name`` into ``write`` as it goes, a few thousand parts at a time,
    so that a region's report is never held whole. A missing or broken template, and one that
    fails, recurses without end, runs past the time limit or writes past the output limit,
    is a content error naming it."""
    from jinja2 import TemplateError

    try:
        template = environment(template_dirs).get_template(name)
        with _time_limit(_seconds()):
            parts = template.generate(**context)
            size = 0
            while batch := list(islice(parts, PARTS_AT_ONCE)):
                chunk = "".join(batch)
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise TemplateLimit(
                        _("it writes more than {MAX_OUTPUT} characters").format(
                            MAX_OUTPUT=MAX_OUTPUT
                        )
                    )
                write(chunk)
    except OwnCodeFailed as exc:
        raise exc.error from None  # not the template's fault: its traceback is fvm's own
    except TemplateNotFound as exc:
        raise ContentError(f"templates/{name}", [Problem("file", _("not found"))]) from exc
    except TemplateError as exc:
        where = _("line {getattr}").format(getattr=getattr(exc, "lineno", "?"))
        raise ContentError(f"templates/{name}", [Problem(where, str(exc))]) from exc
    except TemplateLimit as exc:
        raise ContentError(
            f"templates/{name}", [Problem("limit", str(exc))], hint=_("Simplify the template.")
        ) from exc
    except RecursionError as exc:
        raise ContentError(
            f"templates/{name}", [Problem("include", _("includes or calls itself without end"))]
        ) from exc
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise ContentError(
            f"templates/{name}", [Problem("render", f"{type(exc).__name__}: {exc}")]
        ) from exc


def _seconds() -> float:
    try:
        return float(os.environ.get("FVM_TEMPLATE_SECONDS", MAX_SECONDS))
    except ValueError:
        return MAX_SECONDS


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise TemplateLimit in the main thread after ``seconds`` (where signals exist)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds > 0:
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise TemplateLimit(_("it took longer than {seconds:g} seconds").format(seconds=seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Reports, printed checklists, rosters and count sheets are filed and published: tagged, with
# a structure tree a screen reader follows (docs/decisions.md, #45).
PDF_UA = "pdf/ua-1"


def html_to_pdf(
    html: str,
    base: Path | None = None,
    *,
    variant: str | None = PDF_UA,
    attachments: Mapping[str, bytes] | None = None,
) -> bytes:
    """Return the PDF of an HTML document (WeasyPrint, the ``pdf`` extra) in one of
    WeasyPrint's PDF variants: tagged PDF/UA-1 unless told otherwise (a decision's archive is
    ``pdf/a-3b``; None is WeasyPrint's plain, untagged PDF), with files attached by name.
    The document's language, title (its ``<title>``) and bookmarks (its headings) come from
    the HTML."""
    try:
        from weasyprint import HTML, Attachment
    except ImportError as exc:  # also OSError-free: weasyprint raises ImportError without pango
        raise EnvironmentProblem(
            _("PDF output needs WeasyPrint, which is not installed."),
            hint=_("Install it with the command below, or write HTML and print it from a browser:"),
            command="python -m pip install 'fvmcli[pdf]'",
        ) from exc
    options: dict[str, Any] = {}
    if variant is not None:
        options["pdf_variant"] = variant
    if attachments:
        options["attachments"] = [
            Attachment(string=data, name=name, relationship="Data")
            for name, data in attachments.items()
        ]
    document = HTML(string=html, base_url=str(base) if base else None)
    return bytes(document.write_pdf(**options))
