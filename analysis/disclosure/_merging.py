"""Rule 3's preference for merging: pick the tenure granularity that shows the most.

A table asked for by tenure band is tried at the requested granularity and
at each coarser one (fine -> roll-up -> under/over two years); the gate keeps
the finest granularity that leaves the most respondents in shown cells.
"""

from __future__ import annotations

import numpy as np

from ._layout import build_layout
from ._rules import (
    SuppressionState,
    hide_below_minimum,
    hide_small_complements,
    hide_small_remainders,
)
from ._tenure import merge_candidates

__all__ = ["choose_scheme", "choose_schemes"]


def choose_scheme(universe, open_cell, request, hierarchy, k) -> str:
    """The tenure granularity that keeps most respondents of this table visible."""
    candidates = merge_candidates(request.tenure, request.allow_merge)
    # Only the cells inside the table's filter matter for the table on its own.
    mask = np.ones(len(universe), dtype=bool)
    for dim, values in request.where:
        mask &= universe[dim].isin(values).to_numpy()
    universe, open_cell = universe[mask].reset_index(drop=True), open_cell[mask]
    best, best_visible = candidates[0], -1
    for scheme in candidates:
        layout = build_layout(universe, open_cell, [request], [scheme], hierarchy)
        state = SuppressionState.start(layout.n_groups)
        hide_below_minimum(layout, state, k)
        if not (layout.interior & ~state.shown).any():
            return scheme  # everyone visible: merging further cannot show more
        # Rules 2 and 3 only (the audit can only hide more): a cheap, fair comparison.
        while hide_small_remainders(layout, state, k) + hide_small_complements(layout, state, k):
            pass
        visible = int(layout.count[state.shown & layout.interior].sum())
        if visible > best_visible:
            best, best_visible = scheme, visible
    return best


def choose_schemes(universe, open_cell, requests, hierarchy, k) -> list[str | None]:
    """Tenure granularity per request; tables that show every cell as asked keep it."""
    schemes: list[str | None] = [
        r.tenure if "tenure_band" in r.dims else None for r in requests
    ]
    tenure = [i for i, r in enumerate(requests)
              if "tenure_band" in r.dims and len(merge_candidates(r.tenure, r.allow_merge)) > 1]
    if not tenure:
        return schemes
    # One layout for all of them answers "is anything hidden as asked?" in a single pass.
    layout = build_layout(universe, open_cell, [requests[i] for i in tenure],
                          [schemes[i] for i in tenure], hierarchy)
    small = (layout.count < k) & ~layout.is_open
    needs = np.bincount(layout.table[layout.interior & small], minlength=len(tenure)) > 0
    for position, i in enumerate(tenure):
        if needs[position]:
            schemes[i] = choose_scheme(universe, open_cell, requests[i], hierarchy, k)
    return schemes
