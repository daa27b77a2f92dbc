"""The shipped questionnaire files: valid, complete, and shaped as the product needs."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

import questionnaires
from questionnaires import KINDS, Text, check, default_directory


def test_shipped_files_pass_the_check():
    assert check() == []
    assert check(default_directory()) == []


def test_cli_check_passes_on_the_shipped_files():
    result = subprocess.run(
        [sys.executable, "-m", "questionnaires", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK")


def test_cli_needs_a_command():
    result = subprocess.run(
        [sys.executable, "-m", "questionnaires"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2


def test_the_three_instruments_are_current(shipped):
    assert shipped.questionnaire_keys() == ("exit_interview", "exit_survey", "health_factors")
    # exit_survey v2 asks open-link respondents for their band (with "Vill inte svara")
    # and offers "Annan yrkesgrupp"; v1 stays for the answers given in it.
    assert {k: shipped.current(k).version for k in shipped.questionnaire_keys()} == \
        {"exit_interview": 1, "exit_survey": 2, "health_factors": 1}
    assert shipped.get("exit_survey", 1).version == 1
    assert shipped.current("exit_survey").anonymous
    assert shipped.current("health_factors").anonymous
    assert not shipped.current("exit_interview").anonymous


def test_reason_taxonomy(shipped):
    keys = [reason.key for reason in shipped.reasons]
    assert 14 <= len(keys) <= 18
    assert {
        "pay",
        "pay_elsewhere",
        "working_hours",
        "commute",
        "introduction",
        "development",
        "workload",
        "work_environment",
        "leadership",
        "competence_use",
        "employment_form",
        "organisational_change",
        "health",
        "retirement",
        "studies",
        "moving",
        "private_reasons",
        "other",
    } <= set(keys)
    steps = {step.key for step in shipped.frameworks.aruba_steps}
    assert steps == {"attrahera", "rekrytera", "utveckla", "behalla", "avsluta"}
    for reason in shipped.reasons:
        assert reason.aruba in steps
        assert all(1 <= n <= 9 for n in reason.skr_strategies)
        assert all(1 <= n <= 8 for n in reason.health_factors)
        if reason.key != "other":
            assert reason.skr_strategy is not None, reason.key
    assert shipped.reason("leadership").skr_strategy == 5
    assert shipped.frameworks.strategy(5).name.sv == "Stärk chefens förutsättningar att leda"
    assert shipped.frameworks.health_factor(8).name.en == "Early support and work adjustment"


def test_survey_and_interview_share_the_reasons(shipped):
    survey = shipped.current("exit_survey").question("reasons")
    interview = shipped.current("exit_interview").question("reasons")
    keys = [reason.key for reason in shipped.reasons]
    assert [o.key for o in survey.options] == keys
    assert [o.key for o in interview.options] == keys
    assert survey.main_followup.key == interview.main_followup.key == "main_reason"


def test_exit_survey_shape(shipped):
    survey = shipped.current("exit_survey")
    assert 3 <= len(survey.sections) <= 5
    conditions = survey.section("conditions").questions
    assert [q.type for q in conditions] == ["likert_5"] * 8
    assert all(q.low is not None and q.high is not None for q in conditions)
    assert survey.question("recommend").type == "scale_0_10"
    assert survey.question("come_back").type == "yes_no_unsure"
    assert survey.question("stay_factors").type == "long_text"
    open_only = [q.key for q in survey.questions() if q.only_in_mode == "open_link"]
    assert open_only == ["tenure_band", "occupational_group"]
    assert survey.question("occupational_group").options_from == "occupational_groups"
    assert [o.key for o in survey.question("tenure_band").options] == [
        "lt_6m",
        "6_12m",
        "1_2y",
        "2_5y",
        "5_10y",
        "gt_10y",
        "declined",  # issue 12: asked for, with "Vill inte svara"
    ]
    assert survey.question("tenure_band").required
    assert [o.key for o in survey.question("occupational_group").options] == ["other", "declined"]
    for language in ("sv", "en"):
        assert "{min_respondents}" in survey.intro.get(language)  # filled in by the app


def test_exit_interview_guide_shape(shipped):
    guide = shipped.current("exit_interview")
    assert guide.allow_decline
    assert [s.key for s in guide.sections] == [
        "opening",
        "job",
        "reasons",
        "stay",
        "leadership_environment",
        "knowledge_transfer",
        "recommend_return",
        "closing",
    ]
    assert all(section.prompts for section in guide.sections)
    assert not any(q.required for q in guide.questions())
    handover = [q.key for q in guide.section("knowledge_transfer").questions]
    assert handover == ["handover_tasks", "handover_contacts", "handover_documents", "handover_to"]


def test_health_factor_questionnaire_shape(shipped):
    health = shipped.current("health_factors")
    assert [s.health_factor for s in health.sections] == list(range(1, 9))
    for section in health.sections:
        assert 2 <= len(section.questions) <= 3
        assert 2 <= len(section.discussion) <= 3
        assert all(q.type == "likert_5" for q in section.questions)
    assert "{min_respondents}" in health.intro.sv


def test_dimensions(shipped):
    dimensions = shipped.dimensions
    assert [b.key for b in dimensions.tenure_bands] == [
        "lt_6m",
        "6_12m",
        "1_2y",
        "2_5y",
        "5_10y",
        "gt_10y",
    ]
    assert dimensions.tenure_band("6_12m").rollup == "lt_1y"
    assert [o.key for o in dimensions.tenure_rollups] == ["lt_1y", "1_2y", "gt_2y"]
    assert [o.key for o in dimensions.ending_types] == [
        "own_resignation",
        "retirement",
        "fixed_term_ended",
        "other",
    ]


def test_every_question_type_is_used_somewhere(shipped):
    used = {q.type for key in shipped.questionnaire_keys() for q in shipped.current(key).questions()}
    assert used == set(KINDS)


def test_everything_is_frozen(shipped):
    survey = shipped.current("exit_survey")
    with pytest.raises(dataclasses.FrozenInstanceError):
        survey.version = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        survey.sections[0].questions[0].required = False
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.reasons[0].key = "lon"
    assert isinstance(survey.sections, tuple)
    hash(shipped)


def test_retired_versions_are_not_current(shipped):
    survey = shipped.current("exit_survey")
    retired = dataclasses.replace(survey, retired=True)
    newer = dataclasses.replace(survey, version=survey.version + 1, retired=True)
    catalogue = dataclasses.replace(shipped, questionnaires=(retired, newer))
    with pytest.raises(KeyError, match="every version is retired"):
        catalogue.current("exit_survey")
    catalogue = dataclasses.replace(shipped, questionnaires=(survey, newer))
    assert catalogue.current("exit_survey") is survey
    assert catalogue.get("exit_survey", survey.version + 1) is newer


def test_text_in_a_locale():
    text = Text(sv="Lön", en="Pay")
    assert text.get("sv") == "Lön"
    assert text.get("en") == "Pay"
    assert text.get("en_GB") == "Pay"
    assert text.get("sv-SE") == "Lön"
    assert text.get("de") == "Lön"
    assert text.get(None) == "Lön"


def test_public_names():
    for name in questionnaires.__all__:
        assert hasattr(questionnaires, name), name
