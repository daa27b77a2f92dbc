"""Broken files are reported with a message that names the problem and where it is."""

from __future__ import annotations

import subprocess
import sys

import pytest

from questionnaires import Problem, QuestionnaireError, check, load_catalogue


def only_problem(folder) -> Problem:
    problems = check(folder)
    assert len(problems) == 1, problems
    return problems[0]


def test_missing_translation_names_the_path(data_dir):
    problem = only_problem(data_dir("broken/missing_translation.v1.toml"))
    assert problem.file.endswith("missing_translation.v1.toml")
    assert problem.location == "sections[reasons].questions[main_reason].text.en"
    assert "missing translation" in problem.message
    assert "English" in problem.message


def test_duplicate_question_key(data_dir):
    problem = only_problem(data_dir("broken/duplicate_key.v1.toml"))
    assert problem.location == "sections[second].questions[pay].key"
    assert problem.message == "duplicate question key 'pay'"


def test_duplicate_option_key(data_dir):
    problem = only_problem(data_dir("broken/duplicate_option.v1.toml"))
    assert problem.location == "sections[first].questions[shift].options[day]"
    assert problem.message == "duplicate option key 'day'"


def test_unknown_reason_key_in_skip_logic(data_dir):
    problem = only_problem(data_dir("broken/unknown_reason.v1.toml"))
    assert problem.location == "sections[reasons].questions[pay_comment].show_if"
    assert "unknown reason key 'salary'" in problem.message


def test_skip_logic_pointing_forward(data_dir):
    problem = only_problem(data_dir("broken/skip_forward.v1.toml"))
    assert problem.location == "sections[first].questions[why_not].show_if.question"
    assert "'come_back'" in problem.message
    assert "earlier" in problem.message


def test_version_as_string(data_dir):
    problem = only_problem(data_dir("broken/version_string.v1.toml"))
    assert problem.location == "version"
    assert problem.message == 'must be a whole number, not the text "1"'


def test_unknown_question_type(data_dir):
    problem = only_problem(data_dir("broken/unknown_type.v1.toml"))
    assert problem.location == "sections[first].questions[stars].type"
    assert "unknown question type 'rating'" in problem.message
    assert "likert_5" in problem.message


def test_misspelt_property(data_dir):
    problem = only_problem(data_dir("broken/unknown_property.v1.toml"))
    assert problem.location == "sections[first].questions[come_back].requried"
    assert "unknown property 'requried'" in problem.message


def test_wrong_value_types_are_all_reported(data_dir):
    problems = check(data_dir("broken/wrong_value_types.v1.toml"))
    found = {problem.location: problem.message for problem in problems}
    assert found == {
        "anonymous": 'must be true or false, not the text "yes"',
        "sections[first].questions[come_back].required": "must be true or false, not the number 1",
        "sections[first].questions[come_back].text": (
            'must be a table with sv and en texts, not the text "Kan du tänka dig att komma tillbaka?"'
        ),
    }


def test_toml_syntax_error_gives_line_and_column(data_dir):
    problem = only_problem(data_dir("broken/syntax_error.v1.toml"))
    line, column = problem.location.split(":")
    assert line == "4"
    assert int(column) > 0
    assert problem.message.startswith("TOML syntax error")
    assert "at line" not in problem.message


def test_load_catalogue_raises_with_every_problem(data_dir):
    folder = data_dir(
        "broken/missing_translation.v1.toml",
        "broken/unknown_type.v1.toml",
        "broken/syntax_error.v1.toml",
    )
    with pytest.raises(QuestionnaireError) as raised:
        load_catalogue(folder)
    assert len(raised.value.problems) == 3
    text = str(raised.value)
    assert "3 problem(s)" in text
    assert "sections[reasons].questions[main_reason].text.en" in text
    assert "unknown question type 'rating'" in text


def test_file_name_must_match_key_and_version(data_dir, tmp_path):
    folder = data_dir("versions/demo.v1.toml")
    (folder / "demo.v1.toml").rename(folder / "demo.v3.toml")
    problem = only_problem(folder)
    assert problem.location == "file"
    assert "demo.v1.toml" in problem.message


def test_question_changing_type_across_versions_needs_new_key(data_dir):
    folder = data_dir("versions/demo.v1.toml", "versions/demo.v2.toml")
    v2 = folder / "demo.v2.toml"
    v2.write_text(
        v2.read_text(encoding="utf-8").replace('"recommend_score"', '"recommend"'), encoding="utf-8"
    )
    problem = only_problem(folder)
    assert problem.file.endswith("demo.v2.toml")
    assert "needs a new key" in problem.message


def test_broken_reason_taxonomy(data_dir):
    folder = data_dir()
    reasons = folder / "reasons.toml"
    text = reasons.read_text(encoding="utf-8")
    text = text.replace(
        'aruba = "attrahera"\nskr_strategies = [4, 8]', 'aruba = "keep"\nskr_strategies = [4, 12]', 1
    )
    reasons.write_text(text, encoding="utf-8")
    (folder / "x.v1.toml").write_text("", encoding="utf-8")
    found = {(p.location, p.message) for p in check(folder) if p.file.endswith("reasons.toml")}
    assert (
        "reasons[pay_elsewhere].aruba",
        "unknown ARUBA step 'keep' (known: attrahera, avsluta, behalla, rekrytera, utveckla)",
    ) in found
    assert ("reasons[pay_elsewhere].skr_strategies[1]", "must be a number from 1 to 9") in found


def test_tenure_bands_must_match_the_code(data_dir):
    folder = data_dir("versions/demo.v1.toml")
    dimensions = folder / "dimensions.toml"
    text = dimensions.read_text(encoding="utf-8").replace('key = "6_12m"', 'key = "6_18m"')
    dimensions.write_text(text, encoding="utf-8")
    messages = " | ".join(problem.message for problem in check(folder))
    assert "unknown tenure band '6_18m'" in messages
    assert "missing 6_12m" in messages


def test_missing_directory():
    problems = check("/nonexistent/questionnaires")
    assert [problem.message for problem in problems] == ["no such directory"]


def test_cli_prints_each_problem_and_fails(data_dir):
    folder = data_dir("broken/missing_translation.v1.toml", "broken/syntax_error.v1.toml")
    result = subprocess.run(
        [sys.executable, "-m", "questionnaires", "check", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert (
        f"{folder / 'missing_translation.v1.toml'}: "
        "sections[reasons].questions[main_reason].text.en: "
        "missing translation: no English text" in lines
    )
    assert any(line.startswith(f"{folder / 'syntax_error.v1.toml'}: 4:") for line in lines)


MINIMAL = """
key = "variant"
version = 1
anonymous = false
title.sv = "T"
title.en = "T"
intro.sv = "I"
intro.en = "I"
{top}

[[sections]]
key = "first"
title.sv = "F"
title.en = "F"

[[sections.questions]]
key = "come_back"
type = "yes_no_unsure"
text.sv = "Tillbaka?"
text.en = "Back?"

[[sections.questions]]
{question}
"""


@pytest.mark.parametrize(
    ("top", "question", "location", "message"),
    [
        (
            "",
            'key = "score"\ntype = "likert_5"\ntext.sv = "P"\ntext.en = "P"\nhigh.sv = "H"\nhigh.en = "H"',
            "sections[first].questions[score].low",
            "likert_5 needs a label for its low end",
        ),
        (
            "",
            'key = "score"\ntype = "scale_0_10"\ntext.sv = "P"\ntext.en = "P"\nlow.sv = "L"\nlow.en = "L"',
            "sections[first].questions[score].high",
            "scale_0_10 needs a label for its high end",
        ),
        (
            "allow_decline = true",
            'key = "note"\ntype = "long_text"\nrequired = true\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[note].required",
            "allow_decline = true means every",
        ),
        (
            "",
            'key = "data"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[data].key",
            "'data' is a reserved word",
        ),
        (
            "",
            'key = "Note"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[Note].key",
            "key 'Note' must use only a-z",
        ),
        (
            "",
            'key = "why"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"\n'
            'show_if = { question = "come_back", equals = "maybe" }',
            "sections[first].questions[why].show_if",
            "'maybe' is not a possible answer",
        ),
        (
            "",
            'key = "why"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"\n'
            'show_if = { question = "come_back" }',
            "sections[first].questions[why].show_if",
            "exactly one of equals",
        ),
        (
            "",
            'key = "why"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"\n'
            'show_if = { question = "nowhere", equals = "yes" }',
            "sections[first].questions[why].show_if.question",
            "unknown question 'nowhere'",
        ),
        (
            "",
            'key = "pick"\ntype = "single_choice"\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[pick]",
            "needs options",
        ),
        (
            "",
            'key = "pick"\ntype = "single_choice"\noptions_from = "units"\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[pick].options_from",
            "unknown options_from 'units'",
        ),
        (
            "",
            'key = "pick"\ntype = "single_choice"\noptions_from = "tenure_bands"\ntext.sv = "A"\n'
            'text.en = "N"\noptions = [{ key = "lt_6m", label = { sv = "K", en = "S" } }]',
            "sections[first].questions[pick].options",
            "option key 'lt_6m' is already one of tenure_bands",
        ),
        (
            "",
            'key = "pick"\ntype = "short_text"\noptions_from = "reasons"\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[pick].options_from",
            "unknown property 'options_from'",
        ),
        (
            "",
            'key = "pick"\ntype = "short_text"\nonly_in_mode = "kiosk"\ntext.sv = "A"\ntext.en = "N"',
            "sections[first].questions[pick].only_in_mode",
            "unknown mode 'kiosk'",
        ),
        (
            "",
            'key = "pick"\ntype = "short_text"\ntext.sv = ""\ntext.en = "N"',
            "sections[first].questions[pick].text.sv",
            "the Swedish text is empty",
        ),
        (
            "",
            'key = "pick"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"\ntext.de = "X"',
            "sections[first].questions[pick].text.de",
            "unknown language 'de'",
        ),
        (
            "retired = 1",
            'key = "pick"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"',
            "retired",
            "must be true or false, not the number 1",
        ),
        (
            "version2 = 3",
            'key = "pick"\ntype = "short_text"\ntext.sv = "A"\ntext.en = "N"',
            "version2",
            "unknown property 'version2'",
        ),
    ],
)
def test_schema_problems(data_dir, top, question, location, message):
    folder = data_dir()
    text = MINIMAL.format(top=top, question=question)
    (folder / "variant.v1.toml").write_text(text, encoding="utf-8")
    problem = only_problem(folder)
    assert problem.location == location
    assert message in problem.message


def test_a_problem_reads_as_one_line():
    problem = Problem("data/x.v1.toml", "sections[a].title.en", "missing translation")
    file, location, message = problem
    assert (file, location, message) == tuple(problem)
    assert str(problem) == "data/x.v1.toml: sections[a].title.en: missing translation"


def test_listed_options_may_follow_shared_ones_and_skip_logic_sees_them(data_dir):
    """Issue 12: options_from and options together; skip logic may test either kind."""
    folder = data_dir()
    question = ('key = "band"\ntype = "single_choice"\noptions_from = "tenure_bands"\n'
                'text.sv = "A"\ntext.en = "N"\n'
                'options = [{ key = "declined", label = { sv = "Vill inte", en = "Rather not" } }]\n'
                '\n[[sections.questions]]\nkey = "group"\ntype = "single_choice"\n'
                'options_from = "occupational_groups"\ntext.sv = "A"\ntext.en = "N"\n'
                'options = [{ key = "other", label = { sv = "Annan", en = "Other" } }]\n'
                '\n[[sections.questions]]\nkey = "why"\ntype = "short_text"\ntext.sv = "A"\n'
                'text.en = "N"\nshow_if = { question = "band", in = ["declined", "lt_6m"] }\n'
                '\n[[sections.questions]]\nkey = "which"\ntype = "short_text"\ntext.sv = "A"\n'
                'text.en = "N"\nshow_if = { question = "group", in = ["USK", "other"] }')
    (folder / "variant.v1.toml").write_text(MINIMAL.format(top="", question=question),
                                            encoding="utf-8")
    assert check(folder) == []
    survey = load_catalogue(folder).current("variant")
    assert [o.key for o in survey.question("band").options][-2:] == ["gt_10y", "declined"]
    assert [o.key for o in survey.question("group").options] == ["other"]
