"""The quarterly report as a frozen dataclass, and its conversion to plain data and JSON.

The frames inside are the gated tables and findings; ``as_dict`` turns them
into lists of records (missing numbers become ``null``) so that the CLI,
the HR pages and the exports all read the same thing. The gate's audit
record is never part of the output: it is for operators only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from datetime import date

import numpy as np
import pandas as pd

from ._lessons import Lesson
from ._reasons import ReasonTable
from ._windows import Window
from .disclosure import GateConfig, Release

__all__ = ["FRAME_FIELDS", "QuarterlyReport", "plain"]

#: The report's tables of findings and figures, in the order they are written out.
FRAME_FIELDS = ("associations", "comparisons", "changes", "trends", "sources", "response_rates",
                "recommend", "come_back", "conditions")


def plain(value):
    """A JSON-ready copy of ``value``: numpy and pandas scalars, NA and NaN made plain."""
    if isinstance(value, pd.DataFrame):
        return [{str(k): plain(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _empty() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True, eq=False)
class QuarterlyReport:
    """Everything HR takes to the quarterly review, all of it gated.

    ``closed`` is False for a quarter that has not ended: then the report
    holds only its message. ``reasons`` are the reason tables; the frames
    named in :data:`FRAME_FIELDS` hold findings (with their Swedish and
    English sentences) and figures; ``lessons`` the ranked lessons.
    ``release`` and ``leaver_release`` are the gated releases of responses
    and of leaver counts (keep them and pass them as ``released=`` and
    ``released_leavers=`` to later reports); they are not written to JSON.
    """

    quarter: str
    today: date
    closed: bool
    min_respondents: int
    message_sv: str
    message_en: str
    notes: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()
    reasons: tuple[ReasonTable, ...] = ()
    associations: pd.DataFrame = field(default_factory=_empty)
    comparisons: pd.DataFrame = field(default_factory=_empty)
    changes: pd.DataFrame = field(default_factory=_empty)
    trends: pd.DataFrame = field(default_factory=_empty)
    sources: pd.DataFrame = field(default_factory=_empty)
    response_rates: pd.DataFrame = field(default_factory=_empty)
    recommend: pd.DataFrame = field(default_factory=_empty)
    come_back: pd.DataFrame = field(default_factory=_empty)
    conditions: pd.DataFrame = field(default_factory=_empty)
    turnover: pd.DataFrame | None = None
    early_leavers: pd.DataFrame | None = None
    lessons: tuple[Lesson, ...] = ()
    reason_labels: dict = field(default_factory=dict)
    release: Release | None = field(default=None, repr=False)
    leaver_release: Release | None = field(default=None, repr=False)

    @classmethod
    def closed_quarter(cls, quarter: str, today: date, config: GateConfig,
                       windows: tuple[Window, ...], message: tuple[str, str]) -> QuarterlyReport:
        """The report of a quarter that has not closed: a message and nothing else."""
        return cls(quarter=quarter, today=today, closed=False,
                   min_respondents=config.min_respondents, message_sv=message[0],
                   message_en=message[1], windows=windows)

    def reason_table(self, source: str, window: str, dims: tuple[str, ...]) -> ReasonTable:
        """The reason table for one source, window label and breakdown."""
        for table in self.reasons:
            if table.source == source and table.window.label == window and table.dims == tuple(dims):
                return table
        raise ValueError(f"no reason table for {source} {window} {dims}")

    def _tree(self) -> dict:
        out = {
            "quarter": self.quarter, "today": self.today, "closed": self.closed,
            "min_respondents": self.min_respondents, "message_sv": self.message_sv,
            "message_en": self.message_en, "notes": list(self.notes),
            "windows": [{"label": w.label, "kind": w.kind, "quarters": list(w.quarters)}
                        for w in self.windows],
            "reasons": [{"name": t.name, "source": t.source, "window": t.window.label,
                         "dims": list(t.dims), "tenure_scheme": t.tenure_scheme,
                         "groups": t.groups, "shares": t.shares} for t in self.reasons],
        }
        out.update({name: getattr(self, name) for name in FRAME_FIELDS})
        out["turnover"], out["early_leavers"] = self.turnover, self.early_leavers
        out["lessons"] = [
            {f.name: getattr(lesson, f.name) for f in fields(lesson)}
            | {"text_sv": lesson.text_sv, "text_en": lesson.text_en}
            for lesson in self.lessons]
        out["reason_labels"] = self.reason_labels
        return out

    def as_dict(self) -> dict:
        """The report as plain data (lists, dicts, strings, numbers, None)."""
        return plain(self._tree())

    def to_json(self) -> str:
        """The report as compact JSON text (UTF-8 kept); the same content as :meth:`as_dict`.

        Tables are written by pandas (fast at a million responses), numbers
        with at most 10 significant digits.
        """
        return _json(self._tree())


def _json(value) -> str:
    if isinstance(value, pd.DataFrame):
        return value.to_json(orient="records", force_ascii=False, double_precision=10) \
            if len(value.columns) else "[]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_json(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return json.dumps(plain(value), ensure_ascii=False)
