"""Is it real? Association of a reason with tenure, and early leavers against the rest.

``association_test`` tests independence in a contingency table and says
which test it used: Pearson's chi-square when every expected count is at
least 5, Fisher's exact test for a 2x2 table with a smaller expected count,
and otherwise a Monte Carlo permutation test (tables drawn with the same
margins). Cramér's V is reported as the effect size in every case.
``compare_shares`` compares one share between two groups for many reasons
at once, with Newcombe intervals and Benjamini-Hochberg adjusted p-values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._intervals import benjamini_hochberg, newcombe_difference, two_proportion_test

__all__ = ["PERMUTATIONS", "AssociationTest", "association_test", "compare_shares"]

#: Resamples of the permutation test; with a fixed seed the p-value is reproducible.
PERMUTATIONS = 9999
_MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class AssociationTest:
    """The result of a test of independence in an r x c table."""

    method: str  # "chi2", "fisher" or "permutation"
    statistic: float  # Pearson's chi-square statistic (for every method)
    df: int
    pvalue: float
    cramers_v: float
    min_expected: float
    n: int


def _pearson(table: np.ndarray) -> tuple[float, np.ndarray]:
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    return float(((table - expected) ** 2 / expected).sum()), expected


def association_test(table, *, permutations: int = PERMUTATIONS, seed: int = 20260101) -> AssociationTest:
    r"""Test of independence of rows and columns of a table of counts, with Cramér's V.

    Rows or columns that sum to 0 are dropped. Pearson's statistic is
    :math:`X^2 = \sum (O - E)^2 / E` with :math:`E_{ij} = r_i c_j / n`, and
    :math:`V = \sqrt{X^2 / (n (\min(r, c) - 1))}`. The permutation p-value is
    :math:`(1 + \#\{X^2_b \ge X^2\}) / (B + 1)` over ``B`` tables with the
    observed margins (for two rows the first row is drawn from the multivariate
    hypergeometric distribution, otherwise Patefield's algorithm,
    ``scipy.stats.random_table``).

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., sections 3.2 and 3.5.
    Cramér, H. (1946). Mathematical Methods of Statistics, p. 282.

    Examples
    --------
    >>> result = association_test([[30, 10], [10, 30]])
    >>> result.method, round(result.statistic, 2), round(result.cramers_v, 2)
    ('chi2', 20.0, 0.5)
    """
    counts = np.asarray(table, dtype=np.int64)
    if counts.ndim != 2 or np.any(counts < 0):
        raise ValueError("table must be a 2-D table of non-negative counts")
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        raise ValueError("a test needs at least two non-empty rows and two non-empty columns")
    n = int(counts.sum())
    statistic, expected = _pearson(counts)
    df = (counts.shape[0] - 1) * (counts.shape[1] - 1)
    cramers_v = float(np.sqrt(statistic / (n * (min(counts.shape) - 1))))
    min_expected = float(expected.min())
    if min_expected >= _MIN_EXPECTED:
        method, pvalue = "chi2", float(stats.chi2.sf(statistic, df))
    elif counts.shape == (2, 2):
        method, pvalue = "fisher", float(stats.fisher_exact(counts)[1])
    else:
        method = "permutation"
        rows, cols = counts.sum(axis=1), counts.sum(axis=0)
        if len(rows) == 2:  # the first row alone is multivariate hypergeometric: fast
            top = np.random.default_rng(seed).multivariate_hypergeometric(cols, rows[0],
                                                                          size=permutations)
            draws = np.stack([top, cols - top], axis=1)
        else:
            draws = stats.random_table(rows, cols, seed=seed).rvs(size=permutations)
        simulated = ((draws - expected) ** 2 / expected).sum(axis=(1, 2))
        exceed = int((simulated >= statistic - 1e-9 * max(1.0, statistic)).sum())
        pvalue = (1 + exceed) / (permutations + 1)
    return AssociationTest(method, statistic, df, min(pvalue, 1.0), cramers_v, min_expected, n)


def compare_shares(count1, nobs1, count2, nobs2, confidence: float = 0.95) -> pd.DataFrame:
    """Share in group 1 against group 2, row by row, with BH adjustment across the rows.

    Columns: ``share1, share2, difference, low, high`` (Newcombe hybrid
    score interval), ``pvalue`` (pooled z-test, or Fisher's exact test when an
    expected count is below 5), ``method`` and ``adjusted`` (Benjamini-Hochberg
    over all rows that have a p-value).

    Examples
    --------
    >>> table = compare_shares([41, 12], [100, 100], [12, 11], [100, 100])
    >>> table["method"].tolist(), (table["adjusted"] < 0.05).tolist()
    (['z', 'z'], [True, False])
    """
    x1, n1 = np.asarray(count1, dtype=float), np.asarray(nobs1, dtype=float)
    x2, n2 = np.asarray(count2, dtype=float), np.asarray(nobs2, dtype=float)
    difference, low, high = newcombe_difference(x1, n1, x2, n2, confidence)
    pvalue, method = two_proportion_test(x1, n1, x2, n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        share1, share2 = x1 / n1, x2 / n2
    return pd.DataFrame({
        "share1": share1, "share2": share2, "difference": difference, "low": low, "high": high,
        "pvalue": pvalue, "method": method, "adjusted": benjamini_hochberg(pvalue),
    })
