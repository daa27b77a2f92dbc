"""An attacker's view of the gate: request every offered view and try to recover hidden counts.

The attacker (below) rebuilds each published figure's set
of finest cells from the table definitions alone and then tries (a) chains of
subtraction across hierarchy levels, periods, filters and totals and (b) an
exact dense rank test over fractions. A test fails if any hidden count
between 1 and k-1 comes out exactly.
"""

from __future__ import annotations

import os
from datetime import date
from fractions import Fraction
from itertools import product

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import GateConfig, TableRequest, gate_release, offered_views

# --- the attacker: knows table definitions and published numbers, not the gate's code ---

settings.register_profile(
    "disclosure",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "disclosure-thorough",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(
    "disclosure-thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else "disclosure"
)

DIMS = ("administration", "unit", "occupational_group", "tenure_band", "ending_type",
        "period", "source")

# The attacker's own copy of the tenure roll-ups (written from the rules, not imported).
_ROLL = {
    "fine": {b: b for b in ("lt_6m", "6_12m", "1_2y", "2_5y", "5_10y", "gt_10y")},
    "rollup": {"lt_6m": "lt_1y", "6_12m": "lt_1y", "1_2y": "1_2y", "2_5y": "gt_2y",
               "5_10y": "gt_2y", "gt_10y": "gt_2y"},
    "lt_2y": {"lt_6m": "lt_2y", "6_12m": "lt_2y", "1_2y": "lt_2y", "2_5y": "gt_2y",
              "5_10y": "gt_2y", "gt_10y": "gt_2y"},
}


def make_counts(rows: list[dict]) -> pd.DataFrame:
    """A counts table with every offered dimension filled (defaults for the unused ones)."""
    defaults = {"administration": "A", "unit": "u", "occupational_group": "usk",
                "tenure_band": "2_5y", "ending_type": "own", "period": "2024Q1",
                "source": "survey"}
    return pd.DataFrame([{**defaults, **row} for row in rows])


def finest_cells(data: pd.DataFrame) -> pd.DataFrame:
    """The attacker's unknowns: one per distinct combination of all dimensions present."""
    cols = [d for d in DIMS if d in data.columns]
    counts = data["count"] if "count" in data.columns else pd.Series(1, index=data.index)
    out = data[cols].astype(str).assign(count=counts.to_numpy())
    out = out.groupby(cols, as_index=False)["count"].sum()
    return out[out["count"] > 0].reset_index(drop=True)


def cell_set(cells: pd.DataFrame, table, row: pd.Series) -> frozenset[int]:
    """The finest cells a published row sums over, worked out from the table's definition."""
    mask = pd.Series(True, index=cells.index)
    for dim, values in table.request.where:
        mask &= cells[dim].isin(values)
    for dim in table.request.dims:
        if row[dim] == "*":
            continue
        col = cells[dim]
        if dim == "tenure_band":
            col = col.map(_ROLL[table.tenure_scheme])
        mask &= col == row[dim]
    return frozenset(cells.index[mask].tolist())


def equations(cells: pd.DataFrame, tables, k: int):
    """Published equations (cell set, value) and hidden targets (cell set, true count 1..k-1)."""
    published, targets = [], []
    for table in tables:
        for _, row in table.frame.iterrows():
            cs = cell_set(cells, table, row)
            true = int(cells.loc[list(cs), "count"].sum())
            if row["shown"]:
                assert int(row["count"]) == true
                published.append((cs, true))
            elif 1 <= true < k:
                targets.append((cs, true))
    return published, targets


def rank_attack(n_cells: int, published, targets) -> list:
    """Dense exact elimination over Fractions: the targets lying in the published row space."""
    pivots: list[tuple[int, list[Fraction]]] = []

    def reduce(vec: list[Fraction]) -> list[Fraction]:
        for col, prow in pivots:
            if vec[col]:
                f = vec[col] / prow[col]
                vec = [v - f * p for v, p in zip(vec, prow, strict=True)]
        return vec

    for cs, _ in published:
        vec = reduce([Fraction(int(i in cs)) for i in range(n_cells)])
        lead = next((i for i, v in enumerate(vec) if v), None)
        if lead is not None:
            pivots.append((lead, vec))
    leaked = []
    for cs, true in targets:
        vec = reduce([Fraction(int(i in cs)) for i in range(n_cells)])
        if not any(vec):
            leaked.append((sorted(cs), true))
    return leaked


def subtraction_attack(published, targets, rounds: int = 6, cap: int = 1500) -> list:
    """Chains of 'bigger minus smaller' over published figures, across tables and periods."""
    known = {cs: v for cs, v in published if cs}
    for _ in range(rounds):
        if len(known) > cap:
            break
        new = {}
        items = list(known.items())
        for (a, va), (b, vb) in product(items, items):
            if a < b and (b - a) not in known:
                new[b - a] = vb - va
        if not new:
            break
        known.update(new)
    return [(sorted(cs), true) for cs, true in targets if cs in known]

AFTER_2024 = date(2025, 1, 10)
K = 5


def attack(data: pd.DataFrame, releases, k: int = K) -> tuple[list, list]:
    """Every hidden 1..k-1 count the attacker can derive from all tables of all releases."""
    cells = finest_cells(data)
    tables = [t for r in releases for t in r.tables]
    published, targets = equations(cells, tables, k)
    return rank_attack(len(cells), published, targets), subtraction_attack(published, targets)


def shown(release, name: str, **key) -> bool:
    frame = release.table(name).frame
    for dim, value in key.items():
        frame = frame[frame[dim] == value]
    assert len(frame) == 1, (name, key)
    return bool(frame["shown"].iloc[0])


# --- the known attacks, by name -------------------------------------------------------


def test_unit_is_not_administration_minus_the_other_units():
    data = make_counts([
        {"unit": "u1", "count": 10}, {"unit": "u2", "count": 8}, {"unit": "u3", "count": 3},
        {"administration": "B", "unit": "v1", "count": 12},
    ])
    views = [
        TableRequest(("administration", "unit"), where={"period": "2024Q1"}, name="units"),
        TableRequest(("administration",), where={"period": "2024Q1"}, name="admins"),
    ]
    release = gate_release(data, views, today=AFTER_2024)
    assert not shown(release, "units", unit="u3")
    assert shown(release, "admins", administration="A")
    # A - u1 - u2 would give u3: at least one of them must be hidden.
    assert not (shown(release, "units", unit="u1") and shown(release, "units", unit="u2"))
    assert attack(data, [release]) == ([], [])


def test_quarter_is_not_rolling_year_minus_the_other_three_quarters():
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    rows = [{"unit": "u", "period": q, "count": c} for q, c in zip(quarters, [6, 7, 8, 2],
                                                                     strict=True)]
    rows += [{"unit": "w", "period": q, "count": 9} for q in quarters]
    data = make_counts(rows)
    views = [TableRequest(("unit",), where={"period": q}, name=q) for q in quarters]
    views.append(TableRequest(("unit",), where={"period": quarters}, name="year"))
    release = gate_release(data, views, today=AFTER_2024)
    assert not shown(release, "2024Q4", unit="u")
    assert attack(data, [release]) == ([], [])


def test_quarter_vs_rolling_year_when_the_quarters_were_released_earlier():
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    rows = [{"unit": "u", "period": q, "count": c} for q, c in zip(quarters, [6, 7, 8, 2],
                                                                     strict=True)]
    rows += [{"unit": "w", "period": q, "count": 9} for q in quarters]
    data = make_counts(rows)
    early = gate_release(
        data, [TableRequest(("unit",), where={"period": q}, name=q) for q in quarters[:3]],
        today=date(2024, 10, 2),
    )
    # Q1-Q3 are published and cannot be taken back, so the year must give way.
    late = gate_release(
        data,
        [TableRequest(("unit",), where={"period": "2024Q4"}, name="2024Q4"),
         TableRequest(("unit",), where={"period": quarters}, name="year")],
        today=AFTER_2024, released=[early],
    )
    assert shown(early, "2024Q1", unit="u")
    assert not shown(late, "year", unit="u")
    assert attack(data, [early, late]) == ([], [])


def test_tenure_band_is_not_the_total_minus_the_other_bands():
    data = make_counts([
        {"unit": "u", "tenure_band": "lt_6m", "count": 2},
        {"unit": "u", "tenure_band": "1_2y", "count": 6},
        {"unit": "u", "tenure_band": "5_10y", "count": 9},
    ])
    release = gate_release(
        data, [TableRequest(("unit", "tenure_band"), where={"period": "2024Q1"}, name="t")],
        today=AFTER_2024,
    )
    table = release.table("t")
    assert attack(data, [release]) == ([], [])
    # Merging lt_1y and 1_2y into lt_2y keeps everyone visible, so the gate prefers it.
    assert table.tenure_scheme == "lt_2y"
    assert table.frame["shown"].all()


def test_tenure_band_without_a_merge_is_hidden_with_a_partner():
    data = make_counts([
        {"unit": "u", "tenure_band": "lt_6m", "count": 2},
        {"unit": "u", "tenure_band": "1_2y", "count": 6},
        {"unit": "u", "tenure_band": "5_10y", "count": 9},
    ])
    request = TableRequest(("unit", "tenure_band"), where={"period": "2024Q1"}, name="t",
                           allow_merge=False)
    release = gate_release(data, [request], today=AFTER_2024)
    frame = release.table("t").frame
    hidden = frame[~frame["shown"]]
    assert set(hidden["tenure_band"]) == {"lt_1y", "1_2y"}
    assert attack(data, [release]) == ([], [])


def test_same_group_before_and_after_one_more_response_is_locked():
    rows = [{"unit": "u", "period": "2024Q3", "count": 5}]
    before = make_counts(rows)
    after = make_counts([{"unit": "u", "period": "2024Q3", "count": 6}])
    view = [TableRequest(("unit",), where={"period": "2024Q3"}, name="q3")]
    during = date(2024, 9, 12)
    first = gate_release(before, view, today=during).table("q3").frame
    second = gate_release(after, view, today=during).table("q3").frame
    pd.testing.assert_frame_equal(first, second)
    assert not first["shown"].any()
    assert set(first["reason"]) == {"period_open"}
    closed = gate_release(after, view, today=date(2024, 10, 1)).table("q3").frame
    assert closed["shown"].all()


def test_all_time_table_is_locked_while_any_of_its_periods_is_open():
    data = make_counts([
        {"unit": "u", "period": "2024Q2", "count": 9},
        {"unit": "u", "period": "2024Q3", "count": 1},
    ])
    release = gate_release(data, [TableRequest(("unit",), name="all")], today=date(2024, 8, 1))
    assert not release.table("all").frame["shown"].any()


def test_cumulative_tables_released_quarter_by_quarter_do_not_leak_the_increment():
    data = make_counts([
        {"unit": "u", "period": "2024Q1", "count": 7},
        {"unit": "u", "period": "2024Q2", "count": 2},
        {"unit": "w", "period": "2024Q1", "count": 8},
        {"unit": "w", "period": "2024Q2", "count": 8},
    ])
    first = gate_release(
        data, [TableRequest(("unit",), where={"period": ["2024Q1"]}, name="to Q1")],
        today=date(2024, 4, 2),
    )
    second = gate_release(
        data,
        [TableRequest(("unit",), where={"period": ["2024Q2"]}, name="Q2"),
         TableRequest(("unit",), where={"period": ["2024Q1", "2024Q2"]}, name="to Q2")],
        today=date(2024, 7, 2), released=[first],
    )
    assert not shown(second, "to Q2", unit="u")
    assert attack(data, [first, second]) == ([], [])


def test_filtered_view_is_not_the_unfiltered_minus_the_other_filter_values():
    data = make_counts([
        {"unit": "u", "occupational_group": "usk", "count": 9},
        {"unit": "u", "occupational_group": "ssk", "count": 2},
        {"unit": "w", "occupational_group": "usk", "count": 7},
        {"unit": "w", "occupational_group": "ssk", "count": 6},
    ])
    views = [
        TableRequest(("unit",), where={"period": "2024Q1"}, name="all"),
        TableRequest(("unit",), where={"period": "2024Q1", "occupational_group": "usk"},
                     name="usk"),
        TableRequest(("unit",), where={"period": "2024Q1", "occupational_group": "ssk"},
                     name="ssk"),
    ]
    release = gate_release(data, views, today=AFTER_2024)
    assert not shown(release, "ssk", unit="u")
    assert attack(data, [release]) == ([], [])


def test_two_way_table_totals_do_not_reveal_a_single_hidden_cell():
    rows = []
    for unit, counts in {"u": [9, 3, 8], "v": [7, 6, 10], "w": [12, 9, 6]}.items():
        for band, c in zip(["lt_6m", "1_2y", "5_10y"], counts, strict=True):
            rows.append({"unit": unit, "tenure_band": band, "count": c})
    data = make_counts(rows)
    request = TableRequest(("unit", "tenure_band"), where={"period": "2024Q1"}, name="t",
                           allow_merge=False)
    release = gate_release(data, [request], today=AFTER_2024)
    frame = release.table("t").frame
    assert (~frame["shown"]).sum() >= 4  # a hidden cell needs partners in its row and column
    assert attack(data, [release]) == ([], [])


# --- random data, every offered view at once ---------------------------------------------

UNITS = {"A": ["a1", "a2", "a3"], "B": ["b1", "b2"]}
BANDS = ["lt_6m", "6_12m", "1_2y", "2_5y", "gt_10y"]
QUARTERS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


@st.composite
def municipalities(draw):
    rows = []
    for admin, units in UNITS.items():
        for unit in units:
            for q in QUARTERS:
                for band in draw(st.lists(st.sampled_from(BANDS), min_size=0, max_size=3,
                                          unique=True)):
                    rows.append({"administration": admin, "unit": unit, "period": q,
                                 "tenure_band": band,
                                 "count": draw(st.integers(min_value=1, max_value=9))})
    if not rows:
        rows.append({"administration": "A", "unit": "a1", "period": "2024Q1", "count": 1})
    return make_counts(rows)


CATALOGUE = offered_views(
    QUARTERS, breakdowns=[("administration", "unit"), ("administration", "tenure_band")]
)


@PROFILE
@given(municipalities())
def test_random_municipality_leaks_nothing_over_the_whole_catalogue(data):
    release = gate_release(data, CATALOGUE, today=AFTER_2024)
    by_rank, by_subtraction = attack(data, [release])
    assert by_rank == []
    assert by_subtraction == []


@PROFILE
@given(municipalities(), st.integers(min_value=3, max_value=7))
def test_random_quarter_by_quarter_releases_leak_nothing(data, k):
    config = GateConfig(min_respondents=k, min_comment_group=max(10, k))
    releases = []
    for i, q in enumerate(QUARTERS):
        views = offered_views(QUARTERS[: i + 1], breakdowns=[("administration", "unit")])
        new = [v for v in views if q in v.name.split(" ")[0]]
        releases.append(gate_release(data, new, config, today=AFTER_2024, released=releases))
    by_rank, by_subtraction = attack(data, releases, k)
    assert by_rank == []
    assert by_subtraction == []


# --- sums of hidden cells: kept at 0 or at least k along every line -----------------------


def hidden_remainder(release, parent_name, child_names, unit):
    parent = release.table(parent_name).frame.set_index("unit")
    assert parent.loc[unit, "shown"]
    shown_children = 0
    for name in child_names:
        frame = release.table(name).frame.set_index("unit")
        if unit in frame.index and frame.loc[unit, "shown"]:
            shown_children += int(frame.loc[unit, "count"])
    return int(parent.loc[unit, "count"]) - shown_children


def test_rolling_year_minus_the_shown_quarters_is_not_a_small_group():
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    rows = [{"unit": "u", "period": q, "count": c} for q, c in zip(quarters, [1, 2, 6, 7],
                                                                     strict=True)]
    rows += [{"unit": "w", "period": q, "count": 9} for q in quarters]
    data = make_counts(rows)
    views = [TableRequest(("unit",), where={"period": q}, name=q) for q in quarters]
    views.append(TableRequest(("unit",), where={"period": quarters}, name="year"))
    release = gate_release(data, views, today=AFTER_2024)
    if shown(release, "year", unit="u"):
        assert hidden_remainder(release, "year", quarters, "u") in (0, *range(K, 100))
    assert attack(data, [release]) == ([], [])


@st.composite
def small_municipalities(draw):
    """Few respondents but every offered dimension varying: the full default catalogue."""
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        admin = draw(st.sampled_from(sorted(UNITS)))
        rows.append({
            "administration": admin,
            "unit": draw(st.sampled_from(UNITS[admin])),
            "period": draw(st.sampled_from(QUARTERS)),
            "tenure_band": draw(st.sampled_from(BANDS)),
            "occupational_group": draw(st.sampled_from(["usk", "ssk", "lar"])),
            "ending_type": draw(st.sampled_from(["own", "retire"])),
            "source": draw(st.sampled_from(["survey", "interview"])),
            "count": draw(st.integers(min_value=1, max_value=6)),
        })
    return make_counts(rows)


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 3))
@given(small_municipalities())
def test_full_default_catalogue_leaks_nothing(data):
    release = gate_release(data, offered_views(QUARTERS[:2]), today=AFTER_2024)
    by_rank, by_subtraction = attack(data, [release])
    assert by_rank == []
    assert by_subtraction == []


def test_a_year_with_one_quarter_of_data_listed_before_its_quarters_is_still_audited():
    # Unit u answered only in Q1, so its year and its Q1 hold the same responses.
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    data = make_counts([
        {"unit": "u", "period": "2024Q1", "count": 6},
        {"unit": "v", "period": "2024Q1", "count": 3},
        *({"unit": "w", "period": q, "count": 8} for q in quarters),
    ])
    views = [TableRequest(("unit",), where={"period": quarters}, name="year")]
    views += [TableRequest(("unit",), where={"period": q}, name=q) for q in quarters]
    release = gate_release(data, views, today=AFTER_2024)
    assert attack(data, [release]) == ([], [])
    # White-box check of the audit's shortcut: leaving out "implied" equations must keep
    # u's responses in the system (the year and Q1 of u are the same set of cells).
    from analysis.disclosure._layout import build_layout, build_universe
    from analysis.disclosure._leak_repair import _implied_rows
    from analysis.disclosure._rules import SuppressionState

    universe, open_cell = build_universe(data, ["unit", "period"], today=AFTER_2024)
    layout = build_layout(universe, open_cell, views, [None] * len(views), {})
    state = SuppressionState.start(layout.n_groups)
    kept = state.shown & ~_implied_rows(layout, state)
    u_cells = set(universe.index[universe["unit"] == "u"])
    assert any(set(layout.members(g).tolist()) == u_cells for g in kept.nonzero()[0])
