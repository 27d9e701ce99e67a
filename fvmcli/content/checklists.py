"""``checklists/<id>.toml``: readiness checklists, validated as ``content.md`` says."""

from __future__ import annotations

import re
from typing import Any

from fvmcli.content.checklist_links import (
    check_requires,
    check_when,
    check_when_values,
    raw_reference,
)
from fvmcli.content.locate import ContentDirs, ContentFile
from fvmcli.content.tomlfile import Checker, read_toml
from fvmcli.core.deadlines import parse_offset, parse_span, span_days
from fvmcli.core.model import (
    AMBER_DEFAULT,
    EVIDENCE,
    GREEN_DEFAULT,
    QUESTION_TYPES,
    SOURCES,
    Checklist,
    Offset,
    Option,
    Question,
    Section,
    Territory,
    Text,
    When,
)
from fvmcli.errors import UnknownIdError
from fvmcli.i18n import _

NOT_CHECKLISTS = {"territory", "equipment", "gates", "hypercare"}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

_TOP = {"id", "version", "title", "applies_to", "scoring", "sections", "questions", "description"}
_SECTION = {"id", "title", "weight"}
_QUESTION = {
    "id",
    "section",
    "type",
    "text",
    "help",
    "weight",
    "critical",
    "due",
    "owner",
    "allow_na",
    "evidence",
    "source",
    "target",
    "options",
    "applies_to",
    "when",
    "revised",
    "attest",
    "requires",
    "requires_parent",
    "duration",
}
ATTEST_MODES = ("critical", "none")
_OPTION = {"id", "credit", "label"}


def checklist_files(dirs: ContentDirs) -> dict[str, ContentFile]:
    """Return checklist id → file, leaving out the territory and equipment files."""
    return {k: v for k, v in dirs.files("checklists", ".toml").items() if k not in NOT_CHECKLISTS}


def load_checklist(dirs: ContentDirs, checklist_id: str, territory: Territory) -> Checklist:
    """Return the validated checklist ``checklist_id``; unknown ids are an input error."""
    files = checklist_files(dirs)
    if checklist_id not in files:
        known = ", ".join(sorted(files)) or "none"
        raise UnknownIdError(
            _("no checklist {checklist_id!r} (known: {known})").format(
                checklist_id=checklist_id, known=known
            )
        )
    return parse_checklist(files[checklist_id], read_toml(files[checklist_id]), territory)


def _types(check: Checker, raw: Any, path: str, territory: Territory) -> tuple[str, ...] | None:
    types = check.strings(raw, path)
    if types is None:
        return None
    for i, t in enumerate(types):
        if t not in territory.unit_types:
            check.add(f"{path}[{i}]", _("unknown unit type {t!r}").format(t=t))
    return types


def _options(check: Checker, raw: Any, path: str) -> tuple[Option, ...]:
    options: list[Option] = []
    seen: set[str] = set()
    for opath, item in check.items(raw, path):
        table = check.table(item, opath, _OPTION, {"id", "credit", "label"})
        oid = check.get(table, "id", opath, check.string, "")
        credit = check.number(table["credit"], f"{opath}.credit") if "credit" in table else None
        if credit is not None and not 0 <= credit <= 1:
            check.add(
                f"{opath}.credit",
                _("a credit is between 0 and 1, got {credit}").format(credit=credit),
            )
        label = check.get(table, "label", opath, check.text, Text(oid or "?"))
        if oid in seen:
            check.add(f"{opath}.id", _("duplicate option id {oid!r}").format(oid=oid))
        seen.add(oid)
        options.append(Option(oid, credit or 0.0, label))
    return tuple(options)


def _due(check: Checker, raw: Any, path: str) -> Offset | None:
    if not isinstance(raw, str):
        check.add(path, _("expected a string like T-90d, got {raw!r}").format(raw=raw))
        return None
    try:
        return parse_offset(raw)
    except ValueError as exc:
        check.add(path, str(exc))
        return None


def _when(check: Checker, raw: Any, path: str) -> When | None:
    table = check.table(raw, path, {"question", "in"}, {"question", "in"})
    ref = check.get(table, "question", path, check.string, "")
    values: tuple[str, ...] = check.get(table, "in", path, check.strings, ())
    if "in" in table and isinstance(table["in"], list) and not table["in"]:
        check.add(f"{path}.in", _("lists no value: the question could never apply"))
    return When(ref, values) if ref and values else None


def _revised(check: Checker, q: dict[str, Any], path: str) -> int | None:
    if "revised" not in q:
        return None
    revised = check.integer(q["revised"], f"{path}.revised")
    if revised is not None and revised < 1:
        check.add(
            f"{path}.revised", _("a version is 1 or more, got {revised}").format(revised=revised)
        )
        return None
    return revised


def _span(check: Checker, raw: Any, path: str) -> Offset | None:
    if not isinstance(raw, str):
        check.add(path, _("expected a string like 2w, got {raw!r}").format(raw=raw))
        return None
    try:
        return parse_span(raw)
    except ValueError as exc:
        check.add(path, str(exc))
        return None


def _question(
    check: Checker,
    raw: Any,
    path: str,
    territory: Territory,
    section_ids: set[str],
    attest_critical: bool,
) -> Question | None:
    """Return the question at ``path``, or None when it is too broken to score; every
    problem of it, references included, is added to ``check`` either way."""
    q = check.table(raw, path, _QUESTION, {"id", "section", "type", "text"})
    qid = check.get(q, "id", path, check.string, "")
    check.short_id(qid, f"{path}.id")
    if qid and not QUESTION_ID.match(qid):
        check.add(
            f"{path}.id", _("{qid!r} is not a valid id (lower case, digits, . - _)").format(qid=qid)
        )
    section = check.get(q, "section", path, check.string, "")
    if section and section not in section_ids:
        check.add(f"{path}.section", _("no section {section!r}").format(section=section))
    qtype = check.get(q, "type", path, check.string, "")
    if qtype and qtype not in QUESTION_TYPES:
        check.add(
            f"{path}.type",
            _("unknown type {qtype!r} (allowed: {QUESTION_TYPES})").format(
                qtype=qtype, QUESTION_TYPES=", ".join(QUESTION_TYPES)
            ),
        )
    weight = check.get(q, "weight", path, check.number, 1.0)
    if weight < 0:
        check.add(f"{path}.weight", _("a weight is 0 or more, got {weight}").format(weight=weight))
    evidence = check.get(q, "evidence", path, check.string, "none")
    if evidence not in EVIDENCE:
        check.add(
            f"{path}.evidence",
            _("expected one of {EVIDENCE}, got {evidence!r}").format(
                EVIDENCE=", ".join(EVIDENCE), evidence=evidence
            ),
        )
    source = check.get(q, "source", path, check.string, "") or None
    if source is not None and source not in SOURCES:
        check.add(
            f"{path}.source",
            _("unknown source {source!r} (known: {SOURCES})").format(
                source=source, SOURCES=", ".join(SOURCES)
            ),
        )
    if source is not None and qtype and qtype != "percent":
        check.add(
            f"{path}.type",
            _("a question with source {source!r} must be of type percent").format(source=source),
        )
    target = q.get("target")
    if target is not None:
        target = check.number(target, f"{path}.target")
        if target is not None and qtype not in ("percent", "number"):
            check.add(f"{path}.target", _("only percent and number questions have a target"))
        elif target is not None and target <= 0:
            check.add(
                f"{path}.target",
                _("a target must be greater than 0, got {target}").format(target=target),
            )
    options = _options(check, q["options"], f"{path}.options") if "options" in q else ()
    if qtype == "choice" and not options:
        check.add(f"{path}.options", _("a choice question needs options"))
    if options and qtype != "choice":
        check.add(f"{path}.options", _("only choice questions have options"))
    text = check.get(q, "text", path, check.text, None)
    # A bad due is reported; the question is still checked (ids, section) with T-0d.
    due = (_due(check, q["due"], f"{path}.due") if "due" in q else None) or Offset(0, "d")
    applies = (
        _types(check, q["applies_to"], f"{path}.applies_to", territory)
        if "applies_to" in q
        else None
    )
    when = _when(check, q["when"], f"{path}.when") if "when" in q else None
    revised = _revised(check, q, path)
    duration = _span(check, q["duration"], f"{path}.duration") if "duration" in q else None
    none: tuple[str, ...] = ()
    requires = check.get(q, "requires", path, check.strings, none)
    requires_parent = check.get(q, "requires_parent", path, check.strings, none)
    critical = check.get(q, "critical", path, check.boolean, False)
    attest = check.get(q, "attest", path, check.boolean, False)
    if attest and source is not None:
        check.add(f"{path}.attest", _("a derived question is never attested"))
    if not (qid and qtype in QUESTION_TYPES and text is not None):
        return None
    return Question(
        id=qid,
        section=section,
        type=qtype,
        text=text,
        help=check.get(q, "help", path, check.text, None),
        weight=weight,
        critical=critical,
        due=due,
        owner=check.get(q, "owner", path, check.string, "") or None,
        allow_na=check.get(q, "allow_na", path, check.boolean, False),
        evidence=evidence,
        source=source,
        target=(100.0 if qtype == "percent" else None) if target is None else target,
        options=options,
        applies_to=applies,
        when=when,
        revised=revised,
        attest=source is None and (attest or (critical and attest_critical)),
        requires=requires,
        requires_parent=requires_parent,
        duration=span_days(duration) if duration is not None else 0,
    )


def parse_checklist(file: ContentFile, data: dict[str, Any], territory: Territory) -> Checklist:
    """Return the checklist in ``data``; raise ContentError listing every problem."""
    check = Checker(file)
    top = check.table(data, "", _TOP, {"id", "version", "title", "sections", "questions"})
    cid = check.get(top, "id", "", check.string, "")
    stem = file.path.stem
    check.short_id(cid, "id")
    if cid and not KEBAB.match(cid):
        check.add("id", _("{cid!r} is not kebab-case").format(cid=cid))
    elif cid and cid != stem:
        check.add(
            "id", _("{cid!r} does not match the file name {stem}.toml").format(cid=cid, stem=stem)
        )
    version = check.get(top, "version", "", check.integer, 0)
    if version < 0:
        check.add("version", _("a version is 0 or more, got {version}").format(version=version))
    title = check.get(top, "title", "", check.text, Text(cid or stem))
    applies = (
        _types(check, top["applies_to"], "applies_to", territory) if "applies_to" in top else None
    )
    scoring = check.table(
        top.get("scoring", {}), "scoring", {"green", "amber", "attest", "stale_after"}
    )
    attest_mode = check.get(scoring, "attest", "scoring", check.string, "none")
    if attest_mode not in ATTEST_MODES:
        check.add(
            "scoring.attest",
            _("expected one of {modes}, got {value!r}").format(
                modes=", ".join(ATTEST_MODES), value=attest_mode
            ),
        )
    stale_after = (
        _span(check, scoring["stale_after"], "scoring.stale_after")
        if "stale_after" in scoring
        else None
    )
    green = check.get(scoring, "green", "scoring", check.number, GREEN_DEFAULT)
    amber = check.get(scoring, "amber", "scoring", check.number, AMBER_DEFAULT)
    if not 0 <= amber <= green <= 1:
        check.add(
            "scoring",
            _("expected 0 ≤ amber ≤ green ≤ 1, got amber={amber}, green={green}").format(
                amber=amber, green=green
            ),
        )

    sections: list[Section] = []
    for spath, raw in check.items(top.get("sections", []), "sections"):
        s = check.table(raw, spath, _SECTION, {"id", "title"})
        sid = check.get(s, "id", spath, check.string, "")
        weight = check.get(s, "weight", spath, check.number, 1.0)
        if weight < 0:
            check.add(
                f"{spath}.weight", _("a weight is 0 or more, got {weight}").format(weight=weight)
            )
        if sid in {x.id for x in sections}:
            check.add(f"{spath}.id", _("duplicate section id {sid!r}").format(sid=sid))
        elif sid:
            sections.append(
                Section(sid, check.get(s, "title", spath, check.text, Text(sid)), weight)
            )

    section_ids = {s.id for s in sections}
    questions: list[tuple[str, Question]] = []
    references: list[tuple[str, str, str | None]] = []
    seen: set[str] = set()
    for qpath, raw in check.items(top.get("questions", []), "questions"):
        references.append((qpath, *raw_reference(raw)))
        question = _question(check, raw, qpath, territory, section_ids, attest_mode == "critical")
        if question is None:
            continue
        if question.id in seen:
            check.add(f"{qpath}.id", _("duplicate question id {id!r}").format(id=question.id))
            continue
        seen.add(question.id)
        if question.revised is not None and question.revised > version:
            check.add(
                f"{qpath}.revised",
                _("revised in version {revised}, above the checklist's version {version}").format(
                    revised=question.revised, version=version
                ),
            )
        questions.append((qpath, question))
    check_when(check, references)
    check_when_values(check, questions)
    check_requires(check, questions)
    check.raise_if_any()
    return Checklist(
        id=cid,
        version=version,
        title=title,
        sections=tuple(sections),
        questions=tuple(q for _, q in questions),
        applies_to=applies,
        green=green,
        amber=amber,
        stale_after=stale_after,
    )
