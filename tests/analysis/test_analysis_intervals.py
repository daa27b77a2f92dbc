"""Intervals, p-values and BH against statsmodels and scipy, computed independently."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from analysis import (
    benjamini_hochberg,
    compare_shares,
    newcombe_difference,
    recommend_score,
    two_proportion_test,
    wilson_interval,
)

CASES = [(0, 5), (1, 5), (5, 5), (12, 40), (41, 100), (3, 212), (500, 1000), (999_999, 1_000_000)]


@pytest.mark.parametrize(("count", "nobs"), CASES)
def test_wilson_matches_statsmodels(count, nobs):
    low, high = wilson_interval(count, nobs)
    ref_low, ref_high = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    assert float(low) == pytest.approx(ref_low, abs=1e-12)
    assert float(high) == pytest.approx(ref_high, abs=1e-12)


def test_wilson_is_vectorised_and_empty_groups_have_no_interval():
    counts, nobs = np.array([c for c, _ in CASES] + [0]), np.array([n for _, n in CASES] + [0])
    low, high = wilson_interval(counts, nobs, confidence=0.9)
    ref = [proportion_confint(c, n, alpha=0.1, method="wilson") for c, n in CASES]
    np.testing.assert_allclose(low[:-1], [r[0] for r in ref], atol=1e-12)
    np.testing.assert_allclose(high[:-1], [r[1] for r in ref], atol=1e-12)
    assert np.isnan(low[-1]) and np.isnan(high[-1])


@pytest.mark.parametrize("bad", [(-1, 5), (6, 5)])
def test_wilson_refuses_impossible_counts(bad):
    with pytest.raises(ValueError, match="counts"):
        wilson_interval(*bad)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"),
                         [(41, 100, 12, 100), (20, 50, 10, 50), (0, 12, 5, 30), (7, 7, 0, 9),
                          (3, 25, 3, 25), (150, 400, 300, 600)])
def test_newcombe_matches_statsmodels(x1, n1, x2, n2):
    d, low, high = newcombe_difference(x1, n1, x2, n2)
    ref_low, ref_high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert float(d) == pytest.approx(x1 / n1 - x2 / n2)
    assert float(low) == pytest.approx(ref_low, abs=1e-10)
    assert float(high) == pytest.approx(ref_high, abs=1e-10)


def test_two_proportion_test_uses_z_when_expected_counts_are_large():
    p, method = two_proportion_test([41, 150], [100, 400], [12, 300], [100, 600])
    for i, (x1, n1, x2, n2) in enumerate([(41, 100, 12, 100), (150, 400, 300, 600)]):
        _, ref = proportions_ztest([x1, x2], [n1, n2])
        assert method[i] == "z"
        assert p[i] == pytest.approx(ref, rel=1e-10)


def test_two_proportion_test_uses_fisher_for_small_expected_counts():
    p, method = two_proportion_test([3, 0], [10, 8], [0, 0], [12, 9])
    ref = stats.fisher_exact([[3, 7], [0, 12]])[1]
    assert method.tolist() == ["fisher", "fisher"]
    assert p[0] == pytest.approx(ref)
    assert p[1] == 1.0  # nobody named it in either group
    empty_p, empty_method = two_proportion_test([0], [0], [1], [5])
    assert np.isnan(empty_p[0]) and empty_method[0] == ""


def test_benjamini_hochberg_matches_statsmodels_and_keeps_nan():
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(0, 0.05, 6), rng.uniform(0, 1, 12)])
    p[[2, 9]] = np.nan
    ours = benjamini_hochberg(p)
    ok = ~np.isnan(p)
    ref = multipletests(p[ok], method="fdr_bh")[1]
    np.testing.assert_allclose(ours[ok], ref, rtol=1e-12)
    assert np.isnan(ours[~ok]).all()
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()
    with pytest.raises(ValueError):
        benjamini_hochberg([0.5, 1.5])


def test_compare_shares_adjusts_across_rows():
    table = compare_shares([41, 12, 30], [100, 100, 100], [12, 11, 25], [100, 100, 100])
    ref = multipletests(table["pvalue"], method="fdr_bh")[1]
    np.testing.assert_allclose(table["adjusted"], ref)
    assert table.loc[0, "difference"] == pytest.approx(0.29)


def _scores(counts):
    """One score per respondent: +1 for 9-10, 0 for 7-8, -1 for 0-6."""
    answers = np.repeat(np.arange(11), counts)
    return np.where(answers >= 9, 1, np.where(answers <= 6, -1, 0))


@pytest.mark.parametrize("counts", [[3, 0, 1, 2, 5, 6, 8, 9, 10, 7, 4], [0] * 9 + [5, 5],
                                    [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]])
def test_recommend_score_is_the_mean_score_with_its_standard_error(counts):
    scores = _scores(counts)
    n = len(scores)
    promoters, detractors = int((scores == 1).sum()), int((scores == -1).sum())
    score, low, high = recommend_score(promoters, detractors, n)
    assert float(score) == pytest.approx(100 * scores.mean())
    half = stats.norm.ppf(0.975) * scores.std(ddof=0) / np.sqrt(n)
    assert float(low) == pytest.approx(max(-100, 100 * (scores.mean() - half)))
    assert float(high) == pytest.approx(min(100, 100 * (scores.mean() + half)))


def test_recommend_score_refuses_impossible_counts():
    with pytest.raises(ValueError):
        recommend_score(6, 6, 10)
