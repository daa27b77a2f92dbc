"""Rule 8 applied: hide published figures until no hidden small count can be worked out.

The linear audit (``_audit``) says which hidden cells follow from the
published ones and through which combination; this module turns each
finding into one more hidden figure (the smallest one in that combination
that is not already out in an earlier release) and keeps the bookkeeping
that makes repeated audits cheap.
"""

from __future__ import annotations

import numpy as np

from ._audit import recover_sparse, subset_csr
from ._bounds import feasibility_intervals, natural_groups
from ._layout import Layout
from ._rules import SuppressionState

__all__ = ["BoundsAudit", "hide_recoverable"]


def _first_shown_of_set(layout: Layout, state: SuppressionState) -> np.ndarray:
    """The lowest shown group of each set of cells: the one that stands for its repeats."""
    shown = np.flatnonzero(state.shown)
    _, first = np.unique(layout.set_id[shown], return_index=True)
    out = np.zeros(layout.n_groups, dtype=bool)
    out[shown[first]] = True
    return out


def _implied_rows(layout: Layout, state: SuppressionState) -> np.ndarray:
    """Published groups that add no equation: a total whose parts are all shown, or a repeat.

    Leaving them out does not change what can be derived, but keeps the audit small.
    """
    # A parent is implied when every part of at least one of its lines is shown. A line of
    # one part is that part's twin (same cells), which the repeat rule below handles.
    child, line, owner = layout.line_child, layout.line_id, layout.line_owner
    hidden_parts = np.bincount(line[~state.shown[child]], minlength=len(owner))
    parts = np.bincount(line, minlength=len(owner))
    implied = np.zeros(layout.n_groups, dtype=bool)
    implied[owner[(hidden_parts == 0) & (parts >= 2)]] = True
    # Of the shown groups holding exactly the same cells, one equation is enough.
    return implied | ~_first_shown_of_set(layout, state)


def hide_recoverable(layout: Layout, state: SuppressionState, k: int, done: np.ndarray) -> int:
    """Rule 8: hide the smallest published figure in each combination that reveals a cell.

    Rules only ever hide, so the published equations only shrink: a hidden cell found safe
    once stays safe, and ``done`` marks it so that later rounds skip it.
    """
    published = np.flatnonzero(state.shown & ~_implied_rows(layout, state))
    small = np.flatnonzero(~state.shown & (layout.count >= 1) & (layout.count < k) & ~done)
    _, first = np.unique(layout.set_id[small], return_index=True)  # one per set of cells
    targets = small[first]
    if len(targets) == 0:
        return 0
    found = recover_sparse(
        layout.n_cells,
        *subset_csr(layout.indptr, layout.cells, published),
        *subset_csr(layout.indptr, layout.cells, targets),
    )
    done |= np.isin(layout.set_id, layout.set_id[targets])  # every repeat of a checked set
    chosen: dict[int, int] = {}
    again: list[int] = []
    for t, combination in found:
        target = int(targets[t])
        rows = [int(published[r]) for r in combination]
        free = [g for g in rows if not state.locked_group[g]]
        if not free:
            state.leaks[("linear_audit", target, tuple(rows))] = ()
            continue
        again.append(int(layout.set_id[target]))
        smallest = min(free, key=lambda g: (layout.count[g], g))
        chosen.setdefault(smallest, target)
    done[np.isin(layout.set_id, again)] = False  # re-check these once more is hidden
    if not chosen:
        return 0
    gids = np.fromiter(chosen, dtype=np.int64)
    return state.hide(layout, gids, "linear_audit",
                      protects=np.fromiter(chosen.values(), np.int64))


class BoundsAudit:
    """The bounds audit over one gate run: natural groups found once, re-checked as hiding grows.

    Hiding only removes equations, so an interval only widens: a quantity that
    passed once stays passed and is not solved again.
    """

    def __init__(self, layout: Layout, universe, requests, k: int, width: int) -> None:
        windows = sorted({tuple(values) for r in requests for dim, values in r.where
                          if dim == "period" and len(values) > 1})
        dims = [c for c in universe.columns if c != "count"]
        self.quantities = natural_groups(universe, windows, k, dims)
        self.pending = list(range(len(self.quantities)))
        self.k, self.width = k, width

    def hide_narrow(self, layout: Layout, state: SuppressionState) -> int:
        """Hide one published figure for every quantity whose interval is too narrow."""
        if not self.pending:
            return 0
        published = np.flatnonzero(state.shown & ~_implied_rows(layout, state))
        hidden = np.flatnonzero(~state.shown)
        _, first = np.unique(layout.set_id[hidden], return_index=True)
        listed = hidden[first]
        intervals = feasibility_intervals(
            layout.n_cells, layout.cell_count,
            [layout.members(int(g)) for g in published], layout.count[published],
            [layout.members(int(g)) for g in listed],
            [self.quantities[q] for q in self.pending], self.width)
        failing, chosen = [], {}
        for q, interval in zip(self.pending, intervals, strict=True):
            if interval is None or interval.width >= self.width:
                continue
            failing.append(q)
            group = self._to_hide(layout, state, published, interval, self.quantities[q])
            if group is None:
                state.leaks[("bounds", q, tuple(self.quantities[q].tolist()))] = ()
                continue
            chosen.setdefault(group, q)
        self.pending = failing
        if not chosen:
            self.pending = []
            return 0
        gids = np.fromiter(chosen, dtype=np.int64)
        return state.hide(layout, gids, "bounds_audit")

    @staticmethod
    def _to_hide(layout, state, published, interval, cells) -> int | None:
        """The smallest free figure among those holding the bounds, else among those touching."""
        binding = [int(published[r]) for r in interval.binding]
        free = [g for g in binding if not state.locked_group[g]]
        if not free:
            touching = np.unique(np.concatenate(
                [layout.cell_groups[layout.cell_indptr[c]:layout.cell_indptr[c + 1]]
                 for c in cells.tolist()]))
            free = [int(g) for g in touching if state.shown[g] and not state.locked_group[g]]
        if not free:
            return None
        return min(free, key=lambda g: (layout.count[g], g))
