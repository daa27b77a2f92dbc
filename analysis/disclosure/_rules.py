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
    "bounds_audit",
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

        Groups of earlier releases are never changed: what is out stays out. (Rules that
        hide to protect others skip groups repeating a published one: that would not help.)
        """
        gids = np.asarray(gids, dtype=np.int64)
        protects = None if protects is None else np.asarray(protects, dtype=np.int64)
        keep = self.shown[gids] & ~self.fixed[gids]
        sets, first = np.unique(layout.set_id[gids[keep]], return_index=True)
        if len(sets) == 0:
            return 0
        starts, ends = layout.set_indptr[sets], layout.set_indptr[sets + 1]
        lengths = ends - starts
        offsets = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
        members = layout.set_groups[np.arange(int(lengths.sum())) + offsets]
        own = np.repeat(protects[keep][first], lengths) if protects is not None else None
        movable = self.shown[members] & ~self.fixed[members]
        members = members[movable]
        self.shown[members] = False
        self.rule[members] = RULE[rule]
        if own is not None:
            self.protects[members] = own[movable]
        return len(sets)


def hide_below_minimum(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 1 and 4: hide groups with fewer than ``k`` responses or in an open period."""
    changed = state.hide(layout, np.flatnonzero(layout.is_open), "period_lock")
    return changed + state.hide(layout, np.flatnonzero(layout.count < k), "min_respondents")


def hide_small_remainders(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 3: where a shown total has hidden parts summing to 1..k-1, hide its smallest shown part.

    Repeats until every shown total's hidden remainder is 0 or at least k.
    """
    child, line, owner = layout.line_child, layout.line_id, layout.line_owner
    total = 0
    while True:
        visible = state.shown[child]
        shown_sum = np.bincount(line[visible], weights=layout.count[child[visible]],
                                minlength=len(owner))
        remainder = layout.count[owner] - np.rint(shown_sum).astype(np.int64)
        bad = state.shown[owner] & (remainder > 0) & (remainder < k)
        pick = bad[line] & visible & ~state.locked_group[child]
        # A line whose shown parts all repeat earlier releases: the total gives way instead.
        stuck = bad.copy()
        stuck[line[pick]] = False
        stuck_owner = owner[stuck]
        movable = stuck_owner[~state.locked_group[stuck_owner]]
        for g in stuck_owner[state.locked_group[stuck_owner]].tolist():
            state.leaks[("line", g)] = ()
        if len(movable):
            total += state.hide(layout, movable, "secondary", protects=movable)
        if not pick.any():
            return total
        # Smallest shown part first (ties: lowest id) in each offending line.
        c, ln = child[pick], line[pick]
        order = np.lexsort((c, layout.count[c], ln))
        c, ln = c[order], ln[order]
        first = np.r_[True, ln[1:] != ln[:-1]]
        changed = state.hide(layout, c[first], "secondary", protects=owner[ln[first]])
        if changed == 0:
            return total
        total += changed


def _contains(big: np.ndarray, small: np.ndarray) -> bool:
    """Whether sorted ``big`` holds every element of sorted ``small``."""
    if len(small) > len(big):
        return False
    at = np.searchsorted(big, small)
    return bool((at < len(big)).all() and (big[np.minimum(at, len(big) - 1)] == small).all())


def hide_small_complements(layout: Layout, state: SuppressionState, k: int) -> int:
    """Rule 2: for shown groups A inside shown B with 0 < B - A < k, hide A.

    If A repeats a figure of an earlier release, B is hidden instead.
    """
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
        if _contains(layout.members(gb), layout.members(ga)):
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
