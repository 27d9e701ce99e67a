"""The questionary prompts for ``fvm checklist answer``, built from question data."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from fvmcli.cli.environment import current
from fvmcli.cli.output import printable, stdout
from fvmcli.core.model import NA
from fvmcli.errors import InputError
from fvmcli.i18n import N_, _, words_in
from fvmcli.services.answering import ANSWER, BACK, SKIP, Asker, Reply, Step

WORDS = {
    "yes": N_("Yes"),
    "no": N_("No"),
    "partial": N_("Partly"),
    NA: N_("Not applicable"),
    "skip": N_("Skip →"),
    "back": N_("← Back"),
    "question": N_("Question"),
    "of": N_("of"),
    "due": N_("Due"),
    "left": N_("days left"),
    "late": N_("days overdue"),
    "no_due": N_("no date (go-live not set)"),
    "current": N_("Current answer"),
    "waiting": N_("Waits for"),
    "comment": N_("Comment (optional, Enter keeps it)"),
    "evidence": N_("Evidence – a link or a note (required)"),
    "typed": N_("Enter: skip · <: back"),
    "answer": N_("Answer"),
    "resumed": N_("Where you stopped last time (--from-start: the first unanswered question)"),
    "critical": N_("Critical"),
    "attest": N_("The answer needs a colleague's attestation (four eyes)."),
    "percent": N_("Answer in %"),
}
_SKIP, _BACK = "\x00skip", "\x00back"


class QuestionaryAsker:
    """Asks in the terminal with questionary; Ctrl-C raises KeyboardInterrupt."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.words = words_in(WORDS, lang)

    def _header(self, step: Step) -> None:
        w, q = self.words, step.question
        text = Text(
            f"\n{w['question']} {step.position} {w['of']} {step.total} · {step.section_title}\n",
            style="bold cyan",
        )
        if step.resumed:
            text = Text(f"\n{w['resumed']}", style="dim") + text
        text += Text(q.text.get(self.lang), style="bold")
        if q.critical:
            text += Text(f" · {w['critical']}", style="bold red")
        text += Text("\n")
        if q.attest:
            text += Text(f"{w['attest']}\n", style="yellow")
        if q.help:
            text += Text(q.help.get(self.lang) + "\n", style="dim")
        if step.due is None:
            text += Text(f"{w['due']}: {w['no_due']}")
        else:
            days = step.days_left or 0
            note = f"{days} {w['left']}" if days >= 0 else f"{-days} {w['late']}"
            text += Text(
                f"{w['due']}: {step.due.isoformat()} ({note})", style="red" if days < 0 else ""
            )
        if step.waiting_for:
            waits = printable(", ".join(step.waiting_for))
            text += Text(f"\n{w['waiting']}: {waits}", style="yellow")
        if step.previous is not None:
            current = printable(self._label(q, step.previous.value))
            text += Text(f"\n{w['current']}: {current}")
            if step.previous.comment:
                text += Text(f" – {printable(step.previous.comment)}", style="dim")
        console = stdout()
        console.print(text, soft_wrap=not console.is_terminal)

    def _label(self, question: Any, value: str) -> str:
        option = question.option(value) if question.type == "choice" else None
        if option is not None:
            return str(option.label.get(self.lang))
        if question.type == "percent" and value != NA:
            from fvmcli.render.values import percent_shown

            try:
                share = float(value)
            except ValueError:
                return value
            return percent_shown(share, 0 if share.is_integer() else 1)  # 87,5 %, 90 %
        return self.words.get(value, value)

    def _choices(self, step: Step) -> list[Any]:
        import questionary

        q = step.question
        if q.type == "choice":
            values = [(o.id, o.label.get(self.lang)) for o in q.options]
        else:
            ids = ["yes", "partial", "no"] if q.type == "yes-partial-no" else ["yes", "no"]
            values = [(v, self.words[v]) for v in ids]
        if q.allow_na:
            values.append((NA, self.words[NA]))
        return [questionary.Choice(label, value=v) for v, label in values] + [
            questionary.Separator(),
            questionary.Choice(self.words["skip"], value=_SKIP),
            questionary.Choice(self.words["back"], value=_BACK),
        ]

    def ask(self, step: Step) -> Reply:
        import questionary

        from fvmcli.core.answers import parse_answer

        self._header(step)
        q, w = step.question, self.words
        previous = step.previous.value if step.previous else None
        if q.type in ("yes-no", "yes-partial-no", "choice"):
            choices = self._choices(step)
            # Enter never gives an answer the person did not choose: the cursor starts on the
            # current answer (not one given before the question changed meaning), else on
            # "skip".
            current = (
                previous
                if step.previous is not None and not q.stale(step.previous.version)
                else _SKIP
            )
            default = next(c for c in choices if getattr(c, "value", None) in (current, _SKIP))
            raw = questionary.select(
                w["answer"],
                choices=choices,
                default=default,
                instruction=_("(Use arrow keys)"),
            ).unsafe_ask()
        else:
            # A refused answer is said on lines of their own, broken between words at the
            # terminal's width (questionary's one-line toolbar cut it off), and asked again
            # with what was typed.
            typed = previous or ""
            label = w["percent"] if q.type == "percent" else w["answer"]
            while True:
                raw = (
                    questionary.text(f"{label} ({w['typed']})", default=typed).unsafe_ask().strip()
                )
                if raw in ("", "<"):
                    break
                try:
                    parse_answer(q, raw)
                except ValueError as exc:
                    self.error(str(exc))
                    typed = raw
                    continue
                break
            raw = {"": _SKIP, "<": _BACK}.get(raw, raw)
        if raw == _SKIP:
            return Reply(SKIP)
        if raw == _BACK:
            return Reply(BACK)
        return Reply(ANSWER, raw)

    def comment(self, step: Step, *, required: bool) -> str | None:
        import questionary

        old = (step.previous.comment if step.previous else None) or ""
        if required:
            needed = _("This answer needs its evidence: a link, or where it is kept.")
            text = questionary.text(
                self.words["evidence"],
                default=old,
                validate=lambda t: True if t.strip() else needed,  # said, not "Invalid input"
            ).unsafe_ask()
        else:
            text = questionary.text(self.words["comment"], default=old).unsafe_ask()
        return str(text).strip() or None

    def error(self, message: str) -> None:
        console = stdout()
        console.print(Text(message, style="red"), soft_wrap=not console.is_terminal)


YES_WORDS = ("j", "ja", "y", "yes")


def confirm(question: str, *, batch: str) -> bool:
    """Ask ``question`` on the terminal and return True for ja/yes (the default is no);
    without a terminal, refuse and name ``batch``, the command that does not ask."""
    env = current()
    if not env.interactive:
        raise InputError(
            _(
                "{question} fvm asks before it does this, and there is no terminal to ask on."
            ).format(question=question),
            hint=_("To do it without being asked: {batch}").format(batch=batch),
        )
    choices = _("y/N")
    stdout().print(Text(f"{question} [{choices}] "), end="")
    try:
        reply = env.stdin.readline()
    except (EOFError, UnicodeDecodeError):
        return False
    return reply.strip().lower() in YES_WORDS


def make_asker(lang: str) -> Asker:
    """Return the terminal asker; without a terminal, refuse and name the batch commands."""
    if not current().interactive:
        raise InputError(
            _("fvm checklist answer asks questions and needs a terminal."),
            hint=_(
                "Without one, answer with 'fvm checklist set CHECKLIST --unit ID "
                "QUESTION VALUE' or import a CSV file with 'fvm checklist import "
                "CHECKLIST FILE'."
            ),
        )
    return QuestionaryAsker(lang)
