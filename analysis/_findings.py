"""Early leavers against the rest, and reason against tenure band, as worded findings.

Both read only the shown groups of a gated tenure table. A comparison needs
every tenure band of the table shown (otherwise "the rest" would have to be
worked out from a hidden number) and at least ``min_group`` responses on
each side; reasons nobody named are not tested. p-values are adjusted with
Benjamini-Hochberg across the reasons of one table and measure.

The tests use the counts of the shown groups (``ReasonTable.internal_counts``);
a published row carries a side's count and share only where that share is
printed as a percentage, and the difference and its interval only where
both are (with one share exact, the difference would give the other away).
``clear`` says what the sentence says: adjusted p below ``alpha`` and a
difference not called small.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._association import association_test, compare_shares
from ._intervals import benjamini_hochberg
from ._reasons import ReasonTable
from ._wording import (
    Thresholds,
    certainty,
    effect_words,
    exact_share,
    number,
    share_text,
    withhold,
)
from .disclosure import ALL, GateConfig

__all__ = ["EARLY", "association_findings", "early_comparison", "population_counts",
           "withhold_sides"]

#: Early-leaver definitions: the bands they take in each tenure scheme, and their words.
EARLY = {
    "lt_2y": {"rollup": ("lt_1y", "1_2y"), "lt_2y": ("lt_2y",), "sv": "inom två år",
              "en": "within two years"},
    "lt_1y": {"rollup": ("lt_1y",), "sv": "inom ett år", "en": "within a year"},
}
_METHOD = {"chi2": ("chi två-test", "chi-square test"), "fisher": ("Fishers exakta test",
           "Fisher's exact test"), "permutation": ("permutationstest, eftersom vissa grupper är små",
           "permutation test, as some groups are small")}
_VERB = {"mentioned": ("nämnde", "mentioned"), "main": ("angav som viktigaste skäl", "gave as main reason")}


def population_counts(table: ReasonTable, population: str, measure: str = "mentioned",
                      early: str = "lt_2y"):
    """``(counts per reason, n)`` of ``all``, ``early`` or ``rest`` in a tenure table, or None.

    None when the population cannot be formed from shown groups alone.
    """
    groups, shares = table.groups, table.counts()
    interior = groups[~groups["is_total"]]
    if population == "all":
        rows = groups[groups["is_total"]]
    else:
        bands = EARLY[early].get(table.tenure_scheme or "rollup")
        if bands is None or not interior["shown"].all():
            return None
        inside = interior["tenure_band"].isin(bands)
        rows = interior[inside if population == "early" else ~inside]
    if rows.empty or not rows["shown"].all():
        return None
    chosen = shares[(shares["measure"] == measure) & shares["tenure_band"].isin(rows["tenure_band"])]
    counts = chosen.groupby("reason", sort=False)["count"].sum()
    return counts, int(rows["n"].sum())


def withhold_sides(result: pd.DataFrame, config: GateConfig, thresholds: Thresholds,
                   sides=(("count1", "share1", "n1"), ("count2", "share2", "n2"))) -> pd.DataFrame:
    """Blank what a comparison row may not carry, and add ``clear`` (in place; returns it).

    Each side keeps its count and share only where the share is printed as a
    percentage (:func:`exact_share`); the difference and its interval only
    where every side is. ``clear`` (adjusted p below ``alpha``, difference
    not small) is what the sentence already says in words.
    """
    exact = np.ones(len(result), dtype=bool)
    for count, share, n in sides:
        side = exact_share(result[count].to_numpy(dtype=float), result[n].to_numpy(dtype=float),
                           config)
        exact &= side
        withhold(result, side, [count, share])
    adjusted = result["adjusted"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        result["clear"] = (adjusted < thresholds.alpha) & (
            np.abs(result["difference"].to_numpy(dtype=float)) >= thresholds.small_difference)
    return withhold(result, exact, ["difference", "low", "high"])


def _sentence_early(label, x1, n1, x2, n2, adjusted, diff, early, measure, config, th, lang):
    quote = f"”{label}”" if lang == "sv" else f"“{label}”"
    words = EARLY[early][lang]
    if min(n1, n2) < th.min_group:
        return (f"För få svar för att jämföra dem som slutade {words} med övriga om {quote}."
                if lang == "sv" else
                f"Too few responses to compare those who left {words} with the others on {quote}.")
    s1, s2 = share_text(x1, n1, config, lang), share_text(x2, n2, config, lang)
    verb = _VERB[measure][0 if lang == "sv" else 1]
    sure = certainty(adjusted, diff, th, "difference", lang)
    if lang == "sv":
        text = f"Bland dem som slutade {words} {verb} {s1} {quote}, mot {s2} av övriga; {sure}."
    else:
        text = f"Among those who left {words}, {s1} {verb} {quote}, against {s2} of the others; {sure}."
    if min(n1, n2) < th.small_group:
        text += (f" Grupperna är små ({n1} och {n2} svar), så andelarna är osäkra." if lang == "sv"
                 else f" The groups are small ({n1} and {n2} responses), so the shares are uncertain.")
    return text


def early_comparison(table: ReasonTable, labels: dict, config: GateConfig, thresholds: Thresholds,
                     measure: str = "mentioned", early: str = "lt_2y") -> pd.DataFrame:
    """Per reason: early leavers against the rest (difference, Newcombe interval, BH), worded."""
    first = population_counts(table, "early", measure, early)
    second = population_counts(table, "rest", measure, early)
    if first is None or second is None:
        return pd.DataFrame()
    (x1, n1), (x2, n2) = first, second
    reasons = list(x1.index)
    x1, x2 = x1.to_numpy(), x2.reindex(reasons).to_numpy()
    result = compare_shares(x1, np.full(len(x1), n1), x2, np.full(len(x2), n2))
    testable = (x1 + x2 > 0) & (min(n1, n2) >= thresholds.min_group)
    result.loc[~testable, ["pvalue", "adjusted"]] = np.nan
    result["adjusted"] = benjamini_hochberg(result["pvalue"])
    result.insert(0, "reason", reasons)
    result.insert(1, "measure", measure)
    result.insert(2, "count1", x1)
    result.insert(3, "n1", n1)
    result.insert(4, "count2", x2)
    result.insert(5, "n2", n2)
    for lang in ("sv", "en"):
        result[f"sentence_{lang}"] = [
            None if (a + b == 0) else _sentence_early(labels[r].get(lang), int(a), n1, int(b), n2,
                                                      q, d, early, measure, config, thresholds, lang)
            for r, a, b, q, d in zip(reasons, x1, x2, result["adjusted"], result["difference"],
                                     strict=True)]
    return withhold_sides(result, config, thresholds)


def _sentence_association(label, test, adjusted, lang, th):
    method = _METHOD[test.method][0 if lang == "sv" else 1]
    detail = f"{method}; Cramérs V {number(test.cramers_v, lang, 2)}, {effect_words(test.cramers_v, lang)} " \
        "samband" if lang == "sv" else \
        f"{method}; Cramér's V {number(test.cramers_v, lang, 2)}, {effect_words(test.cramers_v, lang)} " \
        "association"
    real = adjusted == adjusted and adjusted < th.alpha
    if label is None:
        if lang == "sv":
            return (f"Vilket skäl som var viktigast skiljer sig sannolikt mellan anställningstiderna "
                    f"({detail})." if real else "Det går inte att säga att det viktigaste skälet "
                    f"skiljer sig mellan anställningstiderna ({method}).")
        return (f"Which reason mattered most probably differs between tenure bands ({detail})."
                if real else f"We cannot say that the main reason differs between tenure bands ({method}).")
    if lang == "sv":
        return (f"”{label}” nämns sannolikt olika ofta beroende på anställningstid ({detail})." if real
                else f"Det går inte att säga att ”{label}” nämns olika ofta beroende på anställningstid "
                f"({method}).")
    return (f"How often “{label}” is mentioned probably depends on tenure ({detail})." if real
            else f"We cannot say that how often “{label}” is mentioned depends on tenure ({method}).")


def association_findings(table: ReasonTable, labels: dict, thresholds: Thresholds) -> pd.DataFrame:
    """Reason against tenure band: per reason (named or not x band) and for the main reason (R x B).

    ``min_expected`` is the smallest row total times the smallest band over
    all, so it would give that row total (how many in all named the reason)
    away: it is blank where the table leaves that count blank.
    """
    groups = table.groups
    interior = groups[~groups["is_total"]]
    if len(interior) < 2 or not interior["shown"].all():
        return pd.DataFrame()
    bands = interior["tenure_band"].tolist()
    n = interior.set_index("tenure_band")["n"].reindex(bands).to_numpy(dtype=np.int64)
    counted = table.counts()
    shares = counted[counted["tenure_band"] != ALL]
    published = table.shares[table.shares["tenure_band"] == ALL].set_index(["measure", "reason"])
    published = published["count"].notna() if len(published) else pd.Series(dtype=bool)
    rows = []
    for measure in ("mentioned", "main"):
        pivot = shares[shares["measure"] == measure].pivot_table(
            index="reason", columns="tenure_band", values="count", aggfunc="sum", sort=False)
        pivot = pivot.reindex(columns=bands).fillna(0).astype(np.int64)
        if measure == "mentioned":
            for reason, counts in pivot.iterrows():
                named = counts.to_numpy()
                if named.sum() in (0, n.sum()) or min(n) < thresholds.min_group:
                    continue  # nobody or everybody named it: nothing to test
                test = association_test(np.vstack([named, n - named]))
                rows.append({"measure": measure, "reason": reason, "test": test,
                             "exact": bool(published.get((measure, reason), False))})
        else:
            main = pivot[pivot.sum(axis=1) > 0]
            if len(main) >= 2 and min(n) >= thresholds.min_group:
                smallest = main.sum(axis=1).idxmin()
                rows.append({"measure": measure, "reason": ALL, "test": association_test(main.to_numpy()),
                             "exact": bool(published.get((measure, smallest), False))})
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame([{"measure": r["measure"], "reason": r["reason"], "method": r["test"].method,
                           "statistic": r["test"].statistic, "df": r["test"].df,
                           "pvalue": r["test"].pvalue, "cramers_v": r["test"].cramers_v,
                           "min_expected": r["test"].min_expected, "n": r["test"].n} for r in rows])
    withhold(frame, [r["exact"] for r in rows], ["min_expected"])
    frame["adjusted"] = frame["pvalue"]
    named = (frame["measure"] == "mentioned").to_numpy()
    frame.loc[named, "adjusted"] = benjamini_hochberg(frame.loc[named, "pvalue"])
    for lang in ("sv", "en"):
        frame[f"sentence_{lang}"] = [
            _sentence_association(None if r["reason"] == ALL else labels[r["reason"]].get(lang),
                                  r["test"], q, lang, thresholds)
            for r, q in zip(rows, frame["adjusted"], strict=True)]
    return frame
