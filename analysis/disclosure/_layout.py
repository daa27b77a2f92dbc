"""The finest cells and the groups every requested table cell sums over.

The gate works on one universe of finest cells: the data counted by every
dimension any requested table looks at, plus the period. Each cell of each
requested table (margins included) is a *group*, a set of finest cells; the
rules and the linear audit all work on these sets, held as sparse arrays so
that a municipality's full set of tables is handled in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from ._config import ALL
from ._partitions import partition_families, partition_lines
from ._periods import Period, period_is_closed, resolve_period
from ._requests import TableRequest
from ._tenure import tenure_map

__all__ = ["Layout", "build_layout", "build_universe"]


def build_universe(
    data: pd.DataFrame,
    dims: Sequence[str],
    *,
    today: date | None,
    periods: Mapping[str, Period] | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The non-empty finest cells over ``dims`` (plus period) and whether each lies in an open period."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    cols = list(dict.fromkeys([*dims, *(["period"] if "period" in data.columns else [])]))
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(f"data has no column(s) {missing!r}")
    if "count" in data.columns:
        counts = pd.to_numeric(data["count"], errors="coerce")
        if counts.isna().any() or (counts < 0).any() or (counts % 1 != 0).any():
            raise ValueError("count must hold non-negative whole numbers")
        counts = counts.astype(np.int64)
    else:
        counts = pd.Series(1, index=data.index, dtype=np.int64)
    codes, labels = [], []
    for col in cols:
        col_codes, uniques = pd.factorize(data[col], sort=True)
        if (col_codes < 0).any():
            raise ValueError(f"missing values in {col!r}")
        codes.append(col_codes)
        labels.append(np.asarray([str(u) for u in uniques], dtype=object))
    key = _combined_key(len(data), codes, [len(lab) for lab in labels])
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    total = np.bincount(inverse, weights=counts.to_numpy(), minlength=len(first))
    universe = pd.DataFrame({
        col: col_labels[col_codes[first]]
        for col, col_codes, col_labels in zip(cols, codes, labels, strict=True)
    })
    universe["count"] = np.rint(total).astype(np.int64)
    universe = universe[universe["count"] > 0].reset_index(drop=True)
    open_cell = np.zeros(len(universe), dtype=bool)
    if "period" in cols:
        if today is None:
            raise ValueError("today is required when the data has a period column")
        closed = {lab: period_is_closed(resolve_period(lab, periods), today)
                  for lab in universe["period"].unique()}
        open_cell = ~universe["period"].map(closed).to_numpy(dtype=bool)
    return universe, open_cell


def _combined_key(n: int, codes: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """One int64 per row that sorts like the tuple of ``codes`` (mixed radix)."""
    key, radix = np.zeros(n, dtype=np.int64), 1
    for col_codes, size in zip(codes, sizes, strict=True):
        if radix * (size + 1) >= 2**62:
            # Re-number densely (order kept) before the key could overflow.
            uniq, key = np.unique(key, return_inverse=True)
            key, radix = key.astype(np.int64), len(uniq)
        key = key * (size + 1) + col_codes
        radix *= size + 1
    return key


@dataclass(frozen=True)
class Layout:
    """Groups (table cells) as sparse sets of finest cells, with their lines and keys."""

    n_cells: int
    cell_count: np.ndarray
    table: np.ndarray
    interior: np.ndarray
    count: np.ndarray
    is_open: np.ndarray
    indptr: np.ndarray
    cells: np.ndarray
    cell_indptr: np.ndarray
    cell_groups: np.ndarray
    line_child: np.ndarray
    line_parent: np.ndarray
    line_id: np.ndarray
    line_owner: np.ndarray
    keys: tuple[pd.DataFrame, ...]
    table_start: np.ndarray
    set_id: np.ndarray
    set_indptr: np.ndarray
    set_groups: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of groups over all tables."""
        return len(self.count)

    def members(self, gid: int) -> np.ndarray:
        """The finest cells of group ``gid``."""
        return self.cells[self.indptr[gid] : self.indptr[gid + 1]]


def _shapes(request: TableRequest, hierarchy: Mapping[str, str]) -> list[tuple[str, ...]]:
    dims = request.dims
    if not request.totals:
        return [dims]
    shapes = []
    for size in range(len(dims), -1, -1):
        for kept in combinations(dims, size):
            orphan = any(
                child in kept and parent in dims and parent not in kept
                for child, parent in hierarchy.items()
            )
            if not orphan:
                shapes.append(kept)
    return shapes


def build_layout(
    universe: pd.DataFrame,
    open_cell: np.ndarray,
    requests: Sequence[TableRequest],
    schemes: Sequence[str | None],
    hierarchy: Mapping[str, str],
) -> Layout:
    """Every group of every requested table over ``universe``, as one sparse layout."""
    cell_count = universe["count"].to_numpy(dtype=np.int64)
    entry_gid: list[np.ndarray] = []
    entry_cell: list[np.ndarray] = []
    tables, interiors, keys, starts = [], [], [], []
    line_child: list[np.ndarray] = []
    line_parent: list[np.ndarray] = []
    table_shapes: list[dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]]] = []
    codes_of: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    offset = 0
    for t, (request, scheme) in enumerate(zip(requests, schemes, strict=True)):
        starts.append(offset)
        mask = np.ones(len(universe), dtype=bool)
        for dim, values in request.where:
            if dim not in codes_of:
                codes_of[dim] = pd.factorize(universe[dim], sort=True)
            dim_codes, dim_labels = codes_of[dim]
            mask &= np.isin(dim_codes, np.flatnonzero(pd.Index(dim_labels).isin(values)))
        rows = np.flatnonzero(mask)
        codes, labels = {}, {}
        for dim in request.dims:
            if dim not in codes_of:
                codes_of[dim] = pd.factorize(universe[dim], sort=True)
            dim_codes, dim_labels = codes_of[dim]
            if dim == "tenure_band":
                present = dim_labels[np.unique(dim_codes[rows])]
                mapping = tenure_map(scheme or request.tenure, list(present))
                merged = np.asarray([mapping.get(lab, "") for lab in dim_labels], dtype=object)
                new_codes, new_labels = pd.factorize(merged, sort=True)
                dim_codes, dim_labels = new_codes[dim_codes], new_labels
            codes[dim], labels[dim] = dim_codes[rows], np.asarray(dim_labels, dtype=object)
        shape_gid: dict[tuple[str, ...], np.ndarray] = {}
        shapes_here: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        table_shapes.append(shapes_here)
        frames = []
        for kept in _shapes(request, hierarchy):
            key = _combined_key(len(rows), [codes[d] for d in kept],
                                [len(labels[d]) for d in kept])
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            gids = offset + inverse.astype(np.int64)
            shape_gid[kept] = gids
            shapes_here[kept] = (rows, gids)
            by_group = np.argsort(gids, kind="stable")  # cells stay ascending in each group
            entry_gid.append(gids[by_group])
            entry_cell.append(rows[by_group])
            frame = pd.DataFrame({
                dim: labels[dim][codes[dim][first]] if dim in kept else np.full(len(first), ALL)
                for dim in request.dims
            })
            frames.append(frame)
            tables.append(np.full(len(first), t))
            interiors.append(np.full(len(first), kept == request.dims))
            offset += len(first)
        for kept, gids in shape_gid.items():
            for dim in kept:
                parent = tuple(d for d in kept if d != dim)
                if parent in shape_gid and len(gids):
                    _, first = np.unique(gids, return_index=True)
                    line_child.append(gids[first])
                    line_parent.append(shape_gid[parent][first])
        keys.append(
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=list(request.dims))
        )
    families = partition_families(
        requests, schemes, lambda dim: frozenset(str(v) for v in universe[dim].unique())
    )
    for child, parent in partition_lines(len(universe), families, table_shapes):
        line_child.append(child)
        line_parent.append(parent)
    return _assemble(
        cell_count, open_cell, entry_gid, entry_cell, tables, interiors, keys, starts,
        line_child, line_parent, offset,
    )


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


def _assemble(
    cell_count, open_cell, entry_gid, entry_cell, tables, interiors, keys, starts,
    line_child, line_parent, n_groups,
) -> Layout:
    gid = _cat(entry_gid, np.int64)
    cell = _cat(entry_cell, np.int64)
    n_cells = len(cell_count)
    # Entries arrive grouped by group id, shape after shape, with cells ascending.
    indptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(gid, minlength=n_groups), out=indptr[1:])
    heads = indptr[:-1]
    count = np.add.reduceat(cell_count[cell], heads) if n_groups else np.zeros(0, np.int64)
    is_open = (np.logical_or.reduceat(open_cell[cell], heads) if n_groups
               else np.zeros(0, dtype=bool))
    # The transpose (groups of each cell) by scipy's counting sort.
    by_cell = csr_matrix((np.ones(len(cell), dtype=np.int8), cell, indptr),
                         shape=(n_groups, n_cells)).tocsc()
    # A line is one parent in one family (one block of pairs): a 2-D total has two lines.
    parents = _cat(line_parent, np.int64)
    block = np.repeat(np.arange(len(line_parent)), [len(p) for p in line_parent])
    uniq, line_id = np.unique(block * max(n_groups, 1) + parents, return_inverse=True)
    line_id = line_id.astype(np.int64)
    line_owner = uniq % max(n_groups, 1)
    set_id = _same_set_ids(indptr, cell, n_groups)
    set_order = np.argsort(set_id, kind="stable")
    set_indptr = np.zeros(int(set_id.max()) + 2 if n_groups else 1, dtype=np.int64)
    np.cumsum(np.bincount(set_id, minlength=len(set_indptr) - 1), out=set_indptr[1:])
    return Layout(
        n_cells=len(cell_count),
        cell_count=cell_count,
        table=_cat(tables, np.int64),
        interior=_cat(interiors, bool),
        count=np.asarray(count, dtype=np.int64),
        is_open=is_open,
        indptr=indptr,
        cells=cell,
        cell_indptr=by_cell.indptr.astype(np.int64),
        cell_groups=by_cell.indices.astype(np.int64),
        line_child=_cat(line_child, np.int64),
        line_parent=parents,
        line_id=line_id,
        line_owner=line_owner,
        keys=tuple(keys),
        table_start=np.asarray(starts, dtype=np.int64),
        set_id=set_id,
        set_indptr=set_indptr,
        set_groups=set_order,
    )


def _same_set_ids(indptr: np.ndarray, cells: np.ndarray, n_groups: int) -> np.ndarray:
    """One id per distinct set of cells, so that a repeated group (an administration total
    in two tables) is shown or hidden as one. Hash first, then check exactly."""
    if n_groups == 0:
        return np.zeros(0, dtype=np.int64)
    weights = np.random.default_rng(7).integers(1, 2**62, size=int(cells.max()) + 1 if len(cells)
                                                 else 1, dtype=np.int64).astype(np.uint64)
    lengths = np.diff(indptr)
    sums = np.zeros(n_groups, dtype=np.uint64)
    nonempty = lengths > 0
    sums[nonempty] = np.add.reduceat(weights[cells], indptr[:-1][nonempty])
    first = cells[np.minimum(indptr[:-1], len(cells) - 1)]
    order = np.lexsort((np.arange(n_groups), first, sums, lengths))
    keys = np.stack([lengths[order], sums[order].astype(np.int64), first[order]])
    new = np.r_[True, (keys[:, 1:] != keys[:, :-1]).any(axis=0)]
    set_id = np.empty(n_groups, dtype=np.int64)
    set_id[order] = np.cumsum(new) - 1
    # Exact check: every group must hold the same cells as the first group of its id.
    leader = order[new][set_id[order][new]]
    lead_of = leader[set_id]
    for g in np.flatnonzero(lead_of != np.arange(n_groups)).tolist():
        lead = lead_of[g]
        if not np.array_equal(cells[indptr[g]:indptr[g + 1]], cells[indptr[lead]:indptr[lead + 1]]):
            set_id[g] = int(set_id.max()) + 1  # pragma: no cover - 64-bit hash collision
    return set_id
