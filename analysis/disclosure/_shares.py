"""Sameness: a share in which (nearly) everyone answered alike is worded, not printed.

When every respondent in a shown group gave the same answer, the exact 100 %
or 0 % says something about each of them. The share is then read as "alla
eller nästan alla" / "inga eller nästan inga". So that these words do not
themselves give away "exactly all", the same words cover a band next to the
edge: at most ``sameness_band`` of the group (and always at least one person)
answering the other way.
"""

from __future__ import annotations

import numpy as np

from ._config import GateConfig, reason_label

__all__ = ["format_share"]

_WORDS = {
    "all": {"sv": "alla eller nästan alla", "en": "all or nearly all"},
    "none": {"sv": "inga eller nästan inga", "en": "none or nearly none"},
}


def sameness_band_size(whole, config: GateConfig):
    """How many people on one side still read as "all" or "none": at least one.

    Works on a whole number or an array of them; the one place the band is defined.

    >>> int(sameness_band_size(25, GateConfig()))
    2
    """
    return np.maximum(1, np.floor(config.sameness_band * np.asarray(whole, dtype=float)))


def format_share(
    part: int,
    whole: int,
    config: GateConfig | None = None,
    *,
    shown: bool = True,
    lang: str = "sv",
) -> str:
    """The share ``part / whole`` of a gated group as text, with the sameness rule applied.

    ``whole`` is the group's gated count; when the group is hidden
    (``shown=False``) or smaller than the minimum, the reason is returned.

    Examples
    --------
    >>> format_share(12, 12)
    'alla eller nästan alla'
    >>> format_share(0, 40, lang="en")
    'none or nearly none'
    >>> format_share(7, 20)
    '35 %'
    >>> format_share(1, 3)
    'färre än 5 svar'
    """
    config = config or GateConfig()
    for name, value in (("part", part), ("whole", whole)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be an int, got {value!r}")
    if part < 0 or part > whole:
        raise ValueError(f"part must lie between 0 and whole ({whole}), got {part}")
    if lang not in ("sv", "en"):
        raise ValueError(f"lang must be 'sv' or 'en', got {lang!r}")
    if not shown:
        return reason_label("suppressed", config, lang)
    if whole < config.min_respondents:
        return reason_label("below_minimum", config, lang)
    band = sameness_band_size(whole, config)
    if whole - part <= band:
        return _WORDS["all"][lang]
    if part <= band:
        return _WORDS["none"][lang]
    percent = round(100 * part / whole)
    return f"{percent} %" if lang == "sv" else f"{percent}%"
