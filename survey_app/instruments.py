"""The questionnaire catalogue, loaded and validated once at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from questionnaires import Catalogue, QuestionnaireError, load_catalogue


class BrokenQuestionnaires(RuntimeError):
    """The app refuses to start: a respondent must never see a broken questionnaire."""


def load_instruments(app: Flask) -> None:
    try:
        app.extensions["questionnaires"] = load_catalogue(app.config["QUESTIONNAIRE_DIR"])
    except QuestionnaireError as exc:
        raise BrokenQuestionnaires(
            "The questionnaire files have problems; fix them and start again "
            "(flask questionnaires check lists them):\n" + str(exc)
        ) from exc


def catalogue() -> Catalogue:
    return current_app.extensions["questionnaires"]
