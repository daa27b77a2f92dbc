"""Anonymity as a property of the data: a full dump cannot pair a response with its link.

The attacker here has everything: every table, every column, the storage order, the
hidden row versions of PostgreSQL, the list of invitations with their use status and
the order in which the leavers answered. Twelve leavers with the same coarse
attributes answer in a known order; nothing may tell their responses apart beyond
what the attributes themselves say.
"""

from __future__ import annotations

import base64
import uuid

from sqlalchemy import Date, DateTime, Integer, inspect, select, text

from survey_app.models import Invitation, Response
from tests.app.survey_helpers import QUARTER, STEP_ANSWERS, answer_all, invite

LEAVERS = 12


def submit_in_known_order(app) -> tuple[list[str], list[str]]:
    """Tokens and the 'recommend' answer each leaver gives, in the order they answer."""
    tokens = invite(app, count=LEAVERS)
    marks = []
    for number, token in enumerate(tokens):
        mark = str(number % 11)  # a visible answer that identifies the order of submission
        steps = [STEP_ANSWERS[0], STEP_ANSWERS[1], STEP_ANSWERS[2] | {"recommend": mark}]
        assert answer_all(app.test_client(), token, steps).headers["Location"] == "/s/thanks"
        marks.append(mark)
    return tokens, marks


def test_response_table_has_no_time_sequence_or_reference(app):
    columns = {c.name: c for c in Response.__table__.columns}
    assert not [n for n, c in columns.items() if isinstance(c.type, Date | DateTime)]
    assert not [n for n, c in columns.items() if isinstance(c.type, Integer) and c.primary_key]
    assert not [n for n in columns if "invitation" in n or "token" in n or n == "ip"]
    assert not Response.__table__.foreign_keys - {
        fk for fk in Response.__table__.foreign_keys if fk.column.table.name == "org_units"}
    assert {c.name for c in Invitation.__table__.columns}.isdisjoint(
        {"used_at", "used_on", "response_id", "answered_at"})


def test_full_dump_does_not_pair_responses_with_invitations(app, db, org):
    tokens, marks = submit_in_known_order(app)
    db.expire_all()
    dump = {table: [dict(r) for r in db.execute(text(f"SELECT * FROM {table}")).mappings()]
            for table in inspect(db.bind).get_table_names()}
    responses = dump["responses"]
    assert len(responses) == LEAVERS
    invitations = dump["invitations"]
    batches = {b["id"] for b in dump["invitation_batches"]}
    secrets_of_links = set(tokens) | {i["token_digest"] for i in invitations} | batches
    # the only whole numbers a response holds are its unit and questionnaire version
    # (and, on SQLite, the mixed flag stored as 0/1)
    assert {k for k, v in responses[0].items() if isinstance(v, int)} - {"mixed"} <= \
        {"unit_id", "questionnaire_version"}
    assert all(row["mixed"] for row in responses), "every response is mixed among the others"
    for row in responses:
        # ids are random UUIDs, and no value anywhere is a token, digest or batch
        assert uuid.UUID(row["id"]).version == 4
        assert not {str(v) for v in row.values()} & secrets_of_links
        # only the coarse attributes, identical for all twelve
        assert (row["tenure_band"], row["quarter"], row["ending_type"]) == \
            ("lt_6m", QUARTER, "own_resignation")
        # the sealed text is nonce + ciphertext + tag: no room for a timestamp
        raw = base64.urlsafe_b64decode(row["sealed_texts"].split(":", 1)[1])
        import json

        plain = {"stay_factors": STEP_ANSWERS[2]["stay_factors"],
                 "comment": STEP_ANSWERS[2]["comment"]}
        assert len(raw) == 12 + len(json.dumps(plain, ensure_ascii=False).encode()) + 16
    # a used invitation keeps only its digest, used flag and expiry: no group, batch or date
    assert all(i["used"] for i in invitations)
    for invitation in invitations:
        kept = {k for k, v in invitation.items() if v is not None}
        assert kept == {"id", "token_digest", "used", "expires_on"}, kept

    # storage order: the rows do not come back in the order people answered
    stored_order = [json_recommend(r) for r in responses]
    assert stored_order != marks
    # ordering by id does not give the order of answering either
    by_id = [json_recommend(r) for r in sorted(responses, key=lambda r: r["id"])]
    assert by_id != marks


def json_recommend(row) -> str:
    import json

    answers = row["answers"] if isinstance(row["answers"], dict) else json.loads(row["answers"])
    return str(answers["recommend"])


def test_storage_engine_reveals_no_arrival_order(app, db, org):
    tokens, marks = submit_in_known_order(app)
    db.expire_all()
    if db.bind.dialect.name == "sqlite":
        # without a rowid there is no hidden insertion counter to sort by
        rowid = db.execute(text("SELECT sql FROM sqlite_master WHERE name = 'responses'"))
        assert "WITHOUT ROWID" in rowid.scalar()
        physical = [json_recommend(r) for r in db.execute(
            text("SELECT * FROM responses")).mappings()]
    else:
        # PostgreSQL keeps the writing transaction (xmin) and position (ctid) of each row
        xmins = db.execute(text("SELECT DISTINCT xmin::text FROM responses")).scalars().all()
        used_xmins = db.execute(text(
            "SELECT DISTINCT xmin::text FROM invitations WHERE used")).scalars().all()
        assert len(xmins) == 1, "responses must not carry one transaction id each"
        assert not set(xmins) & set(used_xmins), "no response shares a write with a link"
        physical = [json_recommend(r) for r in db.execute(
            text("SELECT * FROM responses ORDER BY ctid")).mappings()]
    assert physical != marks
    assert sorted(physical) == sorted(marks)


def test_respondent_leaves_no_audit_trace(app, db, org):
    from survey_app.models import AuditEvent

    submit_in_known_order(app)
    assert db.scalar(select(AuditEvent)) is None
