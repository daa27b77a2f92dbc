"""Intervals and p-values for shares: Wilson, Newcombe, two-proportion tests, BH, eNPS.

All functions are vectorised over numpy arrays and use only numpy and scipy.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "benjamini_hochberg",
    "newcombe_difference",
    "recommend_score",
    "two_proportion_test",
    "wilson_interval",
]


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _counts(count, nobs) -> tuple[np.ndarray, np.ndarray]:
    count, nobs = np.asarray(count, dtype=float), np.asarray(nobs, dtype=float)
    if np.any(count < 0) or np.any(count > nobs):
        raise ValueError("counts must lie between 0 and the number of observations")
    return count, nobs


def wilson_interval(count, nobs, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    r"""Wilson score interval for a share ``count / nobs`` (NaN where ``nobs`` is 0).

    .. math:: \frac{x + z^2/2}{n + z^2} \pm \frac{z}{n + z^2}\sqrt{\frac{x(n-x)}{n} + \frac{z^2}{4}}

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22, 209-212.

    Examples
    --------
    >>> low, high = wilson_interval(12, 40)
    >>> round(float(low), 4), round(float(high), 4)
    (0.1807, 0.4543)
    """
    x, n = _counts(count, nobs)
    z = _z(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (x + z * z / 2) / (n + z * z)
        half = z / (n + z * z) * np.sqrt(x * (n - x) / n + z * z / 4)
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def newcombe_difference(count1, nobs1, count2, nobs2, confidence: float = 0.95):
    r"""Difference of two independent shares with Newcombe's hybrid score interval.

    The difference is :math:`d = p_1 - p_2`; with Wilson limits :math:`l_i, u_i`

    .. math:: d - \sqrt{(p_1 - l_1)^2 + (u_2 - p_2)^2},\quad
              d + \sqrt{(u_1 - p_1)^2 + (p_2 - l_2)^2}

    Returns ``(difference, low, high)``.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. Statistics in
    Medicine 17, 873-890 (method 10).

    Examples
    --------
    >>> d, low, high = newcombe_difference(20, 50, 10, 50)
    >>> round(float(d), 2), round(float(low), 4), round(float(high), 4)
    (0.2, 0.0201, 0.3636)
    """
    x1, n1 = _counts(count1, nobs1)
    x2, n2 = _counts(count2, nobs2)
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def two_proportion_test(count1, nobs1, count2, nobs2) -> tuple[np.ndarray, np.ndarray]:
    r"""Two-sided p-value for equal shares, and the method used for each pair.

    Where every expected count of the 2x2 table is at least 5 the pooled
    z-test is used (:math:`z = (p_1 - p_2) / \sqrt{\bar p (1 - \bar p)(1/n_1 + 1/n_2)}`,
    the same as Pearson's chi-square without continuity correction);
    otherwise Fisher's exact test. Pairs with an empty group get NaN.

    Examples
    --------
    >>> p, method = two_proportion_test([30, 3], [100, 10], [15, 1], [100, 12])
    >>> method.tolist()
    ['z', 'fisher']
    """
    x1, n1 = _counts(count1, nobs1)
    x2, n2 = _counts(count2, nobs2)
    x1, n1, x2, n2 = np.broadcast_arrays(x1, n1, x2, n2)
    p = np.full(x1.shape, np.nan)
    method = np.full(x1.shape, "", dtype=object)
    total, events = n1 + n2, x1 + x2
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = events / total
        expected = np.minimum.reduce([n1 * pooled, n2 * pooled, n1 * (1 - pooled), n2 * (1 - pooled)])
        z = (x1 / n1 - x2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    valid = (n1 > 0) & (n2 > 0)
    large = valid & (expected >= 5)
    p[large] = 2 * stats.norm.sf(np.abs(z[large]))
    method[large] = "z"
    for i in np.flatnonzero((valid & ~large).ravel()):
        a, b = int(x1.flat[i]), int(n1.flat[i] - x1.flat[i])
        c, d = int(x2.flat[i]), int(n2.flat[i] - x2.flat[i])
        p.flat[i] = 1.0 if (a + c == 0 or b + d == 0) else stats.fisher_exact([[a, b], [c, d]])[1]
        method.flat[i] = "fisher"
    return p, method


def benjamini_hochberg(pvalues) -> np.ndarray:
    r"""Benjamini-Hochberg adjusted p-values (false discovery rate); NaN stays NaN.

    With the :math:`m` non-missing p-values sorted, :math:`q_{(i)} = \min_{j \ge i} \min(1, m p_{(j)} / j)`.

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
    rate. JRSS B 57, 289-300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    m = int(ok.sum())
    if m == 0:
        return out
    values = p[ok]
    order = np.argsort(values)
    scaled = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def recommend_score(promoters, detractors, answered, confidence: float = 0.95):
    r"""Would-recommend score (eNPS-like): share 9-10 minus share 0-6, in points -100..100.

    Each answer scores +1 (9-10), 0 (7-8) or -1 (0-6); the score is 100 times
    their mean, with the analytic (Wald) interval from the multinomial variance

    .. math:: \operatorname{Var} = \frac{p_P + p_D - (p_P - p_D)^2}{n}

    clipped to [-100, 100]. Returns ``(score, low, high)``; NaN where nobody answered.

    Examples
    --------
    >>> score, low, high = recommend_score(30, 20, 100)
    >>> round(float(score), 1), round(float(low), 1), round(float(high), 1)
    (10.0, -3.7, 23.7)
    """
    pro, det = np.asarray(promoters, dtype=float), np.asarray(detractors, dtype=float)
    n = np.asarray(answered, dtype=float)
    if np.any(pro < 0) or np.any(det < 0) or np.any(pro + det > n):
        raise ValueError("promoters and detractors must be counts within the answers")
    with np.errstate(invalid="ignore", divide="ignore"):
        p_pro, p_det = pro / n, det / n
        score = p_pro - p_det
        half = _z(confidence) * np.sqrt((p_pro + p_det - score**2) / n)
    return 100 * score, np.clip(100 * (score - half), -100, 100), np.clip(100 * (score + half), -100, 100)
