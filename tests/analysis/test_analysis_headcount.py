"""Headcount CSV and turnover context: parsing with named lines, rates through the gate."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis import (
    GateConfig,
    early_leaver_rates,
    parse_headcount_csv,
    quarterly_report,
    turnover_rates,
)
from tests.analysis.analysis_fixtures import catalogue, frame_data, reason_rows

TODAY = date(2026, 10, 2)


def test_headcount_csv_is_read_with_either_separator_and_a_bom():
    text = "\ufeffunit_code;quarter;headcount;hired\nVO01;2026q3;24;3\nVO02;2026Q3;1 204;0\n\n"
    frame = parse_headcount_csv(text)
    assert frame.values.tolist() == [["VO01", "2026Q3", 24, 3], ["VO02", "2026Q3", 1204, 0]]
    assert list(frame.columns) == ["unit_code", "quarter", "headcount", "hired"]
    reordered = parse_headcount_csv("hired,unit_code,headcount,quarter\n2,BU01,10,2026Q2\n")
    assert reordered.values.tolist() == [["BU01", "2026Q2", 10, 2]]


def test_every_bad_row_is_named_by_its_line():
    text = ("unit_code,quarter,headcount,hired\n"
            "VO01,2026Q3,24,3\n"
            ",2026Q3,5,1\n"
            "VO02,Q3,5,1\n"
            "VO03,2026Q3,-4,1\n"
            "VO04,2026Q3,7\n"
            "VO01,2026Q3,20,2\n")
    with pytest.raises(ValueError) as caught:
        parse_headcount_csv(text)
    message = str(caught.value)
    assert "rad 3: unit_code saknas" in message
    assert "rad 4: quarter måste vara ett kvartal som 2026Q3, inte 'Q3'" in message
    assert "rad 5: headcount måste vara ett heltal 0 eller större, inte '-4'" in message
    assert "rad 6: 3 fält, väntade 4" in message
    assert "rad 7: VO01 2026Q3 finns redan på rad 2" in message
    assert "rad 2" not in message.replace("på rad 2", "")


@pytest.mark.parametrize(("text", "message"), [("", "tom"), ("unit,quarter\nVO01,2026Q3\n", "saknas")])
def test_a_file_without_the_columns_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_headcount_csv(text)


def _data(headcount=None):
    rows, answers = reason_rows({("lt_6m", "VO01"): (3, 12)})
    invitations = pd.DataFrame({
        "period": ["2026Q3", "2026Q3", "2026Q3", "2026Q2", "2026Q1", "2025Q4"],
        "administration": ["VO", "VO", "VO", "VO", "VO", "VO"],
        "unit": ["VO01", "VO01", "VO02", "VO01", "VO01", "VO01"],
        "tenure_band": ["lt_6m", "2_5y", "lt_6m", "6_12m", "lt_6m", "gt_10y"],
        "invited": [6, 4, 2, 5, 3, 9], "used": [4, 2, 1, 3, 2, 5]})
    org = pd.DataFrame({"unit": ["VO01", "VO02"], "unit_name": ["Björken", "Hemtjänst"],
                        "administration": "VO", "administration_name": "Vård och omsorg"})
    return frame_data(rows, answers, invitations=invitations, org=org, headcount=headcount)


HEADCOUNT = parse_headcount_csv("unit_code,quarter,headcount,hired\n"
                                "VO01,2026Q3,50,4\nVO02,2026Q3,30,2\nVO01,2026Q2,48,6\n"
                                "VO01,2026Q1,46,5\nVO01,2025Q4,44,3\n")


def test_turnover_is_gated_leavers_over_headcount():
    rates = turnover_rates(_data(HEADCOUNT), ("2026Q3",), GateConfig(), TODAY)
    rows = rates.set_index(["administration", "unit"])
    vo = rows.loc[("VO", "*")]
    assert (vo["leavers"], vo["headcount"], vo["rate"]) == (12, 80, pytest.approx(12 / 80))
    assert vo["text_sv"] == "15 %"
    # VO02 has 2 leavers, so it is hidden, and so is VO01 (10): the administration minus VO01
    # would give VO02 away.
    assert rows.loc[[("VO", "VO01"), ("VO", "VO02")], "leavers"].isna().all()
    assert rows.loc[("VO", "VO02"), "text_sv"].startswith("färre än 5")


def test_early_leavers_are_a_share_of_those_hired_over_the_year():
    quarters = ("2025Q4", "2026Q1", "2026Q2", "2026Q3")
    rates = early_leaver_rates(_data(HEADCOUNT), quarters, GateConfig(), TODAY).set_index(
        "administration")
    # Under one year: 6 + 2 (2026Q3) + 5 (2026Q2) + 3 (2026Q1) = 16 of 4 + 2 + 6 + 5 + 3 = 20 hired.
    assert rates.loc["VO", "leavers"] == 16
    assert rates.loc["VO", "hired"] == 20
    assert rates.loc["VO", "rate"] == pytest.approx(0.8)


def test_the_report_includes_turnover_only_with_a_headcount_file():
    without = quarterly_report(_data(), "2026Q3", catalogue=catalogue(), config=GateConfig(),
                               today=TODAY)
    assert without.turnover is None and without.as_dict()["turnover"] is None
    with_file = quarterly_report(_data(HEADCOUNT), "2026Q3", catalogue=catalogue(),
                                 config=GateConfig(), today=TODAY)
    assert with_file.turnover is not None and len(with_file.as_dict()["turnover"]) == 4
    with pytest.raises(ValueError, match="headcount"):
        turnover_rates(_data(), ("2026Q3",), GateConfig(), TODAY)
