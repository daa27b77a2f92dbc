"""Exempel kommun: administrations, units and occupational groups (deterministic)."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from survey_app.models import OccupationalGroup, OrgUnit, OrgUnitPlacement

MUNICIPALITY = ("EK", "Exempel kommun")

# code, name, unit name stems, the occupational groups that work there
ADMINISTRATIONS = [
    ("VO", "Vård och omsorg",
     ["Äldreboendet Björken", "Äldreboendet Linden", "Äldreboendet Rönnen", "Hemtjänst Norr",
      "Hemtjänst Söder", "Hemtjänst Väster", "Hemsjukvården", "Korttidsboendet Eken",
      "LSS-boendet Lärkan", "LSS-boendet Svalan", "Daglig verksamhet Verkstan",
      "Personlig assistans", "Nattpatrullen", "Demensboendet Almen"],
     ["USK", "VBI", "SSK", "PA", "STA", "EC"]),
    ("BU", "Barn och utbildning",
     ["Förskolan Solrosen", "Förskolan Blåklockan", "Förskolan Vitsippan", "Förskolan Humlan",
      "Ekbyskolan F-6", "Norrskolan F-9", "Västerskolan 7-9", "Gymnasiet Kunskapen",
      "Fritidshemmet Kojan", "Elevhälsan", "Kulturskolan", "Vuxenutbildningen"],
     ["FSL", "BSK", "LAR", "ADM", "EC"]),
    ("SOC", "Socialtjänst",
     ["Barn och familj", "Försörjningsstöd", "Vuxen och beroende", "Mottagningen",
      "Familjehemsenheten", "Boendestöd"],
     ["SOCS", "STA", "ADM", "EC"]),
    ("KL", "Kommunledning",
     ["HR-enheten", "Ekonomienheten", "Kommunikation", "IT-enheten", "Kansliet"],
     ["ADM", "EC"]),
    ("SB", "Samhällsbyggnad",
     ["Gata och park", "Bygglov", "Miljö och hälsa", "Fastighet", "Kostenheten",
      "Lokalvården"],
     ["ADM", "SERV", "EC"]),
]

OCCUPATIONAL_GROUPS = [
    ("USK", "Undersköterska", "Assistant nurse"),
    ("SSK", "Sjuksköterska", "Registered nurse"),
    ("VBI", "Vårdbiträde", "Care assistant"),
    ("PA", "Personlig assistent", "Personal assistant"),
    ("STA", "Stödassistent/boendestödjare", "Support worker"),
    ("FSL", "Förskollärare", "Preschool teacher"),
    ("BSK", "Barnskötare", "Childminder"),
    ("LAR", "Lärare", "Teacher"),
    ("SOCS", "Socialsekreterare", "Social worker"),
    ("EC", "Enhetschef", "Unit manager"),
    ("ADM", "Administratör", "Administrator"),
    ("SERV", "Service- och lokalvårdare", "Service and cleaning staff"),
]


def load_organisation(db: Session, *, size: int, rng: random.Random) -> dict[str, OrgUnit]:
    """Create the tree; `size` repeats each unit stem (for benchmarks). Returns units by code."""
    root = OrgUnit(code=MUNICIPALITY[0], name=MUNICIPALITY[1], kind="municipality")
    db.add(root)
    units: dict[str, OrgUnit] = {root.code: root}
    for admin_code, admin_name, stems, _groups in ADMINISTRATIONS:
        admin = OrgUnit(code=admin_code, name=admin_name, kind="administration", parent=root)
        units[admin_code] = admin
        for copy in range(size):
            for number, stem in enumerate(stems, start=1):
                code = f"{admin_code}{number:02d}" + (f"-{copy + 1}" if size > 1 else "")
                name = stem + (f" {copy + 1}" if size > 1 else "")
                units[code] = OrgUnit(code=code, name=name, kind="unit", parent=admin)
    db.add_all(units.values())
    db.flush()
    db.add_all(OrgUnitPlacement(unit_id=u.id, parent_id=u.parent_id) for u in units.values())
    return units


def load_occupational_groups(db: Session) -> dict[str, OccupationalGroup]:
    groups = {code: OccupationalGroup(code=code, name_sv=sv, name_en=en)
              for code, sv, en in OCCUPATIONAL_GROUPS}
    db.add_all(groups.values())
    db.flush()
    return groups


def groups_for_unit(unit_code: str) -> list[str]:
    """The occupational groups that work in a unit's administration."""
    for admin_code, _name, _stems, groups in ADMINISTRATIONS:
        if unit_code.startswith(admin_code):
            return groups
    return ["ADM"]
