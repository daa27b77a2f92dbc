"""Tables that split another table: a rolling year into its quarters, a view into its filters.

Within one table a total and its cells form a *line*. The same holds across
tables when several requests differ only in the filter on one dimension and
their value sets split another request's set exactly (the four quarters of
a rolling year, every occupational group of an unfiltered view). Such
families become lines too, so rule 3 keeps their hidden remainders at 0 or
at least k and the audit knows the big table is the sum of the small ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._requests import TableRequest

__all__ = ["partition_families", "partition_lines"]


def partition_families(
    requests: Sequence[TableRequest],
    schemes: Sequence[str | None],
    values_of: Callable[[str], frozenset[str]],
) -> list[tuple[int, tuple[int, ...]]]:
    """``(parent, children)`` table indices where the children's filters split the parent's.

    ``values_of(dim)`` gives every value of a dimension, for a table that does not filter it.
    """
    filtered = sorted({d for r in requests for d, _ in r.where})
    families = []
    for b, rb in enumerate(requests):
        for dim in filtered:
            if dim in rb.dims:
                continue
            rest = tuple((d, v) for d, v in rb.where if d != dim)
            whole = frozenset(dict(rb.where).get(dim, values_of(dim)))
            parts: dict[frozenset[str], int] = {}
            for a, ra in enumerate(requests):
                own = dict(ra.where).get(dim)
                if (a == b or own is None or ra.dims != rb.dims or schemes[a] != schemes[b]
                        or tuple((d, v) for d, v in ra.where if d != dim) != rest):
                    continue
                part = frozenset(own)
                if part < whole:
                    parts.setdefault(part, a)
            # Keep the finest parts; they must not overlap and must cover the parent.
            finest = {p: a for p, a in parts.items() if not any(q < p for q in parts)}
            covered = [v for p in finest for v in p]
            if finest and len(covered) == len(set(covered)) and set(covered) == whole:
                families.append((b, tuple(sorted(finest.values()))))
    return families


def partition_lines(
    n_cells: int,
    families: list[tuple[int, tuple[int, ...]]],
    shapes: Sequence[dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]]],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each family and each shape both tables have, the (child, parent) group pairs."""
    lines = []
    for parent_table, children in families:
        for kept, (rows, gids) in shapes[parent_table].items():
            owner = np.full(n_cells, -1, dtype=np.int64)
            owner[rows] = gids
            child_gids, parent_gids = [], []
            for child_table in children:
                if kept not in shapes[child_table]:
                    break
                c_rows, c_gids = shapes[child_table][kept]
                _, first = np.unique(c_gids, return_index=True)
                child_gids.append(c_gids[first])
                parent_gids.append(owner[c_rows[first]])
            else:
                if child_gids:
                    lines.append((np.concatenate(child_gids), np.concatenate(parent_gids)))
    return lines
