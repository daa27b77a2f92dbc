"""Questionnaires as validated data: the TOML files, their loader and the form kinds.

The app, the interview guide and the analysis all read the questionnaires
through this package; nothing here imports Flask.
"""

from questionnaires.forms import (
    ChoicesProvider,
    build_followup_form,
    build_form,
    declined_field,
    followups_to_ask,
    missing_required,
    prune_answers,
    question_options,
    read_answers,
    read_followup,
    visible_questions,
    visible_sections,
)
from questionnaires.kinds import KINDS, LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT, Kind
from questionnaires.loader import check, default_directory, load_catalogue
from questionnaires.messages import message
from questionnaires.model import (
    DECLINED,
    DONT_KNOW,
    LANGUAGES,
    MODES,
    Band,
    Catalogue,
    Condition,
    Dimensions,
    Followup,
    Frameworks,
    Named,
    Numbered,
    Option,
    Problem,
    Question,
    Questionnaire,
    QuestionnaireError,
    Reason,
    Section,
    Text,
)
from questionnaires.tenure import rollup, tenure_band
from questionnaires.tidy import TIDY_COLUMNS, tidy_responses

__all__ = [
    "DECLINED",
    "DONT_KNOW",
    "KINDS",
    "LANGUAGES",
    "LONG_TEXT_LIMIT",
    "MODES",
    "SHORT_TEXT_LIMIT",
    "TIDY_COLUMNS",
    "Band",
    "Catalogue",
    "ChoicesProvider",
    "Condition",
    "Dimensions",
    "Followup",
    "Frameworks",
    "Kind",
    "Named",
    "Numbered",
    "Option",
    "Problem",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Reason",
    "Section",
    "Text",
    "build_followup_form",
    "build_form",
    "check",
    "declined_field",
    "default_directory",
    "load_catalogue",
    "message",
    "followups_to_ask",
    "missing_required",
    "prune_answers",
    "question_options",
    "read_answers",
    "read_followup",
    "rollup",
    "tenure_band",
    "tidy_responses",
    "visible_questions",
    "visible_sections",
]
