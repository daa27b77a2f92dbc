"""Change over time: a test for a linear trend in a share across ordered periods.

Comparisons of two periods (this quarter against the previous one, or the
same quarter a year earlier) use :func:`compare_shares`; a trend over
several quarters uses the Cochran-Armitage test, the score test of the
slope in a logistic (or linear) model of the share on the quarter number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["TrendTest", "trend_test"]


@dataclass(frozen=True)
class TrendTest:
    """Cochran-Armitage trend test; ``slope`` is the change in share per step (weighted LS)."""

    statistic: float  # z
    pvalue: float
    slope: float
    first: float  # fitted share at the first period
    last: float  # fitted share at the last period
    n: int
    events: int


def trend_test(events, totals, scores=None) -> TrendTest:
    r"""Cochran-Armitage test for a trend in shares ``events / totals`` over ordered groups.

    With scores :math:`s_i` (default :math:`0, 1, 2, \ldots`), :math:`\bar p = \sum x_i / N`
    and :math:`\bar s = \sum n_i s_i / N`:

    .. math:: z = \frac{\sum x_i (s_i - \bar s)}
                       {\sqrt{\bar p (1 - \bar p) \sum n_i (s_i - \bar s)^2}}

    two-sided p-value from the standard normal. Groups with no observations
    are left out. The slope is the weighted least-squares slope of the share
    on the score, :math:`\sum n_i (s_i - \bar s)(p_i - \bar p) / \sum n_i (s_i - \bar s)^2`.

    References
    ----------
    Armitage, P. (1955). Tests for linear trends in proportions and
    frequencies. Biometrics 11, 375-386. Agresti (2013), section 5.3.5.

    Examples
    --------
    >>> result = trend_test([5, 10, 15, 20], [50, 50, 50, 50])
    >>> round(result.statistic, 3), round(result.slope, 3)
    (3.651, 0.1)
    """
    x, n = np.asarray(events, dtype=float), np.asarray(totals, dtype=float)
    s = np.arange(len(x), dtype=float) if scores is None else np.asarray(scores, dtype=float)
    if not (x.shape == n.shape == s.shape) or x.ndim != 1:
        raise ValueError("events, totals and scores must be 1-D and of the same length")
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("events must lie between 0 and the totals")
    used = n > 0
    x, n, s = x[used], n[used], s[used]
    if len(x) < 2 or np.ptp(s) == 0:
        raise ValueError("a trend needs at least two groups with observations and different scores")
    total, hits = n.sum(), x.sum()
    p_bar, s_bar = hits / total, (n * s).sum() / total
    spread = (n * (s - s_bar) ** 2).sum()
    slope = float((x - n * p_bar) @ (s - s_bar) / spread)
    if 0 < p_bar < 1:
        z = float((x * (s - s_bar)).sum() / np.sqrt(p_bar * (1 - p_bar) * spread))
        pvalue = float(2 * stats.norm.sf(abs(z)))
    else:
        z, pvalue = 0.0, 1.0  # everyone alike: no variation to trend
    first = float(p_bar + slope * (s[0] - s_bar))
    last = float(p_bar + slope * (s[-1] - s_bar))
    return TrendTest(z, pvalue, slope, first, last, int(total), int(hits))
