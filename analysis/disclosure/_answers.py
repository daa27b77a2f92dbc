"""The answer audit: no small group's answers may be pinned by the answer counts published.

The people gate decides which groups are shown. Inside a shown group the
product then publishes how many gave each answer (named a reason, gave a
score, could imagine coming back), exactly or as the sameness words (a
range: "alla eller nästan alla" is at least the group minus its band). Those
answer counts form systems of their own, one per *feature* (a question and
one of its answers): an attacker who subtracts two rolling years, or finds a
count of two in a total and a neighbouring window, can place the answers of
a group of one or two people.

This audit treats each answer as a dimension of the finest cells: the
unknowns are the answers per finest cell, whole numbers between 0 and an
upper bound per cell, the smallest shown group of people around it (what the
published tables tell of a cell's size). Every published answer figure of
this release and of all earlier ones is a row ``lo <= sum <= hi``.
Each feature is its own system: what one question's counts say about
another's, and the coupling through the unknown numbers of people per cell,
are not modelled (``docs/disclosure.md`` names this limit).
A *quantity* is a natural group of 1..k-1 people in which at least one gave
the answer; it passes when its answer count can take at least two values
(the default ``width`` of 1: not pinned). Where it cannot, one published
figure holding the bound (a non-zero LP dual) is hidden, with every figure
that shares its *key* (all counts of a single-choice question in one group
go together, since they add up to the group), and the audit runs again.

Three cheap tests settle most quantities before any linear program, each
exact and permanent (hiding only removes rows, so a passed quantity stays
passed):

1. a cell of the quantity lies in no published row: its answers are free;
2. *swap*: two cells in exactly the same published rows, one inside the
   quantity and one outside, where one answer can move from one to the other
   in the true counts without breaking a bound;
3. whole feasible points met so far (the true counts first) that give the
   quantity two values.

The rest get LP minima and maxima (HiGHS, one warm model per block), and an
integer program where a fractional vertex leaves the answer open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from ._bounds import _Block, _rows_matrix
from ._layout import _same_set_ids

__all__ = ["AnswerFigure", "audit_answers"]

_EPS = 1e-6
_SEED = 20261203
_WITNESS_ROUNDS = 8


@dataclass(frozen=True)
class AnswerFigure:
    """One published answer figure: ``lo <= answers of feature in cells <= hi``.

    ``key`` names what is hidden together (None: an earlier release's figure,
    fixed); ``size`` is the group's people, so that the smallest is hidden first.
    """

    feature: str
    cells: np.ndarray
    lo: float
    hi: float
    key: Hashable | None = None
    size: int = 0


def _merge_twins(figures: Sequence[AnswerFigure]) -> list[AnswerFigure]:
    """One figure per equation: the same count printed in two tables is one row, fixed if an
    earlier release printed it, and hidden only by hiding every copy (``key``: a tuple)."""
    merged: dict[tuple, list] = {}
    for figure in figures:
        sig = (figure.feature, np.asarray(figure.cells, dtype=np.int64).tobytes(), figure.lo,
               figure.hi)
        entry = merged.setdefault(sig, [figure, [], 0])
        entry[1].append(figure.key)
        entry[2] += figure.size  # hiding the equation costs every copy
    out = []
    for figure, keys, size in merged.values():
        key = None if any(k is None for k in keys) else tuple(dict.fromkeys(keys))
        out.append(AnswerFigure(figure.feature, np.asarray(figure.cells, dtype=np.int64),
                                figure.lo, figure.hi, key, size))
    return out


def audit_answers(upper: np.ndarray, truth: Mapping[str, np.ndarray],
                  figures: Sequence[AnswerFigure], quantities: Sequence[np.ndarray],
                  width: int = 1, *, extra: Mapping[str, Sequence[np.ndarray]] | None = None,
                  always: Mapping[str, Sequence[np.ndarray]] | None = None,
                  ) -> tuple[frozenset, tuple[str, ...]]:
    """The keys to hide so that no quantity's answers are pinned, and what could not be fixed.

    ``upper`` (the most answers a cell can hold, as the attacker knows it) and each
    ``truth[feature]`` are per finest cell; ``quantities`` are cell ids of groups of
    1..k-1 people; ``extra`` adds quantities of one feature (the groups in which
    1..k-1 answered a question, for its answers); ``always`` adds quantities
    checked whatever their true count (a count the sameness words stand for:
    it may not follow exactly from the numbers beside it, not even a 0).
    Figures with the key None are already published (earlier releases) and
    never hidden.
    """
    upper = np.asarray(upper, dtype=np.float64)
    figures = _merge_twins([f for f in figures if f.feature in truth])
    by_feature: dict[str, list[int]] = defaultdict(list)
    for i, figure in enumerate(figures):
        by_feature[figure.feature].append(i)
    pending, groups = {}, {}
    for feature in by_feature:
        answers = np.asarray(truth[feature], dtype=np.int64)
        groups[feature] = [*quantities, *((extra or {}).get(feature, ()))]
        pending[feature] = [q for q, cells in enumerate(groups[feature])
                            if len(cells) and answers[cells].sum() >= 1]
        words = list((always or {}).get(feature, ()))
        pending[feature] += range(len(groups[feature]), len(groups[feature]) + len(words))
        groups[feature] += words
    hidden: set = set()

    def active(figure: AnswerFigure) -> bool:
        return figure.key is None or not all(k in hidden for k in figure.key)

    leaks: list[str] = []
    dirty = {f for f, qs in pending.items() if qs}
    while dirty:
        chosen: set = set()
        for feature in sorted(dirty):
            rows = [figures[i] for i in by_feature[feature] if active(figures[i])]
            qs = pending[feature]
            failing = _audit_feature(upper, np.asarray(truth[feature], dtype=np.int64), rows,
                                     [groups[feature][q] for q in qs], width)
            still = []
            for j, key in failing:
                if key is None:
                    leaks.append(f"answers: {feature} of a small group is pinned by figures "
                                 f"already published")
                    continue
                still.append(qs[j])
                chosen.update(key)
            pending[feature] = still
        chosen -= hidden
        if not chosen:
            break
        hidden |= chosen
        dirty = {f for f, qs in pending.items() if qs and any(
            figures[i].key is not None and chosen.intersection(figures[i].key)
            for i in by_feature[f])}
    return frozenset(hidden), tuple(dict.fromkeys(leaks))


def _audit_feature(upper, answers, rows: Sequence[AnswerFigure], quantities, width):
    """Quantities (by position) whose answers are pinned, each with the key to hide (or None)."""
    if not quantities:
        return []
    n = len(upper)
    a = _rows_matrix([r.cells for r in rows], n)
    lo = np.asarray([r.lo for r in rows], dtype=np.float64)
    hi = np.asarray([r.hi for r in rows], dtype=np.float64)
    q = _rows_matrix(list(quantities), n)
    covered = np.asarray(a.sum(axis=0)).ravel() > 0
    open_ = np.flatnonzero(np.asarray(q @ (~covered).astype(np.float64)).ravel() == 0)
    if len(open_) == 0:
        return []
    open_ = open_[~_swappable(a, q[open_], upper, answers)]
    if len(open_) == 0:
        return []
    system = _AnswerSystem(a, lo, hi, upper, answers)
    open_ = open_[~system.settled_by_witnesses(q[open_], width)]
    failing = []
    for j in open_.tolist():
        cells = np.asarray(quantities[j])
        binding = system.pinned(cells, width)
        if binding is None:
            continue
        failing.append((j, _to_hide(rows, binding, a, cells)))
    return failing


def _swappable(a: csr_matrix, q: csr_matrix, upper, answers) -> np.ndarray:
    """Per quantity: can one answer move between a cell inside and a twin cell outside?"""
    classes = _same_set_ids(*_transpose(a))
    up = (answers < upper).astype(np.int64)  # room for one more answer
    down = (answers > 0).astype(np.int64)  # an answer that can leave
    n_cls = int(classes.max()) + 1 if len(classes) else 0
    total_up = np.bincount(classes, weights=up, minlength=n_cls)
    total_down = np.bincount(classes, weights=down, minlength=n_cls)
    coo = q.tocoo()
    key = coo.row.astype(np.int64) * max(n_cls, 1) + classes[coo.col]
    uniq, inverse = np.unique(key, return_inverse=True)
    in_up = np.bincount(inverse, weights=up[coo.col], minlength=len(uniq))
    in_down = np.bincount(inverse, weights=down[coo.col], minlength=len(uniq))
    cls = uniq % max(n_cls, 1)
    move = ((in_up > 0) & (total_down[cls] - in_down > 0)) | (
        (in_down > 0) & (total_up[cls] - in_up > 0))
    out = np.zeros(q.shape[0], dtype=bool)
    out[(uniq // max(n_cls, 1))[move]] = True
    return out


def _transpose(a: csr_matrix):
    by_cell = a.tocsc()
    by_cell.sort_indices()
    return by_cell.indptr.astype(np.int64), by_cell.indices.astype(np.int64), a.shape[1]


def _to_hide(rows, binding, a, cells):
    """The key of the smallest hideable figure among those holding the bound, else touching."""
    free = [r for r in binding if rows[r].key is not None]
    if not free:
        touching = np.flatnonzero(np.asarray(a[:, cells].sum(axis=1)).ravel() > 0)
        free = [int(r) for r in touching if rows[r].key is not None]
    if not free:
        return None
    best = min(free, key=lambda r: (rows[r].size, r))
    return rows[best].key


class _AnswerSystem:
    """The published rows of one feature split into blocks, each a warm HiGHS model."""

    def __init__(self, a: csr_matrix, lo, hi, upper, answers) -> None:
        self.a, self.lo, self.hi = a, lo, hi
        self.upper, self.answers = upper, answers
        n_rows, n_cells = a.shape
        coo = a.tocoo()
        graph = coo_matrix((np.ones(coo.nnz), (coo.row, n_rows + coo.col)),
                           shape=(n_rows + n_cells,) * 2)
        _, labels = connected_components(graph, directed=False)
        self.block_of_row, self.block_of_cell = labels[:n_rows], labels[n_rows:]
        self._blocks: dict[int, _Block] = {}

    def block(self, b: int) -> _Block:
        if b not in self._blocks:
            cols = np.flatnonzero(self.block_of_cell == b)
            rows = np.flatnonzero(self.block_of_row == b)
            sub = self.a[rows][:, cols]
            block = _Block(cols, rows, sub, self.lo[rows], csr_matrix((0, len(cols))),
                           b_upper=self.hi[rows], col_upper=self.upper[cols])
            block.add_point(self.answers[cols].astype(np.float64))
            self._blocks[b] = block
        return self._blocks[b]

    def settled_by_witnesses(self, q: csr_matrix, width: int) -> np.ndarray:
        """Quantities seen at two values over whole feasible points found in random directions.

        Each round maximises a random signed sum of the unsettled quantities; blocks are
        independent, so a block whose vertex is fractional keeps its true counts and the
        point stays feasible. Rounds stop once one settles little.
        """
        rng = np.random.default_rng(_SEED)
        values = q @ self.answers.astype(np.float64)
        low, high = values.copy(), values.copy()
        settled = np.zeros(q.shape[0], dtype=bool)
        for _ in range(_WITNESS_ROUNDS):
            before = int(settled.sum())
            signs = np.where(settled, 0.0, rng.choice((-1.0, 1.0), size=q.shape[0]))
            cost = np.asarray(q.T @ signs).ravel()
            touched = np.flatnonzero(np.asarray(q[~settled].sum(axis=0)).ravel() > 0)
            cost[touched] += rng.normal(0, 1e-3, size=len(touched))
            x = self.answers.astype(np.float64).copy()
            for b in np.unique(self.block_of_cell[touched]).tolist():
                block = self.block(b)
                block._solve(cost[block.cols], -1)
                point = np.asarray(block.highs.getSolution().col_value)
                if np.allclose(point, np.rint(point), atol=1e-6):
                    x[block.cols] = np.rint(point)
                    block.add_point(point)
            values = q @ x
            low, high = np.minimum(low, values), np.maximum(high, values)
            settled = high - low >= width - 1e-9
            if settled.all() or int(settled.sum()) - before < 0.05 * q.shape[0]:
                break
        return settled

    def pinned(self, cells: np.ndarray, width: int):
        """None when the answers in ``cells`` can take ``width + 1`` values, else the rows
        holding the bounds."""
        parts = []
        for b in np.unique(self.block_of_cell[cells]).tolist():
            block = self.block(b)
            parts.append((block, np.isin(block.cols, cells).astype(np.float64)))
        low = high = 0.0
        for block, weights in parts:
            lo, hi = block.point_range(weights)
            low, high = low + lo, high + hi
        if high - low >= width:
            return None
        ends, rows = [], set()
        for sense in (-1, 1):
            value, exact = 0.0, True
            for block, weights in parts:
                v, binding, whole = block.optimum(weights, sense)
                value += v
                rows.update(binding)
                exact &= whole
            rounded = np.floor(value + _EPS) if sense == -1 else np.ceil(value - _EPS)
            ends.append((rounded, exact))
        (hi, hi_exact), (lo, lo_exact) = ends
        if hi - lo < width:
            return tuple(sorted(rows))
        # A fractional vertex: the whole-number interval may be narrower than the linear one.
        if not hi_exact:
            hi = sum(block.optimum(w, -1, whole=True)[0] for block, w in parts)
        if not lo_exact and hi - lo >= width:
            lo = sum(block.optimum(w, 1, whole=True)[0] for block, w in parts)
        if hi - lo >= width:
            return None
        return tuple(sorted(rows))
