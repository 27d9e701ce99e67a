"""The demo territory: modelled on Västra Götaland, built into a database of its own."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from fvmcli.core.enrolment import default_end
from fvmcli.core.equipment import unit_items
from fvmcli.core.model import (
    NA,
    Catalog,
    Checklist,
    Count,
    Curriculum,
    NewAnswer,
    Person,
    Question,
    Unit,
)
from fvmcli.core.scoring import applicable_questions

if TYPE_CHECKING:
    from fvmcli.cli.env import Env

DEMO_USER = "demo"

# Go-live of each phase, in days after the as-of date: phase 1 is close, phase 3 a year away.
PHASE_OFFSETS = {1: 75, 2: 210, 3: 390}

HOSPITALS = [
    ("sas-boras-med", "SÄS Borås – medicinavdelning 12", "sodra", 48),
    ("sas-boras-akut", "SÄS Borås – akutmottagningen", "sodra", 70),
    ("sas-skene-ort", "SÄS Skene – ortopedi", "sodra", 26),
    ("su-sahlgrenska-iva", "Sahlgrenska Universitetssjukhuset – IVA", "vastra", 110),
    ("su-ostra-bb", "Sahlgrenska Universitetssjukhuset/Östra – förlossning", "vastra", 64),
    ("kungalv-kir", "Kungälvs sjukhus – kirurgavdelning", "vastra", 35),
    ("alingsas-med", "Alingsås lasarett – medicinmottagning", "vastra", 22),
    ("nu-nal-akut", "NU-sjukvården NÄL – akutmottagning", "norra", 58),
    ("nu-uddevalla-geri", "NU-sjukvården Uddevalla sjukhus – geriatrik", "norra", 31),
    ("skas-skovde-kard", "Skaraborgs Sjukhus Skövde – kardiologi", "ostra", 44),
    ("skas-lidkoping-med", "Skaraborgs Sjukhus Lidköping – medicin", "ostra", 29),
]
PRIMARY_CARE = [
    ("vc-ulricehamn", "Vårdcentralen Ulricehamn", "sodra", 24, "Ulricehamn"),
    ("vc-tranemo", "Vårdcentralen Tranemo", "sodra", 14, "Tranemo"),
    ("vc-angered", "Vårdcentralen Angered", "vastra", 33, "Göteborg"),
    ("vc-ockero", "Vårdcentralen Öckerö", "vastra", 12, "Öckerö"),
    ("vc-stromstad", "Vårdcentralen Strömstad", "norra", 16, "Strömstad"),
    ("vc-amal", "Vårdcentralen Åmål", "norra", 18, "Åmål"),
    ("vc-hjo", "Vårdcentralen Hjo", "ostra", 15, "Hjo"),
    ("vc-tidaholm", "Vårdcentralen Tidaholm", "ostra", 17, "Tidaholm"),
]
PRIVATE = [
    ("priv-boras-hals", "Borås Hälsocentral AB", "sodra", 11, "Borås"),
    ("priv-majorna", "Läkarhuset Majorna", "vastra", 19, "Göteborg"),
    ("priv-trollhattan", "Trollhättans Läkargrupp", "norra", 9, "Trollhättan"),
    ("priv-skara-ogon", "Skara Ögonklinik", "ostra", 7, "Skara"),
]
MUNICIPALITIES = {
    "sodra": [
        "Borås",
        "Bollebygd",
        "Mark",
        "Svenljunga",
        "Tranemo",
        "Ulricehamn",
        "Herrljunga",
        "Vårgårda",
    ],
    "vastra": [
        "Göteborg",
        "Mölndal",
        "Partille",
        "Härryda",
        "Öckerö",
        "Kungälv",
        "Ale",
        "Lerum",
        "Alingsås",
        "Stenungsund",
        "Tjörn",
        "Orust",
    ],
    "norra": [
        "Trollhättan",
        "Vänersborg",
        "Uddevalla",
        "Lysekil",
        "Sotenäs",
        "Munkedal",
        "Tanum",
        "Strömstad",
        "Dals-Ed",
        "Bengtsfors",
        "Åmål",
        "Mellerud",
        "Färgelanda",
        "Lilla Edet",
    ],
    "ostra": [
        "Skövde",
        "Falköping",
        "Lidköping",
        "Mariestad",
        "Hjo",
        "Tidaholm",
        "Tibro",
        "Karlsborg",
        "Töreboda",
        "Gullspång",
        "Götene",
        "Grästorp",
        "Essunga",
        "Vara",
        "Skara",
    ],
}
SCHOOL_HEALTH = [
    ("elevhalsa-boras", "Elevhälsan Borås stad", "sodra", 21, "Borås"),
    ("elevhalsa-goteborg", "Elevhälsan Göteborgs Stad – Centrum", "vastra", 40, "Göteborg"),
    ("elevhalsa-skovde", "Elevhälsan Skövde kommun", "ostra", 12, "Skövde"),
]


def _slug(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"})
    return name.lower().translate(table)


def demo_units() -> list[Unit]:
    """Return the demo's units: hospitals, primary care, private, municipal, school health."""
    units = [Unit(i, n, a, "hospital", s) for i, n, a, s in HOSPITALS]
    units += [Unit(i, n, a, "primary-care", s, m) for i, n, a, s, m in PRIMARY_CARE]
    units += [Unit(i, n, a, "private", s, m) for i, n, a, s, m in PRIVATE]
    for area, names in MUNICIPALITIES.items():
        for k, name in enumerate(names):
            staff = 12 + (len(name) * 7 + k * 11) % 60
            units.append(
                Unit(
                    f"kommun-{_slug(name)}",
                    f"{name} kommun – hemsjukvård",
                    area,
                    "municipal",
                    staff,
                    name,
                )
            )
    units += [Unit(i, n, a, "school-health", s, m) for i, n, a, s, m in SCHOOL_HEALTH]
    return units


def go_live_dates(as_of: date) -> dict[int, date]:
    """Return each phase's demo go-live date, counted from ``as_of``."""
    return {phase: as_of + timedelta(days=days) for phase, days in PHASE_OFFSETS.items()}


# How far along a unit is: the share of its questions answered, and how good the answers are.
PROFILES = {
    "ready": (1.0, 0.97),
    "nearly": (0.95, 0.85),
    "struggling": (0.8, 0.45),
    "started": (0.35, 0.8),
    "untouched": (0.0, 0.0),
}
# Profiles by phase: phase 1 goes live soon and is furthest along; phase 3 has barely begun.
PHASE_PROFILES = {
    1: ["ready", "ready", "nearly", "nearly", "struggling", "ready", "nearly"],
    2: ["nearly", "started", "struggling", "ready", "started", "untouched"],
    3: ["started", "untouched", "untouched", "started", "nearly", "untouched", "struggling"],
}


def profile_of(unit: Unit, index: int, phase: int) -> str:
    """Return the demo profile of the ``index``-th unit of a phase."""
    choices = PHASE_PROFILES[phase]
    return choices[index % len(choices)]


def _value(question: Question, good: bool, rng: random.Random, as_of: date) -> str:
    kind = question.type
    if kind == "yes-no":
        return "yes" if good else "no"
    if kind == "yes-partial-no":
        return "yes" if good else rng.choice(["partial", "no"])
    if kind == "percent":
        target = question.target or 100.0
        return str(round(min(100.0, target * (1.0 if good else rng.uniform(0.2, 0.8)))))
    if kind == "number":
        return str(rng.randint(2, 12))
    if kind == "date":
        return (as_of - timedelta(days=rng.randint(1, 30))).isoformat()
    if kind == "choice":
        return question.options[0].id if good else question.options[-1].id
    return rng.choice(
        [
            "Inga kända risker.",
            "Beroende till kommunens IT-leverantör.",
            "Lokalbyte under våren kan påverka.",
        ]
    )


def demo_answers(checklist: Checklist, unit: Unit, profile: str, as_of: date) -> list[NewAnswer]:
    """Return the answers a unit of ``profile`` has given, deterministically."""
    share, quality = PROFILES[profile]
    rng = random.Random(f"{unit.id}/{profile}")
    values: dict[str, str] = {}
    batch: list[NewAnswer] = []
    for question in checklist.questions:
        if question.derived or question not in applicable_questions(checklist, unit.type, values):
            continue
        if rng.random() >= share:
            continue
        good = rng.random() < quality or (question.critical and profile == "ready")
        value = (
            NA if question.allow_na and rng.random() < 0.1 else _value(question, good, rng, as_of)
        )
        if question.id == "med.has-infusion-pumps":  # hospitals have pumps in the demo
            value = "yes" if unit.type == "hospital" else "no"
        values[question.id] = value
        comment = (
            "Se protokoll i projektets dokumentarkiv." if question.evidence == "required" else None
        )
        batch.append(NewAnswer(unit.id, question.id, value, comment))
    return batch


def demo_counts(catalog: Catalog, unit: Unit, profile: str) -> list[tuple[str, Count]]:
    """Return the unit's equipment counts for its profile: complete, short, or not counted."""
    if profile == "untouched":
        return []
    rng = random.Random(f"{unit.id}/equipment")
    counts = []
    for state in unit_items(catalog, unit, {}, {}):
        r = state.required
        if r == 0:
            continue
        if profile == "ready":
            present = configured = tested = r
        else:
            present = max(0, r - rng.randint(0, max(1, r // 3)))
            configured = max(0, present - rng.randint(0, max(1, present // 2)))
            tested = max(0, configured - rng.randint(0, configured))
            if profile == "started":
                tested = 0
        counts.append((state.item, Count(present, configured, tested)))
    return counts


# Roles of the demo's staff per unit type, repeated in this order.
STAFF_ROLES = {
    "hospital": ["nurse", "assistant-nurse", "physician", "nurse", "admin", "super-user"],
    "primary-care": ["nurse", "physician", "admin", "nurse", "super-user"],
    "private": ["physician", "nurse", "admin"],
    "municipal": ["municipal-nurse", "assistant-nurse", "municipal-nurse", "super-user"],
    "school-health": ["nurse", "admin"],
}
FIRST = [
    "Anna",
    "Björn",
    "Cecilia",
    "Dragan",
    "Elin",
    "Fatima",
    "Göran",
    "Hanna",
    "Ida",
    "Jonas",
    "Karin",
    "Leila",
    "Mats",
    "Nora",
    "Oskar",
    "Pia",
    "Ronja",
    "Sven",
    "Tove",
    "Åsa",
]
LAST = [
    "Andersson",
    "Berg",
    "Çelik",
    "Dahl",
    "Ek",
    "Forsberg",
    "Gustafsson",
    "Holm",
    "Öberg",
    "Lindqvist",
    "Nyström",
    "Sjöberg",
    "Wallin",
    "Åkesson",
    "Ängström",
]
TRAINED = {"ready": 0.97, "nearly": 0.85, "struggling": 0.5, "started": 0.2, "untouched": 0.0}


def demo_people(unit: Unit, index: int) -> list[Person]:
    """Return the demo's registered staff of a unit (a handful, not the whole staff)."""
    roles = STAFF_ROLES[unit.type]
    count = max(2, min(8, (unit.staff or 10) // 6))
    rng = random.Random(f"{unit.id}/people")
    return [
        Person(
            f"{unit.id}-p{n + 1}",
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            roles[n % len(roles)],
            unit.id,
        )
        for n in range(count)
    ]


@dataclass(frozen=True)
class DemoSession:
    id: str
    course: str
    start: datetime
    end: datetime
    capacity: int
    location: str
    past: bool

    @property
    def values(self) -> dict[str, object]:
        """Return the session as stored."""
        return {
            "id": self.id,
            "course": self.course,
            "start": self.start.isoformat(timespec="minutes"),
            "end": self.end.isoformat(timespec="minutes"),
            "capacity": self.capacity,
            "location": self.location,
            "trainer": "FVM utbildningsteam",
        }


def demo_sessions(as_of: date, curriculum: Curriculum) -> list[DemoSession]:
    """Return per course a past session (where the trained completed) and two upcoming ones."""
    places = ["Borås, Södra Älvsborgs Sjukhus", "Skövde, Kärnsjukhuset", "Uddevalla sjukhus"]
    found = []
    for k, course in enumerate(curriculum.courses.values()):
        past = datetime.combine(as_of - timedelta(days=40 + 3 * k), time(9))
        found.append(
            DemoSession(
                f"{course.id}-{past.date().isoformat()}",
                course.id,
                past,
                default_end(past, course),
                600,
                "Utbildningscentrum, Regionens hus Göteborg",
                True,
            )
        )
        for week in (2, 5):
            start = datetime.combine(as_of + timedelta(weeks=week, days=k % 5), time(9))
            found.append(
                DemoSession(
                    f"{course.id}-{start.date().isoformat()}",
                    course.id,
                    start,
                    default_end(start, course),
                    12,
                    places[(k + week) % 3],
                    False,
                )
            )
    return found


def build_demo(env: Env, as_of: date, snapshot: Callable[[str, date], None]) -> str:
    """Fill the (freshly reset) demo database; return a one-line summary of what it holds.

    Part of the answers come first and ``snapshot`` freezes that earlier assessment round, a
    month before ``as_of``; the rest follow and a second round is frozen on ``as_of``.
    """
    from fvmcli.clock import now_iso
    from fvmcli.store.answers import change_waiver, save_answers
    from fvmcli.store.equipment import NewCount, save_counts
    from fvmcli.store.training import save_session, set_enrolment, upsert_people
    from fvmcli.store.units import set_go_live, upsert_units

    at = now_iso()
    units = demo_units()
    checklist = env.checklist("golive")
    answers: list[NewAnswer] = []
    counts: list[NewCount] = []
    people: list[Person] = []
    completions: list[tuple[Person, str]] = []  # completed in a past session
    bookings: list[tuple[Person, str]] = []  # booked on an upcoming session
    requires = env.curriculum.requires()
    seen: dict[int, int] = {}
    for unit in units:
        phase = env.territory.phase_of(unit.area)
        index = seen[phase] = seen.get(phase, -1) + 1
        profile = profile_of(unit, index, phase)
        answers += demo_answers(checklist, unit, profile, as_of)
        counts += [
            NewCount(unit.id, item, c) for item, c in demo_counts(env.catalog, unit, profile)
        ]
        rng = random.Random(f"{unit.id}/training")
        for person in demo_people(unit, index):
            people.append(person)
            for course in requires.get(person.role, ()):
                if rng.random() < TRAINED[profile]:
                    completions.append((person, course))
                elif profile != "untouched" and rng.random() < 0.5:
                    bookings.append((person, course))
    sessions = demo_sessions(as_of, env.curriculum)
    past = {s.course: s.id for s in sessions if s.past}
    upcoming: dict[str, list[DemoSession]] = {}
    for s in sessions:
        if not s.past:
            upcoming.setdefault(s.course, []).append(s)
    with env.db.write() as conn:
        upsert_units(conn, units, by=DEMO_USER, at=at)
        for phase, day in go_live_dates(as_of).items():
            set_go_live(conn, phase, day, by=DEMO_USER, at=at)
        early = [a for a in answers if random.Random(f"{a.unit_id}/{a.question}").random() < 0.7]
        save_answers(conn, checklist.id, checklist.version, early, by=DEMO_USER, at=at)
        save_counts(conn, counts, by=DEMO_USER, at=at)
        change_waiver(
            conn,
            "sas-skene-ort",
            checklist.id,
            "cut.rehearsal",
            "Generalrepetition samordnas med SÄS Borås; beslut i styrgruppen.",
            as_of + timedelta(days=60),
            by="cutover-lead",
            at=at,
            version=checklist.version,
        )
        upsert_people(conn, people, by=DEMO_USER, at=at)
        for session in sessions:
            save_session(conn, session.values, by=DEMO_USER, at=at)
        for person, course in completions:
            set_enrolment(conn, past[course], person, "completed", by=DEMO_USER, at=at)
        taken: dict[str, int] = {}
        for n, (person, course) in enumerate(bookings):
            target = upcoming[course][n % len(upcoming[course])]
            taken[target.id] = taken.get(target.id, 0) + 1
            status = "enrolled" if taken[target.id] <= target.capacity else "waitlisted"
            set_enrolment(conn, target.id, person, status, by=DEMO_USER, at=at)
    first_round = as_of - timedelta(days=30)
    snapshot(f"T-{PHASE_OFFSETS[1] + 30}", first_round)
    with env.db.write() as conn:
        save_answers(conn, checklist.id, checklist.version, answers, by=DEMO_USER, at=at)
    snapshot(f"T-{PHASE_OFFSETS[1]}", as_of)
    return (
        f"{len(units)} units in {len(env.territory.areas)} areas and 3 phases, "
        f"{len(answers)} answers, {len(counts)} equipment counts, {len(people)} people in "
        f"training on {len(sessions)} sessions, as of {as_of}."
    )
