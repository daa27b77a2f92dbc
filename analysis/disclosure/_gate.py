"""The gate: composes the rules over a release and returns publishable tables.

``gate_release`` is the one place where the rules run together: it builds
the finest cells and every requested table's groups, picks for each table
the tenure granularity that keeps most respondents visible, then applies
rule 1 and the period lock once and rules 2, 3 and the linear audit in a
loop until none of them hides anything more. Earlier releases take part as
fixed, already published figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from ._audit import recover_sparse, subset_csr
from ._config import DEFAULT_HIERARCHY, GateConfig
from ._layout import Layout, build_layout, build_universe
from ._periods import Period
from ._requests import TableRequest
from ._rules import (
    RULES,
    SuppressionState,
    hide_below_minimum,
    hide_small_complements,
    hide_small_remainders,
)
from ._tenure import merge_candidates

__all__ = ["GatedTable", "Release", "gate_release", "gate_table"]

_AUDIT_COLUMNS = ["table", "row", "action", "rule", "protects_table", "protects_row", "detail"]


@dataclass(frozen=True)
class GatedTable:
    """A table after the gate: hidden cells have no count, only a reason."""

    request: TableRequest
    tenure_scheme: str | None
    _frame: pd.DataFrame = field(repr=False, compare=False)
    _audit: pd.DataFrame = field(repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        """Dimensions, ``count`` (``<NA>`` when hidden), ``shown``, ``reason``, ``is_total``."""
        return self._frame.copy()

    @property
    def audit(self) -> pd.DataFrame:
        """What this table had merged or hidden, and by which rule."""
        return self._audit.copy()

    def shown_rows(self) -> pd.DataFrame:
        """Only the rows that passed: the rows statistics may be computed from."""
        return self._frame[self._frame["shown"]].reset_index(drop=True)


@dataclass(frozen=True)
class Release:
    """Every table a role may see for a release, gated together."""

    tables: tuple[GatedTable, ...]
    config: GateConfig
    today: date | None
    leaks: tuple[tuple, ...] = ()

    @property
    def audit(self) -> pd.DataFrame:
        """The audit records of all tables, one row per merge or hidden cell."""
        parts = [t.audit for t in self.tables]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=_AUDIT_COLUMNS
        )

    def table(self, name: str) -> GatedTable:
        """The gated table whose request carries ``name``."""
        for table in self.tables:
            if table.request.name == name:
                return table
        raise ValueError(f"no table named {name!r} in this release")


def _first_of_set(layout: Layout) -> np.ndarray:
    first = np.zeros(layout.n_groups, dtype=bool)
    first[layout.set_groups[layout.set_indptr[:-1]]] = True
    return first


def _implied_rows(layout: Layout, state: SuppressionState) -> np.ndarray:
    """Published groups that add no equation: a total whose parts are all shown, or a repeat.

    Leaving them out does not change what can be derived, but keeps the audit small.
    """
    child, parent = layout.line_child, layout.line_parent
    hidden_parts = np.bincount(parent[~state.shown[child]], minlength=layout.n_groups)
    has_parts = np.bincount(parent, minlength=layout.n_groups) > 0
    implied = has_parts & (hidden_parts == 0)
    # Of the groups holding exactly the same cells, one equation is enough.
    return implied | ~_first_of_set(layout)


def _hide_recoverable(layout: Layout, state: SuppressionState, k: int, done: np.ndarray) -> int:
    """Rule 8: hide the smallest published figure in each combination that reveals a cell.

    Rules only ever hide, so the published equations only shrink: a hidden cell found safe
    once stays safe, and ``done`` marks it so that later rounds skip it.
    """
    published = np.flatnonzero(state.shown & ~_implied_rows(layout, state))
    targets = np.flatnonzero(~state.shown & (layout.count >= 1) & (layout.count < k)
                             & _first_of_set(layout) & ~done)
    if len(targets) == 0:
        return 0
    found = recover_sparse(
        layout.n_cells,
        *subset_csr(layout.indptr, layout.cells, published),
        *subset_csr(layout.indptr, layout.cells, targets),
    )
    done[targets] = True
    chosen: dict[int, int] = {}
    for t, combination in found:
        target = int(targets[t])
        rows = [int(published[r]) for r in combination]
        free = [g for g in rows if not state.locked_group[g]]
        if not free:
            state.leaks[("linear_audit", target, tuple(rows))] = ()
            continue
        done[target] = False
        smallest = min(free, key=lambda g: (layout.count[g], g))
        chosen.setdefault(smallest, target)
    if not chosen:
        return 0
    gids = np.fromiter(chosen, dtype=np.int64)
    return state.hide(layout, gids, "linear_audit",
                      protects=np.fromiter(chosen.values(), np.int64))


def _apply_rules(layout: Layout, state: SuppressionState, k: int) -> None:
    hide_below_minimum(layout, state, k)
    done = np.zeros(layout.n_groups, dtype=bool)
    while True:
        if hide_small_remainders(layout, state, k) + hide_small_complements(layout, state, k):
            continue
        if _hide_recoverable(layout, state, k, done) == 0:
            return


def _choose_scheme(universe, open_cell, request, hierarchy, k) -> str | None:
    if "tenure_band" not in request.dims:
        return None
    candidates = merge_candidates(request.tenure, request.allow_merge)
    if len(candidates) == 1:
        return candidates[0]
    # Only the cells inside the table's filter matter for the table on its own.
    mask = np.ones(len(universe), dtype=bool)
    for dim, values in request.where:
        mask &= universe[dim].isin(values).to_numpy()
    universe, open_cell = universe[mask].reset_index(drop=True), open_cell[mask]
    best, best_visible = candidates[0], -1
    for scheme in candidates:
        layout = build_layout(universe, open_cell, [request], [scheme], hierarchy)
        state = SuppressionState.start(layout.n_groups)
        _apply_rules(layout, state, k)
        visible = int(layout.count[state.shown & layout.interior].sum())
        if visible > best_visible:
            best, best_visible = scheme, visible
        if not (layout.interior & ~state.shown).any():
            break  # everything is visible: merging further cannot show more
    return best


def _fix_earlier(layout: Layout, state: SuppressionState, earlier: Sequence[GatedTable]) -> None:
    for t, table in enumerate(earlier):
        lo = layout.table_start[t]
        keys = layout.keys[t]
        dims = list(table.request.dims)
        published = table._frame.loc[table._frame["shown"], dims].astype(str).drop_duplicates()
        merged = keys[dims].astype(str).merge(published, on=dims, how="left", indicator=True)
        flag = (merged["_merge"] == "both").to_numpy(dtype=bool)
        gids = lo + np.arange(len(keys))
        state.shown[gids] = flag
        state.rule[gids[~flag]] = RULES.index("earlier_release")
        state.fixed[gids] = True


def _table_output(layout, state, t, request, scheme, requested_index, k) -> GatedTable:
    lo = int(layout.table_start[t])
    keys = layout.keys[t]
    gids = lo + np.arange(len(keys))
    shown = state.shown[gids]
    frame = keys.reset_index(drop=True).copy()
    counts = pd.array(layout.count[gids], dtype="Int64")
    counts[~shown] = pd.NA
    frame["count"] = counts
    frame["shown"] = shown
    rules = np.asarray(RULES, dtype=object)[state.rule[gids]]
    # The published reason says only what the rule means: under k, or kept back for others.
    small = layout.count[gids] < k
    frame["reason"] = [
        None if s else ("period_open" if r == "period_lock" else
                        "below_minimum" if m else "protects_other")
        for s, r, m in zip(shown, rules, small, strict=True)
    ]
    frame["is_total"] = ~layout.interior[gids]
    hidden = np.flatnonzero(~shown)
    protects = state.protects[gids[hidden]]
    prot_table = np.where(protects >= 0, layout.table[np.maximum(protects, 0)], -1)
    prot_row = np.where(protects >= 0, protects - layout.table_start[np.maximum(prot_table, 0)], -1)
    audit = pd.DataFrame({
        "table": requested_index,
        "row": hidden,
        "action": "hidden",
        "rule": rules[hidden],
        "protects_table": prot_table,
        "protects_row": prot_row,
        "detail": "",
    })
    if scheme is not None and scheme != request.tenure:
        merge = pd.DataFrame([{
            "table": requested_index, "row": -1, "action": "merged", "rule": "tenure_merge",
            "protects_table": -1, "protects_row": -1, "detail": f"{request.tenure} -> {scheme}",
        }])
        audit = pd.concat([merge, audit], ignore_index=True)
    return GatedTable(request, scheme, frame, audit[_AUDIT_COLUMNS])


def gate_release(
    data: pd.DataFrame,
    requests: Sequence[TableRequest],
    config: GateConfig | None = None,
    *,
    today: date | None = None,
    periods: Mapping[str, Period] | None = None,
    released: Sequence[Release] = (),
    hierarchy: Mapping[str, str] | None = None,
) -> Release:
    """Gate every table a role can request for one release, against each other and earlier ones.

    Examples
    --------
    >>> data = pd.DataFrame({"unit": ["a"] * 6 + ["b"] * 2})
    >>> release = gate_release(data, [TableRequest(("unit",), name="units")])
    >>> release.table("units").frame["shown"].tolist()
    [False, False, True]
    """
    config = config or GateConfig()
    if not isinstance(config, GateConfig):
        raise ValueError("config must be a GateConfig")
    requests = tuple(requests)
    if not requests or not all(isinstance(r, TableRequest) for r in requests):
        raise ValueError("requests must be a non-empty sequence of TableRequest")
    hierarchy = dict(DEFAULT_HIERARCHY if hierarchy is None else hierarchy)
    earlier = [t for r in released for t in r.tables]
    every = [*(t.request for t in earlier), *requests]
    dims = list(dict.fromkeys(d for r in every for d in r.used_dims))
    universe, open_cell = build_universe(data, dims, today=today, periods=periods)
    k = config.min_respondents
    schemes = [t.tenure_scheme for t in earlier] + [
        _choose_scheme(universe, open_cell, r, hierarchy, k) for r in requests
    ]
    layout = build_layout(universe, open_cell, every, schemes, hierarchy)
    state = SuppressionState.start(layout.n_groups)
    _fix_earlier(layout, state, earlier)
    state.lock_published(layout)
    _apply_rules(layout, state, k)
    n_old = len(earlier)
    tables = tuple(
        _table_output(layout, state, n_old + i, r, schemes[n_old + i], i, k)
        for i, r in enumerate(requests)
    )
    return Release(tables, config, today, tuple(state.leaks))


def gate_table(
    counts: pd.DataFrame,
    dims: Sequence[str],
    config: GateConfig | None = None,
    *,
    totals: bool = True,
    where: Mapping[str, object] | None = None,
    tenure: str = "rollup",
    allow_merge: bool = True,
    today: date | None = None,
    periods: Mapping[str, Period] | None = None,
    hierarchy: Mapping[str, str] | None = None,
) -> GatedTable:
    """Gate one table of counts (a ``count`` column) or of raw rows (one row per response).

    Examples
    --------
    >>> counts = pd.DataFrame({"unit": ["a", "b", "c"], "count": [9, 7, 2]})
    >>> gate_table(counts, ["unit"]).frame[["unit", "count", "reason"]].values.tolist()
    [['a', 9, None], ['b', <NA>, 'protects_other'], ['c', <NA>, 'below_minimum'], ['*', 18, None]]
    """
    request = TableRequest(tuple(dims), where=where, totals=totals, tenure=tenure,
                           allow_merge=allow_merge)
    release = gate_release(counts, [request], config, today=today, periods=periods,
                           hierarchy=hierarchy)
    return release.tables[0]
