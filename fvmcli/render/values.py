"""Values as people read them: Swedish local time, dates, time spans and percentages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup, escape

from fvmcli.i18n import N_, _, language

# Values of a closed set that people read as words: readiness statuses, the rules behind them,
# and places on a course.
# JSON and CSV keep the value itself.
WORDS = {
    "green": N_("green"),
    "amber": N_("amber"),
    "red": N_("red"),
    "not-started": N_("not started"),
    "enrolled": N_("enrolled"),
    "waitlisted": N_("waitlisted"),
    "attended": N_("attended"),
    "completed": N_("completed"),
    "failed": N_("failed"),
    "no-show": N_("no-show"),
    "cancelled": N_("cancelled"),
    # what became of a unit's reminder
    "sent": N_("sent"),
    "would-send": N_("would be sent"),
    "already-sent": N_("already sent today"),
    "no-recipient": N_("without a recipient"),
    "refused": N_("refused"),
    "not-sent": N_("not sent"),
    # what became of a stored record
    "added": N_("added"),
    "changed": N_("changed"),
    "unchanged": N_("unchanged"),
    # categories of equipment (content/catalog.py CATEGORIES)
    "it": N_("IT"),
    "print": N_("printing"),
    "medtech": N_("medical technology"),
    # question types (core/model.py QUESTION_TYPES) and course formats (COURSE_FORMATS)
    "yes-no": N_("yes/no"),
    "yes-partial-no": N_("yes/partly/no"),
    "percent": N_("percent"),
    "number": N_("number"),
    "date": N_("date"),
    "choice": N_("choice"),
    "text": N_("text"),
    "classroom": N_("classroom"),
    "online": N_("online"),
    "blended": N_("blended"),
    # kinds of change in history
    "answer": N_("answer"),
    "waiver": N_("waiver"),
    "count": N_("count"),
    "requirement": N_("requirement"),
    "unit": N_("unit"),
    "phase": N_("phase"),
    "snapshot": N_("round"),
    "session": N_("session"),
    "enrolment": N_("booking"),
    "person": N_("person"),
    "grant": N_("grant"),
    "trust": N_("trust"),
    "reminder": N_("reminder"),
    # the forecast of a unit (cutover forecast)
    "ready": N_("ready"),
    "blocked": N_("blocked"),
    "held": N_("held back"),
    "on-track": N_("on track"),
    "late": N_("late"),
    "stalled": N_("stalled"),
    "unknown": N_("unknown"),
    # the rules of scoring.md a status comes from (in English, their own ids)
    "blocker": N_("blocker"),
    "score-below-amber": N_("score-below-amber"),
    "score-below-green": N_("score-below-green"),
    "critical-below-full": N_("critical-below-full"),
    "unattested": N_("unattested"),
    "inconsistent": N_("inconsistent"),
    "all-met": N_("all-met"),
    # the gate's verdict, votes and decisions
    "go": N_("go"),
    "no-go": N_("no-go"),
    "abstain": N_("abstain"),
    "conditional": N_("conditional go"),
    # hypercare: a unit's state, the verdict and decision, the history's kind (core/hypercare)
    "pause": N_("pause"),
    "alert": N_("alert"),
    "missing": N_("missing"),
    "ok": N_("ok"),
    "continue": N_("continue"),
    "hypercare": N_("hypercare value"),
    # what became of an answer or a waiver under four eyes (checklist history)
    "attestation": N_("attestation"),
    "approval": N_("approval"),
    "attested": N_("attested"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
}


ANSWER_WORDS = {"yes": N_("yes"), "no": N_("no"), "partial": N_("partial"), "n/a": N_("n/a")}


def answer_word(value: str) -> str:
    """Return a stored answer value as a word of the current language (``yes`` → ``ja``);
    numbers, dates, option ids and texts as they are."""
    return _(ANSWER_WORDS[value]) if value in ANSWER_WORDS else value


def word(value: str) -> str:
    """Return a status or a place on a course as a word in the current language."""
    return _(WORDS[value]) if value in WORDS else value


@cache
def stockholm() -> tzinfo | None:
    """Return the Europe/Stockholm time zone, or None where the system has no time zone data
    (then times are shown in the machine's local time)."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Stockholm")
    except (ImportError, LookupError, OSError, ValueError):
        return None


def local_time(text: str | None) -> str | None:
    """Return an ISO time (``2026-11-27T05:59:39+00:00``) as Swedish local time to the minute
    (``2026-11-27 06:59``); a time without an offset is taken as local already, and text that
    is not a time is returned as it is."""
    if not text:
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{in_local(moment):%Y-%m-%d %H:%M}"


def in_local(moment: datetime) -> datetime:
    """Return a moment in Swedish local time (one without an offset is taken as local)."""
    return moment.astimezone(stockholm()) if moment.tzinfo is not None else moment


def time_span(start: str | datetime, end: str | datetime) -> str:
    """Return a session's time as ``2026-12-12 09:00–10:00``, a session over several days as
    ``2027-01-18–20, 09:00–17:00 each day``; text that is not a time (a damaged
    record) as it is."""
    try:
        first = datetime.fromisoformat(start) if isinstance(start, str) else start
        last = datetime.fromisoformat(end) if isinstance(end, str) else end
    except ValueError:
        return f"{start} – {end}"
    if first.date() == last.date():
        return f"{first:%Y-%m-%d %H:%M}–{last:%H:%M}"
    if last.time() > first.time():  # held each day (core.enrolment.session_days)
        # The last day as short as the first leaves it clear: 2027-01-19–20, 2027-01-31–02-01.
        if (last.year, last.month) == (first.year, first.month):
            shown = f"{last:%d}"
        else:
            shown = f"{last:%m-%d}" if last.year == first.year else f"{last:%Y-%m-%d}"
        return _("{first}–{last}, {start}–{end} each day").format(
            first=f"{first:%Y-%m-%d}",
            last=shown,
            start=f"{first:%H:%M}",
            end=f"{last:%H:%M}",
        )
    return f"{first:%Y-%m-%d %H:%M} – {last:%Y-%m-%d %H:%M}"


def percent_shown(value: float, digits: int = 0) -> str:
    """Return a percentage 0…100 for a terminal, in the current language: ``12.5%`` in English,
    ``12,5 %`` in Swedish (a decimal comma and a no-break space before %)."""
    text = f"{value:.{digits}f}"
    if language() == "sv":
        return text.replace(".", ",") + "\u00a0%"
    return text + "%"


def number_shown(value: float) -> str:
    """Return a number as people read it in the current language, whole and never in
    exponent form, to at most six decimals: ``1,234,567.5`` in English, ``1 234 567,5`` in
    Swedish (a decimal comma, no-break spaces between thousands)."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if language() == "sv":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


def fraction_shown(value: float | None, digits: int = 0) -> str:
    """Return a fraction 0…1 as a percentage of the current language (``56 %``,
    ``5,6 %``); a dash for nothing."""
    return "–" if value is None else percent_shown(value * 100, digits)


def percent_text(value: float | None, digits: int = 0) -> str:
    """Return a percentage 0…100 as the current language writes it (``percent_shown``), or a
    dash for nothing."""
    return "–" if value is None else percent_shown(value, digits)


def waiver_text(waiver: Mapping[str, Any] | None) -> str:
    """Return a waiver as people read it, the one wording everywhere: ``until 2027-01-31:
    Styrgrupp 12/11 (anna)``; empty for no waiver."""
    if not waiver:
        return ""
    if waiver.get("approved_by"):  # four eyes: who asked, and who approved
        return _("until {until}: {reason} ({by}, approved by {approver})").format(
            until=waiver["until"],
            reason=waiver["reason"],
            by=waiver["by"],
            approver=waiver["approved_by"],
        )
    return _("until {until}: {reason} ({by})").format(
        until=waiver["until"], reason=waiver["reason"], by=waiver["by"]
    )


def scope_text(units: list[str], areas: list[str]) -> str:
    """Return where a grant or a trusted key holds: its units and areas, or everywhere."""
    return ", ".join([*units, *(_("area {a}").format(a=a) for a in areas)]) or _("everywhere")


LONG_WORD = 7  # letters from which a heading's word gets places to break (Resul-tat, För-se-na-de)


def hyphenated(text: str) -> str:
    """Return ``text`` with soft hyphens in its long words, by the current language's rules
    (pyphen, which WeasyPrint brings; without it the text as it is), so that a narrow column
    breaks a heading between syllables with a hyphen, in Chromium as in the PDF."""
    try:
        import pyphen  # type: ignore[import-untyped]
    except ImportError:
        return text
    dictionary = pyphen.Pyphen(lang="sv_SE" if language() == "sv" else "en_GB")
    return " ".join(
        dictionary.inserted(w, hyphen="\u00ad") if len(w) >= LONG_WORD and w.isalpha() else w
        for w in text.split(" ")
    )


# Where a long id or role name may break at the end of a line: after its separators.
BREAK_AFTER = ".-_/"


def breakable(text: Any) -> Markup:
    """Return ``text`` escaped for HTML with a ``<wbr>`` after each separator (``.``, ``-``,
    ``_``, ``/``), so that a narrow column breaks ``org.staffing-plan`` after ``org.`` or
    ``staffing-``, never inside a word (in Chromium as in the PDF)."""
    if type(text) is str:  # ids repeat down a region's report: each made once
        return _breakable_text(text)
    return _breakable(text)


@lru_cache(maxsize=65_536)
def _breakable_text(text: str) -> Markup:
    return _breakable(text)


def _breakable(text: Any) -> Markup:
    escaped = str(escape("" if text is None else text))
    for char in BREAK_AFTER:
        escaped = escaped.replace(char, char + "\x00")
    return Markup(escaped.replace("\x00", "<wbr>"))
