"""Deterministic demo data for Exempel kommun. Each step is a function; add steps here."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.crypto import Keyring
from survey_app.demo.organisation import (
    MUNICIPALITY,
    load_occupational_groups,
    load_organisation,
)
from survey_app.demo.people import load_people
from survey_app.demo.survey_history import load_survey_history
from survey_app.models import OrgUnit, today

__all__ = ["load_demo"]


def load_demo(db: Session, *, size: int = 1, seed: int = 2026, app_config=None) -> str:
    """Load everything once; return the text to print (users and passwords)."""
    if db.scalar(select(OrgUnit).where(OrgUnit.code == MUNICIPALITY[0])) is not None:
        return "Demo data is already loaded (Exempel kommun exists)."
    rng = random.Random(seed)
    units = load_organisation(db, size=size, rng=rng)
    load_occupational_groups(db)
    people = load_people(db, unit_suffix="-1" if size > 1 else "")
    keyring = Keyring.parse(app_config["ENCRYPTION_KEYS"]) if app_config else None
    invited = answered = 0
    if keyring is not None:
        invited, answered = load_survey_history(db, units, keyring, rng=rng, today=today())
    lines = [f"Exempel kommun: {len(units) - 1} administrations and units.",
             f"Exit survey: {invited} invitations and {answered} responses over two years.",
             "Demo users (sign in at /auth/login):"]
    lines += [f"  {u:<28} {p:<30} {r}" for u, p, r in people]
    return "\n".join(lines)
