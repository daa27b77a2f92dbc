"""Builders of analysis input for the analysis tests (not a conftest: imported by name).

``demo_data`` runs the demo's seeded leaver generator and reads its answers
through ``questionnaires.tidy_responses``, the same path the database
loader takes. ``frame_data`` builds a small AnalysisData by hand.
"""

from __future__ import annotations

import random
from functools import lru_cache

import pandas as pd

from analysis import AnalysisData
from questionnaires import load_catalogue, tidy_responses
from survey_app.demo.leavers import generate_leavers
from survey_app.demo.organisation import ADMINISTRATIONS


@lru_cache(maxsize=1)
def catalogue():
    return load_catalogue()


def demo_units(copies: int = 1) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Unit -> occupational groups, and unit -> administration, from the demo organisation."""
    groups, admin = {}, {}
    for code, _name, stems, unit_groups in ADMINISTRATIONS:
        for copy in range(copies):
            for number in range(1, len(stems) + 1):
                unit = f"{code}{number:02d}-{copy + 1}"
                groups[unit], admin[unit] = unit_groups, code
    return groups, admin


def records_to_data(leavers, admin: dict[str, str], *, source: str = "survey",
                    channel: str = "invitation", id_prefix: str = "r", cat=None) -> AnalysisData:
    """Responses of the leavers who answered, and invitations of all of them."""
    cat = cat or catalogue()
    rows, records, invitations = [], [], []
    for number, leaver in enumerate(leavers):
        invitations.append({"period": leaver.quarter, "administration": admin[leaver.unit_code],
                            "unit": leaver.unit_code, "tenure_band": leaver.tenure_band,
                            "invited": 1, "used": int(leaver.responded)})
        if not leaver.responded:
            continue
        rid = f"{id_prefix}{number}"
        rows.append({"response_id": rid, "source": source, "channel": channel,
                     "period": leaver.quarter, "administration": admin[leaver.unit_code],
                     "unit": leaver.unit_code, "occupational_group": leaver.occupational_group_code,
                     "tenure_band": leaver.tenure_band, "ending_type": leaver.ending_type})
        records.append({"response_id": rid, "questionnaire": "exit_survey", "version": 1,
                        "answers": leaver.answers})
    answers = tidy_responses(records, cat)
    invited = pd.DataFrame(invitations).groupby(
        ["period", "administration", "unit", "tenure_band"], as_index=False)[["invited", "used"]].sum()
    return AnalysisData(pd.DataFrame(rows), answers, invitations=invited)


def demo_leavers(seed: int = 7, last_quarter: str = "2026Q3", quarters: int = 8, copies: int = 1,
                 per_unit_quarter: float = 6.0, response_rate: float = 0.7):
    groups, admin = demo_units(copies)
    leavers = list(generate_leavers(random.Random(seed), groups, last_quarter, quarters,
                                    per_unit_quarter=per_unit_quarter, response_rate=response_rate))
    return leavers, admin


def demo_data(seed: int = 7, **options) -> AnalysisData:
    """Eight quarters of demo survey responses up to 2026Q3 (about 1,400 responses by default)."""
    leavers, admin = demo_leavers(seed, **options)
    return records_to_data(leavers, admin)


RESPONSE_DEFAULTS = {"source": "survey", "channel": "invitation", "period": "2026Q3",
                     "administration": "VO", "unit": "VO01", "occupational_group": "USK",
                     "tenure_band": "lt_6m", "ending_type": "own_resignation"}


def frame_data(rows: list[dict], answers: list[dict] | None = None, **extra) -> AnalysisData:
    """AnalysisData from response dicts (defaults filled in) and answer rows."""
    responses = pd.DataFrame([{**RESPONSE_DEFAULTS, "response_id": i, **row}
                              for i, row in enumerate(rows)])
    if responses.empty:
        responses = pd.DataFrame(columns=["response_id", *RESPONSE_DEFAULTS])
    answer_frame = pd.DataFrame(answers or [], columns=["response_id", "question", "option", "value"])
    return AnalysisData(responses, answer_frame, **extra)


def reason_rows(counts: dict[tuple[str, str], tuple[int, int]], period: str = "2026Q3",
                source: str = "survey", reason: str = "introduction", start: int = 0):
    """Responses by band with ``(named, total)`` per ``(band, unit)``: who named ``reason``."""
    rows, answers, rid = [], [], start
    for (band, unit), (named, total) in counts.items():
        for i in range(total):
            rows.append({"response_id": rid, "tenure_band": band, "unit": unit, "period": period,
                         "source": source, "channel": "invitation" if source == "survey" else None})
            chosen = reason if i < named else "pay"
            answers += [{"response_id": rid, "question": "reasons", "option": chosen, "value": None},
                        {"response_id": rid, "question": "main_reason", "option": chosen,
                         "value": None}]
            rid += 1
    return rows, answers
