"""Plain Swedish and English sentences that say no more than the numbers support.

The wording of every finding is chosen by rules, not by hand: how sure
depends on the Benjamini-Hochberg adjusted p-value, small differences are
called small even when they are certain, small groups get a warning, and
below the minimum sizes in :class:`Thresholds` the sentence says that there
are too few answers to say anything. Shares go through the gate's
``format_share``, so 0 % and 100 % read "inga eller nästan inga" and "alla
eller nästan alla".
"""

from __future__ import annotations

from dataclasses import dataclass

from .disclosure import GateConfig, format_share

__all__ = ["Thresholds", "certainty", "effect_words", "number", "percent_text", "share_text"]


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
