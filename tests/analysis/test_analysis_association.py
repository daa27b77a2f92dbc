"""Tests of independence, Cramér's V and the trend test against scipy, statsmodels and by hand."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.contingency_tables import Table

from analysis import association_test, trend_test


@pytest.mark.parametrize("table", [[[30, 10], [10, 30]], [[25, 40, 31], [75, 60, 69]],
                                   [[12, 9, 20], [8, 15, 30], [30, 26, 10]]])
def test_chi_square_matches_scipy_when_expected_counts_are_large(table):
    result = association_test(table)
    chi2, p, df, expected = stats.chi2_contingency(table, correction=False)
    assert result.method == "chi2"
    assert result.statistic == pytest.approx(chi2)
    assert result.pvalue == pytest.approx(p)
    assert result.df == df
    assert result.min_expected == pytest.approx(expected.min())
    assert result.cramers_v == pytest.approx(association(np.array(table), method="cramer",
                                                         correction=False))
    assert result.n == int(np.sum(table))


def test_fisher_is_used_for_a_small_two_by_two_table():
    table = [[3, 1], [0, 6]]
    result = association_test(table)
    assert result.method == "fisher"
    assert result.pvalue == pytest.approx(stats.fisher_exact(table)[1])
    # Hand check: hypergeometric probabilities of tables as or less likely than observed.
    rv = stats.hypergeom(10, 4, 3)
    observed = rv.pmf(3)
    hand = sum(rv.pmf(a) for a in range(0, 4) if rv.pmf(a) <= observed * (1 + 1e-7))
    assert result.pvalue == pytest.approx(hand)


def _multihyper(cols, top, first, n) -> float:
    """Probability of the first row ``top`` given the margins (multivariate hypergeometric)."""
    return float(np.prod([comb(int(c), int(k)) for c, k in zip(cols, top, strict=True)])
                 / comb(int(n), int(first)))


def _exact_p(table: np.ndarray) -> float:
    """Exact conditional p-value of Pearson's statistic for a 2 x c table, by enumeration."""
    cols, first, n = table.sum(axis=0), int(table[0].sum()), int(table.sum())
    expected = np.outer(table.sum(axis=1), cols) / n

    def pearson(t):
        return (((t - expected) ** 2) / expected).sum()

    observed, total, hits = pearson(table), 0.0, 0.0
    for top in itertools.product(*(range(c + 1) for c in cols)):
        if sum(top) != first:
            continue
        prob = _multihyper(cols, top, first, n)
        total += prob
        if pearson(np.vstack([top, cols - np.array(top)])) >= observed - 1e-9:
            hits += prob
    assert total == pytest.approx(1.0)
    return hits


def test_permutation_test_agrees_with_exact_enumeration_for_small_counts():
    table = np.array([[4, 1, 0], [3, 6, 7]])
    result = association_test(table, permutations=20_000, seed=5)
    assert result.method == "permutation"
    assert result.min_expected < 5
    assert result.pvalue == pytest.approx(_exact_p(table), abs=0.01)
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    assert result.statistic == pytest.approx(chi2)


def test_permutation_test_is_reproducible_with_its_seed():
    table = [[4, 1, 0], [3, 6, 7]]
    assert association_test(table).pvalue == association_test(table).pvalue


@pytest.mark.parametrize("bad", [[[1, 2, 3]], [[0, 0], [0, 5]], [[-1, 2], [3, 4]], [1, 2]])
def test_tables_that_cannot_be_tested_are_refused(bad):
    with pytest.raises(ValueError):
        association_test(bad)


def test_empty_rows_and_columns_are_dropped():
    result = association_test([[30, 0, 10], [10, 0, 30], [0, 0, 0]])
    assert result.statistic == pytest.approx(association_test([[30, 10], [10, 30]]).statistic)


@pytest.mark.parametrize(("events", "totals"), [([5, 10, 15, 20], [50, 50, 50, 50]),
                                                ([12, 9, 15, 11, 20, 18, 25, 22],
                                                 [60, 55, 70, 58, 66, 61, 72, 64]),
                                                ([3, 0, 4], [10, 12, 9])])
def test_trend_test_matches_linear_by_linear_association(events, totals):
    """Cochran-Armitage z^2 equals Mantel's M^2 = (N-1) r^2 times N / (N - 1)."""
    events, totals = np.asarray(events), np.asarray(totals)
    result = trend_test(events, totals)
    table = np.vstack([events, totals - events]).T
    scores = np.arange(len(events), dtype=float)
    lbl = Table(table, shift_zeros=False).test_ordinal_association(
        row_scores=scores, col_scores=np.array([1.0, 0.0]))
    n = totals.sum()
    m2 = lbl.zscore ** 2
    assert result.statistic ** 2 == pytest.approx(m2 * n / (n - 1))
    assert result.pvalue == pytest.approx(2 * stats.norm.sf(abs(result.statistic)))
    # The slope is the weighted least-squares slope of the share on the quarter.
    slope = np.polyfit(scores, events / totals, 1, w=np.sqrt(totals))[0]
    assert result.slope == pytest.approx(slope)
    assert np.sign(result.statistic) == np.sign(result.slope)


def test_trend_test_leaves_out_empty_quarters_and_refuses_too_little():
    with_gap = trend_test([5, 0, 15], [50, 0, 50], scores=[0, 1, 2])
    assert with_gap.n == 100
    assert with_gap.statistic == pytest.approx(trend_test([5, 15], [50, 50], scores=[0, 2]).statistic)
    with pytest.raises(ValueError):
        trend_test([5], [50])
    with pytest.raises(ValueError):
        trend_test([6, 5], [5, 5])
    flat = trend_test([0, 0, 0], [10, 10, 10])
    assert flat.pvalue == 1.0


def test_permutation_test_for_larger_tables_agrees_with_label_shuffling():
    """An r x c table: Patefield's tables against shuffling the column label of each person."""
    table = np.array([[4, 1, 0], [1, 5, 2], [0, 2, 6]])
    result = association_test(table, permutations=20_000, seed=11)
    assert result.method == "permutation"
    rows = np.repeat(np.arange(3), table.sum(axis=1))
    cols = np.concatenate([np.repeat(np.arange(3), r) for r in table])
    rng = np.random.default_rng(2)
    observed = stats.chi2_contingency(table, correction=False)[0]
    hits = 0
    for _ in range(20_000):
        shuffled = np.zeros((3, 3))
        np.add.at(shuffled, (rows, rng.permutation(cols)), 1)
        expected = np.outer(shuffled.sum(axis=1), shuffled.sum(axis=0)) / shuffled.sum()
        hits += ((shuffled - expected) ** 2 / expected).sum() >= observed - 1e-9
    assert result.pvalue == pytest.approx((1 + hits) / 20_001, abs=0.01)
