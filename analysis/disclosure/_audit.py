"""The linear audit: can any hidden count be worked out from the published ones?

Finest cells are the unknowns and every published figure is an equation
(the sum of its cells). A hidden cell is recoverable exactly when its 0/1
indicator vector lies in the row space of the published equations. The test
is exact (integer arithmetic) and made fast by three reductions that never
change the answer:

1. *Peeling*: a published equation with a single unknown cell makes that
   cell known; repeated until nothing changes.
2. *Twin cells*: unknown cells that lie in exactly the same published
   equations can only be told apart together, so a hidden group that takes
   some but not all of such twins is not recoverable, and twins collapse
   into one column.
3. *Blocks*: the remaining equations fall apart into independent blocks
   (connected components); each is solved on its own.

``find_recoverable`` is the stand-alone form over any hashable cell ids.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._algebra import echelon_basis, express

__all__ = ["Recovery", "find_recoverable", "recover_sparse", "subset_csr"]

_SEED = 20240601


@dataclass(frozen=True)
class Recovery:
    """A hidden cell that can be worked out, and the published figures that do it."""

    hidden: int
    combination: tuple[tuple[int, Fraction], ...]


def subset_csr(indptr: np.ndarray, cells: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, ...]:
    """The CSR rows ``ids`` of a CSR matrix, as a new (indptr, cells) pair."""
    starts, ends = indptr[ids], indptr[ids + 1]
    lengths = ends - starts
    new_ptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_ptr[1:])
    offsets = np.repeat(starts - new_ptr[:-1], lengths)
    return new_ptr, cells[np.arange(new_ptr[-1], dtype=np.int64) + offsets]


def _peel(n_cells, p_ptr, p_cells):
    n_pub = len(p_ptr) - 1
    p_row = np.repeat(np.arange(n_pub), np.diff(p_ptr))
    known = np.zeros(n_cells, dtype=bool)
    peel_row = np.full(n_cells, -1, dtype=np.int64)
    peel_round = np.full(n_cells, -1, dtype=np.int64)
    active = np.ones(n_pub, dtype=bool)
    step = 0
    while True:
        unknown = ~known[p_cells]
        remaining = np.bincount(p_row[unknown], minlength=n_pub)
        single = active & (remaining == 1)
        active &= remaining > 1
        if not single.any():
            return known, peel_row, peel_round, active, p_row
        chosen = single[p_row] & unknown
        cells, first = np.unique(p_cells[chosen], return_index=True)
        known[cells] = True
        peel_row[cells] = p_row[chosen][first]
        peel_round[cells] = step
        step += 1


def _twin_classes(n_cells, rows, cells):
    """Class id per cell (-1 where the cell is in no equation); exact despite hashing.

    ``rows`` must ascend (CSR order), so a stable sort by cell keeps each cell's rows sorted.
    """
    order = np.argsort(cells, kind="stable")
    rows, cells = rows[order], cells[order]
    degree = np.bincount(cells, minlength=n_cells)
    cls = np.full(n_cells, -1, dtype=np.int64)
    if len(cells) == 0:
        return cls, 0
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    owners = cells[starts]
    # Independent random 64-bit weights per equation: sums of them collide only by chance.
    table = np.random.default_rng(_SEED).integers(0, 2**63, size=int(rows.max()) + 1,
                                                  dtype=np.int64).astype(np.uint64)
    key = np.add.reduceat(table[rows] * np.uint64(2) + np.uint64(1), starts)
    key += degree[owners].astype(np.uint64) * np.uint64(0x94D049BB133111EB)
    by_key = np.argsort(key, kind="stable")
    new = np.r_[True, key[by_key][1:] != key[by_key][:-1]]
    cls[owners[by_key]] = np.cumsum(new) - 1
    # Verify that equal keys mean equal equation sets (position by position).
    leader = owners[by_key][new]
    lead_of = leader[cls[cells]]
    cell_start = np.zeros(n_cells, dtype=np.int64)
    cell_start[owners] = starts
    same = np.array_equal(degree[lead_of], degree[cells])
    if same:
        pos = np.arange(len(cells)) - cell_start[cells]
        same = np.array_equal(rows[cell_start[lead_of] + pos], rows)
    if not same:  # pragma: no cover - only on a 64-bit hash collision
        cls = _exact_classes(n_cells, rows, cells)
    return cls, int(cls.max()) + 1


def _exact_classes(n_cells, rows, cells):  # pragma: no cover - hash collision only
    signature: dict[int, list[int]] = defaultdict(list)
    for r, c in zip(rows.tolist(), cells.tolist(), strict=True):
        signature[c].append(r)
    ids: dict[tuple[int, ...], int] = {}
    cls = np.full(n_cells, -1, dtype=np.int64)
    for c, rs in signature.items():
        cls[c] = ids.setdefault(tuple(rs), len(ids))
    return cls


def recover_sparse(n_cells, p_ptr, p_cells, t_ptr, t_cells) -> list[tuple[int, dict]]:
    """Recoverable targets as ``(target, {published row: coefficient})`` over CSR inputs."""
    n_tgt = len(t_ptr) - 1
    known, peel_row, peel_round, live, p_row = _peel(n_cells, p_ptr, p_cells)
    entry = live[p_row] & ~known[p_cells]
    cls, n_cls = _twin_classes(n_cells, p_row[entry], p_cells[entry])
    class_size = np.bincount(cls[cls >= 0], minlength=n_cls)
    t_row = np.repeat(np.arange(n_tgt), np.diff(t_ptr))
    unknown = ~known[t_cells]
    tu_row, tu_cls = t_row[unknown], cls[t_cells[unknown]]
    bad = np.zeros(n_tgt, dtype=bool)
    bad[tu_row[tu_cls < 0]] = True
    ok = tu_cls >= 0
    pair, taken = np.unique(tu_row[ok] * max(n_cls, 1) + tu_cls[ok], return_counts=True)
    pair_row, pair_cls = pair // max(n_cls, 1), pair % max(n_cls, 1)
    bad[pair_row[taken != class_size[pair_cls]]] = True
    candidates = np.flatnonzero(~bad)
    if len(candidates) == 0:
        return []
    # Blocks: connected parts of the equations over the classes (row - class edges).
    n_pub = len(p_ptr) - 1
    row_of, cls_of = p_row[entry], cls[p_cells[entry]]
    graph = coo_matrix((np.ones(len(row_of), dtype=np.int8), (row_of, n_pub + cls_of)),
                       shape=(n_pub + n_cls, n_pub + n_cls))
    _, label = connected_components(graph, directed=False)
    # Only the blocks that hold a candidate's columns need solving.
    wanted = ~bad[pair_row]
    pair_row, pair_cls = pair_row[wanted], pair_cls[wanted]
    touched = np.zeros(int(label.max()) + 1, dtype=bool)
    touched[label[n_pub + pair_cls]] = True
    keep = touched[label[row_of]]
    edges = np.unique(row_of[keep] * max(n_cls, 1) + cls_of[keep])
    e_row, e_cls = edges // max(n_cls, 1), edges % max(n_cls, 1)
    # Number columns by how few equations hold them, so elimination pivots on them first
    # (a Markowitz-like order that keeps fill-in low).
    col_degree = np.bincount(e_cls, minlength=n_cls)
    rank = np.empty(n_cls, dtype=np.int64)
    rank[np.lexsort((np.arange(n_cls), col_degree))] = np.arange(n_cls)
    label = np.r_[label[:n_pub], label[n_pub:][np.argsort(rank)]]
    e_cls, pair_cls = rank[e_cls], rank[pair_cls]
    block_rows: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)
    if len(e_row):
        cuts = np.flatnonzero(np.diff(e_row)) + 1
        heads = np.r_[0, cuts]
        for r, cols in zip(e_row[heads].tolist(), np.split(e_cls, cuts), strict=True):
            block_rows[int(label[r])].append((r, cols.tolist()))
    target_cols: dict[int, list[int]] = defaultdict(list)
    for pr, pc in zip(pair_row.tolist(), pair_cls.tolist(), strict=True):
        target_cols[pr].append(pc)
    bases = {}
    found = []
    for t in candidates.tolist():
        by_block: dict[int, list[int]] = defaultdict(list)
        for c in target_cols.get(t, []):
            by_block[int(label[n_pub + c])].append(c)
        combination: dict[int, Fraction] = {}
        for block, cols in sorted(by_block.items()):
            if block not in bases:
                bases[block] = echelon_basis(block_rows[block])
            part = express(bases[block], cols)
            if part is None:
                break
            combination.update(part)
        else:
            target = t_cells[t_ptr[t] : t_ptr[t + 1]]
            found.append((t, _restore_peeled(target, combination, p_ptr, p_cells, known,
                                             peel_row, peel_round)))
    return found


def _restore_peeled(target, combination, p_ptr, p_cells, known, peel_row, peel_round):
    """Add the peeling equations so that the combination reproduces ``target`` on every cell."""
    coef: dict[int, Fraction] = dict(combination)
    residual: dict[int, Fraction] = defaultdict(Fraction)
    for c in target.tolist():
        residual[c] += 1
    for r, a in combination.items():
        for c in p_cells[p_ptr[r] : p_ptr[r + 1]].tolist():
            residual[c] -= a
    heap = [(-int(peel_round[c]), c) for c, v in residual.items() if v and known[c]]
    heapq.heapify(heap)
    while heap:
        _, j = heapq.heappop(heap)
        a = residual[j]
        if not a:
            continue
        p = int(peel_row[j])
        coef[p] = coef.get(p, Fraction(0)) + a
        for c in p_cells[p_ptr[p] : p_ptr[p + 1]].tolist():
            residual[c] -= a
            if residual[c] and c != j:
                heapq.heappush(heap, (-int(peel_round[c]), c))
    if any(residual.values()):
        raise RuntimeError("internal error: the audit's combination does not reproduce the cell")
    return {r: a for r, a in sorted(coef.items()) if a}


def _to_csr(sets: Sequence[Iterable[Hashable]], index: dict[Hashable, int]):
    ptr, cells = [0], []
    for cell_set in sets:
        members = sorted({index.setdefault(c, len(index)) for c in cell_set})
        cells.extend(members)
        ptr.append(len(cells))
    return np.asarray(ptr, dtype=np.int64), np.asarray(cells, dtype=np.int64)


def find_recoverable(
    published: Sequence[Iterable[Hashable]], hidden: Sequence[Iterable[Hashable]]
) -> tuple[Recovery, ...]:
    """Which ``hidden`` cell-sets can be worked out exactly from the ``published`` ones, and how.

    Each argument is a list of sets of finest-cell ids (any hashable). The
    answer lists every recoverable hidden set with the published sets and
    coefficients whose sum gives it.

    Examples
    --------
    >>> admin = {"u1", "u2", "u3"}
    >>> find_recoverable([admin, {"u1"}, {"u2"}], [{"u3"}, {"u1", "u3"}])[0]
    Recovery(hidden=0, combination=((0, Fraction(1, 1)), (1, Fraction(-1, 1)), (2, Fraction(-1, 1))))
    """
    index: dict[Hashable, int] = {}
    p_ptr, p_cells = _to_csr(published, index)
    t_ptr, t_cells = _to_csr(hidden, index)
    found = recover_sparse(len(index), p_ptr, p_cells, t_ptr, t_cells)
    return tuple(Recovery(t, tuple(comb.items())) for t, comb in found)
