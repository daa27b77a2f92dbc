"""Demo staff accounts, one or more per role, with printed passwords."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_app.auth.services import assign_units, create_user

# Public demo passwords: the demo is refused in production (see cli.demo_load).
DEMO_USERS = [
    ("hr.admin@exempel.se", "Hanna HR-administratör", "Ekorre-Kaffe-Vinter-2026",
     ["hr_admin"], []),
    ("hr.analytiker@exempel.se", "Ali HR-analytiker", "Tallskog-Morgon-Paraply-7",
     ["hr_analyst"], []),
    ("chef.bjorken@exempel.se", "Maria Enhetschef", "Blåbär-Fönster-Cykel-42",
     ["manager"], ["VO01"]),
    ("chef.vo@exempel.se", "Jonas Verksamhetschef", "Hemtjänst-Lykta-Snöflinga-9",
     ["manager"], ["VO"]),
]


def load_people(db: Session, *, unit_suffix: str = "") -> list[tuple[str, str, str]]:
    """Create the demo users; returns (username, password, roles) for the printout."""
    printed = []
    for username, name, password, roles, unit_codes in DEMO_USERS:
        user = create_user(db, username, name, password, roles)
        codes = [c + unit_suffix if len(c) > 3 else c for c in unit_codes]
        if codes:
            assign_units(db, user, codes, actor=None)
        printed.append((username, password, ", ".join(roles)))
    return printed
