"""Reasons by tenure, early leavers against the rest, and their wording, on hand-made tables."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from analysis import GateConfig, Thresholds, quarterly_report
from tests.analysis.analysis_fixtures import catalogue, frame_data, reason_rows

TODAY = date(2026, 10, 2)
Q = "2026Q3"


def report_for(counts, config=None, **options):
    rows, answers = reason_rows(counts)
    data = frame_data(rows, answers)
    return quarterly_report(data, Q, catalogue=catalogue(), config=config or GateConfig(),
                            today=TODAY, **options)


def quarter_table(report, dims=("tenure_band",)):
    return report.reason_table("survey", Q, dims)


STORY = {("lt_6m", "VO01"): (20, 40), ("1_2y", "VO01"): (10, 30), ("2_5y", "VO02"): (9, 60)}


def test_shares_carry_wilson_intervals_from_the_gated_counts():
    table = quarter_table(report_for(STORY))
    shares = table.shares[table.shares["measure"] == "mentioned"].set_index(["tenure_band", "reason"])
    for band, named, total in (("lt_1y", 20, 40), ("1_2y", 10, 30), ("gt_2y", 9, 60), ("*", 39, 130)):
        row = shares.loc[(band, "introduction")]
        assert (row["count"], row["n"]) == (named, total)
        low, high = proportion_confint(named, total, method="wilson")
        assert row["share"] == pytest.approx(named / total)
        assert (row["low"], row["high"]) == (pytest.approx(low), pytest.approx(high))
    assert shares.loc[("gt_2y", "pay"), "count"] == 51
    retirement = shares.loc[("gt_2y", "retirement")]  # every reason is listed, also nobody's
    assert retirement["text_sv"] == "inga eller nästan inga"
    assert retirement[["count", "share", "low", "high"]].isna().all()  # no number beside the words
    counts = table.internal_counts.set_index(["measure", "tenure_band", "reason"])
    assert counts.loc[("mentioned", "gt_2y", "retirement"), "count"] == 0
    assert set(table.shares["reason"]) == {r.key for r in catalogue().reasons}
    assert table.groups.set_index("tenure_band").loc["*", "n"] == 130


def test_early_leavers_against_the_rest_match_statsmodels():
    report = report_for(STORY)
    found = report.comparisons[(report.comparisons["window"] == Q)
                               & (report.comparisons["measure"] == "mentioned")].set_index("reason")
    intro = found.loc["introduction"]
    assert (intro["count1"], intro["n1"], intro["count2"], intro["n2"]) == (30, 70, 9, 60)
    low, high = confint_proportions_2indep(30, 70, 9, 60, method="newcomb", compare="diff")
    assert (intro["low"], intro["high"]) == (pytest.approx(low), pytest.approx(high))
    p_intro = proportions_ztest([30, 9], [70, 60])[1]
    p_pay = proportions_ztest([40, 51], [70, 60])[1]
    assert intro["pvalue"] == pytest.approx(p_intro)
    # Only the two reasons anyone named are tested, and BH runs across them.
    tested = found[found["pvalue"].notna()]
    assert sorted(tested.index) == ["introduction", "pay"]
    ref = multipletests([p_intro, p_pay], method="fdr_bh")[1]
    assert intro["adjusted"] == pytest.approx(ref[0])
    assert intro["sentence_sv"] == ("Bland dem som slutade inom två år nämnde 43 % ”Introduktionen”, "
                                    "mot 15 % av övriga; skillnaden är mycket sannolikt inte "
                                    "slumpmässig.")
    assert intro["sentence_en"].startswith("Among those who left within two years, 43% mentioned "
                                           "“Introduction”, against 15% of the others;")
    assert found.loc["retirement", "sentence_sv"] is None


def test_early_can_mean_under_one_year():
    report = report_for(STORY, early="lt_1y")
    intro = report.comparisons.set_index(["window", "measure", "reason"]).loc[
        (Q, "mentioned", "introduction")]
    assert (intro["count1"], intro["n1"], intro["count2"], intro["n2"]) == (20, 40, 19, 90)
    assert "inom ett år" in intro["sentence_sv"]


@pytest.mark.parametrize(("counts", "expected"), [
    # 3 of 12 against 2 of 12: may be chance, and the groups are small.
    ({("lt_6m", "VO01"): (3, 12), ("2_5y", "VO02"): (2, 12)},
     "mot 17 % av övriga; skillnaden kan vara slumpmässig. Grupperna är små (12 och 12 svar), "
     "så andelarna är osäkra."),
    # Everyone early named it: the sameness words, never 100 %.
    ({("lt_6m", "VO01"): (40, 40), ("2_5y", "VO02"): (2, 40)},
     "nämnde alla eller nästan alla ”Introduktionen”, mot inga eller nästan inga av övriga; "
     "skillnaden är mycket sannolikt inte slumpmässig."),
    # Too few on one side to compare at all.
    ({("lt_6m", "VO01"): (5, 6), ("2_5y", "VO02"): (2, 40)},
     "För få svar för att jämföra dem som slutade inom två år med övriga om ”Introduktionen”."),
    # A big sample makes a small difference certain, and the sentence says it is small.
    ({("lt_6m", "VO01"): (2300, 10000), ("2_5y", "VO02"): (2000, 10000)},
     "skillnaden är liten, men sannolikt inte slumpmässig."),
])
def test_wording_follows_adjusted_p_and_group_sizes(counts, expected):
    report = report_for(counts)
    row = report.comparisons.set_index(["window", "measure", "reason"]).loc[
        (Q, "mentioned", "introduction")]
    assert row["sentence_sv"].endswith(expected)


def test_association_of_reason_and_tenure_matches_scipy():
    report = report_for(STORY)
    found = report.associations[report.associations["window"] == Q].set_index(["measure", "reason"])
    intro = found.loc[("mentioned", "introduction")]
    table = np.array([[20, 10, 9], [20, 20, 51]])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert intro["method"] == "chi2"
    assert (intro["statistic"], intro["pvalue"]) == (pytest.approx(chi2), pytest.approx(p))
    assert intro["cramers_v"] == pytest.approx(np.sqrt(chi2 / 130))
    assert intro["sentence_sv"].startswith("”Introduktionen” nämns sannolikt olika ofta beroende "
                                           "på anställningstid (chi två-test; Cramérs V 0,")
    main = found.loc[("main", "*")]
    assert main["statistic"] == pytest.approx(stats.chi2_contingency(
        np.array([[20, 10, 9], [20, 20, 51]]), correction=False)[0])


def test_small_expected_counts_switch_to_a_permutation_test_and_say_so():
    report = report_for({("lt_6m", "VO01"): (9, 12), ("1_2y", "VO01"): (1, 11),
                         ("2_5y", "VO02"): (0, 13)})
    intro = report.associations.set_index(["window", "measure", "reason"]).loc[
        (Q, "mentioned", "introduction")]
    assert intro["method"] == "permutation"
    assert "permutationstest" in intro["sentence_sv"]


def test_hidden_groups_carry_no_numbers_and_say_why():
    counts = {("lt_6m", "VO01"): (4, 20), ("2_5y", "VO01"): (2, 20), ("lt_6m", "BU01"): (1, 3)}
    rows, answers = reason_rows(counts)
    for row in rows:
        row["administration"] = "BU" if row["unit"] == "BU01" else "VO"
    report = quarterly_report(frame_data(rows, answers), Q, catalogue=catalogue(),
                              config=GateConfig(), today=TODAY)
    table = quarter_table(report, ("administration", "tenure_band"))
    bu = table.groups[table.groups["administration"] == "BU"]
    assert not bu["shown"].any() and bu["n"].isna().all()
    assert bu["hidden_sv"].str.startswith("färre än 5 svar").all()
    assert "BU" not in set(table.shares["administration"])
    assert table.shares["n"].min() >= 5


def test_one_reason_only_and_one_band_only_give_no_false_findings():
    only = {("lt_6m", "VO01"): (30, 30), ("2_5y", "VO02"): (25, 25)}
    report = report_for(only)
    assert report.associations[report.associations["window"] == Q].empty
    intro = report.comparisons.set_index(["window", "measure", "reason"]).loc[
        (Q, "mentioned", "introduction")]
    assert intro["pvalue"] == 1.0 and "kan vara slumpmässig" in intro["sentence_sv"]
    one_band = report_for({("lt_6m", "VO01"): (12, 30), ("6_12m", "VO02"): (3, 25)})
    assert one_band.associations.empty and one_band.comparisons.empty
    table = quarter_table(one_band)
    assert table.groups["tenure_band"].tolist() == ["lt_1y", "*"]


def test_thresholds_are_checked():
    with pytest.raises(ValueError):
        Thresholds(alpha=0.01, strong_alpha=0.05)
    with pytest.raises(ValueError):
        Thresholds(min_trend_quarters=2)
