"""Properties of the gate on random tables: nothing hidden without need, same answer
every time, inputs untouched, and every release passes its own audit."""

from __future__ import annotations

import os
from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import GateConfig, TableRequest, format_share, gate_release, gate_table

settings.register_profile("disclosure", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("disclosure-thorough", max_examples=1500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(
    "disclosure-thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else "disclosure"
)

UNITS = [f"u{i}" for i in range(6)]
GROUPS = ["usk", "ssk", "lar"]


@st.composite
def two_way(draw, low=0, high=15):
    units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=5, unique=True))
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True))
    rows = [{"unit": u, "occupational_group": g,
             "count": draw(st.integers(min_value=low, max_value=high))}
            for u in units for g in groups]
    return pd.DataFrame(rows)


@PROFILE
@given(two_way(low=5, high=40), st.booleans())
def test_table_with_every_cell_at_least_k_comes_back_unchanged(data, totals):
    table = gate_table(data, ["unit", "occupational_group"], totals=totals)
    frame = table.frame
    assert frame["shown"].all()
    assert table.audit.empty
    interior = frame[~frame["is_total"]]
    merged = interior.merge(data, on=["unit", "occupational_group"], suffixes=("", "_in"))
    assert (merged["count"].astype(int) == merged["count_in"]).all()


@PROFILE
@given(st.lists(st.integers(min_value=5, max_value=50), min_size=1, max_size=8))
def test_one_way_table_at_least_k_is_unchanged(values):
    data = pd.DataFrame({"unit": UNITS[: len(values)] + [f"x{i}" for i in range(len(values) - 6)]
                         if len(values) > 6 else UNITS[: len(values)], "count": values})
    assert gate_table(data, ["unit"]).frame["shown"].all()


@PROFILE
@given(two_way())
def test_gate_is_deterministic_and_leaves_its_input_alone(data):
    before = data.copy(deep=True)
    first = gate_table(data, ["unit", "occupational_group"])
    second = gate_table(data, ["unit", "occupational_group"])
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    pd.testing.assert_frame_equal(first.audit, second.audit)


@PROFILE
@given(two_way(), st.integers(min_value=3, max_value=8))
def test_shown_cells_respect_minimum_and_hidden_ones_have_reasons(data, k):
    config = GateConfig(min_respondents=k, min_comment_group=max(k, 10))
    frame = gate_table(data, ["unit", "occupational_group"], config).frame
    assert (frame.loc[frame["shown"], "count"] >= k).all()
    hidden = frame[~frame["shown"]]
    assert hidden["count"].isna().all()
    assert (hidden["reason"] == "suppressed").all()
    assert frame.loc[frame["shown"], "reason"].isna().all()


@PROFILE
@given(two_way(), st.permutations(range(15)))
def test_row_order_of_the_input_does_not_matter(data, perm):
    order = [i for i in perm if i < len(data)] + list(range(15, len(data)))
    shuffled = data.iloc[order].reset_index(drop=True)
    a = gate_table(data, ["unit", "occupational_group"]).frame
    b = gate_table(shuffled, ["unit", "occupational_group"]).frame
    pd.testing.assert_frame_equal(a, b)


@PROFILE
@given(st.integers(min_value=0, max_value=60), st.integers(min_value=5, max_value=60))
def test_format_share_never_prints_exactly_all_or_none(part, whole):
    if part > whole:
        part, whole = whole, part
    if whole < 5:
        return
    text = format_share(part, whole)
    assert text not in ("100 %", "0 %")
    if part in (0, whole):
        assert "nästan" in text


@PROFILE
@given(two_way(low=0, high=9))
def test_release_passes_its_own_audit_and_is_stable(data):
    views = [TableRequest(("unit", "occupational_group"), name="grid"),
             TableRequest(("occupational_group",), name="groups")]
    first = gate_release(data, views, today=date(2025, 1, 1))
    # Gating the same views again with the first release as already published adds nothing.
    again = gate_release(data, views, today=date(2025, 1, 1), released=[first])
    for name in ("grid", "groups"):
        pd.testing.assert_frame_equal(first.table(name).frame, again.table(name).frame)
    assert first.leaks == ()


def line_remainders(frame: pd.DataFrame, data: pd.DataFrame, dims: list[str]):
    """Every shown total's true count minus its shown parts, line by line."""
    truth = {}
    for _, row in frame.iterrows():
        mask = pd.Series(True, index=data.index)
        for d in dims:
            if row[d] != "*":
                mask &= data[d] == row[d]
        truth[tuple(row[d] for d in dims)] = int(data.loc[mask, "count"].sum())
    out = []
    for _, row in frame[frame["is_total"] & frame["shown"]].iterrows():
        for d in dims:
            if row[d] != "*":
                continue
            parts = frame[(frame[d] != "*")]
            for other in dims:
                if other != d:
                    parts = parts[parts[other] == row[other]]
            shown_sum = int(parts.loc[parts["shown"], "count"].sum())
            out.append(truth[tuple(row[x] for x in dims)] - shown_sum)
    return out


@PROFILE
@given(two_way(low=0, high=9), st.integers(min_value=3, max_value=6))
def test_every_line_of_a_two_way_table_hides_zero_or_at_least_k(data, k):
    config = GateConfig(min_respondents=k, min_comment_group=10)
    dims = ["unit", "occupational_group"]
    frame = gate_table(data, dims, config).frame
    for remainder in line_remainders(frame, data, dims):
        assert remainder == 0 or remainder >= k
