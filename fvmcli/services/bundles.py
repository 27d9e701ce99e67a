"""Offline bundles: a unit's answers and counts carried between a laptop and the database."""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fvmcli.core.bundle import Entry
from fvmcli.core.model import Checklist, Unit
from fvmcli.errors import InputError, NotPermitted, Problem, ProblemsError
from fvmcli.i18n import _
from fvmcli.services.context import Context
from fvmcli.services.territory import require_unit


def device_key_path() -> Path:
    """Return where this device's signing key lives unless ``--key`` names another."""
    from fvmcli.services.context import data_dir

    named = os.environ.get("FVM_DEVICE_KEY")
    return Path(named) if named else data_dir() / "device.key"


@dataclass(frozen=True)
class KeyMade:
    private: Path
    public: Path
    fingerprint: str


def keygen(output: Path | None = None) -> KeyMade:
    """Make this device's Ed25519 key pair: the private key (readable by its owner only) at
    ``output`` (default: device.key in the user data folder) and the public key beside it
    (``.pub``), which a lead trusts with ``fvm bundle trust``. An existing key is kept."""
    from fvmcli.core.signing import fingerprint, generate
    from fvmcli.errors import ConflictError, EnvironmentProblem

    if output is not None and (not output.name or output.is_dir()):
        raise InputError(
            _("-o: {output!r} is no file name for a key").format(output=str(output)),
            hint=_("Name a file, e.g. -o laptop.key (its .pub is written beside it)."),
        )
    target = output or device_key_path()
    public = target.with_name(target.name + ".pub")
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise InputError(
            _("-o: {blocking} is a file, so {target} cannot be made inside it").format(
                blocking=blocking, target=target
            )
        )
    if target.exists():
        raise ConflictError(
            _("{target} exists already; a device keeps its key").format(target=target),
            hint=_(
                "Give another file with -o, or delete the old key first (a lead must "
                "then trust the new one)."
            ),
        )
    pair = generate()
    made = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        made = True
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pair.private_pem)
        public.write_text(pair.public + "\n", "ascii")
    except OSError as exc:
        if made:  # half a key pair is no key
            with contextlib.suppress(OSError):
                target.unlink()
        raise EnvironmentProblem(
            _("cannot write the key to {target}: {strerror}").format(
                target=target, strerror=exc.strerror
            )
        ) from exc
    return KeyMade(target, public, fingerprint(pair.public))


def _signing_key(key: Path | None) -> bytes | None:
    """Return the private key to sign with: ``key``, else this device's key when it has one."""
    path = key or device_key_path()
    if key is None and not path.exists():
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("cannot read the signing key {path}: {strerror}").format(
                path=path, strerror=exc.strerror
            )
        ) from exc


@dataclass(frozen=True)
class Exported:
    document: dict[str, Any]
    fingerprint: str | None
    legacy: bool


def export_bundle(
    ctx: Context, unit_id: str, *, key: Path | None = None, by: str | None = None
) -> Exported:
    """Return the unit's bundle: the unit, its current answers, waivers and counts, their full
    history and a SHA-256 digest, signed with this device's key (``key``, else device.key in
    the user data folder) or, in the legacy mode, with the shared FVM_BUNDLE_KEY."""
    from fvmcli import __version__
    from fvmcli.core.bundle import FORMAT, VERSION, canonical, digest, signature
    from fvmcli.core.signing import fingerprint, sign
    from fvmcli.store.bundles import current_state, unit_entries

    with ctx.open().read() as conn:
        unit = require_unit(conn, unit_id)
        state = current_state(conn, unit.id)
        entries = unit_entries(conn, unit.id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "fvm": __version__,
        "exported_at": ctx.clock.now(),
        "exported_by": ctx.actor(by),
        "unit": asdict(unit),
        **state,
        "history": [asdict(e) for e in entries],
    }
    private = _signing_key(key)
    if private is not None:
        try:
            public, _ = sign(private, b"")
        except ValueError as exc:
            raise InputError(f"{key or device_key_path()}: {exc}") from exc
        document["signer"] = public
        document["digest"] = digest(document)
        document["signature"] = sign(private, canonical(document))[1]
        return Exported(document, fingerprint(public), False)
    document["digest"] = digest(document)
    shared = os.environ.get("FVM_BUNDLE_KEY")
    if shared:
        document["signature"] = signature(document, shared)
    return Exported(document, None, bool(shared))


@dataclass(frozen=True)
class CheckedBundle:
    """A bundle whose digest (and signature) hold, read into a unit and its entries."""

    file: Path
    unit: Unit
    entries: list[Entry]
    fingerprint: str | None = None  # the device key that signed it
    legacy: bool = False  # signed with the shared FVM_BUNDLE_KEY
    state: dict[Any, Any] | None = None  # what its side's current rows say (core.merge.state_of)
    days: dict[Any, tuple[str, str]] = field(default_factory=dict)  # core.merge.answer_days


def check_bundle(ctx: Context, file: Path, document: Any) -> CheckedBundle:
    """Return the bundle read from ``document`` when it can be trusted and every entry is one
    fvm could have written for its unit under this content; raise an error naming the file and
    each bad entry (``history[12].new: …``) otherwise."""
    from fvmcli.core.bundle import entry_problems, own_word_problems, read_unit, verify
    from fvmcli.core.merge import answer_days, state_of
    from fvmcli.core.territory import unit_problems
    from fvmcli.core.values import check_id

    if not isinstance(document, dict):
        raise InputError(
            _("{file}: refused: not a JSON object. Nothing was imported.").format(file=file)
        )
    verified = verify(document, os.environ.get("FVM_BUNDLE_KEY"))
    if verified.problem:
        raise InputError(
            _("{file}: refused: {problem}. Nothing was imported.").format(
                file=file, problem=verified.problem
            )
        )
    unit, problems = read_unit(document.get("unit"))
    if unit is not None:
        problems += [Problem(f"unit.{f}", m) for f, m in unit_problems(unit, ctx.territory)]
        if not problems:
            try:
                check_id(unit.id, what=_("unit id"))
            except ValueError as exc:
                problems.append(Problem("unit.id", str(exc)))
    history = document.get("history")
    if not isinstance(history, list):
        problems.append(Problem("history", _("expected a list of entries")))
    entries: list[Entry] = []
    if unit is not None and not problems:
        assert isinstance(history, list)
        named: set[str] = {
            e["scope"] for e in history if isinstance(e, dict) and type(e.get("scope")) is str
        }
        checklists = {name: _checklist(ctx, name) for name in named}
        latest = ctx.clock.latest()
        for index, raw in enumerate(history):
            entry, found = entry_problems(index, raw, unit, checklists, ctx.catalog, latest)
            problems += found
            if entry is not None:
                entries.append(entry)
        if not problems:  # every entry read: its index is its place in the history
            problems += own_word_problems(entries)
    if problems:
        shown = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            shown.append(
                Problem(
                    "…",
                    _("and {MAX_LISTED} more problems").format(
                        MAX_LISTED=len(problems) - MAX_LISTED
                    ),
                )
            )
        raise ProblemsError(
            _("{file}: refused").format(file=file),
            shown,
            hint=_("Nothing was imported. Export the bundle again."),
        )
    assert unit is not None
    return CheckedBundle(
        file,
        unit,
        entries,
        verified.fingerprint,
        verified.legacy,
        state_of(document),
        answer_days(document, ctx.clock.latest()),
    )


MAX_LISTED = 50


def _checklist(ctx: Context, checklist_id: str) -> Checklist | None:
    """Return the checklist, or None when this content has no such checklist."""
    from fvmcli.errors import UnknownIdError

    try:
        return ctx.checklist(checklist_id)
    except UnknownIdError:
        return None


@dataclass(frozen=True)
class BundleImported:
    """What one bundle's merge added and changed, and the topics both sides changed."""

    file: Path
    unit: str
    added: int
    unchanged: int
    conflicts: list[dict[str, Any]]
    changed: int
    fingerprint: str | None = None
    legacy: bool = False


def import_bundles(
    ctx: Context, documents: list[tuple[Path, Any]], *, dry_run: bool = False
) -> list[BundleImported]:
    """Verify every bundle, then merge their histories in one transaction: entries not yet
    present are added, and each topic's current value follows what each side had seen of the
    other's (``core.merge.plan_merge``): two changes neither had seen are a conflict, reported,
    and the local value stays. Nothing is stored when any bundle is refused; importing twice
    changes nothing."""
    from fvmcli.core.access import KIND_ACTION
    from fvmcli.core.merge import plan_merge, state_of
    from fvmcli.services.territory import require_right
    from fvmcli.store.bundles import add_entries, apply_merge, current_state, unit_entries
    from fvmcli.store.reads import get_unit
    from fvmcli.store.units import upsert_units

    checked = [check_bundle(ctx, file, document) for file, document in documents]
    actor = ctx.actor()
    report = []
    with ctx.open().write(dry_run=dry_run) as conn:
        for bundle in checked:
            stored = get_unit(conn, bundle.unit.id)
            unit = stored or bundle.unit
            if not bundle.legacy:
                _require_trusted(conn, bundle, unit)
            if stored is None:
                require_right(ctx, conn, "territory", [unit])
                if unit.parent is not None and get_unit(conn, unit.parent) is None:
                    raise ProblemsError(
                        str(bundle.file),
                        [
                            Problem(
                                "unit.parent",
                                _(
                                    "the new unit {unit} names the parent {parent}, which "
                                    "does not exist"
                                ).format(unit=unit.id, parent=unit.parent),
                            )
                        ],
                        hint=_("Add the parent unit first (fvm unit add), or its bundle."),
                    )
                upsert_units(conn, [unit], by=actor, at=ctx.clock.now())
            plan = plan_merge(
                unit_entries(conn, unit.id),
                bundle.entries,
                state_of(current_state(conn, unit.id)),
                bundle.state,
                lambda e: _stale(ctx, e),
            )
            _require_evidence(ctx, bundle, plan)
            for action in sorted({KIND_ACTION[e.kind] for e in plan.added}):
                require_right(ctx, conn, action, [unit])
            add_entries(conn, unit.id, plan.added, key=bundle.fingerprint)
            changed = apply_merge(
                conn, unit.id, plan.current, plan.adopted, bundle.days, by=actor, at=ctx.clock.now()
            )
            report.append(
                BundleImported(
                    bundle.file,
                    unit.id,
                    len(plan.added),
                    plan.unchanged,
                    plan.conflicts,
                    changed,
                    bundle.fingerprint,
                    bundle.legacy,
                )
            )
    return report


def _stale(ctx: Context, entry: Entry) -> bool:
    """Return whether an answer entry was given before its question last changed meaning."""
    checklist = _checklist(ctx, entry.scope or "") if entry.kind == "answer" else None
    question = checklist.question(entry.subject or "") if checklist else None
    return question is not None and question.stale(entry.version)


def _require_evidence(ctx: Context, bundle: CheckedBundle, plan: Any) -> None:
    """Refuse the bundle when an answer it brings (one that becomes the current answer here)
    lacks the evidence its question requires (``core.answers.evidence_problem``), naming its
    entry, as every other way in refuses it."""
    from fvmcli.core.answers import evidence_problem

    added = {e.key for e in plan.added}
    taken = {plan.current[t].key for t in plan.adopted if t[0] == "answer"} & added
    problems = []
    for index, entry in enumerate(bundle.entries):
        if entry.key not in taken:
            continue
        checklist = _checklist(ctx, entry.scope or "")
        question = checklist.question(entry.subject or "") if checklist else None
        missing = evidence_problem(question, entry.comment) if question else None
        if missing:
            problems.append(Problem(f"history[{index}].comment", missing))
    if problems:
        raise ProblemsError(
            _("{file}: refused").format(file=bundle.file),
            problems,
            hint=_(
                "Nothing was imported. Give the evidence where the answer was given (fvm "
                'checklist set … --comment "a link or a note"), then export the bundle again.'
            ),
        )


def _require_trusted(conn: Any, bundle: CheckedBundle, unit: Unit) -> None:
    """Refuse a bundle whose device key no lead trusted for its unit (or the unit's area)."""
    from fvmcli.store.access import trusted_scopes

    scopes = trusted_scopes(conn, bundle.fingerprint or "")
    if not any(s == (unit.id, None) or s == (None, unit.area) for s in scopes):
        where = _("any unit") if not scopes else _("this unit")
        raise NotPermitted(
            _(
                "{file}: refused: it is signed by the device key {fingerprint}, which "
                "is not trusted for {where} ({id}). Nothing was imported."
            ).format(file=bundle.file, fingerprint=bundle.fingerprint, where=where, id=unit.id),
            hint=_(
                "A lead who has checked the device runs: fvm bundle trust KEY.pub --unit {id}"
            ).format(id=unit.id),
        )


@dataclass(frozen=True)
class Trusted:
    fingerprint: str
    added: int


def trust(ctx: Context, public_file: Path, *, units: list[str], areas: list[str]) -> Trusted:
    """Trust the device key in ``public_file`` to sign bundles of these units and areas."""
    from fvmcli.core.access import allows
    from fvmcli.core.signing import fingerprint, public_raw
    from fvmcli.services.territory import require_right
    from fvmcli.store.access import grants_of, trust_key
    from fvmcli.store.reads import list_units

    if not units and not areas:
        raise InputError(_("name the units (--unit) or areas (--area) the key may sign for"))
    try:
        public = public_file.read_text("ascii").strip()
        public_raw(public)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            _(
                "{public_file}: not a device's public key (the KEYFILE.pub of fvm bundle keygen)"
            ).format(public_file=public_file)
        ) from exc
    for area in areas:
        if area not in ctx.territory.areas:
            raise InputError(_("--area: unknown area {area!r}").format(area=area))
    with ctx.open().write() as conn:
        found = list_units(conn, ids=units)
        missing = sorted(set(units) - {u.id for u in found})
        if missing:
            raise InputError(_("--unit: no unit {missing}").format(missing=", ".join(missing)))
        require_right(ctx, conn, "trust", found)
        if areas and ctx.enforced:
            grants = grants_of(conn, ctx.open().login)
            refused = [a for a in areas if not allows(grants, "trust", None, a)]
            if refused:
                raise NotPermitted(
                    _("{login} may not trust device keys for area {refused}").format(
                        login=ctx.open().login, refused=", ".join(refused)
                    ),
                    hint=_("An admin can run:"),
                    command=f"fvm access grant {ctx.open().login} --role lead "
                    + " ".join(f"--area {a}" for a in refused),
                )
        scopes: list[tuple[str | None, str | None]] = [(u, None) for u in units]
        scopes += [(None, a) for a in areas]
        added = trust_key(
            conn, fingerprint(public), public, scopes, by=ctx.actor(), at=ctx.clock.now()
        )
    return Trusted(fingerprint(public), added)


def import_bundle_files(
    ctx: Context, files: list[Path], *, dry_run: bool = False
) -> list[BundleImported]:
    """Read bundle files and import them (see :func:`import_bundles`)."""
    from fvmcli.content.jsonfile import read_json

    return import_bundles(ctx, [(f, read_json(f)) for f in files], dry_run=dry_run)
