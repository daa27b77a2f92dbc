"""The analysis input: checks, immutability, and answers of two questionnaire versions."""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisData, GateConfig, quarterly_report
from analysis._cube import build_cubes
from questionnaires import default_directory, load_catalogue, tidy_responses
from tests.analysis.analysis_fixtures import frame_data

TODAY = date(2026, 10, 2)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="tenure_band"):
        AnalysisData(pd.DataFrame({"response_id": [1]}), pd.DataFrame(
            {"response_id": [], "question": [], "option": [], "value": []}))


@pytest.mark.parametrize(("row", "message"), [
    ({"source": "manager"}, "source"),
    ({"channel": "email"}, "channel"),
    ({"period": "2026-07"}, "quarters"),
    ({"tenure_band": "3y"}, "tenure_band"),
    ({"unit": None}, "unit"),
])
def test_bad_values_are_refused(row, message):
    with pytest.raises(ValueError, match=message):
        frame_data([row])


def test_answers_must_belong_to_a_response_and_ids_must_be_unique():
    with pytest.raises(ValueError, match="not in responses"):
        frame_data([{}], [{"response_id": 7, "question": "reasons", "option": "pay", "value": None}])
    with pytest.raises(ValueError, match="unique"):
        frame_data([{"response_id": 1}, {"response_id": 1}])


def test_invitation_counts_are_checked():
    bad = pd.DataFrame({"period": ["2026Q3"], "administration": ["VO"], "unit": ["VO01"],
                        "tenure_band": ["lt_6m"], "invited": [2], "used": [3]})
    with pytest.raises(ValueError, match="used <= invited"):
        frame_data([{}], invitations=bad)


def test_missing_attributes_become_unknown_and_interviews_need_no_channel():
    data = frame_data([{"occupational_group": None, "ending_type": None},
                       {"source": "interview", "channel": None}])
    assert data.responses["occupational_group"].tolist() == ["unknown", "USK"]
    assert data.sources == ("survey", "interview")


def test_inputs_are_copied_and_not_mutated():
    responses = pd.DataFrame({"response_id": ["a", "b"], "source": "survey", "channel": "invitation",
                              "period": "2026Q3", "administration": [None, "VO"], "unit": "VO01",
                              "occupational_group": "USK", "tenure_band": ["lt_6m", None],
                              "ending_type": "own_resignation"})
    answers = pd.DataFrame({"response_id": ["a", "b"], "question": "reasons", "option": "pay",
                            "value": None})
    before = responses.copy(), answers.copy()
    data = AnalysisData(responses, answers)
    build_cubes(data)
    pd.testing.assert_frame_equal(responses, before[0])
    pd.testing.assert_frame_equal(answers, before[1])
    responses.loc[0, "unit"] = "changed"
    assert data.responses.loc[0, "unit"] == "VO01"
    assert data.answer_rows.tolist() == [0, 1]


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """The shipped catalogue plus an exit survey v2 that rewords one question and renames another."""
    folder = tmp_path_factory.mktemp("questionnaires")
    for path in default_directory().glob("*.toml"):
        shutil.copy(path, folder / path.name)
    text = (folder / "exit_survey.v1.toml").read_text(encoding="utf-8")
    text = text.replace("version = 1", "version = 2", 1)
    text = text.replace('text.sv = "Arbetstider och schema"', 'text.sv = "Ditt schema och dina arbetstider"')
    text = text.replace('key = "cond_pay"', 'key = "cond_pay_compared"')
    text = text.replace('text.sv = "Lönen"\ntext.en = "Pay"',
                        'text.sv = "Lönen jämfört med andra arbetsgivare"\n'
                        'text.en = "Pay compared with other employers"')
    (folder / "exit_survey.v2.toml").write_text(text, encoding="utf-8")
    return load_catalogue(folder)


def test_two_versions_are_read_into_one_table_by_stable_keys(two_versions):
    records, rows = [], []
    for i in range(24):
        version = 1 if i < 12 else 2  # the version changes between Q1 and Q2
        quarter = "2026Q1" if version == 1 else "2026Q2"
        pay_key = "cond_pay" if version == 1 else "cond_pay_compared"
        records.append({"response_id": i, "questionnaire": "exit_survey", "version": version,
                        "answers": {"reasons": ["pay"] if i % 2 else ["introduction", "pay"],
                                    "main_reason": "pay", "cond_schedule": 1 + i % 5,
                                    pay_key: 2, "recommend": i % 11}})
        rows.append({"response_id": i, "period": quarter, "tenure_band": "lt_6m" if i % 3 else "2_5y"})
    answers = tidy_responses(records, two_versions)
    data = frame_data(rows, answers.to_dict("records"))
    report = quarterly_report(data, "2026Q2", catalogue=two_versions,
                              config=GateConfig(min_respondents=3), today=TODAY)
    year = report.reason_table("survey", "2025Q3–2026Q2", ("tenure_band",))
    counts = year.internal_counts
    total = counts[(counts["tenure_band"] == "*") & (counts["measure"] == "mentioned")]
    named = total.set_index("reason")["count"]
    assert named["pay"] == 24 and named["introduction"] == 12
    # Everyone named pay: the published row says so in words and carries no number.
    shown = year.shares[(year.shares["tenure_band"] == "*") & (year.shares["measure"] == "mentioned")]
    pay = shown.set_index("reason").loc["pay"]
    assert pay["text_sv"] == "alla eller nästan alla" and pd.isna(pay["count"]) and pd.isna(pay["low"])
    conditions = report.conditions[(report.conditions["window"] == "2025Q3–2026Q2")
                                   & (report.conditions["tenure_band"] == "*")].set_index("question")
    assert conditions.loc["cond_schedule", "answered"] == 24  # reworded: still one question
    assert conditions.loc["cond_pay", "answered"] == 12  # renamed: two questions, not mixed
    assert conditions.loc["cond_pay_compared", "answered"] == 12
    expected = np.bincount([1 + i % 5 for i in range(24)], minlength=6)[1:]
    got = conditions.loc["cond_schedule", ["n1", "n2", "n3", "n4", "n5"]].to_numpy(dtype=int)
    assert got.tolist() == expected.tolist()
    assert conditions.loc["cond_pay_compared", "label_sv"] == "Lönen jämfört med andra arbetsgivare"
