"""Plain Swedish and English sentences that say no more than the numbers support.

The wording of every finding is chosen by rules, not by hand: how sure
depends on the Benjamini-Hochberg adjusted p-value, small differences are
called small even when they are certain, small groups get a warning, and
below the minimum sizes in :class:`Thresholds` the sentence says that there
are too few answers to say anything. Shares go through the gate's
``format_share``, so 0 % and 100 % read "inga eller nästan inga" and "alla
eller nästan alla".

This module is also the one place that decides which numbers a published
figure row may carry next to its words:

* :func:`exact_share`: a counted share may be printed with its count, its
  exact value and its interval only where ``format_share`` prints it as a
  percentage. Where the sameness words stand ("alla eller nästan alla",
  "inga eller nästan inga"), the row keeps the words and no number that
  would say which end of the band it is.
* :func:`answers_released`: the numbers of one question in one group (how
  many answered, per-answer counts, "vet ej", means, shares) need at least
  ``min_respondents`` who answered, and the group minus those who answered
  (vet ej or no answer) must not be 1..k-1 either: answered and not answered
  are gated together, so neither can be worked out as group minus the other.
* :func:`few`: a count of 1..k-1, which may not be printed as a group of its
  own nor follow from printed numbers (such as non-respondents as invited
  minus responses).
* :func:`withhold`: blanks the numbers of the rows where a rule says no.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .disclosure import GateConfig, format_share, sameness_band_size

__all__ = ["PROTECTIVE_WORDS", "Thresholds", "answers_released", "certainty", "effect_words",
           "exact_share", "few", "number", "percent_text", "sameness", "share_text", "withhold"]

#: The words the sameness rule writes instead of a share (Swedish and English).
PROTECTIVE_WORDS = ("alla eller nästan alla", "inga eller nästan inga", "all or nearly all",
                    "none or nearly none")


@dataclass(frozen=True)
class Thresholds:
    """When a result may be worded as a finding at all, and how strongly.

    ``min_group``: each group of a comparison needs this many responses;
    ``small_group``: below this a sentence warns that shares are uncertain;
    ``min_events``: a change or trend needs this many mentions in total;
    ``min_change_group``: each period of a change needs this many responses;
    ``min_trend_quarters``: shown quarters a trend needs; ``alpha`` and
    ``strong_alpha``: adjusted p-values for "sannolikt" and "mycket
    sannolikt"; ``small_difference``: differences (as shares) below this are
    called small.
    """

    min_group: int = 10
    small_group: int = 30
    min_events: int = 10
    min_change_group: int = 20
    min_trend_quarters: int = 4
    alpha: float = 0.05
    strong_alpha: float = 0.01
    small_difference: float = 0.05

    def __post_init__(self) -> None:
        if not 0 < self.strong_alpha <= self.alpha < 1:
            raise ValueError("need 0 < strong_alpha <= alpha < 1")
        if min(self.min_group, self.small_group, self.min_events, self.min_change_group) < 1:
            raise ValueError("minimum sizes must be at least 1")
        if self.min_trend_quarters < 3:
            raise ValueError("a trend needs at least 3 quarters")


_NOUN = {"difference": ("skillnaden", "the difference"), "change": ("förändringen", "the change"),
         "increase": ("ökningen", "the increase"), "decrease": ("minskningen", "the decrease")}


def certainty(adjusted: float, difference: float, thresholds: Thresholds, noun: str,
              lang: str) -> str:
    """How sure a difference is, from its adjusted p-value and size.

    Examples
    --------
    >>> certainty(0.001, 0.29, Thresholds(), "difference", "sv")
    'skillnaden är mycket sannolikt inte slumpmässig'
    >>> certainty(0.2, 0.29, Thresholds(), "difference", "en")
    'the difference may be chance'
    """
    word = _NOUN[noun][0 if lang == "sv" else 1]
    if adjusted != adjusted or adjusted >= thresholds.alpha:  # NaN counts as "not shown real"
        return f"{word} kan vara slumpmässig" if lang == "sv" else f"{word} may be chance"
    if abs(difference) < thresholds.small_difference:
        return (f"{word} är liten, men sannolikt inte slumpmässig" if lang == "sv"
                else f"{word} is small, but unlikely to be chance")
    if adjusted < thresholds.strong_alpha:
        return (f"{word} är mycket sannolikt inte slumpmässig" if lang == "sv"
                else f"{word} is very unlikely to be chance")
    return f"{word} är sannolikt inte slumpmässig" if lang == "sv" else f"{word} is unlikely to be chance"


def effect_words(cramers_v: float, lang: str) -> str:
    """Cramér's V in words: negligible (< 0.1), weak (< 0.3), moderate (< 0.5), strong.

    Examples
    --------
    >>> effect_words(0.35, "sv")
    'måttligt'
    """
    for limit, sv, en in ((0.1, "försumbart", "negligible"), (0.3, "svagt", "weak"),
                          (0.5, "måttligt", "moderate"), (float("inf"), "starkt", "strong")):
        if cramers_v < limit:
            return sv if lang == "sv" else en
    return "starkt" if lang == "sv" else "strong"


def number(value: float, lang: str, digits: int = 0, sign: bool = False) -> str:
    """A number with a decimal comma in Swedish.

    Examples
    --------
    >>> number(0.314, "sv", 2), number(-12.0, "en", sign=True), number(3.0, "sv", sign=True)
    ('0,31', '-12', '+3')
    """
    value = 0.0 if round(value, digits) == 0 else value
    text = f"{value:+.{digits}f}" if sign and value != 0 else f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "sv" else text


def percent_text(share: float, lang: str) -> str:
    """An estimated (not counted) share as a percentage, kept off 0 % and 100 %.

    Examples
    --------
    >>> percent_text(0.314, "sv"), percent_text(0.999, "en")
    ('31 %', 'over 99%')
    """
    value = round(100 * share)
    if share > 0.99:
        return "över 99 %" if lang == "sv" else "over 99%"
    if share < 0.01:
        return "under 1 %" if lang == "sv" else "under 1%"
    return f"{value} %" if lang == "sv" else f"{value}%"


def share_text(part: int, whole: int, config: GateConfig, lang: str) -> str:
    """A counted share of a shown group, with the gate's sameness rule.

    Examples
    --------
    >>> share_text(12, 12, GateConfig(), "sv"), share_text(41, 100, GateConfig(), "en")
    ('alla eller nästan alla', '41%')
    """
    return format_share(int(part), int(whole), config, lang=lang)


def _valid_share(part: np.ndarray, whole: np.ndarray, config: GateConfig) -> np.ndarray:
    """A share of a group at the minimum, with a part that fits in it (missing values: False)."""
    with np.errstate(invalid="ignore"):
        return (whole >= config.min_respondents) & (part >= 0) & (part <= whole)


def sameness(part, whole, config: GateConfig) -> np.ndarray:
    """Where ``format_share(part, whole)`` writes the sameness words instead of a percentage.

    Vectorised; the same band as the gate's: at most ``sameness_band`` of the
    group, and always at least one person, on one side. Groups below the
    minimum, and missing or impossible values, are not "sameness" (they are
    not shares at all, see :func:`exact_share`).

    Examples
    --------
    >>> sameness([12, 11, 10, 1, 0, 5], [12, 12, 12, 11, 40, 10], GateConfig()).tolist()
    [True, True, False, True, True, False]
    """
    part, whole = np.asarray(part, dtype=float), np.asarray(whole, dtype=float)
    band = sameness_band_size(whole, config)
    with np.errstate(invalid="ignore"):
        return _valid_share(part, whole, config) & ((whole - part <= band) | (part <= band))


def exact_share(part, whole, config: GateConfig) -> np.ndarray:
    """Where a counted share is printed as a percentage, so its row may carry its numbers.

    True only for a share of a group of at least ``min_respondents`` that the
    sameness rule does not word. Where this is False the row keeps its words
    (or the reason) and carries neither the count, nor the exact share, nor
    its interval.

    Examples
    --------
    >>> exact_share([1, 5, 5, 3], [11, 5, 20, 4], GateConfig()).tolist()
    [False, False, True, False]
    """
    part, whole = np.asarray(part, dtype=float), np.asarray(whole, dtype=float)
    return _valid_share(part, whole, config) & ~sameness(part, whole, config)


def few(count, config: GateConfig) -> np.ndarray:
    """Where a count is 1..k-1: too few to print, or to follow from printed numbers.

    Examples
    --------
    >>> few([0, 1, 4, 5, float("nan")], GateConfig()).tolist()
    [False, True, True, False, False]
    """
    count = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        return (count >= 1) & (count < config.min_respondents)


def answers_released(answered, group, config: GateConfig) -> np.ndarray:
    """Where the numbers of one question in one group may be printed (the answer-level minimum).

    ``answered`` is how many in the group answered the question (on its
    scale; "vet ej" is not an answer), ``group`` the group's gated size. At
    least ``min_respondents`` must have answered, and those who did not
    (vet ej, or no answer) must be none or at least ``min_respondents`` too:
    the group is known, so answered and not answered are gated together.

    Examples
    --------
    >>> answers_released([3, 27, 27, 20, 28], [12, 28, 32, 30, 28], GateConfig()).tolist()
    [False, False, True, True, True]
    """
    answered, group = np.asarray(answered, dtype=float), np.asarray(group, dtype=float)
    with np.errstate(invalid="ignore"):
        return (answered >= config.min_respondents) & ~few(group - answered, config)


def withhold(frame: pd.DataFrame, keep, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` blanked (``<NA>`` or NaN) in the rows where ``keep`` is False.

    Whole-number columns become nullable integers, so a withheld count reads
    ``null`` in the JSON and never a made-up number. Changes ``frame`` in
    place and returns it.

    Examples
    --------
    >>> withhold(pd.DataFrame({"count": [3, 1], "share": [0.3, 0.1]}), [True, False],
    ...          ["count", "share"]).to_dict("list")
    {'count': [3, None], 'share': [0.3, nan]}
    """
    keep = np.asarray(keep, dtype=bool)
    for column in columns:
        if column not in frame.columns:
            continue
        values = frame[column]
        if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            frame[column] = pd.array(values, dtype="Int64").copy()
            frame.loc[~keep, column] = pd.NA
        elif pd.api.types.is_float_dtype(values.dtype):
            frame[column] = values.to_numpy(dtype=float, na_value=np.nan, copy=True)
            frame.loc[~keep, column] = np.nan
        else:
            frame[column] = values.astype(object)
            frame.loc[~keep, column] = None
    return frame
