"""The answer audit: published answer counts must not pin the answers of a small group.

The first tests build tiny systems by hand (the arithmetic is in the
comments); the last ones run the quarterly report and check that what it
keeps for later releases round-trips through the stored JSON.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analysis import GateConfig, release_history
from analysis.disclosure import AnswerFigure, audit_answers, release_from_json, release_to_json
from tests.analysis.analysis_fixtures import catalogue, demo_data

# Three cells: bands under 1 year (6 people), 1-2 years (3), over 2 years (7).
PEOPLE = np.array([6, 3, 7])
PAY = np.array([2, 1, 3])  # named "pay"
CELLS = [np.array([0]), np.array([1]), np.array([2]), np.array([0, 1, 2])]


def _figure(cells, value, key, size=None):
    return AnswerFigure("reasons=pay", cells, value, value, key,
                        int(PEOPLE[cells].sum()) if size is None else size)


def test_a_hidden_band_pinned_by_its_neighbours_and_the_total_is_protected():
    # 6 of 16 named pay, 2 of the 6 under a year, 3 of the 7 over two years: the
    # 3 people of 1-2 years (hidden) hold 6 - 2 - 3 = 1. One of the three must go.
    figures = [_figure(CELLS[0], 2, "lt_1y"), _figure(CELLS[2], 3, "gt_2y"),
               _figure(CELLS[3], 6, "total")]
    hidden, leaks = audit_answers(PEOPLE, {"reasons=pay": PAY}, figures, [CELLS[1]])
    assert len(hidden) == 1 and hidden <= {"lt_1y", "gt_2y", "total"}
    assert leaks == ()


def test_the_smallest_group_holding_the_bound_is_hidden_first():
    figures = [_figure(CELLS[0], 2, "lt_1y"), _figure(CELLS[2], 3, "gt_2y"),
               _figure(CELLS[3], 6, "total")]
    hidden, _ = audit_answers(PEOPLE, {"reasons=pay": PAY}, figures, [CELLS[1]])
    assert hidden == {"lt_1y"}  # 6 people, fewer than 7 or 16


def test_nothing_is_hidden_when_nothing_is_pinned():
    # Only the total is published: the 1-2 years band can hold 0..1 of the 6 (its 3 people).
    hidden, leaks = audit_answers(PEOPLE, {"reasons=pay": PAY}, [_figure(CELLS[3], 6, "total")],
                                  [CELLS[1]])
    assert hidden == frozenset() and leaks == ()


def test_figures_already_published_are_fixed_and_a_new_one_is_hidden_instead():
    # The total and "under a year" came out in an earlier release (key None): only the
    # new "over two years" can be withheld.
    figures = [_figure(CELLS[0], 2, None), _figure(CELLS[3], 6, None), _figure(CELLS[2], 3, "new")]
    hidden, leaks = audit_answers(PEOPLE, {"reasons=pay": PAY}, figures, [CELLS[1]])
    assert hidden == {"new"} and leaks == ()


def test_a_pin_by_earlier_figures_alone_is_reported_not_hidden():
    figures = [_figure(CELLS[0], 2, None), _figure(CELLS[2], 3, None), _figure(CELLS[3], 6, None)]
    hidden, leaks = audit_answers(PEOPLE, {"reasons=pay": PAY}, figures, [CELLS[1]])
    assert hidden == frozenset()
    assert leaks and "reasons=pay" in leaks[0]


def test_the_cell_bound_pins_what_algebra_alone_cannot():
    # Two cells of at most 1 answer each and a published count of 2: both answered.
    # No difference of published figures gives cell 0, the bound does.
    upper = np.array([1, 1, 5])
    answers = np.array([1, 1, 2])
    figures = [AnswerFigure("come_back=yes", np.array([0, 1]), 2, 2, "pair", 2),
               AnswerFigure("come_back=yes", np.array([0, 1, 2]), 4, 4, "all", 7)]
    hidden, _ = audit_answers(upper, {"come_back=yes": answers}, figures, [np.array([0])])
    assert hidden == {"pair"}


def test_sameness_words_are_a_range_that_can_pin_too():
    # "alla eller nästan alla" of 10 with a band of 1: at least 9 answered, and the 9
    # people outside cell 0 hold at most 8, so cell 0 (1 person) answered.
    upper = np.array([1, 9])
    answers = np.array([1, 8])
    figures = [AnswerFigure("reasons=pay", np.array([0, 1]), 9, 10, "worded", 10),
               AnswerFigure("reasons=pay", np.array([1]), 8, 8, "rest", 9)]
    hidden, _ = audit_answers(upper, {"reasons=pay": answers}, figures, [np.array([0])])
    assert hidden == {"rest"}


def test_a_twin_cell_outside_the_group_keeps_it_open_without_a_solver():
    # Cells 0 and 1 lie in the same published figure; an answer can move between them.
    upper = np.array([2, 2])
    answers = np.array([1, 1])
    figures = [AnswerFigure("reasons=pay", np.array([0, 1]), 2, 2, "both", 4)]
    hidden, leaks = audit_answers(upper, {"reasons=pay": answers}, figures, [np.array([0])])
    assert hidden == frozenset() and leaks == ()


def test_copies_of_one_figure_are_hidden_together_and_cost_together():
    # The same count printed by two tables is one equation: hiding one copy alone would
    # change nothing. Hiding both costs 12 people of figures, more than "over two years"
    # (7), which goes instead; once that is fixed, both copies go.
    figures = [_figure(CELLS[0], 2, "table A"), _figure(CELLS[0], 2, "table B"),
               _figure(CELLS[2], 3, "gt_2y"), _figure(CELLS[3], 6, "total")]
    hidden, _ = audit_answers(PEOPLE, {"reasons=pay": PAY}, figures, [CELLS[1]])
    assert hidden == {"gt_2y"}
    figures[2] = _figure(CELLS[2], 3, None)
    figures[3] = _figure(CELLS[3], 6, None)
    hidden, _ = audit_answers(PEOPLE, {"reasons=pay": PAY}, figures, [CELLS[1]])
    assert hidden == {"table A", "table B"}


@pytest.fixture(scope="module")
def two_reports():
    data = demo_data(seed=2026, last_quarter="2025Q2", copies=1)
    return release_history(data, ["2025Q1", "2025Q2"], catalogue=catalogue(),
                           config=GateConfig(), today=date(2025, 10, 1))


def test_a_release_keeps_its_answer_figures_through_the_stored_json(two_reports):
    release = two_reports[-1].release
    assert release.answers is not None and len(release.answers) > 100
    again = release_from_json(release_to_json(release), GateConfig())
    assert again.answers.astype(str).equals(release.answers.astype(str))


def test_every_exact_reason_count_shown_is_a_kept_figure(two_reports):
    # What later releases are audited against is exactly what this one prints.
    report = two_reports[-1]
    kept = report.release.answers
    exact = kept[kept["lo"] == kept["hi"]]
    table = report.reason_table("survey", "2025Q2", ("tenure_band",))
    shown = table.shares[table.shares["count"].notna() & (table.shares["tenure_band"] == "*")]
    mentioned = shown[shown["measure"] == "mentioned"]
    for row in mentioned.itertuples():
        match = exact[(exact["feature"] == f"reasons={row.reason}") & (exact["quarters"] == "2025Q2")
                      & (exact["bands"] == "") & (exact["administration"] == "")
                      & (exact["occupational_group"] == "")]
        assert len(match) and int(match["lo"].iloc[0]) == int(row.count)


def test_withheld_answer_counts_read_as_protected_and_carry_no_number(two_reports):
    hidden_text = "dolt så att andra små grupper inte kan räknas fram"
    shares = [t.shares for t in two_reports[-1].reasons]
    protected = [frame[frame["text_sv"] == hidden_text] for frame in shares]
    rows = sum(len(p) for p in protected)
    total = sum(len(frame) for frame in shares)
    exact = sum(int(frame["count"].notna().sum()) for frame in shares)
    assert rows > 0 and exact > 0 and rows + exact < total  # some hidden, some still printed
    for frame in protected:
        assert frame["count"].isna().all() and frame["share"].isna().all()
        assert frame["low"].isna().all() and (frame["text_en"] != frame["text_sv"]).all()
