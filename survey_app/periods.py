"""Quarters as the only time a response carries: '2026Q3'.

Each quarter has a **collection window**: responses for it are taken until
``COLLECTION_DAYS`` after its last day, and its results open the day after that, so
no late answer changes a quarter whose figures have been shown. Pure functions: the
caller always says what "today" is.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> tuple[int, int]:
    match = QUARTER.match(text or "")
    if not match:
        raise ValueError(f"not a quarter: {text!r} (expected e.g. 2026Q3)")
    return int(match.group(1)), int(match.group(2))


def shift_quarter(quarter: str, steps: int) -> str:
    year, number = parse_quarter(quarter)
    index = year * 4 + (number - 1) + steps
    return f"{index // 4}Q{index % 4 + 1}"


def quarter_last_day(quarter: str) -> date:
    """The quarter's last day.

    >>> quarter_last_day("2026Q2"), quarter_last_day("2026Q4")
    (datetime.date(2026, 6, 30), datetime.date(2026, 12, 31))
    """
    year, number = parse_quarter(shift_quarter(quarter, 1))
    return date(year, 3 * number - 2, 1) - timedelta(days=1)


def collection_closes(quarter: str, days: int) -> date:
    """The last day responses for ``quarter`` are taken: its last day + ``days``.

    >>> collection_closes("2026Q2", 60)
    datetime.date(2026, 8, 29)
    >>> collection_closes("2026Q4", 0)
    datetime.date(2026, 12, 31)
    """
    return quarter_last_day(quarter) + timedelta(days=days)


def results_open_on(quarter: str, days: int) -> date:
    """The first day the quarter's results may be shown: the day after collection closes.

    >>> results_open_on("2026Q2", 60)
    datetime.date(2026, 8, 30)
    """
    return collection_closes(quarter, days) + timedelta(days=1)


def collection_open(quarter: str, days: int, today: date) -> bool:
    """Whether responses for ``quarter`` are still taken on ``today``.

    >>> collection_open("2026Q2", 60, date(2026, 8, 29))
    True
    >>> collection_open("2026Q2", 60, date(2026, 8, 30))
    False
    """
    return today <= collection_closes(quarter, days)


def oldest_collecting_quarter(today: date, days: int) -> str:
    """The oldest quarter whose collection window is open on ``today``.

    >>> oldest_collecting_quarter(date(2026, 8, 29), 60)
    '2026Q2'
    >>> oldest_collecting_quarter(date(2026, 8, 30), 60)
    '2026Q3'
    """
    quarter = quarter_of(today)
    while collection_open(shift_quarter(quarter, -1), days, today):
        quarter = shift_quarter(quarter, -1)
    return quarter


def quarter_choices(today: date, collection_days: int, back: int = 4,
                    ahead: int = 1) -> list[str]:
    """Quarters HR may pick for a leaver, newest first: one ahead, and back as far as a
    year, leaving out every quarter whose collection window has closed.

    >>> quarter_choices(date(2026, 8, 29), 60)
    ['2026Q4', '2026Q3', '2026Q2']
    >>> quarter_choices(date(2026, 8, 30), 60)
    ['2026Q4', '2026Q3']
    """
    current = quarter_of(today)
    return [quarter for quarter in (shift_quarter(current, step)
                                    for step in range(ahead, -back - 1, -1))
            if collection_open(quarter, collection_days, today)]
