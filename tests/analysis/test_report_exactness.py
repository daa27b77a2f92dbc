"""Nothing exact beside a protective word; the answer-level minimum on every number.

The first tests read the published report of every closed quarter of the
demo data (two seeds) the way an attacker would, as plain dicts
(``report.as_dict()``, the same content as the JSON), and look for

1. a row whose text is a sameness word ("alla eller nästan alla", "inga eller
   nästan inga") and which still carries the count, the exact share or its
   interval, or any printed count that lies in the sameness band;
2. a question in a group with fewer than k answers (or with 1..k-1 who did
   not answer, or a "vet ej" count that is, or leaves, 1..k-1) that still
   carries a count;
3. a response rate showing the number invited without the responses (or the
   other way round), or whose invited minus responses is 1..k-1.

The scanners are written from the published rules alone (the band is
``sameness_band`` of the group, at least one person); they import nothing
from the code under test but the report builder. The unit tests below
check the rule functions in ``analysis._wording`` and each figure on
hand-made data.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pytest

from analysis import FRAME_FIELDS, GateConfig, format_share, quarterly_report
from analysis._wording import (
    PROTECTIVE_WORDS,
    answers_released,
    exact_share,
    few,
    sameness,
    withhold,
)
from tests.analysis.analysis_fixtures import catalogue, demo_data, frame_data, reason_rows

SEEDS = (2026, 7)
QUARTERS = ("2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3")
TODAY = date(2026, 12, 3)
CONFIG = GateConfig()
K = CONFIG.min_respondents

#: Texts a row says its share in.
_TEXT = re.compile(r"^(text|sentence|finding)_(sv|en)$")
#: Numbers that belong to a row's share: its count(s), exact share(s), interval, and what gives them away.
_NUMBER = re.compile(r"^(count\w*|share\w*|low|high|difference|rate|responses|invited|yes|no|unsure|"
                     r"n[1-5]|mean|score|leavers|min_expected)$")
#: Two-sided rows: (count, share, n) of each side.
_SIDES = ((("count1", "share1", "n1"), ("count2", "share2", "n2")),
          (("count_survey", "share_survey", "n_survey"),
           ("count_interview", "share_interview", "n_interview")))
#: The counts of each answer-level figure, and whether they are a distribution of ``answered``.
_QUESTION_NUMBERS = {
    "recommend": ("answered", "score", "low", "high"),
    "come_back": ("answered", "yes", "no", "unsure", "share", "low", "high"),
    "conditions": ("answered", "dont_know", "n1", "n2", "n3", "n4", "n5", "mean", "share_good", "low",
                   "high"),
}


@cache
def published(seed: int) -> tuple[dict, ...]:
    """The eight closed quarters' reports of the demo data, as published."""
    data = demo_data(seed=seed)
    return tuple(quarterly_report(data, q, catalogue=catalogue(), config=CONFIG, today=TODAY).as_dict()
                 for q in QUARTERS)


# --- the attacker's scanners (plain dicts in, defects out) -------------------------------


def in_band(part, whole, config: GateConfig = CONFIG) -> bool:
    """The published sameness rule: at most the band (at least one person) on one side."""
    if part is None or whole is None or whole < config.min_respondents or not 0 <= part <= whole:
        return False
    band = max(1, math.floor(config.sameness_band * whole))
    return whole - part <= band or part <= band


def _small(value) -> bool:
    return value is not None and 1 <= value < K


def rows_of(report: dict):
    """(where, record) for every row of every table the report publishes."""
    for table in report["reasons"]:
        for part in ("groups", "shares"):
            for row in table[part]:
                yield f"reasons[{table['name']}].{part}", row
    for name in (*FRAME_FIELDS, "turnover", "early_leavers"):
        for row in report[name] or []:
            yield name, row
    for row in report["lessons"]:
        yield "lessons", row


def _protective(row: dict) -> bool:
    return any(word in value for key, value in row.items() if _TEXT.match(key) and isinstance(value, str)
               for word in PROTECTIVE_WORDS)


def exact_beside_words(report: dict) -> list[str]:
    """Defect 1: a row worded by the sameness rule that carries a number of its share."""
    found = []
    for where, row in rows_of(report):
        if not _protective(row):
            continue
        sides = next((s for s in _SIDES if s[0][0] in row), None)
        if sides is None:
            numbers = [k for k, v in row.items() if _NUMBER.match(k) and v is not None]
            if numbers:
                text = row.get("text_sv") or row.get("sentence_sv") or row.get("finding_sv")
                found.append(f"{report['quarter']} {where}: {text!r} with "
                             f"{', '.join(f'{k}={row[k]}' for k in numbers)}")
            continue
        for count, share, n in sides:  # a two-sided finding: each side on its own
            if row[count] is not None and in_band(row[count], row[n]):
                found.append(f"{report['quarter']} {where}: {row[count]} of {row[n]} beside the words")
            elif row[count] is None and row[share] is not None:
                found.append(f"{report['quarter']} {where}: share {row[share]} without its count")
        if any(row[c] is None for (c, _, _) in sides) and any(
                row.get(k) is not None for k in ("difference", "low", "high")):
            found.append(f"{report['quarter']} {where}: difference {row['difference']} with a side worded")
    return found


def _pairs(where: str, row: dict):
    """Every (part, whole) a row prints as numbers, for the band check."""
    if where.endswith(".shares"):
        yield row["count"], row["n"]
    for sides in _SIDES:
        for count, _, n in sides:
            if count in row:
                yield row[count], row[n]
    if where == "response_rates":
        yield row["responses"], row["invited"]
    if where == "come_back":
        yield row["yes"], row["answered"]
    if where == "conditions" and row["n4"] is not None:
        yield row["n4"] + row["n5"], row["answered"]
    if where in ("turnover", "early_leavers"):
        whole = row.get("headcount", row.get("hired"))
        if row["leavers"] is not None and whole is not None and row["leavers"] <= whole:
            yield row["leavers"], round(whole)


def printed_in_band(report: dict) -> list[str]:
    """Any printed count whose share the sameness rule words (whatever the row's text says)."""
    return [f"{report['quarter']} {where}: {part} of {whole}"
            for where, row in rows_of(report) for part, whole in _pairs(where, row)
            if part is not None and in_band(part, whole)]


def _group_sizes(report: dict) -> dict:
    sizes = {}
    for table in report["reasons"]:
        if table["dims"] == ["tenure_band"]:
            for group in table["groups"]:
                if group["shown"]:
                    sizes[table["source"], table["window"], group["tenure_band"]] = group["n"]
    return sizes


def answer_level_leaks(report: dict) -> list[str]:
    """Defect 2: counts of a question that too few answered (or too few did not)."""
    sizes, found = _group_sizes(report), []
    for name, columns in _QUESTION_NUMBERS.items():
        for row in report[name]:
            where = (f"{report['quarter']} {name} {row['window']} {row['tenure_band']} "
                     f"{row.get('question', '')}")
            printed = {c: row[c] for c in columns if row.get(c) is not None}
            answered = row["answered"]
            n = sizes.get((row["source"], row["window"], row["tenure_band"]))
            if answered is None:
                if printed:
                    found.append(f"{where}: {printed} without the number who answered")
            elif answered < K:
                found.append(f"{where}: answered {answered} < {K}, printed {printed}")
            elif n is not None and _small(n - answered):
                found.append(f"{where}: answered {answered} of {n}: {n - answered} did not answer")
            elif row.get("dont_know") is not None and n is not None and (
                    _small(row["dont_know"]) or _small(n - answered - row["dont_know"])):
                found.append(f"{where}: vet ej {row['dont_know']}, answered {answered} of {n}")
    return found


def response_rate_leaks(report: dict) -> list[str]:
    """Defect 3: invited and responses not gated together."""
    found = []
    for row in report["response_rates"]:
        where = f"{report['quarter']} response_rates {row['window']} {row['administration']}/{row['unit']}"
        invited, responses = row["invited"], row["responses"]
        if (invited is None) != (responses is None):
            found.append(f"{where}: invited {invited}, responses {responses}")
        elif invited is not None and (_small(invited - responses) or _small(responses)):
            found.append(f"{where}: {responses} of {invited} invited")
        if row["rate"] is not None and (invited is None or responses is None):
            found.append(f"{where}: rate {row['rate']} without its numbers")
    return found


def numbers_in_sentences(report: dict) -> list[str]:
    """Whole numbers a finding's sentence prints besides percentages, periods and group sizes."""
    found = []
    for name in ("comparisons", "changes", "sources", "trends", "lessons"):
        for row in report[name] or []:
            sizes = {str(row.get(k)) for k in ("n1", "n2", "n_survey", "n_interview", "quarters")}
            for key in ("sentence_sv", "sentence_en", "finding_sv", "finding_en"):
                text = row.get(key)
                if not isinstance(text, str):
                    continue
                text = re.sub(r"\d{4}Q[1-4]|\d+ ?%|\d+ (?:kvartal|quarters)|”[^”]*”|“[^”]*”", "",
                              text)
                found += [f"{report['quarter']} {name}: {number} in {row[key]!r}"
                          for number in re.findall(r"(?<![\d,.])\d+(?![\d,.])", text)
                          if number not in sizes]
    return found


# --- the demo's reports ------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_exact_beside_a_protective_word(seed):
    found = [d for report in published(seed) for d in exact_beside_words(report)]
    assert not found, f"{len(found)} rows, e.g. {found[:5]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_no_finding_sentence_prints_a_count(seed):
    """Sentences give shares as percentages or words and groups by their size, never a count."""
    found = [d for report in published(seed) for d in numbers_in_sentences(report)]
    assert not found, f"{len(found)} numbers, e.g. {found[:5]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_no_printed_count_lies_in_the_sameness_band(seed):
    found = [d for report in published(seed) for d in printed_in_band(report)]
    assert not found, f"{len(found)} counts, e.g. {found[:5]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_every_number_of_a_question_needs_the_answer_level_minimum(seed):
    found = [d for report in published(seed) for d in answer_level_leaks(report)]
    assert not found, f"{len(found)} question groups, e.g. {found[:5]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_response_rates_gate_invited_and_responses_together(seed):
    found = [d for report in published(seed) for d in response_rate_leaks(report)]
    assert not found, f"{len(found)} rows, e.g. {found[:5]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_words_stay_and_the_figures_are_still_there(seed):
    """The fix blanks numbers, it does not drop rows or words."""
    reports = published(seed)
    worded = sum(_protective(row) for report in reports for _, row in rows_of(report))
    assert worded > 100
    for report in reports:
        for table in report["reasons"]:
            shown = sum(g["shown"] for g in table["groups"])
            assert len(table["shares"]) == shown * 2 * len(report["reason_labels"])
            assert all(s["text_sv"] for s in table["shares"])
        rates = [r for r in report["response_rates"] if r["window"] == report["quarter"]]
        assert rates and all(r["text_sv"] for r in rates)
        assert any(r["rate"] is not None for r in report["response_rates"])
        assert all(row["text_sv"] for name in _QUESTION_NUMBERS for row in report[name])


# --- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("config", [GateConfig(), GateConfig(min_respondents=3, sameness_band=0.05),
                                    GateConfig(min_respondents=8, min_comment_group=10,
                                               sameness_band=0.2)])
def test_sameness_and_exact_share_say_what_format_share_writes(config):
    parts, wholes = zip(*[(p, w) for w in range(0, 160) for p in range(0, w + 1)], strict=True)
    texts = [format_share(p, w, config) for p, w in zip(parts, wholes, strict=True)]
    words = np.array([t in PROTECTIVE_WORDS for t in texts])
    percent = np.array([t.endswith("%") for t in texts])
    np.testing.assert_array_equal(sameness(parts, wholes, config), words)
    np.testing.assert_array_equal(exact_share(parts, wholes, config), percent)
    assert {format_share(0, 20, config, lang=lang) for lang in ("sv", "en")} | {
        format_share(20, 20, config, lang=lang) for lang in ("sv", "en")} == set(PROTECTIVE_WORDS)


def test_exact_share_is_false_for_missing_and_impossible_values():
    assert exact_share([np.nan, 3, 5, -1], [20, np.nan, 4, 20], CONFIG).tolist() == [False] * 4
    assert not sameness([np.nan], [20], CONFIG)[0]


def test_few_and_the_answer_level_minimum():
    assert few([0, 1, 4, 5, 12, np.nan], CONFIG).tolist() == [False, True, True, False, False, False]
    # answered of a group of n: at least k answered, and none or at least k did not.
    cases = {(3, 12): False, (4, 4): False, (5, 5): True, (5, 9): False, (5, 10): True, (27, 28): False,
             (27, 32): True, (28, 28): True}
    got = answers_released([a for a, _ in cases], [n for _, n in cases], CONFIG)
    assert got.tolist() == list(cases.values())
    assert answers_released([3, 3], [3, 6], GateConfig(min_respondents=3)).tolist() == [True, True]


def test_withhold_blanks_counts_as_nullable_integers_and_leaves_the_rest():
    frame = pd.DataFrame({"count": [3, 1], "share": [0.3, 0.1], "text": ["30 %", "inga"],
                          "flag": [True, False]})
    withhold(frame, [True, False], ["count", "share", "absent"])
    assert str(frame["count"].dtype) == "Int64" and frame["count"].tolist()[0] == 3
    assert pd.isna(frame.loc[1, "count"]) and np.isnan(frame.loc[1, "share"])
    assert frame["text"].tolist() == ["30 %", "inga"] and frame["flag"].tolist() == [True, False]


# --- each figure on hand-made data -------------------------------------------------------

Q = "2026Q3"
AFTER = date(2026, 10, 2)


def _report(rows, answers, **extra):
    return quarterly_report(frame_data(rows, answers, **extra), Q, catalogue=catalogue(), config=CONFIG,
                            today=AFTER)


def _people(count: int, start: int = 0, band: str = "2_5y", **row):
    return [{"response_id": start + i, "tenure_band": band, **row} for i in range(count)]


def _answer(rid, question, option=None, value=None):
    return {"response_id": rid, "question": question, "option": option, "value": value}


def test_reason_shares_in_words_carry_no_numbers_and_statistics_still_see_them():
    rows, answers = reason_rows({("lt_6m", "VO01"): (1, 11), ("2_5y", "VO02"): (12, 20)})
    report = _report(rows, answers)
    table = report.reason_table("survey", Q, ("tenure_band",))
    shares = table.shares[table.shares["measure"] == "mentioned"].set_index(["tenure_band", "reason"])
    one = shares.loc[("lt_1y", "introduction")]  # 1 of 11
    assert one["text_sv"] == "inga eller nästan inga"
    assert one[["count", "share", "low", "high"]].isna().all() and one["n"] == 11
    ten = shares.loc[("lt_1y", "pay")]  # 10 of 11
    assert ten["text_en"] == "all or nearly all" and pd.isna(ten["count"])
    mid = shares.loc[("gt_2y", "introduction")]
    assert (mid["count"], mid["text_sv"]) == (12, "60 %") and mid["low"] == mid["low"]
    inside = table.internal_counts.set_index(["measure", "tenure_band", "reason"])
    assert inside.loc[("mentioned", "lt_1y", "introduction"), "count"] == 1
    assert all("internal_counts" not in entry for entry in report.as_dict()["reasons"])
    assert "internal_counts" not in report.to_json()


def test_an_association_does_not_give_a_worded_total_back():
    rows, answers = reason_rows({("lt_6m", "VO01"): (1, 15), ("2_5y", "VO02"): (1, 20)})
    report = _report(rows, answers)
    found = report.associations.set_index(["window", "measure", "reason"])
    # 2 of 35 named the introduction: in words, and min_expected (2 x 15 / 35) would say 2.
    assert pd.isna(found.loc[(Q, "mentioned", "introduction"), "min_expected"])
    assert found.loc[(Q, "mentioned", "introduction"), "pvalue"] == found.loc[
        (Q, "mentioned", "introduction"), "pvalue"]
    total = report.reason_table("survey", Q, ("tenure_band",)).shares.set_index(
        ["measure", "tenure_band", "reason"]).loc[("mentioned", "*", "introduction")]
    assert total["text_sv"] == "inga eller nästan inga" and pd.isna(total["count"])


def test_comparison_with_a_worded_side_keeps_the_other_side_and_no_difference():
    rows, answers = reason_rows({("lt_6m", "VO01"): (40, 40), ("2_5y", "VO02"): (12, 40)})
    report = _report(rows, answers)
    row = report.comparisons.set_index(["window", "measure", "reason"]).loc[(Q, "mentioned",
                                                                               "introduction")]
    assert "alla eller nästan alla" in row["sentence_sv"]
    assert pd.isna(row["count1"]) and np.isnan(row["share1"]) and row["n1"] == 40
    assert (row["count2"], row["n2"]) == (12, 40) and row["share2"] == pytest.approx(0.3)
    assert np.isnan(row["difference"]) and np.isnan(row["low"]) and np.isnan(row["high"])
    assert row["adjusted"] < 0.01 and row["clear"]
    lesson = next(lesson for lesson in report.lessons if lesson.reason == "introduction")
    assert math.isnan(lesson.difference) and "alla eller nästan alla" in lesson.finding_sv
    published_lesson = next(entry for entry in report.as_dict()["lessons"]
                            if entry["reason"] == "introduction")
    assert published_lesson["difference"] is None and published_lesson["adjusted"] < 0.01


def test_a_question_too_few_answered_carries_no_number_at_all():
    rows = _people(12)
    answers = [_answer(i, "reasons", "pay") for i in range(12)]
    answers += [_answer(i, "come_back", ["yes", "no", "unsure"][i % 3]) for i in range(3)]
    answers += [_answer(i, "recommend", value=float(i)) for i in range(3)]
    answers += [_answer(i, "cond_pay", value=float(1 + i % 5)) for i in range(3)]
    answers += [_answer(i, "cond_pay", "dont_know") for i in range(3, 7)]
    report = _report(rows, answers)
    for name, columns in _QUESTION_NUMBERS.items():
        frame = getattr(report, name)
        row = frame[(frame["window"] == Q) & (frame["tenure_band"] == "*")]
        if name == "conditions":
            row = row[row["question"] == "cond_pay"]
        row = row.iloc[0]
        assert row[list(columns)].isna().all(), (name, row[list(columns)].to_dict())
        assert row["text_sv"] == "färre än 5 har svarat på frågan"


def test_answered_and_not_answered_are_gated_together():
    rows = _people(12)
    answers = [_answer(i, "reasons", "pay") for i in range(12)]
    answers += [_answer(i, "come_back", "yes" if i % 2 else "no") for i in range(11)]  # 1 did not
    answers += [_answer(i, "cond_pay", value=float(1 + i % 5)) for i in range(10)]
    answers += [_answer(i, "cond_pay", "dont_know") for i in range(10, 12)]  # 2 vet ej
    answers += [_answer(i, "cond_schedule", value=float(1 + i % 5)) for i in range(12)]
    report = _report(rows, answers)
    come_back = report.come_back.set_index(["window", "tenure_band"]).loc[(Q, "*")]
    assert come_back[list(_QUESTION_NUMBERS["come_back"])].isna().all()
    assert come_back["text_sv"] == "dolt så att andra små grupper inte kan räknas fram"
    conditions = report.conditions[(report.conditions["window"] == Q)
                                   & (report.conditions["tenure_band"] == "*")].set_index("question")
    assert conditions.loc["cond_pay", list(_QUESTION_NUMBERS["conditions"])].isna().all()
    schedule = conditions.loc["cond_schedule"]
    assert schedule["answered"] == 12 and schedule["dont_know"] == 0 and schedule["n1"] == 3


def test_vet_ej_is_shown_only_when_it_and_the_unanswered_are_none_or_enough():
    rows = _people(30)
    answers = [_answer(i, "reasons", "pay") for i in range(30)]
    answers += [_answer(i, "cond_pay", value=float(1 + i % 5)) for i in range(20)]
    answers += [_answer(i, "cond_pay", "dont_know") for i in range(20, 28)]  # 8 vet ej, 2 nothing
    answers += [_answer(i, "cond_schedule", value=float(1 + i % 5)) for i in range(20)]
    answers += [_answer(i, "cond_schedule", "dont_know") for i in range(20, 30)]  # 10 vet ej
    report = _report(rows, answers)
    conditions = report.conditions[(report.conditions["window"] == Q)
                                   & (report.conditions["tenure_band"] == "*")].set_index("question")
    pay, schedule = conditions.loc["cond_pay"], conditions.loc["cond_schedule"]
    assert pay["answered"] == 20 and pd.isna(pay["dont_know"]) and pay["n1"] == 4
    assert schedule["answered"] == 20 and schedule["dont_know"] == 10
    assert pay["text_sv"] == "40 %"


def test_worded_answer_shares_carry_no_counts():
    rows = _people(20)
    answers = [_answer(i, "reasons", "pay") for i in range(20)]
    answers += [_answer(i, "come_back", "no" if i else "unsure") for i in range(20)]  # yes: none
    answers += [_answer(i, "recommend", value=float(i % 7)) for i in range(20)]  # all 0-6
    answers += [_answer(i, "cond_pay", value=float(1 + i % 2)) for i in range(20)]  # nobody 4-5
    report = _report(rows, answers)
    come_back = report.come_back.set_index(["window", "tenure_band"]).loc[(Q, "*")]
    assert come_back["text_sv"] == "inga eller nästan inga" and come_back["answered"] == 20
    assert come_back[["yes", "no", "unsure", "share", "low", "high"]].isna().all()
    recommend = report.recommend.set_index(["window", "tenure_band"]).loc[(Q, "*")]
    assert recommend[["score", "low", "high"]].isna().all() and recommend["answered"] == 20
    assert recommend["text_sv"] == "inga eller nästan inga gav 9–10, alla eller nästan alla gav 0–6"
    pay = report.conditions.set_index(["window", "tenure_band", "question"]).loc[(Q, "*", "cond_pay")]
    assert pay["text_sv"] == "inga eller nästan inga" and pay["answered"] == 20
    assert pay[["n1", "n2", "n3", "n4", "n5", "mean", "share_good", "low", "high"]].isna().all()


def _rates(asked: dict[str, int], answered: dict[str, int]):
    rows, start = [], 0
    for unit, count in answered.items():
        rows += _people(count, start, unit=unit)
        start += count
    answers = [_answer(row["response_id"], "reasons", "pay") for row in rows]
    invitations = pd.DataFrame({"period": Q, "administration": "VO", "unit": list(asked),
                                "tenure_band": "2_5y", "invited": list(asked.values()),
                                "used": [answered.get(u, 0) for u in asked]})
    report = _report(rows, answers, invitations=invitations)
    return report.response_rates.set_index(["administration", "unit"])


def test_response_rates_carry_numbers_only_when_both_parts_are_safe():
    rates = _rates({"VO01": 40, "VO02": 12, "VO03": 30, "VO04": 9, "VO05": 8},
                   {"VO01": 24, "VO02": 10, "VO03": 30, "VO04": 3, "VO05": 4})
    numbers = ["responses", "invited", "rate", "low", "high"]
    vo01 = rates.loc[("VO", "VO01")]
    assert (vo01["responses"], vo01["invited"], vo01["text_sv"]) == (24, 40, "60 %")
    vo02 = rates.loc[("VO", "VO02")]  # 2 did not answer: neither number, and no percentage
    assert vo02[numbers].isna().all() and vo02["text_sv"] == "dolt så att andra små grupper inte kan " \
                                                            "räknas fram"
    vo03 = rates.loc[("VO", "VO03")]  # everyone answered: the words, no numbers
    assert vo03[numbers].isna().all() and vo03["text_sv"] == "alla eller nästan alla"
    vo04 = rates.loc[("VO", "VO04")]  # the responses are hidden: the number invited is too
    assert not vo04["shown"] and vo04[numbers].isna().all()
    assert vo04["text_sv"].startswith("färre än 5 svar")
    total = rates.loc[("VO", "*")]  # 71 of 99
    assert (total["responses"], total["invited"], total["text_sv"]) == (71, 99, "72 %")


def test_turnover_in_words_carries_no_leavers():
    from analysis import parse_headcount_csv

    rows = _people(12, unit="VO01")
    answers = [_answer(row["response_id"], "reasons", "pay") for row in rows]
    invitations = pd.DataFrame({"period": Q, "administration": "VO", "unit": ["VO01", "VO02"],
                                "tenure_band": "2_5y", "invited": [15, 6], "used": [12, 0]})
    headcount = parse_headcount_csv("unit_code,quarter,headcount,hired\nVO01,2026Q3,200,4\n"
                                    "VO02,2026Q3,30,2\n")
    org = pd.DataFrame({"unit": ["VO01", "VO02"], "unit_name": ["A", "B"], "administration": "VO",
                        "administration_name": "Vård och omsorg"})
    report = _report(rows, answers, invitations=invitations, headcount=headcount, org=org)
    turnover = report.turnover.set_index(["administration", "unit"])
    total = turnover.loc[("*", "*")]  # 21 of 230
    assert total["text_sv"] == "inga eller nästan inga" and pd.isna(total["leavers"])
    assert np.isnan(total["rate"]) and total["headcount"] == 230
    assert not exact_beside_words(report.as_dict())
