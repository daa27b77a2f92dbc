"""The analysis input: responses, their answers, invitations, the organisation, headcount.

:class:`AnalysisData` is the one object every analysis function reads. It is
built by ``survey_app/analysis_source.py`` from the database, by a notebook
from files, or by a test from hand-made frames; nothing in ``analysis``
knows where the frames came from. Exit-interview records slot in as rows
with ``source = "interview"``: every table is computed per source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import TENURE_FINE, TENURE_SCHEMES

__all__ = [
    "ANSWER_COLUMNS",
    "CHANNELS",
    "HEADCOUNT_COLUMNS",
    "INVITATION_COLUMNS",
    "ORG_COLUMNS",
    "RESPONSE_COLUMNS",
    "SOURCES",
    "UNKNOWN",
    "AnalysisData",
]

#: Where a record comes from: the anonymous survey or the manager's exit interview.
SOURCES: tuple[str, ...] = ("survey", "interview")
#: How a survey was answered; open-link answers carry self-reported attributes.
CHANNELS: tuple[str, ...] = ("invitation", "open_link")
#: The value a missing attribute (occupational group, ending type, administration) takes.
UNKNOWN = "unknown"

RESPONSE_COLUMNS = ("response_id", "source", "channel", "period", "administration", "unit",
                    "occupational_group", "tenure_band", "ending_type")
ANSWER_COLUMNS = ("response_id", "question", "option", "value")
INVITATION_COLUMNS = ("period", "administration", "unit", "tenure_band", "invited", "used")
ORG_COLUMNS = ("unit", "unit_name", "administration", "administration_name")
HEADCOUNT_COLUMNS = ("unit_code", "quarter", "headcount", "hired")

_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
_BANDS = frozenset(TENURE_SCHEMES["rollup"]) | frozenset(TENURE_FINE)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} has no column(s) {missing!r}")
    return frame.copy()


def _check_values(series: pd.Series, allowed, name: str, *, missing_ok: bool = False) -> None:
    values = pd.unique(series.dropna()) if missing_ok else pd.unique(series)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(f"unknown {name} value(s) {sorted(map(str, bad))[:5]!r}")


def _check_quarters(series: pd.Series, name: str) -> None:
    bad = [v for v in pd.unique(series) if not (isinstance(v, str) and _QUARTER.match(v))]
    if bad:
        raise ValueError(f"{name} must hold quarters like 2026Q3, got {bad[:5]!r}")


@dataclass(frozen=True, eq=False)
class AnalysisData:
    """Everything the quarterly analysis reads, as DataFrames (copied; never mutated).

    Parameters
    ----------
    responses : DataFrame
        One row per survey response or exit interview: ``response_id``,
        ``source`` (``survey``/``interview``), ``channel`` (``invitation``/
        ``open_link`` for the survey, missing for interviews), ``period``
        (quarter like ``2026Q3``), ``administration``, ``unit`` (codes),
        ``occupational_group``, ``tenure_band`` (fine band, or missing when an
        open-link respondent did not say), ``ending_type``. Missing
        administration, occupational group or ending type become ``unknown``.
    answers : DataFrame
        The closed answers as a long table by stable question keys (as from
        :func:`questionnaires.tidy_responses`): ``response_id``, ``question``,
        ``option`` (chosen option key, ``dont_know`` or ``declined``) and
        ``value`` (a whole number for scales). Other columns are ignored.
    invitations : DataFrame, optional
        Invitations counted by ``period, administration, unit, tenure_band``:
        ``invited`` and ``used``.
    org : DataFrame, optional
        ``unit, unit_name, administration, administration_name``.
    headcount : DataFrame, optional
        From :func:`parse_headcount_csv`: ``unit_code, quarter, headcount, hired``.
    notes : tuple of str
        What the loader wants the report to say (e.g. how administrations were placed).

    Examples
    --------
    >>> data = AnalysisData(
    ...     pd.DataFrame({"response_id": [1], "source": ["survey"], "channel": ["invitation"],
    ...                   "period": ["2026Q3"], "administration": ["VO"], "unit": ["VO01"],
    ...                   "occupational_group": ["USK"], "tenure_band": ["lt_6m"],
    ...                   "ending_type": ["own_resignation"]}),
    ...     pd.DataFrame({"response_id": [1], "question": ["reasons"], "option": ["pay"],
    ...                   "value": [None]}))
    >>> len(data.responses), data.answer_rows.tolist()
    (1, [0])
    """

    responses: pd.DataFrame
    answers: pd.DataFrame
    invitations: pd.DataFrame = field(default_factory=lambda: _empty(INVITATION_COLUMNS))
    org: pd.DataFrame = field(default_factory=lambda: _empty(ORG_COLUMNS))
    headcount: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    answer_rows: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        responses = _require(self.responses, RESPONSE_COLUMNS, "responses")
        answers = _require(self.answers, ANSWER_COLUMNS, "answers")
        _check_values(responses["source"], SOURCES, "source")
        survey = (responses["source"] == "survey").to_numpy()
        _check_values(responses.loc[survey, "channel"], CHANNELS, "channel")
        _check_quarters(responses["period"], "responses.period")
        _check_values(responses["tenure_band"], _BANDS, "tenure_band", missing_ok=True)
        if responses["unit"].isna().any():
            raise ValueError("every response needs a unit")
        for column in ("administration", "occupational_group", "ending_type"):
            if responses[column].isna().any():
                responses[column] = responses[column].astype(object).fillna(UNKNOWN)
        ids = pd.Index(responses["response_id"])
        if not ids.is_unique:
            raise ValueError("response_id must be unique")
        rows = _answer_rows(ids, answers["response_id"])
        invitations = _require(self.invitations, INVITATION_COLUMNS, "invitations")
        if len(invitations):
            _check_quarters(invitations["period"], "invitations.period")
            counts = invitations[["invited", "used"]].apply(pd.to_numeric, errors="coerce")
            if counts.isna().any().any() or (counts < 0).any().any() or \
                    (counts["used"] > counts["invited"]).any():
                raise ValueError("invitations: invited and used must be counts with used <= invited")
        headcount = self.headcount
        if headcount is not None:
            headcount = _require(headcount, HEADCOUNT_COLUMNS, "headcount")
        for name, value in (("responses", responses), ("answers", answers),
                            ("invitations", invitations),
                            ("org", _require(self.org, ORG_COLUMNS, "org")),
                            ("headcount", headcount), ("notes", tuple(self.notes)),
                            ("answer_rows", rows)):
            object.__setattr__(self, name, value)

    @property
    def quarters(self) -> tuple[str, ...]:
        """The quarters that have responses, sorted."""
        return tuple(sorted(pd.unique(self.responses["period"])))

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources present, survey first."""
        present = set(pd.unique(self.responses["source"]))
        return tuple(s for s in SOURCES if s in present)


def _answer_rows(ids: pd.Index, answer_ids: pd.Series) -> np.ndarray:
    """Row number in ``responses`` of each answer; ValueError for an unknown response id."""
    values = answer_ids.to_numpy()
    if len(ids) and ids.dtype.kind in "iu" and values.dtype.kind in "iu" and \
            ids.is_monotonic_increasing and ids[0] == 0 and ids[-1] == len(ids) - 1:
        rows = values.astype(np.int32 if len(ids) < 2**31 else np.int64)  # ids 0..n-1: id = row
        if len(rows) and (rows.min() < 0 or rows.max() >= len(ids)):
            raise ValueError("answers refer to response ids that are not in responses")
        return rows
    rows = ids.get_indexer(values)
    if (rows < 0).any():
        raise ValueError("answers refer to response ids that are not in responses")
    return rows.astype(np.int32 if len(ids) < 2**31 else np.int64)
