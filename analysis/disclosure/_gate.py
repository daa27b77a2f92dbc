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

from ._config import DEFAULT_HIERARCHY, GateConfig
from ._layout import Layout, build_layout, build_universe
from ._leak_repair import BoundsAudit, hide_recoverable
from ._merging import choose_schemes
from ._periods import Period
from ._requests import TableRequest
from ._rules import (
    RULES,
    SuppressionState,
    hide_below_minimum,
    hide_small_complements,
    hide_small_remainders,
)

__all__ = ["GatedTable", "Release", "gate_release", "gate_table"]

_AUDIT_COLUMNS = ["table", "row", "action", "rule", "protects_table", "protects_row", "detail"]


@dataclass(frozen=True, eq=False)
class GatedTable:
    """A table after the gate: hidden cells have no count, only a reason.

    Equality is identity: two gated tables are the same only if they are one object.
    """

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


@dataclass(frozen=True, eq=False)
class Release:
    """Every table a role may see for a release, gated together."""

    tables: tuple[GatedTable, ...]
    config: GateConfig
    today: date | None
    leaks: tuple[str, ...] = ()
    #: The answer figures published with it (``analysis._answer_figures.ANSWER_COLUMNS``):
    #: what later releases' answer audits take as fixed.
    answers: pd.DataFrame | None = field(default=None, repr=False)

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


def _apply_rules(layout: Layout, state: SuppressionState, k: int, bounds: BoundsAudit) -> None:
    hide_below_minimum(layout, state, k)
    done = np.zeros(layout.n_groups, dtype=bool)
    while True:
        if hide_small_remainders(layout, state, k) + hide_small_complements(layout, state, k):
            continue
        if hide_recoverable(layout, state, k, done):
            continue
        # The costly audit last: only once the cheap rules have nothing more to hide.
        if bounds.hide_narrow(layout, state) == 0:
            return


def _fix_earlier(layout: Layout, state: SuppressionState, earlier: Sequence[GatedTable]) -> None:
    for t, table in enumerate(earlier):
        lo = layout.table_start[t]
        keys = layout.keys[t]
        dims = list(table.request.dims)
        published = table._frame.loc[table._frame["shown"], dims].astype(str).drop_duplicates()
        merged = keys[dims].astype(str).merge(published, on=dims, how="left", indicator=True)
        flag = (merged["_merge"] == "both").to_numpy(dtype=bool)
        gids = lo + np.arange(len(keys))
        was = merged.merge(table._frame.astype({d: str for d in dims}), on=dims, how="left")
        old_count = was["count"].to_numpy(dtype=float, na_value=np.nan)
        changed = flag & (old_count != layout.count[gids])
        for g in gids[changed].tolist():
            state.leaks[("changed", g)] = ()
        state.shown[gids] = flag
        state.rule[gids[~flag]] = RULES.index("earlier_release")
        state.fixed[gids] = True


def _table_output(layout, state, t, request, scheme, n_old, config) -> GatedTable:
    """The published frame and audit of layout table ``t`` (request ``t - n_old``)."""
    requested_index = t - n_old
    k, distinct = config.min_respondents, config.distinct_reasons
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
    # By default every suppressed cell reads the same: telling "under k" from "hidden to
    # protect others" would give bounds (1..k-1 versus k or more) that can pin a cell.
    small = layout.count[gids] < k
    frame["reason"] = [
        None if s else "period_open" if r == "period_lock" else
        ("below_minimum" if m else "protects_other") if distinct else "suppressed"
        for s, r, m in zip(shown, rules, small, strict=True)
    ]
    frame["is_total"] = ~layout.interior[gids]
    hidden = np.flatnonzero(~shown)
    protects = state.protects[gids[hidden]]
    # Table numbers count this release's requests; an earlier release's table is negative.
    prot_layout = np.where(protects >= 0, layout.table[np.maximum(protects, 0)], -1)
    prot_row = np.where(protects >= 0, protects - layout.table_start[np.maximum(prot_layout, 0)],
                        -1)
    none = protects < 0
    prot_table = pd.array(prot_layout - n_old, dtype="Int64")
    prot_table[none] = pd.NA
    prot_row = pd.array(prot_row, dtype="Int64")
    prot_row[none] = pd.NA
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
            "protects_table": pd.NA, "protects_row": pd.NA,
            "detail": f"{request.tenure} -> {scheme}",
        }])
        merge = merge.astype({"protects_table": "Int64", "protects_row": "Int64"})
        audit = pd.concat([merge, audit], ignore_index=True) if len(audit) else merge
    return GatedTable(request, scheme, frame, audit[_AUDIT_COLUMNS])


def _describe_leak(layout: Layout, requests: Sequence[TableRequest], leak: tuple) -> str:
    """A readable line for a disclosure that only earlier releases' figures make possible."""

    def cell(gid: int) -> str:
        t = int(layout.table[gid])
        row = layout.keys[t].iloc[gid - int(layout.table_start[t])]
        key = ", ".join(f"{d}={v}" for d, v in row.items())
        return f"{requests[t].name or f'table {t}'} [{key}]"

    rule, first, *rest = leak
    if rule == "bounds":
        return (f"bounds: a small group of {len(rest[0])} finest cells can be narrowed to "
                f"fewer values than the protection width by figures already published")
    if rule == "changed":
        return f"changed: {cell(first)} has changed since an earlier release published it"
    if rule == "line":
        return f"line: {cell(first)} minus its published parts is a small group"
    if rule == "complement":
        return f"complement: {cell(first)} inside {cell(rest[0])}, both already published"
    return f"linear_audit: {cell(first)} follows from figures already published"


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
    schemes = [t.tenure_scheme for t in earlier] + choose_schemes(
        universe, open_cell, requests, hierarchy, k
    )
    layout = build_layout(universe, open_cell, every, schemes, hierarchy)
    state = SuppressionState.start(layout.n_groups)
    _fix_earlier(layout, state, earlier)
    state.lock_published(layout)
    _apply_rules(layout, state, k,
                 BoundsAudit(layout, universe, every, k, config.protection_width))
    n_old = len(earlier)
    tables = tuple(
        _table_output(layout, state, n_old + i, r, schemes[n_old + i], n_old, config)
        for i, r in enumerate(requests)
    )
    leaks = tuple(_describe_leak(layout, every, leak) for leak in state.leaks)
    return Release(tables, config, today, leaks)


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
    [['a', 9, None], ['b', <NA>, 'suppressed'], ['c', <NA>, 'suppressed'], ['*', 18, None]]
    """
    request = TableRequest(tuple(dims), where=where, totals=totals, tenure=tenure,
                           allow_merge=allow_merge)
    release = gate_release(counts, [request], config, today=today, periods=periods,
                           hierarchy=hierarchy)
    return release.tables[0]
