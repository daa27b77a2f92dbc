"""Tenure bands: from employment dates to a band key, and from a band to its report band.

The band keys and their limits are fixed here because stored answers and
invitations use them; ``data/dimensions.toml`` holds their labels and the
check makes sure the two agree.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# (upper limit in whole months, exclusive; fine band key), in order.
TENURE_LIMITS: tuple[tuple[int | None, str], ...] = (
    (6, "lt_6m"),
    (12, "6_12m"),
    (24, "1_2y"),
    (60, "2_5y"),
    (120, "5_10y"),
    (None, "gt_10y"),
)

ROLLUP: dict[str, str] = {
    "lt_6m": "lt_1y",
    "6_12m": "lt_1y",
    "1_2y": "1_2y",
    "2_5y": "gt_2y",
    "5_10y": "gt_2y",
    "gt_10y": "gt_2y",
}

ROLLUP_KEYS: tuple[str, ...] = ("lt_1y", "1_2y", "gt_2y")


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from ``start`` up to the day after ``end`` (the last day worked).

    A month counts once its anniversary day is reached; an anniversary that
    does not exist (31 August to February) falls on the month's last day.
    """
    if end < start:
        raise ValueError(f"the last day ({end}) is before the first day ({start})")
    stop = end + timedelta(days=1)
    months = (stop.year - start.year) * 12 + (stop.month - start.month)
    anniversary = min(start.day, calendar.monthrange(stop.year, stop.month)[1])
    if stop.day < anniversary:
        months -= 1
    return months


def tenure_band(start: date, end: date) -> str:
    """The fine tenure band key for employment from ``start`` to ``end``, both days included.

    ``end`` is the last day of employment, so 1 January to 30 June is exactly
    six months and lands in ``6_12m``; 1 January to 31 December is one year
    (``1_2y``).
    """
    months = whole_months(start, end)
    for limit, key in TENURE_LIMITS:
        if limit is None or months < limit:
            return key
    raise AssertionError("unreachable: the last band has no limit")


def rollup(band: str) -> str:
    """The report band (``lt_1y``, ``1_2y``, ``gt_2y``) for a fine band; report bands map to themselves."""
    if band in ROLLUP:
        return ROLLUP[band]
    if band in ROLLUP_KEYS:
        return band
    raise ValueError(f"unknown tenure band {band!r}; known: {', '.join(ROLLUP)}")
