"""The whole quarterly report: period lock, gating, JSON, over time, sources, lessons."""

from __future__ import annotations

import json
import random
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis import (
    FRAME_FIELDS,
    GateConfig,
    compare_shares,
    quarter_comments,
    quarterly_report,
    trend_test,
)
from tests.analysis.analysis_fixtures import catalogue, demo_data, frame_data, reason_rows

TODAY = date(2026, 10, 2)
Q = "2026Q3"


@pytest.fixture(scope="module")
def demo():
    return demo_data()


@pytest.fixture(scope="module")
def report(demo):
    return quarterly_report(demo, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)


def test_an_open_quarter_shows_nothing(demo):
    early = quarterly_report(demo, Q, catalogue=catalogue(), config=GateConfig(),
                             today=date(2026, 9, 30))
    assert not early.closed
    assert early.message_sv == "Kvartalet 2026Q3 är inte avslutat. Resultaten visas från 2026-10-01."
    assert early.reasons == () and early.lessons == () and early.release is None
    data = early.as_dict()
    assert all(data[name] == [] for name in FRAME_FIELDS)
    assert json.loads(early.to_json())["closed"] is False


def test_an_empty_quarter_and_empty_data_give_an_empty_report():
    rows, answers = reason_rows({("lt_6m", "VO01"): (3, 12)}, period="2026Q1")
    for data in (frame_data(rows, answers), frame_data([])):
        report = quarterly_report(data, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)
        assert report.closed and report.message_sv == "Inga svar för 2026Q3."
        table = report.reason_table("survey", Q, ("tenure_band",))
        assert table.groups.empty and table.shares.empty
        assert report.lessons == ()
        json.loads(report.to_json())


def test_report_figures_come_from_shown_groups_only(report):
    k = report.min_respondents
    for table in report.reasons:
        hidden = table.groups[~table.groups["shown"]]
        assert hidden["n"].isna().all() and hidden["hidden_sv"].notna().all()
        assert (table.shares["n"] >= k).all()
        shown = table.groups[table.groups["shown"]]
        keys = [d for d in table.dims]
        assert len(table.shares.drop_duplicates(keys)) == len(shown)
    for name in ("recommend", "come_back"):
        frame = getattr(report, name)
        assert (frame.loc[frame["answered"] < k, "low"].isna()).all()
    conditions = report.conditions
    assert conditions.loc[conditions["answered"] < k, "n1"].isna().all()


def test_json_is_complete_plain_and_never_says_0_or_100_percent(report):
    text = report.to_json()
    data = json.loads(text)
    assert data["quarter"] == Q and data["closed"] is True
    assert set(FRAME_FIELDS) <= set(data)
    assert "NaN" not in text and "Infinity" not in text
    assert not re.search(r"(?<![\d,.])(100|0) ?%", text)
    first = data["reasons"][0]
    assert first["groups"] and first["shares"]
    assert data["reason_labels"]["introduction"] == {"sv": "Introduktionen", "en": "Introduction"}
    plain = report.as_dict()
    assert plain["lessons"] == data["lessons"]
    assert len(plain["reasons"][3]["shares"]) == len(data["reasons"][3]["shares"])


def test_lessons_are_ranked_tied_to_frameworks_and_leave_room_for_hr(report):
    assert 1 <= len(report.lessons) <= 5
    assert [lesson.rank for lesson in report.lessons] == list(range(1, len(report.lessons) + 1))
    cat = catalogue()
    for lesson in report.lessons:
        reason = cat.reason(lesson.reason)
        assert lesson.adjusted < 0.05
        if lesson.difference == lesson.difference:
            assert abs(lesson.difference) >= 0.05
        else:  # a share in words: the difference is not printed, the sentence says it is clear
            assert "nästan" in lesson.finding_sv and "inte slumpmässig" in lesson.finding_sv
            assert "liten" not in lesson.finding_sv
        if reason.skr_strategies:
            assert cat.frameworks.strategy(reason.skr_strategies[0]).name.sv in lesson.pointer_sv
        assert cat.frameworks.aruba_step(reason.aruba).name.sv in lesson.pointer_sv
        assert lesson.hr_comment == "" and lesson.decided_action == ""
        assert lesson.text_sv.startswith(lesson.finding_sv)
    strong = [lesson.adjusted < 0.01 for lesson in report.lessons]
    assert strong == sorted(strong, reverse=True)


def test_the_demo_story_is_found(report):
    found = report.comparisons.set_index(["source", "window", "measure", "reason"])
    intro = found.loc[("survey", Q, "mentioned", "introduction")]
    assert intro["clear"] and intro["adjusted"] < 0.05 and intro["share1"] > 0.2
    # Hardly anyone of the rest named it: that side is in words, so no difference is printed.
    assert "mot inga eller nästan inga av övriga" in intro["sentence_sv"]
    assert pd.isna(intro["count2"]) and np.isnan(intro["difference"])


def test_report_does_not_mutate_its_input(demo):
    before = demo.responses.copy(), demo.answers.copy(), demo.invitations.copy()
    quarterly_report(demo, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)
    pd.testing.assert_frame_equal(demo.responses, before[0])
    pd.testing.assert_frame_equal(demo.answers, before[1])
    pd.testing.assert_frame_equal(demo.invitations, before[2])


def test_a_report_gated_against_its_own_release_is_unchanged(demo, report):
    again = quarterly_report(demo, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY,
                             released=[report.release])
    for old, new in zip(report.reasons, again.reasons, strict=True):
        pd.testing.assert_frame_equal(old.groups, new.groups)
    assert again.release.leaks == ()


def _quarters_data(named: list[int], totals: list[int], last: str = Q, early: bool = False):
    from analysis import trend_quarters

    rows, answers, start = [], [], 0
    for quarter, x, n in zip(trend_quarters(last), named, totals, strict=True):
        r, a = reason_rows({("lt_6m" if early else "2_5y", "VO01"): (x, n)}, period=quarter,
                           start=start)
        rows += r
        answers += a
        start += n
    return frame_data(rows, answers)


def test_change_from_three_to_five_people_is_not_called_anything():
    data = _quarters_data([4, 6, 2, 5, 3, 4, 5, 3], [10] * 8)
    report = quarterly_report(data, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)
    change = report.changes.set_index(["population", "reason", "period2"]).loc[
        ("all", "introduction", "2026Q2")]
    assert not change["enough"] and np.isnan(change["pvalue"])
    assert change["sentence_sv"] == ("För få svar för att säga något om förändring för "
                                     "”Introduktionen”.")
    trend = report.trends.set_index(["population", "reason"]).loc[("all", "introduction")]
    assert trend["enough"]  # 32 mentions over 8 quarters: enough to test, and no trend is claimed
    assert "syns ingen tydlig trend" in trend["sentence_sv"]


def test_a_real_trend_is_reported_with_the_cochran_armitage_test():
    named, totals = [12, 14, 15, 20, 24, 26, 31, 35], [100] * 8  # every quarter a percentage
    data = _quarters_data(named, totals)
    report = quarterly_report(data, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)
    trend = report.trends.set_index(["population", "reason"]).loc[("all", "introduction")]
    reference = trend_test(named, totals)
    assert trend["statistic"] == pytest.approx(reference.statistic)
    assert trend["sentence_sv"].startswith("Under 8 kvartal (2024Q4–2026Q3) har andelen som nämner "
                                           "”Introduktionen” ökat, från omkring 1")
    change = report.changes.set_index(["population", "reason", "period2"]).loc[
        ("all", "introduction", "2025Q3")]
    assert change["enough"] and change["count1"] == 35 and change["count2"] == 20
    assert change["sentence_sv"] == ("Andelen som nämnde ”Introduktionen” var 35 % under 2026Q3 mot "
                                     "20 % under 2025Q3; förändringen är sannolikt inte slumpmässig.")
    assert any(lesson.kind == "trend" for lesson in report.lessons)


def test_a_trend_over_a_count_in_words_keeps_its_sentence_and_no_statistics():
    # 10 of 100 in the first quarter reads "inga eller nästan inga"; the events, slope and
    # statistic over all eight quarters would give that count back from the other seven.
    named, totals = [10, 14, 15, 20, 24, 26, 31, 35], [100] * 8
    report = quarterly_report(_quarters_data(named, totals), Q, catalogue=catalogue(),
                              config=GateConfig(), today=TODAY)
    trend = report.trends.set_index(["population", "reason"]).loc[("all", "introduction")]
    for column in ("events", "statistic", "slope", "first", "last", "pvalue"):
        assert pd.isna(trend[column]), column
    assert "ökat, från omkring" in trend["sentence_sv"]


def test_survey_beside_interview_on_the_same_reasons():
    # No count in the sameness band (4 of 40 would read "inga eller nästan inga", and the
    # total minus the other band would then give it back: the answer audit hides one).
    survey_rows, survey_answers = reason_rows({("lt_6m", "VO01"): (10, 40), ("2_5y", "VO02"): (8, 40)})
    interview_rows, interview_answers = reason_rows(
        {("lt_6m", "VO01"): (18, 30), ("2_5y", "VO02"): (6, 30)}, source="interview", start=1000)
    data = frame_data(survey_rows + interview_rows, survey_answers + interview_answers)
    report = quarterly_report(data, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)
    side = report.sources.set_index(["window", "tenure_band", "reason"])
    total = side.loc[(Q, "*", "introduction")]
    assert (total["count_survey"], total["n_survey"]) == (18, 80)
    assert (total["count_interview"], total["n_interview"]) == (24, 60)
    reference = compare_shares([18], [80], [24], [60])
    assert total["difference"] == pytest.approx(reference["difference"][0])
    assert total["low"] == pytest.approx(reference["low"][0])
    assert total["sentence_sv"].startswith("I enkäten nämnde 22 % ”Introduktionen”, i "
                                           "avslutssamtalen 40 %;")
    interview_table = report.reason_table("interview", Q, ("tenure_band",))
    assert interview_table.groups.set_index("tenure_band").loc["*", "n"] == 60
    assert not any("Inga avslutssamtal" in note for note in report.notes)


def test_open_link_answers_are_marked_and_missing_bands_left_out():
    rows, answers = reason_rows({("lt_6m", "VO01"): (3, 20), ("2_5y", "VO01"): (3, 20)})
    for row in rows[:6]:
        row["channel"] = "open_link"
    rows.append({"response_id": 999, "tenure_band": None, "channel": "open_link"})
    report = quarterly_report(frame_data(rows, answers), Q, catalogue=catalogue(),
                              config=GateConfig(), today=TODAY)
    table = report.reason_table("survey", Q, ("tenure_band",))
    total = table.groups.set_index("tenure_band").loc["*"]
    assert total["n"] == 40 and total["open_link_sv"] == "15 %"
    assert any("öppen länk" in note and "15 %" in note for note in report.notes)
    assert any(note.startswith("färre än 5 svar saknar anställningstid") for note in report.notes)


def test_response_rates_per_unit_are_gated():
    rows, answers = reason_rows({("lt_6m", "VO01"): (3, 12), ("2_5y", "VO01"): (3, 12),
                                 ("2_5y", "VO02"): (1, 3), ("2_5y", "VO03"): (1, 8)})
    invitations = pd.DataFrame({"period": Q, "administration": "VO", "unit": ["VO01", "VO02"],
                                "tenure_band": "lt_6m", "invited": [40, 9], "used": [24, 3]})
    report = quarterly_report(frame_data(rows, answers, invitations=invitations), Q,
                              catalogue=catalogue(), config=GateConfig(), today=TODAY)
    rates = report.response_rates.set_index(["administration", "unit"])
    vo01 = rates.loc[("VO", "VO01")]
    assert (vo01["responses"], vo01["invited"]) == (24, 40)
    low, high = proportion_confint(24, 40, method="wilson")
    assert (vo01["rate"], vo01["low"], vo01["high"]) == (0.6, pytest.approx(low), pytest.approx(high))
    vo02 = rates.loc[("VO", "VO02")]
    # The responses are hidden, so the number invited is too (it would be half of the pair).
    assert pd.isna(vo02["responses"]) and np.isnan(vo02["rate"]) and pd.isna(vo02["invited"])
    assert vo02["text_sv"].startswith("färre än 5 svar")
    # VO03 is hidden too, or VO02 would be the administration minus the units shown.
    assert not rates.loc[("VO", "VO03"), "shown"] and rates.loc[("VO", "*"), "shown"]


def test_response_rates_per_quarter():
    rows, answers, invited = [], [], []
    for number, (quarter, responded, asked) in enumerate(
            [("2026Q2", 12, 20), ("2026Q1", 6, 8), ("2025Q1", 3, 4)]):
        more, more_answers = reason_rows({("lt_6m", "VO01"): (1, responded)}, period=quarter,
                                         start=100 * number)
        rows, answers = rows + more, answers + more_answers
        invited.append({"period": quarter, "administration": "VO", "unit": "VO01",
                        "tenure_band": "lt_6m", "invited": asked, "used": responded})
    data = frame_data(rows, answers, invitations=pd.DataFrame(invited))
    report = quarterly_report(data, Q, catalogue=catalogue(), config=GateConfig(), today=TODAY)
    rates = report.response_rates.set_index("window")
    assert (rates.loc["2026Q2", "responses"], rates.loc["2026Q2", "invited"]) == (12, 20)
    assert rates.loc["2026Q2", "text_sv"] == "60 %"
    # 6 of 8: two did not answer, so neither number (nor a percentage) is shown.
    assert pd.isna(rates.loc["2026Q1", "responses"]) and pd.isna(rates.loc["2026Q1", "invited"])
    assert np.isnan(rates.loc["2026Q1", "rate"])
    assert rates.loc["2026Q1", "text_sv"] == "dolt så att andra små grupper inte kan räknas fram"
    assert pd.isna(rates.loc["2025Q1", "responses"]) and pd.isna(rates.loc["2025Q1", "invited"])
    assert rates.loc["2025Q1", "text_sv"].startswith("färre än 5 svar")
    assert set(rates.index) == {"2026Q2", "2026Q1", "2025Q1"}  # quarters without data: no row


def test_comments_are_gated_by_group_size_and_writers():
    rows, answers = reason_rows({("lt_6m", "VO01"): (3, 12)})
    data = frame_data(rows, answers)
    texts = {i: {"stay_factors": f"Ett bättre schema {i}"} for i in range(4)}
    shown = quarter_comments(data, texts, Q, "stay_factors", config=GateConfig(), today=TODAY,
                             rng=random.Random(1))
    assert shown.shown and sorted(shown.comments) == sorted(t["stay_factors"] for t in texts.values())
    too_early = quarter_comments(data, texts, Q, "stay_factors", config=GateConfig(),
                                 today=date(2026, 9, 1))
    assert too_early.reason == "period_open"
    with pytest.raises(ValueError, match="do not belong"):
        quarter_comments(data, {"someone-else": {"stay_factors": "x"}}, Q, "stay_factors",
                         config=GateConfig(), today=TODAY)


@pytest.mark.parametrize("bad", [{"early": "lt_3y"}, {"config": None}])
def test_bad_arguments_are_refused(demo, bad):
    options = {"catalogue": catalogue(), "config": GateConfig(), "today": TODAY, **bad}
    with pytest.raises(ValueError):
        quarterly_report(demo, Q, **options)
    with pytest.raises(ValueError):
        quarterly_report(demo, "2026Q5", catalogue=catalogue(), config=GateConfig(), today=TODAY)


def test_merging_units_outside_the_quarter_changes_no_decision_of_the_gate(demo):
    """Units of quarters no table shows by unit are twins: merging them must not matter."""
    from analysis import report_requests
    from analysis._cube import build_cubes, coarsen_units
    from analysis.disclosure import gate_release

    _, _, counts, _ = build_cubes(demo)
    coarse = coarsen_units(counts, {Q})
    assert len(coarse) < len(counts) and coarse["count"].sum() == counts["count"].sum()
    for k in (3, 5, 8):
        config = GateConfig(min_respondents=k, min_comment_group=max(10, k))
        full = gate_release(counts, report_requests(Q), config, today=TODAY)
        merged = gate_release(coarse, report_requests(Q), config, today=TODAY)
        for a, b in zip(full.tables, merged.tables, strict=True):
            pd.testing.assert_frame_equal(a.frame, b.frame)
            assert a.tenure_scheme == b.tenure_scheme


def test_units_of_earlier_releases_keep_their_detail(demo, report):
    from analysis._report import _unit_periods

    assert _unit_periods(Q, []) == {Q}
    assert _unit_periods(Q, [report.release]) == {Q}
    later = quarterly_report(demo, "2026Q4", catalogue=catalogue(), config=GateConfig(),
                             today=date(2027, 1, 2), released=[report.release],
                             released_leavers=[report.leaver_release])
    # People counts: nothing. (An answer count can be reported as pinned by earlier figures
    # alone here, since 2026Q3 was gated without its own history; see docs/disclosure.md.)
    people_leaks = [leak for leak in later.release.leaks if not leak.startswith("answers:")]
    assert people_leaks == [] and later.leaver_release.leaks == ()
    earlier_unit = report.leaver_release.tables[0].frame
    assert later.leaver_release.tables[0].request.where != report.leaver_release.tables[0].request.where
    assert earlier_unit["shown"].any()
    assert _unit_periods("2026Q4", [report.release]) == {"2026Q4", Q}


def test_a_fourth_quarter_shows_its_calendar_year_once(demo):
    report = quarterly_report(demo, "2025Q4", catalogue=catalogue(), config=GateConfig(),
                              today=date(2026, 1, 2))
    assert [(w.label, w.kind) for w in report.windows] == [("2025Q4", "quarter"),
                                                           ("2025", "calendar_year")]
    year = report.reason_table("survey", "2025", ("tenure_band",))
    assert year.window.quarters == ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
    assert set(report.comparisons["window"]) == {"2025Q4", "2025"}


def test_the_summary_counts_lessons_in_swedish_and_english_plurals():
    from analysis._report import _summary

    class Table:
        groups = __import__("pandas").DataFrame({"is_total": [True], "shown": [True], "n": [12]})
        window = type("W", (), {"label": "2026Q3"})()

    class Lesson:
        finding_sv, finding_en = "Fynd.", "Finding."

    one = _summary(Table, (Lesson,), None, "sv")
    assert one.endswith("(1 lärdom.)")
    assert _summary(Table, (Lesson, Lesson), None, "sv").endswith("(2 lärdomar.)")
    assert _summary(Table, (Lesson,), None, "en").endswith("(1 lesson.)")
