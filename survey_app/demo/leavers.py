"""Two years of synthetic leavers and exit-survey answers, with the patterns HR expects.

Early leavers more often name introduction, schedule and workload; later leavers pay,
development and (after many years) retirement. `generate_leavers` is pure and seeded,
so the analysis benchmark can ask it for a million rows without a database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from survey_app.periods import shift_quarter

TENURE_WEIGHTS = {"lt_6m": 14, "6_12m": 14, "1_2y": 18, "2_5y": 22, "5_10y": 15, "gt_10y": 17}
EARLY = {"lt_6m", "6_12m", "1_2y"}
# Reason weights for early leavers and for the rest; the difference is the story.
REASONS_EARLY = {"introduction": 9, "working_hours": 8, "workload": 8, "leadership": 5,
                 "pay": 4, "pay_elsewhere": 3, "commute": 3, "employment_form": 5,
                 "competence_use": 3, "work_environment": 4, "studies": 3, "moving": 2,
                 "private_reasons": 2, "development": 2, "health": 1, "other": 1,
                 "organisational_change": 1, "retirement": 0}
REASONS_LATER = {"pay": 8, "pay_elsewhere": 6, "development": 7, "leadership": 4,
                 "workload": 5, "working_hours": 3, "introduction": 1, "commute": 2,
                 "organisational_change": 3, "work_environment": 3, "health": 3,
                 "competence_use": 3, "moving": 2, "private_reasons": 2, "studies": 1,
                 "employment_form": 1, "other": 1, "retirement": 2}
ENDINGS = {"own_resignation": 78, "fixed_term_ended": 12, "other": 4}
CONDITIONS = ["cond_introduction", "cond_leadership", "cond_workload", "cond_schedule",
              "cond_pay", "cond_development", "cond_colleagues", "cond_work_environment"]
CONDITION_REASON = {"cond_introduction": "introduction", "cond_leadership": "leadership",
                    "cond_workload": "workload", "cond_schedule": "working_hours",
                    "cond_pay": "pay", "cond_development": "development",
                    "cond_work_environment": "work_environment"}
STAY_TEXTS = [
    "En ordentlig introduktion med en handledare de första veckorna.",
    "Ett schema utan delade turer och fler helger lediga.",
    "Högre lön, i nivå med grannkommunen.",
    "Mindre stress och fler kollegor på passen.",
    "Möjlighet att gå upp till heltid.",
    "En chef som hade tid att lyssna.",
    "Chans att utbilda mig vidare inom jobbet.",
]
COMMENTS = [
    "Fina kollegor, men för lite tid för de boende.",
    "Tack för den här tiden.",
    "Bättre planering vid sjukfrånvaro skulle hjälpa mycket.",
    "Ring mig gärna på 070-123 45 67 om ni vill veta mer.",
    "Introduktionen var bara två dagar, det räckte inte.",
]


@dataclass(frozen=True)
class SyntheticLeaver:
    unit_code: str
    occupational_group_code: str
    tenure_band: str
    ending_type: str
    quarter: str
    responded: bool
    answers: dict
    texts: dict


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def answers_for(rng: random.Random, band: str, ending: str) -> tuple[dict, dict]:
    """One plausible set of exit-survey answers for a leaver of this tenure band."""
    if ending == "retirement":
        reasons = ["retirement"] + (["workload"] if rng.random() < 0.3 else [])
    else:
        weights = dict(REASONS_EARLY if band in EARLY else REASONS_LATER)
        weights.pop("retirement", None)
        reasons = []
        for _ in range(rng.choice([1, 2, 2, 3])):
            reason = _pick(rng, weights)
            if reason not in reasons:
                reasons.append(reason)
    answers: dict = {"reasons": reasons, "main_reason": reasons[0]}
    for condition in CONDITIONS:
        if rng.random() < 0.08:
            answers[condition] = "dont_know"
            continue
        named = CONDITION_REASON.get(condition) in reasons
        low, high = (1, 3) if named else (2, 5)
        answers[condition] = rng.randint(low, high)
    answers["recommend"] = max(0, min(10, round(rng.gauss(7.0 - 1.2 * len(reasons), 2.2))))
    answers["come_back"] = rng.choices(["yes", "no", "unsure"], weights=[4, 3, 3])[0]
    texts = {}
    if rng.random() < 0.55:
        texts["stay_factors"] = rng.choice(STAY_TEXTS)
    if rng.random() < 0.3:
        texts["comment"] = rng.choice(COMMENTS)
    return answers, texts


def generate_leavers(rng: random.Random, unit_groups: dict[str, list[str]], last_quarter: str,
                     quarters: int = 8, per_unit_quarter: float = 3.0,
                     response_rate: float = 0.62) -> Iterator[SyntheticLeaver]:
    """Leavers for every unit and quarter up to `last_quarter` (inclusive)."""
    for step in range(quarters - 1, -1, -1):
        quarter = shift_quarter(last_quarter, -step)
        for unit_code, groups in unit_groups.items():
            count = _poisson(rng, per_unit_quarter)
            for _ in range(count):
                band = _pick(rng, TENURE_WEIGHTS)
                ending = "retirement" if band == "gt_10y" and rng.random() < 0.45 \
                    else _pick(rng, ENDINGS)
                answers, texts = answers_for(rng, band, ending)
                yield SyntheticLeaver(unit_code, rng.choice(groups), band, ending, quarter,
                                      rng.random() < response_rate, answers, texts)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is plenty for small means.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
