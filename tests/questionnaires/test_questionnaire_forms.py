"""Building forms from questionnaires and reading typed answers back, type by type."""

from __future__ import annotations

import subprocess
import sys

import pytest
import wtforms
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from questionnaires import (
    DECLINED,
    DONT_KNOW,
    Option,
    Question,
    Text,
    build_form,
    missing_required,
    prune_answers,
    question_options,
    read_answers,
    visible_questions,
    visible_sections,
)
from questionnaires.kinds import clean_text

GROUPS = {
    "sv": [("usk", "Undersköterska"), ("ssk", "Sjuksköterska")],
    "en": [("usk", "Assistant nurse"), ("ssk", "Nurse")],
}


def pairs(field):
    """(value, label) of each choice, whatever form WTForms keeps them in."""
    return [(value, label) for value, label, *_ in field.choices]


def groups(source, locale):
    assert source == "occupational_groups"
    return GROUPS[locale]


@pytest.fixture(scope="module")
def demo(form_catalogue):
    return form_catalogue.current("form_demo")


@pytest.fixture(scope="module")
def declinable(form_catalogue):
    return form_catalogue.current("declinable")


FIRST_OK = {"q_single": "day", "q_multi": ["pay"]}
SECOND_OK = {"q_likert": "4", "q_scale": "9", "q_short": "Bra"}


def second(demo, data, locale="sv", answers_so_far=FIRST_OK):
    return read_answers(demo, "second", data, dict(answers_so_far), locale)


# --- required -------------------------------------------------------------


def test_required_questions_report_in_the_requested_language(demo):
    answers, errors = read_answers(demo, "second", {}, FIRST_OK, "sv")
    assert answers == {}
    assert errors == {key: ["Svara på frågan."] for key in ("q_likert", "q_scale", "q_short")}
    _, errors = read_answers(demo, "second", {}, FIRST_OK, "en")
    assert errors["q_likert"] == ["Please answer this question."]


def test_optional_questions_may_be_left_empty(demo):
    answers, errors = second(demo, {**SECOND_OK, "q_yes": "", "q_long": "   "})
    assert errors == {}
    assert answers == {"q_likert": 4, "q_scale": 9, "q_short": "Bra"}


def test_a_required_choice_left_empty(demo):
    _, errors = read_answers(demo, "first", {"q_multi": ["pay"]}, {}, "en")
    assert errors == {"q_single": ["Please answer this question."]}


# --- scales ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "6", "-1", "4.5", "many", "1e1"])
def test_likert_out_of_range(demo, value):
    _, errors = second(demo, {**SECOND_OK, "q_likert": value}, "en")
    assert errors == {"q_likert": ["Choose a value from 1 to 5."]}


@pytest.mark.parametrize("value", ["-1", "11", "ten"])
def test_scale_out_of_range(demo, value):
    _, errors = second(demo, {**SECOND_OK, "q_scale": value})
    assert errors == {"q_scale": ["Välj ett värde från 0 till 10."]}


@pytest.mark.parametrize("value", ["0", "10"])
def test_scale_ends_are_valid(demo, value):
    answers, errors = second(demo, {**SECOND_OK, "q_scale": value})
    assert errors == {}
    assert answers["q_scale"] == int(value)


def test_likert_dont_know_is_an_answer(demo):
    answers, errors = second(demo, {**SECOND_OK, "q_likert": DONT_KNOW})
    assert errors == {}
    assert answers["q_likert"] == DONT_KNOW


def test_likert_field_has_labelled_ends_and_dont_know(demo):
    form = build_form(demo, "second", FIRST_OK, "sv")()
    assert pairs(form.q_likert) == [
        ("1", "1 – Mycket dåligt"),
        ("2", "2"),
        ("3", "3"),
        ("4", "4"),
        ("5", "5 – Mycket bra"),
        ("dont_know", "Vet ej / vill inte svara"),
    ]
    form_en = build_form(demo, "second", FIRST_OK, "en")()
    assert pairs(form_en.q_likert)[-1] == ("dont_know", "Don't know / prefer not to say")
    assert pairs(form_en.q_scale)[0] == ("0", "0 – Not at all likely")
    assert pairs(form_en.q_scale)[-1] == ("10", "10 – Very likely")
    assert len(pairs(form_en.q_scale)) == 11


def test_two_values_for_one_answer(demo):
    _, errors = second(demo, MultiDict([*SECOND_OK.items(), ("q_scale", "3")]), "en")
    assert errors == {"q_scale": ["Choose only one option."]}


# --- choices --------------------------------------------------------------


def test_unknown_option_single_choice(demo):
    _, errors = read_answers(demo, "first", {**FIRST_OK, "q_single": "weekend"}, {}, "en")
    assert errors == {"q_single": ["Choose one of the options."]}


def test_unknown_option_multiple_choice(demo):
    _, errors = read_answers(demo, "first", {**FIRST_OK, "q_multi": ["pay", "salary"]}, {}, "sv")
    assert errors == {"q_multi": ["Välj ett av alternativen."]}


def test_yes_no_unsure(demo):
    answers, errors = second(demo, {**SECOND_OK, "q_yes": "unsure"})
    assert answers["q_yes"] == "unsure"
    _, errors = second(demo, {**SECOND_OK, "q_yes": "maybe"}, "en")
    assert errors == {"q_yes": ["Choose one of the options."]}
    form = build_form(demo, "second", FIRST_OK, "sv")()
    assert pairs(form.q_yes) == [("yes", "Ja"), ("no", "Nej"), ("unsure", "Vet inte")]


# --- multiple choice with "which mattered most?" --------------------------


def first(demo, multi, main=None, locale="en"):
    data = MultiDict([("q_single", "day"), *[("q_multi", key) for key in multi]])
    if main is not None:
        data.add("q_main", main)
    return read_answers(demo, "first", data, {}, locale)


def test_main_reason_among_the_ticked(demo):
    answers, errors = first(demo, ["workload", "pay"], main="workload")
    assert errors == {}
    assert answers["q_multi"] == ["pay", "workload"]  # in the taxonomy's order
    assert answers["q_main"] == "workload"


def test_main_reason_must_be_one_of_the_ticked(demo):
    answers, errors = first(demo, ["workload", "pay"], main="commute")
    assert errors == {"q_main": ["The one you choose as most important must be one of those you ticked."]}
    assert "q_main" not in answers


def test_main_reason_required_when_several_are_ticked(demo):
    _, errors = first(demo, ["workload", "pay"], locale="sv")
    assert errors == {"q_main": ["Välj vilket som var viktigast."]}


def test_one_ticked_reason_is_the_main_one(demo):
    answers, errors = first(demo, ["health"])
    assert errors == {}
    assert answers["q_main"] == "health"
    answers, _ = first(demo, ["health"], main="pay")
    assert answers["q_main"] == "health"


def test_only_a_main_reason_counts_as_ticked(demo):
    answers, errors = first(demo, [], main="commute")
    assert errors == {}
    assert answers["q_multi"] == ["commute"]
    assert answers["q_main"] == "commute"


def test_unknown_main_reason(demo):
    _, errors = first(demo, ["pay", "health"], main="salary")
    assert errors == {"q_main": ["Choose one of the options."]}


def test_main_followup_is_a_second_field_on_the_same_step(demo):
    form = build_form(demo, "first", {}, "en")()
    names = [field.name for field in form]
    assert names == ["q_single", "q_multi", "q_main", "q_other"]
    assert form.q_main.label.text == "Which mattered most?"
    assert pairs(form.q_main) == pairs(form.q_multi)
    assert ("pay", "Pay") in pairs(form.q_multi)
    assert 'type="checkbox"' in form.q_multi()
    assert 'type="radio"' in form.q_main()


# --- text -----------------------------------------------------------------


@pytest.mark.parametrize(("key", "limit"), [("q_short", 200), ("q_long", 4000)])
def test_text_length_limit(demo, key, limit):
    answers, errors = second(demo, {**SECOND_OK, key: "å" * limit})
    assert errors == {}
    assert answers[key] == "å" * limit
    answers, errors = second(demo, {**SECOND_OK, key: "å" * (limit + 1)}, "en")
    assert errors == {key: [f"The text is too long: at most {limit} characters, you wrote {limit + 1}."]}
    assert key not in answers


def test_windows_line_breaks_count_once(demo):
    text = "ab\r\n" * 1000  # 4000 characters as a browser sends 3000 + line breaks
    answers, errors = second(demo, {**SECOND_OK, "q_long": text})
    assert errors == {}
    assert answers["q_long"] == ("ab\n" * 1000).strip()


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '<b>fet</b> & <i>kursiv</i> &amp; "citat"',
        "<img src=x onerror=alert(1)>",
    ],
)
def test_html_and_script_are_kept_as_plain_text(demo, text):
    answers, errors = second(demo, {**SECOND_OK, "q_short": text, "q_long": f"  {text}\n"})
    assert errors == {}
    assert answers["q_short"] == text
    assert answers["q_long"] == text


def test_text_fields_tell_the_browser_the_limit(demo):
    form = build_form(demo, "second", FIRST_OK, "sv")()
    assert 'maxlength="200"' in form.q_short()
    assert 'maxlength="4000"' in form.q_long()
    assert form.q_long.widget.__class__ is wtforms.widgets.TextArea


@given(text=st.text(max_size=4100))
def test_any_text_is_kept_as_typed_or_refused(shipped, text):
    survey = shipped.current("exit_survey")
    answers, errors = read_answers(survey, "looking_back", {"comment": text}, {}, "en")
    expected = clean_text(text)
    for character in "<>&\"'/":
        assert expected.count(character) == text.count(character)
    if not expected:
        assert (answers, errors) == ({}, {})
    elif len(expected) <= 4000:
        assert answers == {"comment": expected}
        assert errors == {}
    else:
        assert answers == {}
        assert list(errors) == ["comment"]


# --- skip logic -----------------------------------------------------------


def test_question_hidden_by_an_earlier_step_is_not_shown(demo):
    shown = [q.key for q in visible_questions(demo, "second", {"q_single": "day"})]
    assert "q_nights" not in shown
    shown = [q.key for q in visible_questions(demo, "second", {"q_single": "night"})]
    assert "q_nights" in shown


def test_hidden_question_is_not_required_and_its_answer_dropped(demo):
    answers, errors = second(demo, {**SECOND_OK, "q_nights": "Lugna"})
    assert errors == {}
    assert "q_nights" not in answers


def test_shown_conditional_question_is_required(demo):
    night = {"q_single": "night", "q_multi": ["pay"]}
    _, errors = second(demo, SECOND_OK, "en", night)
    assert errors == {"q_nights": ["Please answer this question."]}
    answers, _ = second(demo, {**SECOND_OK, "q_nights": "Lugna"}, "en", night)
    assert answers["q_nights"] == "Lugna"


def test_condition_on_the_same_step_is_decided_when_the_step_arrives(demo):
    assert "q_other" in [q.key for q in visible_questions(demo, "first", {})]
    answers, errors = read_answers(demo, "first", {**FIRST_OK, "q_other": "Hunden"}, {})
    assert errors == {}
    assert "q_other" not in answers
    data = {"q_single": "day", "q_multi": ["other"], "q_other": "Hunden"}
    answers, errors = read_answers(demo, "first", data, {})
    assert answers["q_other"] == "Hunden"
    _, errors = read_answers(demo, "first", {**data, "q_other": ""}, {}, "en")
    assert errors == {"q_other": ["Please answer this question."]}


def test_stale_answers_of_hidden_questions_are_pruned(demo):
    answers = {
        "q_single": "day",
        "q_multi": ["pay"],
        "q_main": "pay",
        "q_nights": "Lugna",
        "q_likert": 3,
        "unknown": 1,
        "q_group": "usk",
    }
    assert prune_answers(demo, answers) == {
        "q_single": "day",
        "q_multi": ["pay"],
        "q_main": "pay",
        "q_likert": 3,
    }
    assert "q_group" in prune_answers(demo, answers, "open_link")


def test_missing_required_over_the_whole_questionnaire(demo):
    answers = {"q_single": "night", "q_multi": ["pay"], "q_likert": 3}
    assert missing_required(demo, answers) == ["q_scale", "q_short", "q_nights"]
    assert missing_required(demo, answers, "open_link") == [
        "q_scale",
        "q_short",
        "q_nights",
        "q_group",
    ]


# --- open-link-only questions ---------------------------------------------


def test_open_link_questions_only_in_open_link_mode(demo):
    assert [q.key for q in visible_questions(demo, "open", {}, "invitation")] == ["q_always"]
    assert [q.key for q in visible_questions(demo, "open", {}, "open_link")] == [
        "q_tenure",
        "q_group",
        "q_always",
    ]


def test_open_link_questions_are_not_read_in_invitation_mode(demo):
    answers, errors = read_answers(
        demo, "open", {"q_tenure": "lt_6m", "q_group": "usk"}, {}, "sv", "invitation"
    )
    assert (answers, errors) == ({}, {})


def test_occupational_groups_come_from_the_app(demo):
    form = build_form(demo, "open", {}, "en", "open_link", choices_provider=groups)()
    assert pairs(form.q_group) == [("usk", "Assistant nurse"), ("ssk", "Nurse")]
    assert pairs(form.q_tenure)[0] == ("lt_6m", "Less than 6 months")
    answers, errors = read_answers(
        demo,
        "open",
        {"q_tenure": "1_2y", "q_group": "ssk"},
        {},
        "en",
        "open_link",
        choices_provider=groups,
    )
    assert errors == {}
    assert answers == {"q_tenure": "1_2y", "q_group": "ssk"}
    _, errors = read_answers(
        demo, "open", {"q_group": "lärare"}, {}, "en", "open_link", choices_provider=groups
    )
    assert errors == {"q_group": ["Choose one of the options."]}


def test_options_from_the_app_need_a_provider(demo):
    with pytest.raises(ValueError, match="choices_provider"):
        build_form(demo, "open", {}, "sv", "open_link")


def test_unknown_mode_is_refused(demo):
    with pytest.raises(ValueError, match="unknown mode"):
        visible_questions(demo, "open", {}, "kiosk")


def test_a_step_with_nothing_to_show_is_skipped(shipped):
    survey = shipped.current("exit_survey")
    keys = [section.key for section in visible_sections(survey, {}, "invitation")]
    assert keys == ["reasons", "conditions", "looking_back"]
    keys = [section.key for section in visible_sections(survey, {}, "open_link")]
    assert keys == ["reasons", "conditions", "looking_back", "about_you"]


# --- the form class -------------------------------------------------------


def test_form_class_from_a_submitted_multidict_gets_the_errors(demo):
    form_class = build_form(demo, "second", FIRST_OK, "en")
    form = form_class(MultiDict([("q_likert", "7"), ("q_short", "<b>ok</b>")]))
    assert form.validate()  # WTForms itself refuses nothing: the kinds validate
    answers, errors = read_answers(demo, "second", form, FIRST_OK, "en")
    assert answers == {"q_short": "<b>ok</b>"}
    assert form.q_likert.errors == ["Choose a value from 1 to 5."]
    assert form.q_scale.errors == ["Please answer this question."]
    assert list(errors) == ["q_likert", "q_scale"]


def test_form_class_carries_the_questions_and_earlier_answers(demo):
    form_class = build_form(
        demo, "first", {"q_single": "night", "q_multi": ["pay", "health"], "q_main": "health"}, "sv"
    )
    assert form_class.section.key == "first"
    assert [q.key for q in form_class.questions] == ["q_single", "q_multi", "q_other"]
    form = form_class()
    assert form.q_single.data == "night"
    assert form.q_multi.data == ["pay", "health"]
    assert form.q_main.data == "health"
    assert form.q_single.label.text == "Vilket pass arbetade du mest?"


def test_base_class_is_used(demo):
    class Base(wtforms.Form):
        marker = "base"

    form_class = build_form(demo, "first", {}, "sv", base=Base)
    assert issubclass(form_class, Base)
    assert form_class.marker == "base"


def test_flask_wtf_base(demo):
    flask = pytest.importorskip("flask")
    flask_wtf = pytest.importorskip("flask_wtf")
    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    with app.test_request_context("/", method="POST", data={"q_likert": "2"}):
        form = build_form(demo, "second", FIRST_OK, "sv", base=flask_wtf.FlaskForm)()
        assert form.validate_on_submit()
        answers, errors = read_answers(demo, "second", form, FIRST_OK, "sv")
    assert answers == {"q_likert": 2}
    assert set(errors) == {"q_scale", "q_short"}


# --- declining (interview guide) ------------------------------------------


def test_every_question_can_be_declined(declinable):
    form = build_form(declinable, "talk", {}, "sv")()
    assert [field.name for field in form] == [
        "reasons",
        "main_reason",
        "reasons__declined",
        "notes",
        "notes__declined",
    ]
    assert form.notes__declined.label.text == "Vill inte svara på den här frågan"
    answers, errors = read_answers(
        declinable, "talk", {"reasons__declined": "y", "reasons": ["pay"], "notes": "Kort"}, {}
    )
    assert errors == {}
    assert answers == {"reasons": DECLINED, "notes": "Kort"}


def test_main_one_is_optional_when_the_question_is(declinable):
    answers, errors = read_answers(declinable, "talk", {"reasons": ["pay", "health"]}, {})
    assert errors == {}
    assert answers == {"reasons": ["pay", "health"]}


def test_declined_is_shown_again(declinable):
    form = build_form(declinable, "talk", {"reasons": DECLINED}, "en")()
    assert form.reasons__declined.data is True
    assert form.reasons.data == []


# --- the package ----------------------------------------------------------


def test_questionnaires_does_not_import_flask():
    code = (
        "import sys, questionnaires; questionnaires.load_catalogue(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'pandas')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_listed_options_come_after_shared_and_outside_ones(shipped):
    """Issue 12: the open-link "Om dig" offers "Annan yrkesgrupp" and "Vill inte svara"
    after the app's groups, and asks for the tenure band with "Vill inte svara" last."""
    survey = shipped.current("exit_survey")
    form = build_form(survey, "about_you", {}, "sv", "open_link", choices_provider=groups)()
    assert pairs(form.occupational_group) == [("usk", "Undersköterska"), ("ssk", "Sjuksköterska"),
                                              ("other", "Annan yrkesgrupp"),
                                              ("declined", "Vill inte svara")]
    assert pairs(form.tenure_band)[-1] == ("declined", "Vill inte svara")
    assert len(pairs(form.tenure_band)) == 7
    english = build_form(survey, "about_you", {}, "en", "open_link", choices_provider=groups)()
    assert pairs(english.occupational_group)[-2:] == [("other", "Another occupational group"),
                                                      ("declined", "Prefer not to say")]
    _, errors = read_answers(survey, "about_you", {"occupational_group": "other"}, {}, "sv",
                             "open_link", choices_provider=groups)
    assert list(errors) == ["tenure_band"]  # the band is asked for
    answers, errors = read_answers(survey, "about_you",
                                   {"tenure_band": "declined", "occupational_group": "declined"},
                                   {}, "sv", "open_link", choices_provider=groups)
    assert errors == {}
    assert answers == {"tenure_band": "declined", "occupational_group": "declined"}
    assert missing_required(survey, {"reasons": ["pay"], "main_reason": "pay"}, "open_link") \
        == ["tenure_band"]
    assert missing_required(survey, {"reasons": ["pay"], "main_reason": "pay"}, "invitation") == []


def test_an_app_group_with_a_listed_key_is_offered_once():
    question = Question(key="g", type="single_choice", text=Text("G", "G"),
                        options_from="occupational_groups",
                        options=(Option("other", Text("Annan", "Other")),))
    options = question_options(question, "sv", lambda source, locale: [("other", "X"), ("a", "A")])
    assert [(o.key, o.label.sv) for o in options] == [("a", "A"), ("other", "Annan")]
