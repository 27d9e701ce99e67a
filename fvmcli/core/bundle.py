"""Offline bundles: canonical content, digest and signature, and merging histories."""

from __future__ import annotations

import hashlib
import hmac
import json
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any

from fvmcli.core.answers import parse_answer, time_problem
from fvmcli.core.equipment import count_problem
from fvmcli.core.limits import MAX_NAME, MAX_TEXT, MAX_VERSION
from fvmcli.core.model import Catalog, Checklist, Unit
from fvmcli.core.score_plan import applies_by_type
from fvmcli.core.values import parse_count, parse_date
from fvmcli.errors import Problem
from fvmcli.i18n import _

FORMAT = "fvm-bundle"
VERSION = 1
MERGED_KINDS = ("answer", "waiver", "attestation", "approval", "count", "requirement")
# A second person's word: its kind, the kind of entry it concerns and the states it may take.
SECOND_PERSON = {
    "attestation": ("answer", ("attested", "rejected")),
    "approval": ("waiver", ("approved", "rejected")),
}


def canonical(document: dict[str, Any]) -> bytes:
    """Return the bytes the digest and signature cover: the document without them, canonical."""
    body = {k: v for k, v in document.items() if k not in ("digest", "signature")}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(document: dict[str, Any]) -> str:
    """Return ``sha256:<hex>`` of the document's canonical content."""
    return "sha256:" + hashlib.sha256(canonical(document)).hexdigest()


def signature(document: dict[str, Any], key: str) -> str:
    """Return ``hmac-sha256:<hex>`` of the canonical content under ``key``."""
    return "hmac-sha256:" + hmac.new(key.encode(), canonical(document), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verified:
    """What checking a bundle's digest and signature found."""

    problem: str | None = None
    fingerprint: str | None = None  # the device key that signed it
    legacy: bool = False  # signed with the shared FVM_BUNDLE_KEY


def verify(document: dict[str, Any], key: str | None) -> Verified:
    """Return whether the bundle is intact and who signed it.

    A bundle is signed by a device key (Ed25519: ``signer`` holds the public key, covered by
    the signature), or in the legacy mode by the shared key ``key`` (HMAC). An unsigned bundle
    is refused: its digest alone can be recomputed by anyone."""
    from fvmcli.core.signing import PREFIX, fingerprint
    from fvmcli.core.signing import verify as verify_signature

    if document.get("format") != FORMAT:
        return Verified(_("not an fvm bundle (format is not fvm-bundle)"))
    if document.get("version") != VERSION:
        return Verified(
            _("bundle version {document!r} is not supported (expected {VERSION})").format(
                document=str(document.get("version"))[:20], VERSION=VERSION
            )
        )
    # Compared as UTF-8 bytes: a text that is not ASCII (hostile, or damaged) simply differs.
    given = str(document.get("digest", "")).encode("utf-8")
    if not hmac.compare_digest(given, digest(document).encode("utf-8")):
        return Verified(
            _("its digest does not match its content: the bundle was changed or damaged")
        )
    signed = document.get("signature")
    if isinstance(signed, str) and signed.startswith(PREFIX):
        signer = document.get("signer")
        if not isinstance(signer, str) or not verify_signature(signer, signed, canonical(document)):
            return Verified(_("its signature does not match: the bundle was changed after signing"))
        return Verified(fingerprint=fingerprint(signer))
    if isinstance(signed, str) and signed.startswith("hmac-sha256:"):
        if not key:
            return Verified(_("it is signed with a shared key: set FVM_BUNDLE_KEY to verify it"))
        if not hmac.compare_digest(
            signed.encode("utf-8"), signature(document, key).encode("utf-8")
        ):
            return Verified(_("its signature does not match: wrong key, or the bundle was changed"))
        return Verified(legacy=True)
    return Verified(
        _(
            "it is not signed: export it with a device key (fvm bundle keygen; fvm "
            "bundle export --key KEYFILE) that a lead trusts for the unit (fvm "
            "bundle trust)"
        )
    )


def instant(at: str) -> datetime:
    """Return a comparable moment; a time without offset is taken as local time."""
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.astimezone()


@dataclass(frozen=True)
class Entry:
    """One history entry of a unit, as bundles carry it."""

    kind: str
    scope: str | None
    subject: str | None
    old: str | None
    new: str | None
    comment: str | None
    by: str
    at: str
    version: int | None

    @property
    def key(self) -> tuple[Any, ...]:
        """Return what identifies the entry on both sides."""
        return (self.kind, self.scope, self.subject, self.at, self.by, self.new)

    @property
    def topic(self) -> tuple[str, str | None, str | None]:
        """Return what the entry is about: answers and waivers of a question, counts of an item."""
        return (self.kind, self.scope, self.subject)


def own_word_problems(entries: Sequence[Entry]) -> list[Problem]:
    """Return a problem for each attestation or approval (``history[i]``) given by the person
    whose answer or waiver it concerns: the newest of its question at or before it. Four eyes
    holds whichever way an entry comes. The entries are indexed once (a bundle may be large)."""
    concerned: dict[tuple[str, str | None, str | None], list[tuple[datetime, int, str]]] = {}
    for order, e in enumerate(entries):
        if e.kind in ("answer", "waiver"):
            concerned.setdefault((e.kind, e.scope, e.subject), []).append(
                (instant(e.at), order, e.by)
            )
    for found in concerned.values():
        found.sort()
    problems = []
    for index, entry in enumerate(entries):
        if entry.kind not in SECOND_PERSON:
            continue
        kind = SECOND_PERSON[entry.kind][0]
        found = concerned.get((kind, entry.scope, entry.subject), [])
        at = bisect_right(found, (instant(entry.at), len(entries), ""))
        if at and found[at - 1][2].casefold() == entry.by.casefold():
            problems.append(
                Problem(
                    f"history[{index}].by",
                    (
                        _("{by} cannot attest their own answer")
                        if entry.kind == "attestation"
                        else _("{by} cannot approve their own waiver")
                    ).format(by=entry.by),
                )
            )
    return problems


def second_word(newest: Mapping[Any, Entry], entry: Entry) -> Entry | None:
    """Return the attestation or approval that stands for the answer or waiver ``entry`` (the
    newest of its topic): the newest word on its question given at or after it by another
    person; None when there is none (a new answer or waiver starts without one)."""
    for kind, (concerned, _states) in SECOND_PERSON.items():
        if concerned == entry.kind:
            word = newest.get((kind, entry.scope, entry.subject))
            if (
                word is not None
                and instant(word.at) >= instant(entry.at)
                and word.by.casefold() != entry.by.casefold()
            ):
                return word
    return None


UNIT_FIELDS = {"id": True, "name": True, "area": True, "type": True}  # field → required
UNIT_OPTIONAL = ("staff", "municipality", "parent", "email")
COUNT_KEYS = ("present", "configured", "tested")


def read_unit(raw: Any) -> tuple[Unit | None, list[Problem]]:
    """Return the bundle's unit when its fields have the right kinds, with every problem."""
    if not isinstance(raw, dict):
        return None, [Problem("unit", _("expected an object"))]
    problems = [Problem(f"unit.{k}", _("is missing")) for k in UNIT_FIELDS if k not in raw]
    extra = set(raw) - set(UNIT_FIELDS) - set(UNIT_OPTIONAL)
    problems += [Problem(f"unit.{k}", _("is not a field of a unit")) for k in sorted(extra)]
    if problems:
        return None, problems
    unit = Unit(**raw)
    return unit, []


def entry_problems(
    index: int,
    raw: Any,
    unit: Unit,
    checklists: Mapping[str, Checklist | None],
    catalog: Catalog,
    latest: datetime,
) -> tuple[Entry | None, list[Problem]]:
    """Return the history entry ``raw`` when it is one fvm could have written for ``unit``,
    with every problem named ``history[index].field`` otherwise.

    ``checklists`` maps each checklist id the bundle names to the checklist (None: unknown).
    """
    where = f"history[{index}]"
    if not isinstance(raw, dict):
        return None, [Problem(where, _("expected an object"))]
    fields = {f.name: f for f in dataclass_fields(Entry)}
    problems = [Problem(f"{where}.{k}", _("is missing")) for k in fields if k not in raw]
    problems += [
        Problem(f"{where}.{k}", _("is not a field of a history entry"))
        for k in sorted(set(raw) - set(fields))
    ]
    if problems:
        return None, problems
    for key in ("scope", "subject", "old", "new", "comment"):
        value = raw[key]
        if value is not None and not isinstance(value, str):
            problems.append(Problem(f"{where}.{key}", _("expected text or null")))
        elif value is not None and len(value) > MAX_TEXT:
            problems.append(
                Problem(
                    f"{where}.{key}",
                    _("is longer than {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT),
                )
            )
    for key in ("kind", "by", "at"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            problems.append(Problem(f"{where}.{key}", _("expected text")))
    version = raw["version"]
    if version is not None and (
        not isinstance(version, int) or isinstance(version, bool) or not 0 <= version <= MAX_VERSION
    ):
        problems.append(
            Problem(
                f"{where}.version",
                _("expected a whole number up to {MAX_VERSION}").format(MAX_VERSION=MAX_VERSION),
            )
        )
    if problems:
        return None, problems
    entry = Entry(**raw)
    if len(entry.by) > MAX_NAME:
        problems.append(
            Problem(
                f"{where}.by", _("is longer than {MAX_NAME} characters").format(MAX_NAME=MAX_NAME)
            )
        )
    when = time_problem(entry.at, latest)
    if when:
        problems.append(Problem(f"{where}.at", when))
    if entry.kind not in MERGED_KINDS:
        known = ", ".join(MERGED_KINDS)
        problems.append(
            Problem(
                f"{where}.kind",
                _("unknown kind {kind!r} (known: {known})").format(kind=entry.kind, known=known),
            )
        )
    elif entry.subject is None:
        problems.append(Problem(f"{where}.subject", _("is missing")))
    elif entry.kind in ("answer", "waiver", *SECOND_PERSON):
        problems += _question_problems(where, entry, unit, checklists)
    else:
        problems += _item_problems(where, entry, catalog)
    return (None if problems else entry), problems


def _question_problems(
    where: str, entry: Entry, unit: Unit, checklists: Mapping[str, Checklist | None]
) -> list[Problem]:
    checklist = checklists.get(entry.scope or "")
    if checklist is None:
        return [
            Problem(f"{where}.scope", _("unknown checklist {scope!r}").format(scope=entry.scope))
        ]
    question = checklist.question(entry.subject or "")
    if question is None:
        return [
            Problem(
                f"{where}.subject",
                _("unknown question {subject!r} in {id}").format(
                    subject=entry.subject, id=checklist.id
                ),
            )
        ]
    if entry.kind in SECOND_PERSON:
        states = SECOND_PERSON[entry.kind][1]
        if entry.new not in states:
            return [
                Problem(
                    f"{where}.new",
                    _("expected one of {states}").format(states=", ".join(states)),
                )
            ]
        return []
    if entry.kind == "waiver":
        if entry.new is None:
            return []
        try:
            parse_date(entry.new)
        except ValueError as exc:
            return [Problem(f"{where}.new", _("a waiver ends on a date: {exc}").format(exc=exc))]
        if not (entry.comment or "").strip():
            return [Problem(f"{where}.comment", _("a waiver needs its reason"))]
        return []
    if question.derived:
        return [
            Problem(
                f"{where}.subject",
                _("{id} is computed; a person cannot set it").format(id=question.id),
            )
        ]
    if not applies_by_type(checklist, question, unit.type):
        return [
            Problem(
                f"{where}.subject",
                _("{id} does not apply to {type} units").format(id=question.id, type=unit.type),
            )
        ]
    if entry.new is None:
        return [Problem(f"{where}.new", _("an answer needs a value"))]
    try:
        stored = parse_answer(question, entry.new)
    except ValueError as exc:
        return [Problem(f"{where}.new", str(exc))]
    if stored != entry.new:
        return [
            Problem(
                f"{where}.new",
                _("{new!r} is not stored as such (as {stored!r})").format(
                    new=entry.new, stored=stored
                ),
            )
        ]
    return []


def _item_problems(where: str, entry: Entry, catalog: Catalog) -> list[Problem]:
    if catalog.item(entry.subject or "") is None:
        return [
            Problem(
                f"{where}.subject",
                _("unknown equipment item {subject!r}").format(subject=entry.subject),
            )
        ]
    if entry.new is None:
        return []
    if entry.kind == "requirement":
        try:
            parse_count(entry.new, name=_("a required quantity"))
        except ValueError as exc:
            return [Problem(f"{where}.new", str(exc))]
        return []
    try:
        count = json.loads(entry.new)
    except (json.JSONDecodeError, RecursionError):
        return [Problem(f"{where}.new", _("a count is a JSON object"))]
    if not isinstance(count, dict) or sorted(count) != sorted(COUNT_KEYS):
        return [
            Problem(
                f"{where}.new",
                _("a count has exactly {COUNT_KEYS}").format(COUNT_KEYS=", ".join(COUNT_KEYS)),
            )
        ]
    if not all(type(count[k]) is int for k in COUNT_KEYS):
        return [Problem(f"{where}.new", _("counts are whole numbers"))]
    problem = count_problem(*(count[k] for k in COUNT_KEYS))
    return [Problem(f"{where}.new", problem)] if problem else []
