"""Settings of the disclosure gate, the offered dimensions and the reasons a cell carries.

Everything the gate decides depends on one frozen :class:`GateConfig`; the
reason codes and their Swedish and English labels live here so that every
page and export words a hidden cell the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "ALL",
    "DEFAULT_HIERARCHY",
    "OFFERED_DIMENSIONS",
    "GateConfig",
    "reason_label",
]

#: The value a margin (total) row carries in a dimension it sums over.
ALL = "*"

#: The only dimensions a table may be broken down or filtered by.
OFFERED_DIMENSIONS: tuple[str, ...] = (
    "administration",
    "unit",
    "occupational_group",
    "tenure_band",
    "ending_type",
    "period",
    "source",
)

#: Child dimension -> parent dimension: a unit lies inside one administration.
DEFAULT_HIERARCHY: tuple[tuple[str, str], ...] = (("unit", "administration"),)

#: Lowest minimum group size the gate accepts, whatever the setting says.
FLOOR_MIN_RESPONDENTS = 3


@dataclass(frozen=True)
class GateConfig:
    """The settings of the gate; invalid values raise ``ValueError`` at construction.

    Examples
    --------
    >>> GateConfig().min_respondents
    5
    >>> GateConfig(min_respondents=2)
    Traceback (most recent call last):
    ...
    ValueError: min_respondents must be at least 3, got 2
    """

    min_respondents: int = 5
    min_comment_group: int = 10
    min_comment_writers: int = 3
    mask_words: tuple[str, ...] = field(default=())
    sameness_band: float = 0.10
    distinct_reasons: bool = False
    protection_width: int = 2
    answer_protection_width: int = 1
    #: Also audit that no count printed as the sameness words follows exactly from the
    #: numbers beside it. Off by default: correct, but about 15 times slower on the demo
    #: history (benchmarks/README.md); to be made cheap before it is switched on.
    exact_words_audit: bool = False

    def __post_init__(self) -> None:
        for name in ("min_respondents", "min_comment_group", "min_comment_writers",
                     "protection_width", "answer_protection_width"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an int, got {value!r}")
        if self.min_respondents < FLOOR_MIN_RESPONDENTS:
            raise ValueError(
                f"min_respondents must be at least {FLOOR_MIN_RESPONDENTS}, "
                f"got {self.min_respondents}"
            )
        if self.min_comment_group < self.min_respondents:
            raise ValueError(
                "min_comment_group must be at least min_respondents "
                f"({self.min_respondents}), got {self.min_comment_group}"
            )
        if self.min_comment_writers < FLOOR_MIN_RESPONDENTS:
            raise ValueError(
                f"min_comment_writers must be at least {FLOOR_MIN_RESPONDENTS}, "
                f"got {self.min_comment_writers}"
            )
        if self.protection_width < 1:
            raise ValueError(f"protection_width must be at least 1, got {self.protection_width}")
        if self.answer_protection_width < 1:
            raise ValueError("answer_protection_width must be at least 1, got "
                             f"{self.answer_protection_width}")
        if isinstance(self.mask_words, str) or not isinstance(self.mask_words, Iterable):
            raise ValueError("mask_words must be a sequence of words, not a single string")
        words = tuple(self.mask_words)
        if any(not isinstance(w, str) or not w.strip() for w in words):
            raise ValueError("mask_words must be non-empty strings")
        object.__setattr__(self, "mask_words", words)
        if not 0.0 < self.sameness_band < 0.5:
            raise ValueError(f"sameness_band must lie in (0, 0.5), got {self.sameness_band}")


_LABELS: dict[str, dict[str, str]] = {
    "suppressed": {
        "sv": "färre än {k} svar, eller dolt för att skydda en liten grupp",
        "en": "fewer than {k} responses, or hidden to protect a small group",
    },
    "below_minimum": {"sv": "färre än {k} svar", "en": "fewer than {k} responses"},
    "protects_other": {
        "sv": "dolt så att andra små grupper inte kan räknas fram",
        "en": "hidden so that other small groups cannot be worked out",
    },
    "period_open": {
        "sv": "perioden är inte avslutad",
        "en": "the period has not closed yet",
    },
    "too_few_writers": {
        "sv": "färre än {w} har skrivit",
        "en": "fewer than {w} people have written",
    },
    "comment_group_small": {"sv": "färre än {c} svar", "en": "fewer than {c} responses"},
}


def reason_label(reason: str, config: GateConfig | None = None, lang: str = "sv") -> str:
    """The text a hidden cell shows in place of its number.

    Examples
    --------
    >>> reason_label("below_minimum")
    'färre än 5 svar'
    >>> reason_label("suppressed", lang="en")
    'fewer than 5 responses, or hidden to protect a small group'
    >>> reason_label("below_minimum", GateConfig(min_respondents=7), lang="en")
    'fewer than 7 responses'
    """
    config = config or GateConfig()
    if reason not in _LABELS:
        raise ValueError(f"unknown reason {reason!r}; known: {', '.join(_LABELS)}")
    if lang not in ("sv", "en"):
        raise ValueError(f"lang must be 'sv' or 'en', got {lang!r}")
    return _LABELS[reason][lang].format(
        k=config.min_respondents, w=config.min_comment_writers, c=config.min_comment_group
    )
