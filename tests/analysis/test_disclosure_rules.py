"""One rule at a time: settings, minimum count, complements, secondary suppression,
period lock, offered dimensions, sameness, statistics on gated data and the audit."""

from __future__ import annotations

import doctest
import importlib
from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from analysis.disclosure import (
    ALL,
    GateConfig,
    Period,
    TableRequest,
    find_recoverable,
    format_share,
    gate_release,
    gate_table,
    offered_views,
    period_is_closed,
    quarter,
    reason_label,
    rolling_year,
)

TODAY = date(2025, 1, 10)


def counts(**units: int) -> pd.DataFrame:
    return pd.DataFrame({"unit": list(units), "count": list(units.values())})


def by_unit(table) -> dict:
    frame = table.frame
    return {row.unit: (row.shown, row.reason) for row in frame.itertuples()}


# --- settings ----------------------------------------------------------------------------


def test_minimum_can_be_raised_but_never_below_three():
    assert GateConfig(min_respondents=3).min_respondents == 3
    with pytest.raises(ValueError, match="at least 3"):
        GateConfig(min_respondents=2)
    with pytest.raises(ValueError):
        GateConfig(min_respondents=5.0)
    with pytest.raises(ValueError):
        GateConfig(min_comment_writers=2)
    with pytest.raises(ValueError):
        GateConfig(mask_words="Åsa")


def test_reason_labels_follow_the_setting():
    assert reason_label("below_minimum") == "färre än 5 svar"
    assert reason_label("below_minimum", GateConfig(min_respondents=8), "en") == (
        "fewer than 8 responses"
    )
    with pytest.raises(ValueError):
        reason_label("nope")


# --- rule 1: minimum count ---------------------------------------------------------------


DISTINCT = GateConfig(distinct_reasons=True)


def test_group_below_minimum_is_hidden_with_a_reason_not_a_zero():
    table = gate_table(counts(a=12, b=9, c=4, d=6), ["unit"], DISTINCT)
    frame = table.frame
    c = frame[frame["unit"] == "c"].iloc[0]
    assert not c["shown"]
    assert pd.isna(c["count"])
    assert c["reason"] == "below_minimum"


def test_raw_rows_are_counted_like_a_count_column():
    raw = pd.DataFrame({"unit": ["a"] * 7 + ["b"] * 6})
    pd.testing.assert_frame_equal(
        gate_table(raw, ["unit"]).frame, gate_table(counts(a=7, b=6), ["unit"]).frame
    )


def test_bad_counts_raise():
    with pytest.raises(ValueError):
        gate_table(pd.DataFrame({"unit": ["a"], "count": [-1]}), ["unit"])
    with pytest.raises(ValueError):
        gate_table(pd.DataFrame({"unit": ["a"], "count": [1.5]}), ["unit"])
    with pytest.raises(ValueError):
        gate_table(pd.DataFrame({"unit": [None], "count": [6]}), ["unit"])
    with pytest.raises(ValueError):
        gate_table(counts(a=6), ["administration"])


# --- rule 2: complements -----------------------------------------------------------------


def test_group_inside_a_shown_group_needs_a_complement_of_zero_or_at_least_k():
    # Unit a is 10 of its administration's 13: the other 3 would be the difference.
    data = pd.DataFrame({"administration": ["A", "A", "A", "B"], "unit": ["a", "b", "c", "d"],
                         "count": [10, 2, 1, 20]})
    table = gate_table(data, ["administration", "unit"], DISTINCT)
    frame = table.frame.set_index("unit")
    assert not frame.loc["a", "shown"]
    assert frame.loc["a", "reason"] == "protects_other"
    admin_a = table.frame[(table.frame["administration"] == "A") & (table.frame["unit"] == ALL)]
    assert admin_a["shown"].item()


def test_single_unit_administration_may_equal_its_unit():
    data = pd.DataFrame({"administration": ["A", "B"], "unit": ["a", "b"], "count": [7, 9]})
    assert gate_table(data, ["administration", "unit"]).frame["shown"].all()


def test_complement_across_tables_quarter_inside_year():
    data = pd.DataFrame({"unit": ["u"] * 4 + ["w"] * 4,
                         "period": ["2024Q1", "2024Q2", "2024Q3", "2024Q4"] * 2,
                         "count": [1, 1, 1, 9, 9, 9, 9, 9]})
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    release = gate_release(data, [
        TableRequest(("unit",), where={"period": "2024Q4"}, name="q4"),
        TableRequest(("unit",), where={"period": quarters}, name="year"),
    ], today=TODAY)
    q4 = release.table("q4").frame.set_index("unit")
    year = release.table("year").frame.set_index("unit")
    # 9 inside 12 leaves 3: one of the two must go (the smaller, the quarter).
    assert not (q4.loc["u", "shown"] and year.loc["u", "shown"])


# --- rule 3: secondary suppression and merging -------------------------------------------


def test_one_hidden_cell_in_a_line_takes_the_smallest_other_with_it():
    assert by_unit(gate_table(counts(a=30, b=9, c=7, d=2), ["unit"], DISTINCT)) == {
        "a": (True, None), "b": (True, None), "c": (False, "protects_other"),
        "d": (False, "below_minimum"), ALL: (True, None),
    }


def test_every_suppressed_cell_reads_the_same_by_default():
    # x=1 (under k) and y=5 (hidden for x) with a total of 6: if the labels told them apart,
    # x would be pinned to 1 by y >= 5. The default label does not tell them apart.
    frame = gate_table(counts(a=20, x=1, y=5), ["unit"]).frame.set_index("unit")
    assert not frame.loc["x", "shown"] and not frame.loc["y", "shown"]
    assert frame.loc["x", "reason"] == frame.loc["y", "reason"] == "suppressed"
    assert reason_label("suppressed").startswith("färre än 5 svar")


def test_hidden_cells_of_a_line_add_up_to_zero_or_at_least_k():
    table = gate_table(counts(a=30, b=9, c=2, d=1), ["unit"])
    hidden = table.frame[~table.frame["shown"] & (table.frame["unit"] != ALL)]
    assert set(hidden["unit"]) == {"b", "c", "d"}


def test_tables_without_totals_need_no_secondary_suppression():
    table = gate_table(counts(a=30, b=9, d=2), ["unit"], DISTINCT, totals=False)
    assert by_unit(table) == {"a": (True, None), "b": (True, None),
                              "d": (False, "below_minimum")}


def test_tenure_bands_merge_before_they_are_hidden():
    data = pd.DataFrame({"tenure_band": ["lt_6m", "6_12m", "1_2y", "2_5y", "gt_10y"],
                         "count": [2, 3, 4, 8, 9]})
    table = gate_table(data, ["tenure_band"], tenure="fine")
    # Roll-up would still hide 1_2y (4) and a partner; lt_2y shows everyone.
    assert table.tenure_scheme == "lt_2y"
    frame = table.frame.set_index("tenure_band")
    assert frame["count"].to_dict() == {"lt_2y": 9, "gt_2y": 17, ALL: 26}
    merged = table.audit[table.audit["action"] == "merged"]
    assert merged["detail"].tolist() == ["fine -> lt_2y"]


def test_the_finest_merge_that_shows_as_much_is_chosen():
    data = pd.DataFrame({"tenure_band": ["lt_6m", "6_12m", "1_2y", "gt_10y"],
                         "count": [3, 3, 6, 9]})
    table = gate_table(data, ["tenure_band"], tenure="fine")
    assert table.tenure_scheme == "rollup"
    assert table.frame["shown"].all()


def test_merge_can_be_switched_off_and_unknown_bands_raise():
    data = pd.DataFrame({"tenure_band": ["lt_6m", "2_5y"], "count": [6, 8]})
    assert gate_table(data, ["tenure_band"], tenure="fine", allow_merge=False).tenure_scheme == (
        "fine"
    )
    rolled = pd.DataFrame({"tenure_band": ["lt_1y"], "count": [6]})
    with pytest.raises(ValueError, match="granularity"):
        gate_table(rolled, ["tenure_band"], tenure="fine", allow_merge=False)
    with pytest.raises(ValueError):
        gate_table(pd.DataFrame({"tenure_band": ["forever"], "count": [6]}), ["tenure_band"])


# --- rule 4: period lock -----------------------------------------------------------------


def test_quarter_closes_the_day_after_its_last_day():
    assert quarter("2024Q4") == Period("2024Q4", date(2024, 10, 1), date(2024, 12, 31))
    assert not period_is_closed("2024Q4", date(2024, 12, 31))
    assert period_is_closed("2024Q4", date(2025, 1, 1))
    assert rolling_year("2024Q1") == ("2023Q2", "2023Q3", "2023Q4", "2024Q1")
    with pytest.raises(ValueError):
        quarter("2024Q5")
    with pytest.raises(ValueError):
        period_is_closed("2024Q1", "2024-05-01")


def test_dialogue_round_closes_after_its_window():
    rounds = {"HF-vår": Period("HF-vår", date(2024, 3, 1), date(2024, 4, 15))}
    data = pd.DataFrame({"unit": ["a", "b"], "period": ["HF-vår"] * 2, "count": [8, 9]})
    during = gate_table(data, ["unit"], today=date(2024, 4, 15), periods=rounds)
    after = gate_table(data, ["unit"], today=date(2024, 4, 16), periods=rounds)
    assert set(during.frame["reason"]) == {"period_open"}
    assert after.frame["shown"].all()


def test_period_data_needs_today():
    data = pd.DataFrame({"unit": ["a"], "period": ["2024Q1"], "count": [8]})
    with pytest.raises(ValueError, match="today"):
        gate_table(data, ["unit"])


# --- rule 5: offered dimensions and the catalogue ----------------------------------------


def test_only_offered_dimensions_can_be_asked_for():
    with pytest.raises(ValueError, match="not an offered dimension"):
        TableRequest(("age",))
    with pytest.raises(ValueError, match="not an offered dimension"):
        TableRequest(("unit",), where={"gender": "f"})
    with pytest.raises(ValueError):
        TableRequest(("unit",), where={"unit": "a"})
    with pytest.raises(ValueError):
        TableRequest(("unit", "unit"))


def test_catalogue_offers_each_quarter_and_each_complete_rolling_year():
    views = offered_views(["2024Q1", "2024Q2", "2024Q3", "2024Q4"],
                          breakdowns=[("administration", "unit")])
    names = [v.name for v in views]
    assert names[:4] == [f"2024Q{i} administration x unit" for i in range(1, 5)]
    assert names[4:] == ["2024Q1-2024Q4 administration x unit"]


# --- rule 7: sameness --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "lang", "expected"),
    [
        (12, 12, "sv", "alla eller nästan alla"),
        (11, 12, "sv", "alla eller nästan alla"),
        (0, 12, "en", "none or nearly none"),
        (1, 12, "sv", "inga eller nästan inga"),
        (6, 12, "sv", "50 %"),
        (6, 12, "en", "50%"),
        (3, 4, "sv", "färre än 5 svar"),
    ],
)
def test_sameness_is_worded_not_printed(part, whole, lang, expected):
    assert format_share(part, whole, lang=lang) == expected


def test_share_of_a_hidden_group_shows_the_reason():
    assert format_share(5, 20, shown=False, lang="en") == (
        "fewer than 5 responses, or hidden to protect a small group"
    )
    with pytest.raises(ValueError):
        format_share(6, 5)
    with pytest.raises(ValueError):
        format_share(1, 5, lang="de")


# --- rule 8: the audit on its own ---------------------------------------------------------


def test_audit_names_the_figures_that_reveal_a_cell():
    published = [{"u1", "u2", "u3"}, {"u1"}, {"u2"}]
    (recovery,) = find_recoverable(published, [{"u3"}])
    assert dict(recovery.combination) == {0: Fraction(1), 1: Fraction(-1), 2: Fraction(-1)}


def test_audit_finds_cells_only_the_full_set_of_equations_reveals():
    # A 2x2 table with all margins and one cell published: every cell follows.
    cells = [(i, j) for i in range(2) for j in range(2)]
    rows = [{(i, 0), (i, 1)} for i in range(2)] + [{(0, j), (1, j)} for j in range(2)]
    assert find_recoverable(rows, [{c} for c in cells]) == ()
    found = find_recoverable([*rows, {(0, 0)}], [{c} for c in cells])
    assert [r.hidden for r in found] == [0, 1, 2, 3]
    for recovery in found:
        total = {}
        for index, coef in recovery.combination:
            for cell in [*rows, {(0, 0)}][index]:
                total[cell] = total.get(cell, 0) + coef
        assert {c for c, v in total.items() if v} == {cells[recovery.hidden]}


# --- rule 9: statistics on gated data only -----------------------------------------------


def test_gated_frame_has_no_numbers_for_hidden_rows():
    table = gate_table(counts(a=12, b=9, c=4, d=6), ["unit"])
    frame = table.frame
    assert str(frame["count"].dtype) == "Int64"
    assert frame.loc[~frame["shown"], "count"].isna().all()
    assert table.shown_rows()["shown"].all()
    assert set(frame.columns) == {"unit", "count", "shown", "reason", "is_total"}


def test_frames_are_copies():
    table = gate_table(counts(a=12, b=9), ["unit"])
    frame = table.frame
    frame.loc[0, "count"] = 999
    assert table.frame.loc[0, "count"] != 999


# --- the examples in the docstrings are right --------------------------------------------


@pytest.mark.parametrize(
    "module",
    ["_audit", "_algebra", "_config", "_gate", "_periods", "_requests", "_shares", "_tenure",
     "_text"],
)
def test_docstring_examples(module):
    mod = importlib.import_module(f"analysis.disclosure.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# --- releases ----------------------------------------------------------------------------


def test_earlier_release_figures_stay_and_new_totals_give_way():
    data = counts(a=9, b=7, c=2)
    first = gate_release(data, [TableRequest(("unit",), totals=False, name="units")])
    second = gate_release(data, [TableRequest(("unit",), name="with total")], released=[first])
    frame = second.table("with total").frame.set_index("unit")
    assert frame.loc["a", "shown"] and frame.loc["b", "shown"]
    assert not frame.loc[ALL, "shown"]  # a and b are out, so the total would give c away
    assert second.leaks == ()


def test_a_count_changed_after_release_is_reported_not_hidden_silently():
    first = gate_release(counts(a=9, b=7, c=5), [TableRequest(("unit",), name="units")])
    second = gate_release(counts(a=9, b=7, c=2), [TableRequest(("unit",), name="again")],
                          released=[first])
    frame = second.table("again").frame.set_index("unit")
    assert not frame.loc["c", "shown"]
    assert any(leak.startswith("changed: units [unit=c]") for leak in second.leaks)
    assert any(leak.startswith("linear_audit: again [unit=c]") for leak in second.leaks)


def test_release_input_checks():
    with pytest.raises(ValueError):
        gate_release(counts(a=9), [])
    with pytest.raises(ValueError):
        gate_release(counts(a=9), [("unit",)])
    with pytest.raises(ValueError):
        gate_release(counts(a=9), [TableRequest(("unit",))], config={"min_respondents": 5})
    release = gate_release(counts(a=9), [TableRequest(("unit",), name="u")])
    with pytest.raises(ValueError, match="no table"):
        release.table("nope")
    assert list(release.audit.columns) == [
        "table", "row", "action", "rule", "protects_table", "protects_row", "detail"
    ]


def test_each_line_of_a_two_way_total_is_checked_on_its_own():
    # The grand total (33) has two lines, units and groups. The groups' line is complete,
    # but units v and w (2 + 1) would be the grand total minus units u and x: a group of 3.
    data = pd.DataFrame({
        "unit": ["u", "u", "x", "x", "v", "v", "w"],
        "occupational_group": ["g1", "g2", "g1", "g2", "g1", "g2", "g1"],
        "count": [10, 10, 5, 5, 1, 1, 1],
    })
    frame = gate_table(data, ["unit", "occupational_group"]).frame
    margins = frame[(frame["occupational_group"] == ALL) & (frame["unit"] != ALL)]
    grand = frame[(frame["unit"] == ALL) & (frame["occupational_group"] == ALL)]
    assert grand["shown"].item()
    hidden_sum = 33 - int(margins.loc[margins["shown"], "count"].sum())
    assert hidden_sum == 0 or hidden_sum >= 5


def test_a_release_rebuilt_from_stored_frames_works_as_an_earlier_release():
    from analysis.disclosure import GatedTable, Release

    data = counts(a=9, b=7, c=2)
    first = gate_release(data, [TableRequest(("unit",), totals=False, name="units")])
    stored = first.table("units").frame.to_dict("records")  # what an app would persist
    table = first.table("units")
    rebuilt = Release(
        (GatedTable(table.request, table.tenure_scheme, pd.DataFrame(stored), table.audit),),
        first.config, first.today,
    )
    second = gate_release(data, [TableRequest(("unit",), name="t")], released=[rebuilt])
    assert not second.table("t").frame.set_index("unit").loc[ALL, "shown"]
