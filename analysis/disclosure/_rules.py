"""Rules 1-3 on a layout of groups: minimum count, complements, secondary suppression.

Each rule is one function that looks at the current shown/hidden state and
hides more where needed, recording why. They only ever hide (never show),
so composing them in a loop until nothing changes always ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._layout import Layout

__all__ = [
    "RULES",
    "SuppressionState",
    "hide_below_minimum",
    "hide_small_complements",
    "hide_small_remainders",
]

#: Why a group is hidden; index 0 means shown.
RULES: tuple[str, ...] = (
    "shown",
    "min_respondents",
    "period_lock",
    "secondary",
    "complement",
    "linear_audit",
    "earlier_release",
)
RULE = {name: code for code, name in enumerate(RULES)}


@dataclass
class SuppressionState:
    """Working state of one gate run (private to the gate; never returned to callers)."""

    shown: np.ndarray
    fixed: np.ndarray
    rule: np.ndarray
    protects: np.ndarray
    locked_group: np.ndarray
    locked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    leaks: dict = field(default_factory=dict)

    @classmethod
    def start(cls, n_groups: int) -> SuppressionState:
        """Everything shown, nothing fixed."""
        return cls(
            shown=np.ones(n_groups, dtype=bool),
            fixed=np.zeros(n_groups, dtype=bool),
            rule=np.zeros(n_groups, dtype=np.int8),
            protects=np.full(n_groups, -1, dtype=np.int64),
            locked_group=np.zeros(n_groups, dtype=bool),
        )

    def lock_published(self, layout: Layout) -> None:
        """Mark every group whose set of cells an earlier release published as unhideable."""
        n_sets = int(layout.set_id.max()) + 1 if layout.n_groups else 0
        self.locked = np.zeros(n_sets, bool)
        self.locked[layout.set_id[self.fixed & self.shown]] = True
        # What an earlier release kept hidden stays hidden wherever the same cells reappear.
        withheld = np.zeros(n_sets, bool)
        withheld[layout.set_id[self.fixed & ~self.shown]] = True
        again = ~self.fixed & withheld[layout.set_id] & ~self.locked[layout.set_id]
        self.shown[again] = False
        self.rule[again] = RULE["earlier_release"]
        self.locked_group = self.fixed | self.locked[layout.set_id]

    def hide(self, layout: Layout, gids, rule: str, protects=None) -> int:
        """Hide ``gids`` and every group with the same cells; returns how many sets changed.

        Groups an earlier release published (or that repeat one) are left as they are.
        """
        gids = np.asarray(gids, dtype=np.int64)
        protects = None if protects is None else np.asarray(protects, dtype=np.int64)
        keep = self.shown[gids] & ~self.locked_group[gids]
        sets, first = np.unique(layout.set_id[gids[keep]], return_index=True)
        if len(sets) == 0:
            return 0
        starts, ends = layout.set_indptr[sets], layout.set_indptr[sets + 1]
        lengths = ends - starts
        offsets = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
        members = layout.set_groups[np.arange(int(lengths.sum())) + offsets]
        self.shown[members] = False
        self.rule[members] = RULE[rule]
        if protects is not None:
            self.protects[members] = np.repeat(protects[keep][first], lengths)
        return len(sets)


def hide_below_minimum(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 1 and 4: hide groups with fewer than ``k`` responses or in an open period."""
    changed = state.hide(layout, np.flatnonzero(layout.is_open), "period_lock")
    return changed + state.hide(layout, np.flatnonzero(layout.count < k), "min_respondents")


def hide_small_remainders(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 3: where a shown total has hidden parts summing to 1..k-1, hide its smallest shown part.

    Repeats until every shown total's hidden remainder is 0 or at least k.
    """
    child, parent = layout.line_child, layout.line_parent
    total = 0
    while True:
        visible = state.shown[child]
        shown_sum = np.bincount(parent[visible], weights=layout.count[child[visible]],
                                minlength=layout.n_groups)
        remainder = layout.count - np.rint(shown_sum).astype(np.int64)
        bad = state.shown & (remainder > 0) & (remainder < k)
        pick = bad[parent] & visible & ~state.locked_group[child]
        if not pick.any():
            return total
        # Smallest shown part first (ties: lowest id) in each offending line.
        c, p = child[pick], parent[pick]
        order = np.lexsort((c, layout.count[c], p))
        c, p = c[order], p[order]
        first = np.r_[True, p[1:] != p[:-1]]
        changed = state.hide(layout, c[first], "secondary", protects=p[first])
        if changed == 0:
            return total
        total += changed


def hide_small_complements(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 2: for shown groups A inside shown B with 0 < B - A < k, hide A (B if A is fixed)."""
    a = np.flatnonzero(state.shown)
    if len(a) == 0:
        return 0
    rep = layout.cells[layout.indptr[a]]
    starts, ends = layout.cell_indptr[rep], layout.cell_indptr[rep + 1]
    lengths = ends - starts
    a_rep = np.repeat(a, lengths)
    offsets = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
    b = layout.cell_groups[np.arange(len(a_rep)) + offsets]
    gap = layout.count[b] - layout.count[a_rep]
    near = state.shown[b] & (gap > 0) & (gap < k)
    hidden_a, hidden_b = [], []
    for ga, gb in zip(a_rep[near].tolist(), b[near].tolist(), strict=True):
        if np.isin(layout.members(ga), layout.members(gb), assume_unique=True).all():
            hidden_a.append(ga)
            hidden_b.append(gb)
    small, big = [], []
    for ga, gb in zip(hidden_a, hidden_b, strict=True):
        if not state.locked_group[ga]:
            small.append(ga)
            big.append(gb)
        elif not state.locked_group[gb]:
            small.append(gb)
            big.append(ga)
        else:
            state.leaks[("complement", ga, gb)] = ()
    return state.hide(layout, np.array(small, dtype=np.int64), "complement",
                      protects=np.array(big, dtype=np.int64))
