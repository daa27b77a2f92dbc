"""Stored responses of any versions as one long, tidy table keyed by stable question keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from questionnaires.kinds import KINDS
from questionnaires.model import DECLINED, Catalogue

if TYPE_CHECKING:
    import pandas as pd

TIDY_COLUMNS = ("questionnaire", "version", "section", "question", "question_type", "option", "value")
_RECORD_KEYS = frozenset({"questionnaire", "version", "answers"})


def tidy_responses(records: Iterable[Mapping[str, Any]], catalogue: Catalogue) -> pd.DataFrame:
    """One row per answer (per ticked option for multiple choice), across versions.

    Each record is ``{"questionnaire": key, "version": int, "answers": {question_key:
    value}, ...}``; its other keys (``response_id``, ``period``, ...) are passed
    through as leading columns. ``option`` holds the key of a chosen option
    (also ``dont_know`` and ``declined``); ``value`` holds numbers and texts.
    A "main one" follow-up is a row of its own with ``question_type``
    ``main_followup``.
    Rows follow the record order, then the questionnaire's question order.
    Raises ValueError for an unknown questionnaire version or question key.

    Examples
    --------
    >>> table = tidy_responses(
    ...     [{"response_id": "r1", "questionnaire": "exit_survey", "version": 1,
    ...       "answers": {"reasons": ["pay", "workload"], "recommend": 7}}],
    ...     load_catalogue())  # doctest: +SKIP
    >>> table[["question", "option", "value"]].values.tolist()  # doctest: +SKIP
    [['reasons', 'pay', None], ['reasons', 'workload', None], ['recommend', None, 7]]
    """
    import pandas as pd  # imported here so that loading questionnaires stays light

    rows: list[dict[str, Any]] = []
    passthrough: dict[str, None] = {}
    for number, record in enumerate(records):
        extra = {name: value for name, value in record.items() if name not in _RECORD_KEYS}
        passthrough.update(dict.fromkeys(extra))
        rows.extend({**extra, **row} for row in _record_rows(number, record, catalogue))
    columns = [*passthrough, *TIDY_COLUMNS]
    table = pd.DataFrame(rows, columns=columns)
    table["version"] = table["version"].astype("int64")
    for name in ("option", "value"):
        table[name] = table[name].astype(object).where(table[name].notna(), None)
    return table


def _record_rows(number: int, record: Mapping[str, Any], catalogue: Catalogue):
    for name in _RECORD_KEYS:
        if name not in record:
            raise ValueError(f"record {number} has no {name!r}")
    key, version = record["questionnaire"], record["version"]
    try:
        questionnaire = catalogue.get(key, version)
    except KeyError:
        raise ValueError(f"record {number}: unknown questionnaire {key!r} v{version}") from None
    answers = record["answers"]
    for answer_key in answers:
        try:
            questionnaire.answer_owner(answer_key)
        except KeyError:
            raise ValueError(
                f"record {number}: {answer_key!r} is not a question of {key} v{version}"
            ) from None
    for section in questionnaire.sections:
        for question in section.questions:
            for answer_key in question.answer_keys():
                value = answers.get(answer_key)
                if value is None:
                    continue
                followup = answer_key != question.key
                if value == DECLINED:
                    pairs = [(DECLINED, None)]
                else:
                    pairs = KINDS[question.type].rows(question, followup, value)
                for option, shown in pairs:
                    yield {
                        "questionnaire": key,
                        "version": version,
                        "section": section.key,
                        "question": answer_key,
                        "question_type": "main_followup" if followup else question.type,
                        "option": option,
                        "value": shown,
                    }
