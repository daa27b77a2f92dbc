"""The respondent's way through the steps: which version, which step, what is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Catalogue, Questionnaire, Section, prune_answers, visible_sections
from survey_app.crypto import Keyring
from survey_app.models import Invitation, OpenLink
from survey_app.respond.drafts import load_draft, save_draft
from survey_app.respond.links import Respondent


@dataclass(frozen=True)
class Progress:
    questionnaire: Questionnaire
    answers: dict
    version_changed: bool = False
    saved_step: int | None = None
    stored: bool = False  # a draft row exists (open links create it at the first save)

    def steps(self, mode: str) -> list[Section]:
        return visible_sections(self.questionnaire, self.answers, mode)

    def first_open_step(self, mode: str) -> int:
        """1-based step to resume: where the respondent left, else the first unanswered."""
        steps = self.steps(mode)
        if self.saved_step is not None:
            return max(1, min(self.saved_step, len(steps)))
        for number, section in enumerate(steps, start=1):
            keys = {key for q in section.questions for key in q.answer_keys()}
            if not keys & self.answers.keys():
                return number
        return len(steps)


def load_progress(db: Session, keyring: Keyring, catalogue: Catalogue,
                  respondent: Respondent) -> Progress:
    """The draft's version and answers; a version that was removed moves to the current one."""
    version, answers, step = load_draft(db, keyring, respondent.draft_id)
    if version is None:
        return Progress(catalogue.current(respondent.questionnaire_key), {})
    try:
        return Progress(catalogue.get(respondent.questionnaire_key, version), answers,
                        saved_step=step, stored=True)
    except KeyError:
        current = catalogue.current(respondent.questionnaire_key)
        kept = prune_answers(current, answers, respondent.mode)
        return Progress(current, kept, version_changed=True, saved_step=step, stored=True)


def draft_expiry(db: Session, respondent: Respondent, today: date, valid_days: int) -> date:
    """A draft lives as long as its link."""
    if respondent.mode == "invitation":
        expires = db.scalar(select(Invitation.expires_on).where(
            Invitation.token_digest == respondent.link_ref))
    else:
        link = db.get(OpenLink, int(respondent.link_ref))
        expires = link.expires_on if link else None
    return expires or today + timedelta(days=valid_days)


def merge_step(progress: Progress, new_answers: dict, section: Section, mode: str) -> Progress:
    """Replace one step's answers and keep only what still applies (skip logic)."""
    own = {key for q in section.questions for key in q.answer_keys()}
    merged = {k: v for k, v in progress.answers.items() if k not in own} | new_answers
    return Progress(progress.questionnaire, prune_answers(progress.questionnaire, merged, mode),
                    progress.version_changed, progress.saved_step, progress.stored)


def store_progress(db: Session, keyring: Keyring, respondent: Respondent, progress: Progress,
                   expires_on: date, step: int | None = None) -> None:
    """Save the answers so far, and the step to come back to."""
    save_draft(db, keyring, draft_id=respondent.draft_id,
               questionnaire_key=progress.questionnaire.key,
               version=progress.questionnaire.version, answers=progress.answers,
               expires_on=expires_on, step=step)


def merge_followups(progress: Progress, new_answers: dict, mode: str) -> Progress:
    """Add the answers of a step's follow-up page ("which mattered most?")."""
    merged = progress.answers | new_answers
    return Progress(progress.questionnaire, prune_answers(progress.questionnaire, merged, mode),
                    progress.version_changed, progress.saved_step, progress.stored)
