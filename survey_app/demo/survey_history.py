"""Write synthetic leavers to the database: invitations and anonymous responses."""

from __future__ import annotations

import json
import random
import secrets
import uuid
from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from survey_app.crypto import Keyring
from survey_app.demo.leavers import generate_leavers
from survey_app.demo.organisation import groups_for_unit
from survey_app.models import (
    FORGOTTEN_WHEN_USED,
    Invitation,
    InvitationBatch,
    InvitationTally,
    OrgUnit,
    Response,
    random_id,
)
from survey_app.periods import parse_quarter, quarter_of, shift_quarter
from survey_app.respond.mixing import DEFAULT_SAMPLE

BATCH = 5000


def quarter_end(quarter: str) -> date:
    year, number = parse_quarter(quarter)
    first_of_next = date(year + (number == 4), 1 if number == 4 else number * 3 + 1, 1)
    return first_of_next - timedelta(days=1)


def _mix_groups(responses: list[dict], rng: random.Random) -> None:
    """Demo responses sit in mix groups as if the mixer had written them (respond/mixing.py)."""
    size = DEFAULT_SAMPLE + 1
    by_quarter: dict[str, list[dict]] = {}
    for row in responses:
        by_quarter.setdefault(row["quarter"], []).append(row)
    for rows in by_quarter.values():
        parts = max(1, len(rows) // size)
        for index in range(parts):
            group = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            for row in rows[index::parts]:
                row["mix_group"] = group


def load_survey_history(db: Session, units: dict[str, OrgUnit], keyring: Keyring, *,
                        rng: random.Random, today: date, quarters: int = 8) -> tuple[int, int]:
    """Two years of closed quarters of invitations and responses; returns (invited, answered)."""
    last_closed = shift_quarter(quarter_of(today), -1)
    unit_groups = {code: groups_for_unit(code) for code, u in units.items() if u.kind == "unit"}
    invitations, responses = [], []
    tallies: dict[tuple, dict] = {}
    batches: dict[str, dict] = {}
    invited = answered = 0
    for leaver in generate_leavers(rng, unit_groups, last_closed, quarters):
        invited += 1
        end = quarter_end(leaver.quarter)
        batch = batches.setdefault(leaver.quarter, {
            "id": f"demo-{leaver.quarter}", "questionnaire_key": "exit_survey",
            "created_on": end - timedelta(days=30), "size": 0})
        batch["size"] += 1
        group = (units[leaver.unit_code].id, leaver.quarter, leaver.tenure_band)
        tally = tallies.setdefault(group, {
            "questionnaire_key": "exit_survey", "unit_id": group[0], "quarter": group[1],
            "tenure_band": group[2], "invited": 0, "used": 0})
        tally["invited"] += 1
        tally["used"] += leaver.responded
        # A used invitation keeps only its digest, used flag and expiry.
        invitations.append(FORGOTTEN_WHEN_USED | {
            "token_digest": secrets.token_hex(32), "expires_on": end + timedelta(days=30),
            "used": True} if leaver.responded else {
            "token_digest": secrets.token_hex(32), "batch": batch["id"],
            "position": batch["size"], "questionnaire_key": "exit_survey",
            "unit_id": units[leaver.unit_code].id,
            "occupational_group_code": leaver.occupational_group_code,
            "tenure_band": leaver.tenure_band, "ending_type": leaver.ending_type,
            "leaving_quarter": leaver.quarter, "created_on": batch["created_on"],
            "expires_on": end + timedelta(days=30), "used": False})
        if leaver.responded:
            answered += 1
            response_id = random_id()
            sealed = keyring.seal(json.dumps(leaver.texts, ensure_ascii=False),
                                  table="responses", row_id=response_id,
                                  column="sealed_texts") if leaver.texts else None
            responses.append({
                "id": response_id, "questionnaire_key": "exit_survey",
                "questionnaire_version": 1, "source": "invitation",
                "unit_id": units[leaver.unit_code].id,
                "occupational_group_code": leaver.occupational_group_code,
                "tenure_band": leaver.tenure_band, "ending_type": leaver.ending_type,
                "quarter": leaver.quarter, "answers": leaver.answers, "sealed_texts": sealed,
                "mixed": True})
    rng.shuffle(responses)
    _mix_groups(responses, rng)
    db.execute(insert(InvitationBatch), list(batches.values()))
    db.execute(insert(InvitationTally), list(tallies.values()))
    for start in range(0, len(invitations), BATCH):
        db.execute(insert(Invitation), invitations[start:start + BATCH])
    for start in range(0, len(responses), BATCH):
        db.execute(insert(Response), responses[start:start + BATCH])
    return invited, answered
