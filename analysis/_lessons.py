"""Lessons: the quarter's strongest findings, each tied to what the organisation can do.

A finding becomes a lesson only when its adjusted p-value is below
``alpha`` and the difference is at least ``small_difference``; lessons are
ranked by certainty (adjusted p below ``strong_alpha`` first) and then by
size. Each names the reason's SKR strategies, ARUBA step and health factors
from the catalogue, and leaves room for HR's comment and decided action.

Lessons read only what the findings publish. Where a finding's difference
is not printed (a share in it is worded "alla eller nästan alla" / "inga
eller nästan inga"), its ``clear`` column (what the sentence says in words)
decides, the lesson's ``difference`` is missing too, and it is ranked after
the lessons of the same certainty whose size is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from questionnaires import Catalogue

from ._wording import Thresholds

__all__ = ["Lesson", "pick_lessons"]


@dataclass(frozen=True)
class Lesson:
    """One finding worded for the quarterly report, with fields HR fills in later."""

    rank: int
    kind: str  # "early_vs_rest", "change" or "trend"
    reason: str
    window: str
    difference: float
    adjusted: float
    finding_sv: str
    finding_en: str
    pointer_sv: str
    pointer_en: str
    skr_strategies: tuple[int, ...]
    aruba: str
    health_factors: tuple[int, ...]
    hr_comment: str = ""
    decided_action: str = ""

    @property
    def text_sv(self) -> str:
        """The finding and what it points at, ready to paste."""
        return f"{self.finding_sv} {self.pointer_sv}"

    @property
    def text_en(self) -> str:
        """The finding and what it points at, in English."""
        return f"{self.finding_en} {self.pointer_en}"


def pointer(catalogue: Catalogue, reason_key: str, lang: str) -> str:
    """The sentence tying a reason to its SKR strategies, ARUBA step and health factors."""
    reason = catalogue.reason(reason_key)
    frameworks = catalogue.frameworks
    step = frameworks.aruba_step(reason.aruba).name.get(lang)
    names = [f"”{frameworks.strategy(n).name.sv}”" if lang == "sv"
             else f"“{frameworks.strategy(n).name.en}”" for n in reason.skr_strategies]
    factors = [f"”{frameworks.health_factor(n).name.sv}”" if lang == "sv"
               else f"“{frameworks.health_factor(n).name.en}”" for n in reason.health_factors]
    if lang == "sv":
        text = (f"Det pekar mot SKR:s strategi {names[0]}" if names
                else "Det pekar inte mot någon särskild av SKR:s strategier")
        text += f" (även {', '.join(names[1:])})" if len(names) > 1 else ""
        text += f", ARUBA-steget {step}"
        text += f" och friskfaktorn {' och '.join(factors)}." if factors else "."
    else:
        text = (f"It points to SKR's strategy {names[0]}" if names
                else "It points to none of SKR's strategies in particular")
        text += f" (also {', '.join(names[1:])})" if len(names) > 1 else ""
        text += f", the ARUBA step {step}"
        text += f" and the health factor {' and '.join(factors)}." if factors else "."
    return text


def _candidates(frame: pd.DataFrame, kind: str, size: str, window: str, thresholds: Thresholds):
    if frame is None or frame.empty:
        return []
    adjusted = frame["adjusted"].to_numpy(dtype=float)
    effect = frame[size].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        keep = (adjusted < thresholds.alpha) & (np.abs(effect) >= thresholds.small_difference)
    if "clear" in frame.columns:  # the difference may be withheld; the words still say it
        keep |= np.isnan(effect) & frame["clear"].eq(True).to_numpy()
    chosen = frame[keep]
    return [(kind, row, float(effect_), window)
            for (_, row), effect_ in zip(chosen.iterrows(), effect[keep], strict=True)]


def pick_lessons(catalogue: Catalogue, thresholds: Thresholds, *, comparisons: pd.DataFrame,
                 changes: pd.DataFrame, trends: pd.DataFrame, window: str,
                 limit: int = 5) -> tuple[Lesson, ...]:
    """The ``limit`` strongest findings as lessons, most certain and largest first."""
    found = _candidates(comparisons, "early_vs_rest", "difference", window, thresholds)
    found += _candidates(changes, "change", "difference", window, thresholds)
    if trends is not None and not trends.empty:
        trends = trends.assign(change=trends["last"] - trends["first"])
    found += _candidates(trends, "trend", "change", window, thresholds)
    found.sort(key=lambda f: (f[1]["adjusted"] >= thresholds.strong_alpha, f[2] != f[2],
                              -abs(f[2]) if f[2] == f[2] else 0.0, f[1]["adjusted"], f[1]["reason"]))
    lessons = []
    for rank, (kind, row, effect, label) in enumerate(found[:limit], start=1):
        reason = catalogue.reason(row["reason"])
        lessons.append(Lesson(
            rank=rank, kind=kind, reason=reason.key, window=label, difference=effect,
            adjusted=float(row["adjusted"]), finding_sv=row["sentence_sv"],
            finding_en=row["sentence_en"], pointer_sv=pointer(catalogue, reason.key, "sv"),
            pointer_en=pointer(catalogue, reason.key, "en"),
            skr_strategies=tuple(reason.skr_strategies), aruba=reason.aruba,
            health_factors=tuple(reason.health_factors)))
    return tuple(lessons)
