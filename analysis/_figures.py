"""The other figures HR follows: response rate, would recommend, would return, conditions.

Each is computed from the shown groups of a gated table only. Answer-level
figures (recommend, come back, conditions) also need at least the minimum
number of respondents *who answered that question*, so that a figure never
rests on fewer people than the gate allows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from questionnaires import Catalogue

from ._cube import Cube
from ._intervals import recommend_score, wilson_interval
from ._sums import Sums
from ._wording import number, share_text
from .disclosure import ALL, GateConfig, GatedTable, reason_label

__all__ = ["come_back_figures", "condition_figures", "recommend_figures", "response_rates"]

_SCALE = [str(v) for v in range(11)]
_LIKERT = ["1", "2", "3", "4", "5"]


def _few(config: GateConfig, lang: str) -> str:
    k = config.min_respondents
    return f"färre än {k} har svarat på frågan" if lang == "sv" else f"fewer than {k} answered the question"


def _all_row(frame: pd.DataFrame, dims) -> np.ndarray:
    return np.flatnonzero(frame[list(dims)].eq(ALL).all(axis=1).to_numpy())


def response_rates(table: GatedTable, sums: Sums, leavers: GatedTable | None, config: GateConfig,
                   *, total_only: bool = False) -> pd.DataFrame:
    """Survey responses through invitations per invitation, for the groups of a gated table.

    ``invited`` comes from the gated leaver table (the invitations), the
    responses (invitation channel only) from the gated response table; each
    is given only where its own gate shows the group, the rate where both do.
    ``total_only`` keeps the table's grand total alone, as ``administration``
    and ``unit`` ``*`` (the response rate of a whole quarter).
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
    valid = ~np.isnan(responses) & (invited > 0) & (responses <= invited)
    rate, low, high = (np.full(len(out), np.nan) for _ in range(3))
    rate[valid] = responses[valid] / invited[valid]
    low[valid], high[valid] = wilson_interval(responses[valid], invited[valid])
    out["rate"], out["low"], out["high"] = rate, low, high
    for lang in ("sv", "en"):
        texts = []
        for ok, r, inv, reason, is_shown in zip(valid, responses, invited, frame["reason"],
                                                out["shown"], strict=True):
            if ok:
                texts.append(share_text(int(r), int(inv), config, lang))
            elif not is_shown:
                texts.append(reason_label(reason, config, lang))
            else:
                texts.append("antalet inbjudningar visas inte" if lang == "sv"
                             else "the number of invitations is not shown")
        out[f"text_{lang}"] = texts
    return out


def _answered_frame(sums: Sums, cube: Cube, question: str, answers: list[str]):
    counts = cube.answer_counts(sums.counts, question, answers)
    return sums.keys.drop(columns="count").copy(), counts


def recommend_figures(sums: Sums, cube: Cube, config: GateConfig) -> pd.DataFrame:
    """Would-recommend score (share 9-10 minus share 0-6) per shown group, with its interval."""
    keys, counts = _answered_frame(sums, cube, "recommend", _SCALE)
    answered = counts.sum(axis=1)
    promoters, detractors = counts[:, 9:].sum(axis=1), counts[:, :7].sum(axis=1)
    enough = answered >= config.min_respondents
    score, low, high = recommend_score(promoters, detractors, np.maximum(answered, 1))
    keys["answered"] = answered
    keys["score"] = np.where(enough, score, np.nan)
    keys["low"] = np.where(enough, low, np.nan)
    keys["high"] = np.where(enough, high, np.nan)
    for lang in ("sv", "en"):
        to = "till" if lang == "sv" else "to"
        keys[f"text_{lang}"] = [
            f"{number(s, lang, sign=True)} ({number(lo, lang, sign=True)} {to} "
            f"{number(hi, lang, sign=True)})" if ok else _few(config, lang)
            for ok, s, lo, hi in zip(enough, score, low, high, strict=True)]
    return keys


def come_back_figures(sums: Sums, cube: Cube, config: GateConfig) -> pd.DataFrame:
    """Share who could imagine coming back (yes among yes/no/unsure) per shown group."""
    keys, counts = _answered_frame(sums, cube, "come_back", ["yes", "no", "unsure"])
    answered = counts.sum(axis=1)
    enough = answered >= config.min_respondents
    keys["answered"], keys["yes"] = answered, counts[:, 0]
    keys["no"], keys["unsure"] = counts[:, 1], counts[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        keys["share"] = np.where(enough, counts[:, 0] / answered, np.nan)
    low, high = wilson_interval(counts[:, 0], answered)
    keys["low"], keys["high"] = np.where(enough, low, np.nan), np.where(enough, high, np.nan)
    for lang in ("sv", "en"):
        keys[f"text_{lang}"] = [share_text(y, a, config, lang) if ok else _few(config, lang)
                                for ok, y, a in zip(enough, counts[:, 0], answered, strict=True)]
    return keys


def _condition_labels(catalogue: Catalogue, key: str) -> tuple[str, str]:
    for questionnaire in reversed(catalogue.questionnaires):
        for question in questionnaire.questions():
            if question.key == key:
                return question.text.sv, question.text.en
    return key, key


def condition_figures(sums: Sums, cube: Cube, catalogue: Catalogue,
                      config: GateConfig) -> pd.DataFrame:
    """Distribution 1-5 of every ``cond_*`` question per shown group; "vet ej" left out, counted."""
    questions = sorted(q for q in cube.features["question"].unique() if str(q).startswith("cond_"))
    parts = []
    for question in questions:
        keys, counts = _answered_frame(sums, cube, question, [*_LIKERT, "dont_know"])
        answered = counts[:, :5].sum(axis=1)
        enough = answered >= config.min_respondents
        frame = keys.copy()
        frame.insert(0, "question", question)
        label_sv, label_en = _condition_labels(catalogue, question)
        frame["label_sv"], frame["label_en"] = label_sv, label_en
        frame["answered"], frame["dont_know"] = answered, counts[:, 5]
        for j, value in enumerate(_LIKERT):
            frame[f"n{value}"] = np.where(enough, counts[:, j], -1)
        good = counts[:, 3:5].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["mean"] = np.where(enough, counts[:, :5] @ np.arange(1, 6) / answered, np.nan)
            frame["share_good"] = np.where(enough, good / answered, np.nan)
        low, high = wilson_interval(good, answered)
        frame["low"], frame["high"] = np.where(enough, low, np.nan), np.where(enough, high, np.nan)
        for lang in ("sv", "en"):
            frame[f"text_{lang}"] = [share_text(g, a, config, lang) if ok else _few(config, lang)
                                     for ok, g, a in zip(enough, good, answered, strict=True)]
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if len(out):
        for value in _LIKERT:  # hidden distributions carry no numbers at all
            out[f"n{value}"] = pd.array(out[f"n{value}"].where(out[f"n{value}"] >= 0), dtype="Int64")
    return out
