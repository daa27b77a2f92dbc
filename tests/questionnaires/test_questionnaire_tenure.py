"""Tenure bands from employment dates; the last day of employment counts as worked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questionnaires import rollup, tenure_band


@pytest.mark.parametrize(
    ("start", "end", "band"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), "lt_6m"),
        (date(2024, 1, 1), date(2024, 6, 29), "lt_6m"),  # one day short of 6 months
        (date(2024, 1, 1), date(2024, 6, 30), "6_12m"),  # exactly 6 months
        (date(2024, 1, 15), date(2024, 7, 14), "6_12m"),
        (date(2024, 1, 15), date(2024, 7, 13), "lt_6m"),
        (date(2024, 1, 1), date(2024, 12, 30), "6_12m"),
        (date(2024, 1, 1), date(2024, 12, 31), "1_2y"),  # exactly 1 year
        (date(2023, 3, 15), date(2025, 3, 13), "1_2y"),
        (date(2023, 3, 15), date(2025, 3, 14), "2_5y"),  # exactly 2 years
        (date(2019, 9, 1), date(2024, 8, 30), "2_5y"),
        (date(2019, 9, 1), date(2024, 8, 31), "5_10y"),  # exactly 5 years
        (date(2014, 9, 1), date(2024, 8, 30), "5_10y"),
        (date(2014, 9, 1), date(2024, 8, 31), "gt_10y"),  # exactly 10 years
        (date(1990, 1, 1), date(2024, 8, 31), "gt_10y"),
    ],
)
def test_band_edges(start, end, band):
    assert tenure_band(start, end) == band


def test_month_ends_and_leap_days():
    # Six months after 31 August is the end of February.
    assert tenure_band(date(2022, 8, 31), date(2023, 2, 26)) == "lt_6m"
    assert tenure_band(date(2022, 8, 31), date(2023, 2, 27)) == "6_12m"
    # A year from 29 February ends on 28 February.
    assert tenure_band(date(2020, 2, 29), date(2021, 2, 26)) == "6_12m"
    assert tenure_band(date(2020, 2, 29), date(2021, 2, 27)) == "1_2y"


def test_end_before_start_is_refused():
    with pytest.raises(ValueError, match="before the first day"):
        tenure_band(date(2024, 5, 2), date(2024, 5, 1))


@pytest.mark.parametrize(
    ("band", "report"),
    [
        ("lt_6m", "lt_1y"),
        ("6_12m", "lt_1y"),
        ("1_2y", "1_2y"),
        ("2_5y", "gt_2y"),
        ("5_10y", "gt_2y"),
        ("gt_10y", "gt_2y"),
        ("lt_1y", "lt_1y"),
        ("gt_2y", "gt_2y"),
    ],
)
def test_rollup(band, report):
    assert rollup(band) == report


def test_rollup_of_an_unknown_band():
    with pytest.raises(ValueError, match="unknown tenure band"):
        rollup("3_4y")


ORDER = ["lt_6m", "6_12m", "1_2y", "2_5y", "5_10y", "gt_10y"]


@given(
    start=st.dates(min_value=date(1960, 1, 1), max_value=date(2040, 1, 1)),
    days=st.integers(min_value=0, max_value=20000),
    more=st.integers(min_value=0, max_value=2000),
)
def test_longer_employment_never_gives_a_shorter_band(start, days, more):
    end = start + timedelta(days=days)
    later = end + timedelta(days=more)
    assert ORDER.index(tenure_band(start, end)) <= ORDER.index(tenure_band(start, later))
