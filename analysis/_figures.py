"""The other figures HR follows: response rate, would recommend, would return, conditions.

Each is computed from the shown groups of a gated table only. What a row
may carry is decided by the rules in ``_wording`` and nowhere else:

* answer-level figures (recommend, come back, conditions) carry numbers only
  where at least the minimum number of respondents *answered that question*
  and those who did not (vet ej, no answer) are none or at least the minimum
  too (:func:`answers_released`); otherwise no number of the question at all;
* a share worded by the sameness rule carries no count, exact share or
  interval (:func:`exact_share`);
* a response rate carries its invited and responses only where both are
  shown, the responses and the non-respondents are none or at least the
  minimum, and the rate is printed as a percentage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from questionnaires import Catalogue

from ._cube import Cube
from ._intervals import recommend_score, wilson_interval
from ._sums import Sums
from ._wording import answers_released, exact_share, few, number, share_text, withhold
from .disclosure import ALL, GateConfig, GatedTable, reason_label

__all__ = ["come_back_figures", "condition_figures", "recommend_figures", "response_rates"]

_SCALE = [str(v) for v in range(11)]
_LIKERT = ["1", "2", "3", "4", "5"]


def _few(config: GateConfig, lang: str) -> str:
    k = config.min_respondents
    return f"färre än {k} har svarat på frågan" if lang == "sv" else f"fewer than {k} answered the question"


def _not_released(answered, config: GateConfig, lang: str) -> str:
    """Why a question's numbers are not shown: too few answered, or too few did not."""
    if answered < config.min_respondents:
        return _few(config, lang)
    return reason_label("protects_other", config, lang)


def _all_row(frame: pd.DataFrame, dims) -> np.ndarray:
    return np.flatnonzero(frame[list(dims)].eq(ALL).all(axis=1).to_numpy())


def response_rates(table: GatedTable, sums: Sums, leavers: GatedTable | None, config: GateConfig,
                   *, total_only: bool = False) -> pd.DataFrame:
    """Survey responses through invitations per invitation, for the groups of a gated table.

    ``invited`` comes from the gated leaver table (the invitations), the
    responses (invitation channel only) from the gated response table. A row
    carries ``invited``, ``responses``, the rate and its interval only where
    both gates show the group, the responses and the non-respondents
    (invited minus responses) are none or at least the minimum, and the rate
    is printed as a percentage; otherwise all of them are missing and the
    text says why (the gate's reason, "antalet inbjudningar visas inte",
    the sameness words, or "dolt så att andra små grupper inte kan räknas
    fram"). ``total_only`` keeps the table's grand total alone, as
    ``administration`` and ``unit`` ``*`` (the response rate of a whole quarter).
    """
    frame = table.frame
    dims = list(table.request.dims)
    responses = np.full(len(frame), np.nan)
    responses[np.flatnonzero(frame["shown"].to_numpy(dtype=bool))] = sums.invitation
    out = frame[dims].copy()
    if total_only:
        rows = _all_row(frame, dims)
        frame, responses = frame.iloc[rows].reset_index(drop=True), responses[rows]
        out, dims = pd.DataFrame({"administration": [ALL] * len(rows), "unit": [ALL] * len(rows)}), []
    out["shown"] = frame["shown"].to_numpy(dtype=bool)
    out["responses"] = pd.array(responses, dtype="Int64")
    invited = np.full(len(out), np.nan)
    if leavers is not None:
        shown = leavers.shown_rows()
        if dims:
            shown = shown[[*dims, "count"]].astype({d: str for d in dims})
            invited = out[dims].astype(str).merge(shown, on=dims, how="left")["count"].to_numpy(
                dtype=float, na_value=np.nan)
        elif len(out):
            total = shown.iloc[_all_row(shown, leavers.request.dims)]["count"]
            invited[:] = float(total.iloc[0]) if len(total) else np.nan
    out["invited"] = pd.array(invited, dtype="Int64")
    with np.errstate(invalid="ignore"):
        valid = ~np.isnan(responses) & (invited > 0) & (responses <= invited)
    # Responses and non-respondents are parts of the invited: gated together.
    parts_ok = valid & ~few(responses, config) & ~few(invited - responses, config)
    exact = parts_ok & exact_share(responses, invited, config)
    rate, low, high = (np.full(len(out), np.nan) for _ in range(3))
    rate[valid] = responses[valid] / invited[valid]
    low[valid], high[valid] = wilson_interval(responses[valid], invited[valid])
    out["rate"], out["low"], out["high"] = rate, low, high
    withhold(out, exact, ["responses", "invited", "rate", "low", "high"])
    for lang in ("sv", "en"):
        texts = []
        for ok, fine, r, inv, reason, is_shown in zip(valid, parts_ok, responses, invited,
                                                      frame["reason"], out["shown"], strict=True):
            if not is_shown:
                texts.append(reason_label(reason, config, lang))
            elif not ok:
                texts.append("antalet inbjudningar visas inte" if lang == "sv"
                             else "the number of invitations is not shown")
            else:
                text = share_text(int(r), int(inv), config, lang)
                # Sameness words reveal no more than their band; a percentage of a few would.
                texts.append(text if fine or not exact_share(r, inv, config)
                             else reason_label("protects_other", config, lang))
        out[f"text_{lang}"] = texts
    return out


def _answered_frame(sums: Sums, cube: Cube, question: str, answers: list[str]):
    counts = cube.answer_counts(sums.counts, question, answers)
    return sums.keys.drop(columns="count").copy(), counts


def _recommend_words(promoters: int, detractors: int, answered: int, config: GateConfig,
                     lang: str) -> str:
    high, low = share_text(promoters, answered, config, lang), share_text(detractors, answered, config,
                                                                          lang)
    return (f"{high} gav 9–10, {low} gav 0–6" if lang == "sv"
            else f"{high} answered 9–10, {low} answered 0–6")


def recommend_figures(sums: Sums, cube: Cube, config: GateConfig) -> pd.DataFrame:
    """Would-recommend score (share 9-10 minus share 0-6) per shown group, with its interval.

    The score and its interval give the shares answering 9-10, 7-8 and 0-6
    away, so they are printed only where each of the three is printed as a
    percentage; otherwise the text gives the two shares (in words where the
    sameness rule words them) and the row no score.
    """
    keys, counts = _answered_frame(sums, cube, "recommend", _SCALE)
    answered = counts.sum(axis=1)
    promoters, detractors = counts[:, 9:].sum(axis=1), counts[:, :7].sum(axis=1)
    released = answers_released(answered, sums.n, config)
    exact = released & exact_share(promoters, answered, config) & exact_share(
        detractors, answered, config) & exact_share(answered - promoters - detractors, answered, config)
    score, low, high = recommend_score(promoters, detractors, np.maximum(answered, 1))
    keys["answered"] = answered
    keys["score"], keys["low"], keys["high"] = score, low, high
    withhold(keys, released, ["answered"])
    withhold(keys, exact, ["score", "low", "high"])
    for lang in ("sv", "en"):
        to = "till" if lang == "sv" else "to"
        keys[f"text_{lang}"] = [
            f"{number(s, lang, sign=True)} ({number(lo, lang, sign=True)} {to} "
            f"{number(hi, lang, sign=True)})" if ok else
            _recommend_words(int(p), int(d), int(a), config, lang) if shown else
            _not_released(a, config, lang)
            for ok, shown, s, lo, hi, p, d, a in zip(exact, released, score, low, high, promoters,
                                                    detractors, answered, strict=True)]
    return keys


def come_back_figures(sums: Sums, cube: Cube, config: GateConfig) -> pd.DataFrame:
    """Share who could imagine coming back (yes among yes/no/unsure) per shown group.

    Where the share of "yes" is worded by the sameness rule, the row carries
    none of the answer counts (any two of them and ``answered`` give the third).
    """
    keys, counts = _answered_frame(sums, cube, "come_back", ["yes", "no", "unsure"])
    answered = counts.sum(axis=1)
    released = answers_released(answered, sums.n, config)
    exact = released & exact_share(counts[:, 0], answered, config)
    keys["answered"], keys["yes"] = answered, counts[:, 0]
    keys["no"], keys["unsure"] = counts[:, 1], counts[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        keys["share"] = counts[:, 0] / answered
    keys["low"], keys["high"] = wilson_interval(counts[:, 0], answered)
    withhold(keys, released, ["answered"])
    withhold(keys, exact, ["yes", "no", "unsure", "share", "low", "high"])
    for lang in ("sv", "en"):
        keys[f"text_{lang}"] = [share_text(y, a, config, lang) if ok else _not_released(a, config, lang)
                                for ok, y, a in zip(released, counts[:, 0], answered, strict=True)]
    return keys


def _condition_labels(catalogue: Catalogue, key: str) -> tuple[str, str]:
    for questionnaire in reversed(catalogue.questionnaires):
        for question in questionnaire.questions():
            if question.key == key:
                return question.text.sv, question.text.en
    return key, key


def condition_figures(sums: Sums, cube: Cube, catalogue: Catalogue,
                      config: GateConfig) -> pd.DataFrame:
    """Distribution 1-5 of every ``cond_*`` question per shown group; "vet ej" left out, counted.

    A question's numbers need the answer-level minimum (:func:`answers_released`:
    answered on the scale, and the rest of the group, each none or at least
    the minimum). ``dont_know`` is given only where it and those who gave no
    answer at all are each none or at least the minimum. Where the share
    answering 4-5 is worded by the sameness rule, the row carries no
    distribution, mean, share or interval.
    """
    questions = sorted(q for q in cube.features["question"].unique() if str(q).startswith("cond_"))
    parts = []
    for question in questions:
        keys, counts = _answered_frame(sums, cube, question, [*_LIKERT, "dont_know"])
        answered, dont_know = counts[:, :5].sum(axis=1), counts[:, 5]
        released = answers_released(answered, sums.n, config)
        good = counts[:, 3:5].sum(axis=1)
        exact = released & exact_share(good, answered, config)
        frame = keys.copy()
        frame.insert(0, "question", question)
        label_sv, label_en = _condition_labels(catalogue, question)
        frame["label_sv"], frame["label_en"] = label_sv, label_en
        frame["answered"], frame["dont_know"] = answered, dont_know
        for j, value in enumerate(_LIKERT):
            frame[f"n{value}"] = counts[:, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["mean"] = counts[:, :5] @ np.arange(1, 6) / answered
            frame["share_good"] = good / answered
        frame["low"], frame["high"] = wilson_interval(good, answered)
        withhold(frame, released, ["answered"])
        withhold(frame, released & ~few(dont_know, config)
                 & ~few(sums.n - answered - dont_know, config), ["dont_know"])
        withhold(frame, exact, [*(f"n{v}" for v in _LIKERT), "mean", "share_good", "low", "high"])
        for lang in ("sv", "en"):
            frame[f"text_{lang}"] = [share_text(g, a, config, lang) if ok else _not_released(a, config, lang)
                                     for ok, g, a in zip(released, good, answered, strict=True)]
        parts.append(frame)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
