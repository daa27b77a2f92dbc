"""Change over time: this quarter against earlier ones, and the trend over eight quarters.

Only shown groups are compared. A change needs ``min_change_group``
responses in each quarter and ``min_events`` mentions in the two together;
a trend needs ``min_trend_quarters`` shown quarters and ``min_events``
mentions. Below that the sentence says "för få svar för att säga något om
förändring", so that a move from 3 to 5 people is never called a trend.
A change row carries a quarter's count and share only where that share is
printed as a percentage, and the difference and its interval only where
both are (``_findings.withhold_sides``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._association import compare_shares
from ._findings import EARLY, population_counts, withhold_sides
from ._intervals import benjamini_hochberg
from ._reasons import ReasonTable
from ._trend import trend_test
from ._wording import Thresholds, certainty, percent_text, share_text
from .disclosure import GateConfig

__all__ = ["POPULATIONS", "change_findings", "trend_findings"]

POPULATIONS = ("all", "early")
_WHO = {"all": ("", ""), "early": ("bland dem som slutade {sv}", "among those who left {en}")}


def _who(population: str, early: str, lang: str) -> str:
    text = _WHO[population][0 if lang == "sv" else 1]
    return text.format(sv=EARLY[early]["sv"], en=EARLY[early]["en"])


def _too_few(quote: str, who: str, lang: str) -> str:
    where = f" {who}" if who else ""
    return (f"För få svar för att säga något om förändring för {quote}{where}." if lang == "sv"
            else f"Too few responses to say anything about change for {quote}{where}.")


def change_findings(now: ReasonTable, then: ReasonTable, labels: dict, config: GateConfig,
                    thresholds: Thresholds, early: str = "lt_2y") -> pd.DataFrame:
    """Per population and reason: share named in ``now`` against ``then``, worded."""
    rows = []
    for population in POPULATIONS:
        a, b = population_counts(now, population, early=early), population_counts(then, population,
                                                                                  early=early)
        if a is None or b is None:
            continue
        (x1, n1), (x2, n2) = a, b
        reasons = list(x1.index)
        x1, x2 = x1.to_numpy(), x2.reindex(reasons).to_numpy()
        result = compare_shares(x1, np.full(len(x1), n1), x2, np.full(len(x2), n2))
        enough = (min(n1, n2) >= thresholds.min_change_group) & (x1 + x2 >= thresholds.min_events)
        result.loc[~enough, ["pvalue", "adjusted"]] = np.nan
        result["adjusted"] = benjamini_hochberg(result["pvalue"])
        result.insert(0, "population", population)
        result.insert(1, "reason", reasons)
        result.insert(2, "period1", now.window.label)
        result.insert(3, "count1", x1)
        result.insert(4, "n1", n1)
        result.insert(5, "period2", then.window.label)
        result.insert(6, "count2", x2)
        result.insert(7, "n2", n2)
        result["enough"] = enough
        for lang in ("sv", "en"):
            texts = []
            for r, c1, c2, ok, q, d in zip(reasons, x1, x2, enough, result["adjusted"],
                                           result["difference"], strict=True):
                quote = f"”{labels[r].sv}”" if lang == "sv" else f"“{labels[r].en}”"
                who = _who(population, early, lang)
                if not ok:
                    texts.append(_too_few(quote, who, lang))
                    continue
                s1, s2 = share_text(c1, n1, config, lang), share_text(c2, n2, config, lang)
                sure = certainty(q, d, thresholds, "change", lang)
                where = f" {who}" if who else ""
                texts.append(
                    f"Andelen som nämnde {quote}{where} var {s1} under {now.window.label} mot "
                    f"{s2} under {then.window.label}; {sure}." if lang == "sv" else
                    f"The share who mentioned {quote}{where} was {s1} in {now.window.label} "
                    f"against {s2} in {then.window.label}; {sure}.")
            result[f"sentence_{lang}"] = texts
        rows.append(withhold_sides(result, config, thresholds))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _trend_sentence(quote, who, test, adjusted, span, thresholds, lang):
    where = f" {who}" if who else ""
    change = test.last - test.first
    if adjusted != adjusted or adjusted >= thresholds.alpha:
        return (f"Under {span} syns ingen tydlig trend för {quote}{where}; variationen kan vara "
                f"slumpmässig." if lang == "sv" else
                f"Over {span} there is no clear trend for {quote}{where}; the variation may be chance.")
    up = change > 0
    noun = "increase" if up else "decrease"
    sure = certainty(adjusted, change, thresholds, noun, lang)
    first, last = percent_text(test.first, lang), percent_text(test.last, lang)
    verb = ("ökat" if up else "minskat") if lang == "sv" else ("risen" if up else "fallen")
    return (f"Under {span} har andelen som nämner {quote}{where} {verb}, från omkring {first} till "
            f"omkring {last}; {sure}." if lang == "sv" else
            f"Over {span} the share who mention {quote}{where} has {verb}, from about {first} to "
            f"about {last}; {sure}.")


def trend_findings(tables: list[ReasonTable], labels: dict, thresholds: Thresholds,
                   early: str = "lt_2y") -> pd.DataFrame:
    """Per population and reason: Cochran-Armitage trend over the quarters' shown groups."""
    out = []
    for population in POPULATIONS:
        series = [(i, population_counts(t, population, early=early)) for i, t in enumerate(tables)]
        series = [(i, c) for i, c in series if c is not None and c[1] > 0]
        if not series:
            continue
        reasons = list(series[0][1][0].index)
        scores = np.asarray([i for i, _ in series], dtype=float)
        totals = np.asarray([c[1] for _, c in series])
        events = np.vstack([c[0].reindex(reasons).to_numpy() for _, c in series])
        span_sv = f"{len(tables)} kvartal ({tables[0].window.label}–{tables[-1].window.label})"
        span_en = f"{len(tables)} quarters ({tables[0].window.label}–{tables[-1].window.label})"
        rows = []
        for j, reason in enumerate(reasons):
            ok = len(series) >= thresholds.min_trend_quarters and \
                events[:, j].sum() >= thresholds.min_events
            test = trend_test(events[:, j], totals, scores) if ok and len(series) >= 2 else None
            rows.append({"population": population, "reason": reason, "quarters": len(series),
                         "n": int(totals.sum()), "events": int(events[:, j].sum()), "enough": ok,
                         "statistic": test.statistic if test else np.nan,
                         "pvalue": test.pvalue if test else np.nan,
                         "slope": test.slope if test else np.nan,
                         "first": test.first if test else np.nan,
                         "last": test.last if test else np.nan, "_test": test})
        frame = pd.DataFrame(rows)
        frame["adjusted"] = benjamini_hochberg(frame["pvalue"])
        for lang, span in (("sv", span_sv), ("en", span_en)):
            texts = []
            for row, q in zip(rows, frame["adjusted"], strict=True):
                label = labels[row["reason"]].get(lang)
                quote = f"”{label}”" if lang == "sv" else f"“{label}”"
                who = _who(population, early, lang)
                texts.append(_too_few(quote, who, lang) if row["_test"] is None else
                             _trend_sentence(quote, who, row["_test"], q, span, thresholds, lang))
            frame[f"sentence_{lang}"] = texts
        out.append(frame.drop(columns="_test"))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
