"""Period lock: a period's results are shown only after the period has closed.

A quarter closes after its last day, a dialogue round after the last day of
its window. The gate never reads a clock: "today" is always a parameter, so
that tests and reports are reproducible and nobody can watch a count move.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Period", "period_is_closed", "quarter", "resolve_period", "rolling_year"]

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


@dataclass(frozen=True)
class Period:
    """A labelled span of days, both ends included (a quarter or a dialogue round)."""

    label: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period {self.label!r} ends ({self.end}) before it starts")


def quarter(label: str) -> Period:
    """The calendar quarter named like ``"2024Q3"`` (or ``"2024-Q3"``).

    Examples
    --------
    >>> quarter("2024Q3").end
    datetime.date(2024, 9, 30)
    """
    match = _QUARTER.match(str(label))
    if match is None:
        raise ValueError(f"not a quarter label (expected like 2024Q3): {label!r}")
    year, q = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period(f"{year}Q{q}", start, end - timedelta(days=1))


def rolling_year(last_quarter: str) -> tuple[str, ...]:
    """The four quarter labels of the rolling year that ends with ``last_quarter``.

    Examples
    --------
    >>> rolling_year("2024Q2")
    ('2023Q3', '2023Q4', '2024Q1', '2024Q2')
    """
    last = quarter(last_quarter)
    year, q = last.start.year, (last.start.month - 1) // 3 + 1
    labels = []
    for back in range(3, -1, -1):
        index = year * 4 + (q - 1) - back
        labels.append(f"{index // 4}Q{index % 4 + 1}")
    return tuple(labels)


def resolve_period(label: str, periods: Mapping[str, Period] | None = None) -> Period:
    """The period a label names: looked up in ``periods`` first, else read as a quarter.

    Examples
    --------
    >>> resolve_period("2024Q1").start
    datetime.date(2024, 1, 1)
    """
    if periods is not None and label in periods:
        return periods[label]
    return quarter(label)


def period_is_closed(period: Period | str, today: date) -> bool:
    """Whether results for ``period`` may be shown on ``today`` (true from the day after its end).

    Examples
    --------
    >>> period_is_closed("2024Q1", date(2024, 3, 31))
    False
    >>> period_is_closed("2024Q1", date(2024, 4, 1))
    True
    """
    if not isinstance(today, date):
        raise ValueError(f"today must be a date, got {today!r}")
    if isinstance(period, str):
        period = quarter(period)
    return today > period.end
