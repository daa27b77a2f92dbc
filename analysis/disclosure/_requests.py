"""What may be asked for: a table request, and the catalogue of views the product offers.

A request names the dimensions a table is broken down by and the values it
is restricted to (the filters). Both may only use the offered dimensions.
A role sees a finite catalogue of requests, and the gate audits the whole
catalogue at once, so no filtered view is ever computed outside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ._config import OFFERED_DIMENSIONS
from ._periods import rolling_year
from ._tenure import TENURE_SCHEMES

__all__ = ["OFFERED_BREAKDOWNS", "TableRequest", "offered_views"]

Where = tuple[tuple[str, tuple[str, ...]], ...]


def _normalise_where(where: Mapping[str, object] | Where | None) -> Where:
    if where is None:
        return ()
    items = where.items() if isinstance(where, Mapping) else where
    out = []
    for dim, values in items:
        if isinstance(values, str) or not isinstance(values, Iterable):
            values = (values,)
        values = tuple(sorted({str(v) for v in values}))
        if not values:
            raise ValueError(f"filter on {dim!r} keeps no values")
        out.append((str(dim), values))
    return tuple(sorted(out))


@dataclass(frozen=True)
class TableRequest:
    """One requestable table: counts by ``dims`` within the filter ``where``.

    Examples
    --------
    >>> TableRequest(("administration", "unit"), where={"period": "2024Q1"}).where
    (('period', ('2024Q1',)),)
    """

    dims: tuple[str, ...]
    where: Where = field(default=())
    totals: bool = True
    tenure: str = "rollup"
    allow_merge: bool = True
    name: str = ""

    def __post_init__(self) -> None:
        dims = (self.dims,) if isinstance(self.dims, str) else tuple(self.dims)
        object.__setattr__(self, "dims", dims)
        object.__setattr__(self, "where", _normalise_where(self.where))
        if not dims:
            raise ValueError("a table needs at least one dimension")
        if len(set(dims)) != len(dims):
            raise ValueError(f"repeated dimension in {dims!r}")
        for dim in (*dims, *(d for d, _ in self.where)):
            if dim not in OFFERED_DIMENSIONS:
                raise ValueError(
                    f"{dim!r} is not an offered dimension; offered: {', '.join(OFFERED_DIMENSIONS)}"
                )
        if any(d in dims for d, _ in self.where):
            raise ValueError("a dimension cannot be both broken down and filtered")
        if self.tenure not in TENURE_SCHEMES:
            raise ValueError(f"unknown tenure scheme {self.tenure!r}")

    @property
    def used_dims(self) -> tuple[str, ...]:
        """Every dimension the table looks at, broken down or filtered."""
        return (*self.dims, *(d for d, _ in self.where))


#: The breakdowns offered for each period window (a quarter or a rolling year).
OFFERED_BREAKDOWNS: tuple[tuple[str, ...], ...] = (
    ("administration", "unit"),
    ("administration", "tenure_band"),
    ("administration", "occupational_group"),
    ("administration", "ending_type"),
    ("tenure_band", "occupational_group"),
    ("source", "tenure_band"),
)


def offered_views(
    closed_quarters: Sequence[str],
    breakdowns: Sequence[tuple[str, ...]] = OFFERED_BREAKDOWNS,
) -> tuple[TableRequest, ...]:
    """The catalogue: every offered breakdown per closed quarter and per complete rolling year.

    Examples
    --------
    >>> views = offered_views(["2024Q1"], breakdowns=[("administration",)])
    >>> [v.name for v in views]
    ['2024Q1 administration']
    """
    quarters = sorted(set(closed_quarters))
    windows: list[tuple[str, tuple[str, ...]]] = [(q, (q,)) for q in quarters]
    for q in quarters:
        year = rolling_year(q)
        if set(year) <= set(quarters):
            windows.append((f"{year[0]}-{q}", year))
    return tuple(
        TableRequest(dims, where={"period": span}, name=f"{label} {' x '.join(dims)}")
        for label, span in windows
        for dims in breakdowns
    )
