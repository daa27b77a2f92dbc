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
    leaks: dict = field(default_factory=dict)

    @classmethod
    def start(cls, n_groups: int) -> SuppressionState:
        """Everything shown, nothing fixed."""
        return cls(
            shown=np.ones(n_groups, dtype=bool),
            fixed=np.zeros(n_groups, dtype=bool),
            rule=np.zeros(n_groups, dtype=np.int8),
            protects=np.full(n_groups, -1, dtype=np.int64),
        )

    def hide(self, gids: np.ndarray, rule: str, protects: np.ndarray | None = None) -> int:
        """Hide the shown, non-fixed ``gids``; returns how many changed."""
        gids = np.asarray(gids, dtype=np.int64)
        keep = self.shown[gids] & ~self.fixed[gids]
        gids = gids[keep]
        self.shown[gids] = False
        self.rule[gids] = RULE[rule]
        if protects is not None:
            self.protects[gids] = np.asarray(protects, dtype=np.int64)[keep]
        return len(np.unique(gids))


def hide_below_minimum(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 1 and 4: hide groups with fewer than ``k`` responses or in an open period."""
    changed = state.hide(np.flatnonzero(layout.is_open), "period_lock")
    return changed + state.hide(np.flatnonzero(layout.count < k), "min_respondents")


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
        pick = bad[parent] & visible & ~state.fixed[child]
        if not pick.any():
            return total
        # Smallest shown part first (ties: lowest id) in each offending line.
        c, p = child[pick], parent[pick]
        order = np.lexsort((c, layout.count[c], p))
        c, p = c[order], p[order]
        first = np.r_[True, p[1:] != p[:-1]]
        changed = state.hide(c[first], "secondary", protects=p[first])
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
    changed = 0
    for ga, gb in zip(hidden_a, hidden_b, strict=True):
        if not (state.shown[ga] and state.shown[gb]):
            continue
        if not state.fixed[ga]:
            changed += state.hide(np.array([ga]), "complement", protects=np.array([gb]))
        elif not state.fixed[gb]:
            changed += state.hide(np.array([gb]), "complement", protects=np.array([ga]))
        else:
            state.leaks[("complement", ga, gb)] = ()
    return changed
