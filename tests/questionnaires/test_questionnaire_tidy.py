"""Answers from several versions land in one tidy table by stable question keys."""

from __future__ import annotations

import copy

import pytest

from questionnaires import TIDY_COLUMNS, load_catalogue, tidy_responses

RECORDS = [
    {
        "response_id": "a1",
        "period": "2025Q1",
        "questionnaire": "demo",
        "version": 1,
        "answers": {
            "reasons": ["pay", "workload"],
            "main_reason": "workload",
            "satisfaction": 2,
            "recommend": "no",
            "comment": "<b>Tungt</b>",
        },
    },
    {
        "response_id": "b2",
        "period": "2025Q2",
        "questionnaire": "demo",
        "version": 2,
        "answers": {
            "reasons": ["commute"],
            "main_reason": "commute",
            "satisfaction": "dont_know",
            "recommend_score": 8,
        },
    },
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    import shutil
    from pathlib import Path

    from questionnaires import default_directory
    from questionnaires.loader import SHARED_FILES

    folder = tmp_path_factory.mktemp("versions")
    for name in SHARED_FILES:
        shutil.copy(default_directory() / name, folder / name)
    for source in (Path(__file__).parent / "fixtures" / "versions").glob("*.toml"):
        shutil.copy(source, folder / source.name)
    return load_catalogue(folder)


def test_two_versions_in_one_table(catalogue):
    table = tidy_responses(RECORDS, catalogue)
    assert list(table.columns) == ["response_id", "period", *TIDY_COLUMNS]
    rows = table[["response_id", "version", "question", "option", "value"]].values.tolist()
    assert rows == [
        ["a1", 1, "reasons", "pay", None],
        ["a1", 1, "reasons", "workload", None],
        ["a1", 1, "main_reason", "workload", None],
        ["a1", 1, "satisfaction", None, 2],
        ["a1", 1, "recommend", "no", None],
        ["a1", 1, "comment", None, "<b>Tungt</b>"],
        ["b2", 2, "reasons", "commute", None],
        ["b2", 2, "main_reason", "commute", None],
        ["b2", 2, "satisfaction", "dont_know", None],
        ["b2", 2, "recommend_score", None, 8],
    ]


def test_the_reworded_question_is_counted_together(catalogue):
    table = tidy_responses(RECORDS, catalogue)
    satisfaction = table[table["question"] == "satisfaction"]
    assert satisfaction["version"].tolist() == [1, 2]
    reasons = table[table["question"] == "reasons"]
    assert reasons["option"].value_counts().to_dict() == {"pay": 1, "workload": 1, "commute": 1}
    assert set(table["question"]) >= {"recommend", "recommend_score"}


def test_types_are_recorded(catalogue):
    table = tidy_responses(RECORDS, catalogue)
    kinds = dict(zip(table["question"], table["question_type"], strict=False))
    assert kinds["reasons"] == "multiple_choice"
    assert kinds["main_reason"] == "main_followup"
    assert kinds["satisfaction"] == "likert_5"
    assert kinds["recommend_score"] == "scale_0_10"
    assert str(table["version"].dtype) == "int64"


def test_inputs_are_not_changed(catalogue):
    before = copy.deepcopy(RECORDS)
    tidy_responses(iter(RECORDS), catalogue)
    assert before == RECORDS


def test_no_records_give_an_empty_table(catalogue):
    table = tidy_responses([], catalogue)
    assert table.empty
    assert list(table.columns) == list(TIDY_COLUMNS)


def test_declined_answers(shipped):
    record = {
        "response_id": "i1",
        "questionnaire": "exit_interview",
        "version": 1,
        "answers": {"reasons": "declined", "leadership": 4},
    }
    table = tidy_responses([record], shipped)
    assert table[["question", "option", "value"]].values.tolist() == [
        ["reasons", "declined", None],
        ["leadership", None, 4],
    ]


def test_unknown_version_or_question_is_refused(catalogue):
    with pytest.raises(ValueError, match="unknown questionnaire 'demo' v3"):
        tidy_responses([{"questionnaire": "demo", "version": 3, "answers": {}}], catalogue)
    with pytest.raises(ValueError, match="'recommend_score' is not a question of demo v1"):
        tidy_responses(
            [{"questionnaire": "demo", "version": 1, "answers": {"recommend_score": 3}}],
            catalogue,
        )
    with pytest.raises(ValueError, match="has no 'answers'"):
        tidy_responses([{"questionnaire": "demo", "version": 1}], catalogue)


def test_current_and_older_versions(catalogue):
    assert catalogue.current("demo").version == 2
    assert catalogue.get("demo", 1).question("recommend").type == "yes_no_unsure"
    assert [q.version for q in catalogue.versions("demo")] == [1, 2]
