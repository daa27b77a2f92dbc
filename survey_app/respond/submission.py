"""Storing a response: one transaction, no link back to the invitation or the moment."""

from __future__ import annotations

import json

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires import DECLINED, DONT_KNOW, Questionnaire, missing_required, prune_answers
from survey_app.crypto import Keyring
from survey_app.models import (
    FORGOTTEN_WHEN_USED,
    Invitation,
    InvitationTally,
    OpenLink,
    OpenLinkClaim,
    Response,
    random_id,
)
from survey_app.respond.drafts import delete_draft
from survey_app.respond.links import Respondent

TEXT_KINDS = frozenset({"short_text", "long_text"})
# In open-link mode these answers are the response's coarse attributes, not answers.
ATTRIBUTE_ANSWERS = {"tenure_band": "tenure_band", "occupational_group": "occupational_group_code"}
# What the analysis calls a group it does not know (``analysis.UNKNOWN``; not imported,
# so that the respondent pages do not load pandas; a test keeps the two equal).
UNKNOWN = "unknown"


_INVITATIONS = Invitation.__table__


class AlreadySubmitted(Exception):
    """The invitation was used by an earlier (or simultaneous) submission."""


class Incomplete(ValueError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("required answers missing: " + ", ".join(missing))


def split_answers(questionnaire: Questionnaire, answers: dict) -> tuple[dict, dict]:
    """Closed answers (stored as they are) and free text (sealed)."""
    text_keys = {q.key for q in questionnaire.questions() if q.type in TEXT_KINDS}
    closed = {k: v for k, v in answers.items() if k not in text_keys}
    texts = {k: v for k, v in answers.items() if k in text_keys and v}
    return closed, texts


def store_response(db: Session, respondent: Respondent, row: dict) -> None:
    """Mark the link used and store ``row`` (from `response_row`), or raise; the caller commits.

    The response gets a random id and only coarse attributes, and stays unmixed until
    `mixing.mix_pending` hides it among older responses. Call this as the first
    statement of a transaction: the conditional UPDATE is what makes a double-tapped
    or concurrent submit store exactly one response.
    """
    try:
        _claim(db, respondent)
    except IntegrityError as exc:
        raise AlreadySubmitted() from exc
    db.execute(insert(Response.__table__).values(row))
    delete_draft(db, respondent.draft_id)


def response_row(keyring: Keyring, questionnaire: Questionnaire, respondent: Respondent,
                 answers: dict) -> dict:
    """The response as it will be stored, or Incomplete: pure, no database involved.

    Done before the transaction that stores it, so that the write lock it takes (on
    SQLite the database's only one) is held for the statements alone.
    """
    answers = prune_answers(questionnaire, answers, respondent.mode)
    missing = missing_required(questionnaire, answers, respondent.mode)
    if missing:
        raise Incomplete(missing)
    attributes = {
        "occupational_group_code": respondent.occupational_group_code,
        "tenure_band": respondent.tenure_band,
        "ending_type": respondent.ending_type,
    }
    if respondent.mode == "open_link":
        attributes.update(_open_link_attributes(answers))
    closed, texts = split_answers(questionnaire, answers)
    response_id = random_id()
    sealed = (keyring.seal(json.dumps(texts, ensure_ascii=False), table="responses",
                           row_id=response_id, column="sealed_texts") if texts else None)
    return {"id": response_id, "questionnaire_key": questionnaire.key,
            "questionnaire_version": questionnaire.version, "source": respondent.mode,
            "unit_id": respondent.unit_id, "quarter": respondent.quarter, "answers": closed,
            "sealed_texts": sealed, "mixed": False, "mix_group": None, **attributes}


def _open_link_attributes(answers: dict) -> dict:
    """The self-reported group and band, taken out of ``answers`` into their columns.

    "Vill inte svara" on the occupational group is stored as ``unknown``, which the
    analysis counts as an unknown group; "Annan yrkesgrupp" as ``other``. The tenure
    band column only holds real bands, so a declined band leaves it empty (the analysis
    counts it among those with no band) and the answer ``declined`` stays in the closed
    answers: declined and never asked (an answer from before the question was
    required) can be told apart without another column.
    """
    attributes = {}
    for answer_key, column in ATTRIBUTE_ANSWERS.items():
        value = answers.pop(answer_key, None)
        if value in (DECLINED, DONT_KNOW):
            if answer_key == "occupational_group":
                value = UNKNOWN
            else:
                answers[answer_key] = DECLINED
                value = None
        attributes[column] = value
    return attributes


def _claim(db: Session, respondent: Respondent) -> None:
    """Take the link (invitation) or the browser's draft (open link) exactly once.

    Claiming comes first: a parallel tap that arrives after the winner committed finds
    nothing to claim and is told the answers are already in, whatever it had loaded.
    A used invitation forgets everything but what refuses a second use, and its group's
    tally counts one more answer instead.
    """
    if respondent.mode == "invitation":
        # Core statements (the table, not the class): no ORM bookkeeping inside the lock.
        claimed = db.execute(
            update(_INVITATIONS)
            .where(_INVITATIONS.c.token_digest == respondent.link_ref, _INVITATIONS.c.used.is_(False))
            .values(used=True, **FORGOTTEN_WHEN_USED)
        ).rowcount
        if claimed != 1:
            raise AlreadySubmitted()
        count_answer(db, respondent)
    else:
        _claim_open_answer(db, respondent)


def _claim_open_answer(db: Session, respondent: Respondent) -> None:
    """Insert the browser's spent key, as the transaction's first (writing) statement.

    A second insert of the same key (a double tap) waits for the first and then fails on
    the primary key; the caller turns that into AlreadySubmitted after rolling back.
    """
    expiry = select(OpenLink.expires_on).where(OpenLink.id == int(respondent.link_ref))
    db.execute(insert(OpenLinkClaim).values(id=respondent.draft_id,
                                            expires_on=expiry.scalar_subquery()))


def is_claimed(db: Session, respondent: Respondent) -> bool:
    """Whether this respondent's answer is stored (by this request or a parallel tap)."""
    if respondent.mode == "invitation":
        return bool(db.scalar(select(Invitation.used).where(
            Invitation.token_digest == respondent.link_ref)))
    return db.get(OpenLinkClaim, respondent.draft_id) is not None


def count_answer(db: Session, respondent: Respondent) -> None:
    tallies = InvitationTally.__table__.c
    db.execute(update(InvitationTally.__table__).where(
        tallies.questionnaire_key == respondent.questionnaire_key,
        tallies.unit_id == respondent.unit_id,
        tallies.quarter == respondent.quarter,
        tallies.tenure_band == respondent.tenure_band,
    ).values(used=tallies.used + 1))


def open_texts(keyring: Keyring, response: Response) -> dict:
    """The free-text answers of one response (for the gated comment view only)."""
    if not response.sealed_texts:
        return {}
    return json.loads(keyring.open(response.sealed_texts, table="responses",
                                   row_id=response.id, column="sealed_texts"))
