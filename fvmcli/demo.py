"""The demo territory: modelled on Västra Götaland, built into a database of its own."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from fvmcli.core.model import Unit

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


def build_demo(env: Env, as_of: date) -> str:
    """Fill the (freshly reset) demo database; return a one-line summary of what it holds."""
    from fvmcli.clock import now_iso
    from fvmcli.store.units import set_go_live, upsert_units

    at = now_iso()
    units = demo_units()
    with env.db.write() as conn:
        upsert_units(conn, units, by=DEMO_USER, at=at)
        for phase, day in go_live_dates(as_of).items():
            set_go_live(conn, phase, day, by=DEMO_USER, at=at)
    return f"{len(units)} units in {len(env.territory.areas)} areas and 3 phases, as of {as_of}."
