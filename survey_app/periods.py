"""Quarters as the only time a response carries: '2026Q3'."""

from __future__ import annotations

import re
from datetime import date

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


def quarter_choices(today: date, back: int = 4, ahead: int = 1) -> list[str]:
    """Quarters HR may pick for a leaver: a year back, one ahead, newest first."""
    current = quarter_of(today)
    return [shift_quarter(current, step) for step in range(ahead, -back - 1, -1)]
