"""The periods a quarterly report looks at, and the tables it asks the gate for.

A report for quarter Q shows Q itself, the rolling year ending with Q and
the last complete calendar year (fixed windows), and the eight quarters up
to Q for change over time. Every table of the report is one request in one
release, gated together, so no table can be subtracted from another.
"""

from __future__ import annotations

from dataclasses import dataclass

from .disclosure import TableRequest, quarter, rolling_year

__all__ = ["TREND_QUARTERS", "Window", "report_requests", "report_tables", "report_windows",
           "shift", "table_name", "trend_quarters"]

#: How many quarters the trend looks back over (the report quarter included).
TREND_QUARTERS = 8

_TENURE = ("tenure_band",)
_BY_ADMINISTRATION = ("administration", "tenure_band")
_BY_GROUP = ("occupational_group", "tenure_band")
_UNITS = ("administration", "unit")


@dataclass(frozen=True)
class Window:
    """A fixed span of quarters: ``kind`` is ``quarter``, ``rolling_year`` or ``calendar_year``."""

    label: str
    kind: str
    quarters: tuple[str, ...]


def shift(label: str, steps: int) -> str:
    """The quarter ``steps`` quarters after ``label`` (before, when negative)."""
    start = quarter(label).start
    index = start.year * 4 + (start.month - 1) // 3 + steps
    return f"{index // 4}Q{index % 4 + 1}"


def trend_quarters(last: str, count: int = TREND_QUARTERS) -> tuple[str, ...]:
    """The ``count`` quarters ending with ``last``, oldest first.

    Examples
    --------
    >>> trend_quarters("2026Q3", 3)
    ('2026Q1', '2026Q2', '2026Q3')
    """
    return tuple(shift(last, -back) for back in range(count - 1, -1, -1))


def report_windows(last: str) -> tuple[Window, ...]:
    """The quarter, the rolling year ending with it, and the last complete calendar year.

    In a fourth quarter the rolling year is the calendar year and is listed once.

    Examples
    --------
    >>> [w.label for w in report_windows("2026Q3")]
    ['2026Q3', '2025Q4–2026Q3', '2025']
    >>> [w.kind for w in report_windows("2026Q4")]
    ['quarter', 'calendar_year']
    """
    label = quarter(last).label
    year = int(label[:4])
    windows = [Window(label, "quarter", (label,))]
    if label.endswith("Q4"):
        windows.append(Window(str(year), "calendar_year", rolling_year(label)))
    else:
        span = rolling_year(label)
        windows.append(Window(f"{span[0]}–{span[-1]}", "rolling_year", span))
        windows.append(Window(str(year - 1), "calendar_year", rolling_year(f"{year - 1}Q4")))
    return tuple(windows)


def table_name(source: str, window: str, dims: tuple[str, ...]) -> str:
    """The name a report table carries in the release.

    Examples
    --------
    >>> table_name("survey", "2026Q3", ("administration", "unit"))
    'survey 2026Q3 administration x unit'
    """
    return f"{source} {window} {' x '.join(dims)}"


def report_tables(last: str, sources: tuple[str, ...] = ("survey",)):
    """``(source, window, dims)`` of every table in the report for quarter ``last``.

    Per source: by tenure band for each of the eight quarters; by
    administration x tenure band and occupational group x tenure band for the
    quarter and each year window; by tenure band for each year window; and
    for the survey, by administration x unit for the quarter (response rates).
    """
    windows = report_windows(last)
    tables = []
    for source in sources:
        tables += [(source, Window(q, "quarter", (q,)), _TENURE) for q in trend_quarters(last)]
        for window in windows:
            if window.kind != "quarter":
                tables.append((source, window, _TENURE))
            tables += [(source, window, _BY_ADMINISTRATION), (source, window, _BY_GROUP)]
        if source == "survey":
            tables.append((source, windows[0], _UNITS))
    return tuple(tables)


def report_requests(last: str, sources: tuple[str, ...] = ("survey",)) -> tuple[TableRequest, ...]:
    """Every table the quarterly report for ``last`` shows, as requests for one release.

    An app that shows more tables should gate them in the same release (or
    pass this release as ``released=`` when gating its own).

    Examples
    --------
    >>> len(report_requests("2026Q3")), report_requests("2026Q3")[-1].name
    (17, 'survey 2026Q3 administration x unit')
    """
    return tuple(
        TableRequest(dims, where={"period": window.quarters, "source": source},
                     name=table_name(source, window.label, dims))
        for source, window, dims in report_tables(last, sources)
    )
