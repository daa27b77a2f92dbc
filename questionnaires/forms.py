"""Building a WTForms class for one step and reading typed answers back from it.

Skip logic is evaluated here, on the server: a question is shown when its
``show_if`` is met by the answers given so far. A condition on a question in
the same step cannot be known before the step is sent, so such a question is
shown and its answer kept only if the condition holds once the step arrives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import wtforms
from wtforms.form import BaseForm

from questionnaires._questionnaire import EXTERNAL_SOURCES
from questionnaires.kinds import KINDS, Values
from questionnaires.messages import message
from questionnaires.model import DECLINED, MODES, Option, Question, Questionnaire, Section, Text

ChoicesProvider = Callable[[str, str], Sequence[tuple[str, str]]]
"""``(options_from, locale) -> [(key, label), ...]`` for options kept outside the files."""

DECLINED_SUFFIX = "__declined"
_FALSE = frozenset({"", "false", "0", "off", "n", "no"})


def declined_field(question: Question) -> str:
    """The name of the "declined to answer" checkbox of a question."""
    return question.key + DECLINED_SUFFIX


def prune_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Any], mode: str = "invitation"
) -> dict[str, Any]:
    """Only the answers to questions that apply: known, in this mode, skip logic met."""
    _check_mode(mode)
    kept: dict[str, Any] = {}
    for question in questionnaire.questions():
        if _applies(question, kept, mode):
            for key in question.answer_keys():
                if answers.get(key) is not None:
                    kept[key] = answers[key]
    return kept


def missing_required(
    questionnaire: Questionnaire, answers: Mapping[str, Any], mode: str = "invitation"
) -> list[str]:
    """Keys of required questions that apply but have no answer (check before storing)."""
    kept = prune_answers(questionnaire, answers, mode)
    missing = []
    context: dict[str, Any] = {}
    for question in questionnaire.questions():
        if _applies(question, context, mode):
            if question.required and question.key not in kept:
                missing.append(question.key)
            elif (question.required and _needs_main(question, kept)
                  and question.main_followup.key not in kept):
                missing.append(question.main_followup.key)
            context.update({key: kept[key] for key in question.answer_keys() if key in kept})
    return missing


def visible_questions(
    questionnaire: Questionnaire,
    section: Section | str,
    answers: Mapping[str, Any],
    mode: str = "invitation",
) -> list[Question]:
    """The questions of a step to show, given the answers to earlier steps."""
    section = _section(questionnaire, section)
    own = {key for question in section.questions for key in question.answer_keys()}
    context = _context_before(questionnaire, section, answers, mode)
    return [
        question
        for question in section.questions
        if question.shown_in(mode)
        and (question.show_if is None or question.show_if.question in own or question.show_if.met(context))
    ]


def visible_sections(
    questionnaire: Questionnaire, answers: Mapping[str, Any], mode: str = "invitation"
) -> list[Section]:
    """The steps to go through: those with a question to show, or only prompts to read."""
    return [
        section
        for section in questionnaire.sections
        if not section.questions or visible_questions(questionnaire, section, answers, mode)
    ]


def build_form(
    questionnaire: Questionnaire,
    section_key: str,
    answers_so_far: Mapping[str, Any],
    locale: str = "sv",
    mode: str = "invitation",
    base: type = wtforms.Form,
    choices_provider: ChoicesProvider | None = None,
    followups_apart: bool = False,
) -> type:
    """A form class with one field per visible question of the step, labelled in ``locale``.

    Earlier answers to this step's questions become the fields' defaults. The
    class also carries ``questionnaire``, ``section`` and ``questions`` (the
    visible ones, in order) for templates. With ``followups_apart`` the "which
    mattered most?" follow-ups are left out, to be asked on a page of their own
    among the options ticked (:func:`followups_to_ask`).
    """
    section = _section(questionnaire, section_key)
    questions = visible_questions(questionnaire, section, answers_so_far, mode)
    if followups_apart:
        questions = [_without_followup(question) for question in questions]
    defaults = {key: value for key, value in answers_so_far.items() if value != DECLINED}
    attributes: dict[str, Any] = {}
    for question in questions:
        options = question_options(question, locale, choices_provider)
        attributes.update(KINDS[question.type].fields(question, locale, options, defaults))
        if questionnaire.allow_decline:
            attributes[declined_field(question)] = wtforms.BooleanField(
                message("declined", locale),
                default=answers_so_far.get(question.key) == DECLINED,
            )
    attributes.update(questionnaire=questionnaire, section=section, questions=tuple(questions))
    name = f"{_camel(questionnaire.key)}{_camel(section.key)}Form"
    return type(name, (base,), attributes)


def read_answers(
    questionnaire: Questionnaire,
    section_key: str,
    form_or_formdata: Any,
    answers_so_far: Mapping[str, Any],
    locale: str = "sv",
    mode: str = "invitation",
    choices_provider: ChoicesProvider | None = None,
    followups_apart: bool = False,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed answers of one step and error messages (in ``locale``) by answer key.

    ``form_or_formdata`` is a form built by :func:`build_form`, a MultiDict
    (``request.form``) or a plain dict. The answers hold only this step's
    valid answers; answers to questions that turned out hidden are dropped.
    When a form is given, the messages are also added to its fields' errors.

    With ``followups_apart`` a follow-up is not asked here: it is the single option
    ticked, or the one sent along (a page from before the follow-up had a page of its
    own) or kept from before, if it is still among those ticked; else it waits for
    its own page (:func:`read_followup`).
    """
    section = _section(questionnaire, section_key)
    values = _values(form_or_formdata)
    context = _context_before(questionnaire, section, answers_so_far, mode)
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in visible_questions(questionnaire, section, answers_so_far, mode):
        if question.show_if is not None and not question.show_if.met(context):
            continue
        if questionnaire.allow_decline and _ticked(values(declined_field(question))):
            answers[question.key] = context[question.key] = DECLINED
            continue
        options = question_options(question, locale, choices_provider)
        if followups_apart and question.main_followup is not None:
            reading = KINDS[question.type].read(_without_followup(question), values, options)
            main = _kept_main(question, reading.answers.get(question.key),
                              values(question.main_followup.key), answers_so_far)
            if main is not None:
                reading.answers[question.main_followup.key] = main
        else:
            reading = KINDS[question.type].read(question, values, options)
        if question.required and question.key not in reading.answers:
            reading.errors.setdefault(question.key, [("required", {})])
        answers.update(reading.answers)
        context.update(reading.answers)
        for key, codes in reading.errors.items():
            errors[key] = [message(code, locale, **params) for code, params in codes]
    if isinstance(form_or_formdata, BaseForm):
        for key, messages in errors.items():
            if key in form_or_formdata:
                field = form_or_formdata[key]
                field.errors = [*field.errors, *messages]
    return answers, errors


def followups_to_ask(
    questionnaire: Questionnaire,
    section: Section | str,
    answers: Mapping[str, Any],
    mode: str = "invitation",
    locale: str = "sv",
    choices_provider: ChoicesProvider | None = None,
) -> list[Question]:
    """The follow-ups of a step to ask on a page of their own, as single-choice questions.

    One for each visible multiple-choice question with a ``main_followup`` and two or
    more options ticked (one ticked option is the main one without asking). It offers
    only the options ticked and is required when its question is. Its key is the
    follow-up's, so the stored answers are the same as when asked on the step.
    """
    section = _section(questionnaire, section)
    kept = prune_answers(questionnaire, answers, mode)
    asked = []
    for question in visible_questions(questionnaire, section, answers, mode):
        if not _needs_main(question, kept):
            continue
        ticked = kept[question.key]
        options = [o for o in question_options(question, locale, choices_provider) if o.key in ticked]
        asked.append(Question(key=question.main_followup.key, type="single_choice",
                              text=question.main_followup.text, required=question.required,
                              options=tuple(options)))
    return asked


def build_followup_form(
    followups: Sequence[Question], answers_so_far: Mapping[str, Any], locale: str = "sv",
    base: type = wtforms.Form,
) -> type:
    """A form class for the follow-ups from :func:`followups_to_ask`; like :func:`build_form`."""
    attributes: dict[str, Any] = {}
    for question in followups:
        attributes.update(KINDS[question.type].fields(question, locale, question.options,
                                                      dict(answers_so_far)))
    attributes.update(questions=tuple(followups))
    return type("FollowupForm", (base,), attributes)


def read_followup(
    followups: Sequence[Question], form_or_formdata: Any, locale: str = "sv"
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Answers and messages of the follow-up page; like :func:`read_answers`."""
    values = _values(form_or_formdata)
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in followups:
        reading = KINDS[question.type].read(question, values, question.options)
        if question.required and question.key not in reading.answers and question.key not in reading.errors:
            reading.fail(question.key, "main_required")
        answers.update(reading.answers)
        for key, codes in reading.errors.items():
            errors[key] = [message(code, locale, **params) for code, params in codes]
    if isinstance(form_or_formdata, BaseForm):
        for key, messages in errors.items():
            if key in form_or_formdata:
                form_or_formdata[key].errors = [*form_or_formdata[key].errors, *messages]
    return answers, errors


def _needs_main(question: Question, answers: Mapping[str, Any]) -> bool:
    """A follow-up to choose: two or more options of its question ticked."""
    ticked = answers.get(question.key)
    return (question.main_followup is not None and isinstance(ticked, list | tuple)
            and len(ticked) >= 2)


def _without_followup(question: Question) -> Question:
    return dataclasses.replace(question, main_followup=None) if question.main_followup else question


def _kept_main(question: Question, ticked: Any, sent: list[str],
               answers_so_far: Mapping[str, Any]) -> str | None:
    if not isinstance(ticked, list | tuple) or not ticked:
        return None
    if len(ticked) == 1:
        return ticked[0]
    for candidate in [*(value.strip() for value in sent),
                      answers_so_far.get(question.main_followup.key)]:
        if candidate in ticked:
            return candidate
    return None


def question_options(
    question: Question, locale: str = "sv", choices_provider: ChoicesProvider | None = None
) -> tuple[Option, ...]:
    """The options of a choice question, asking ``choices_provider`` for outside ones."""
    if question.options_from in EXTERNAL_SOURCES:
        if choices_provider is None:
            raise ValueError(
                f"question {question.key!r} takes its options from {question.options_from!r}; "
                "pass choices_provider"
            )
        outside = tuple(
            Option(str(key), Text(sv=str(label), en=str(label)))
            for key, label in choices_provider(question.options_from, locale)
        )
        listed = {option.key for option in question.options}
        # The file's own options (such as "Vill inte svara") come last and keep their keys.
        return (*(option for option in outside if option.key not in listed), *question.options)
    return KINDS[question.type].options(question)


def _applies(question: Question, context: Mapping[str, Any], mode: str) -> bool:
    return question.shown_in(mode) and (question.show_if is None or question.show_if.met(context))


def _context_before(
    questionnaire: Questionnaire, section: Section, answers: Mapping[str, Any], mode: str
) -> dict[str, Any]:
    """The earlier steps' answers that still apply."""
    index = questionnaire.sections.index(section)
    earlier = {
        key
        for before in questionnaire.sections[:index]
        for question in before.questions
        for key in question.answer_keys()
    }
    kept = prune_answers(questionnaire, answers, mode)
    return {key: value for key, value in kept.items() if key in earlier}


def _section(questionnaire: Questionnaire, section: Section | str) -> Section:
    if isinstance(section, Section):
        if section not in questionnaire.sections:
            raise KeyError(section.key)
        return section
    return questionnaire.section(section)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def _ticked(values: list[str]) -> bool:
    return any(value.strip().lower() not in _FALSE for value in values)


def _values(source: Any) -> Values:
    """A uniform ``name -> [str, ...]`` view of a form, a MultiDict or a dict."""
    if isinstance(source, BaseForm):

        def from_form(name: str) -> list[str]:
            if name not in source:
                return []
            field = source[name]
            if field.raw_data is not None:
                return [value for value in field.raw_data if isinstance(value, str)]
            return _as_strings(field.data)

        return from_form
    if hasattr(source, "getlist"):
        return lambda name: [value for value in source.getlist(name) if isinstance(value, str)]
    if isinstance(source, Mapping):
        return lambda name: _as_strings(source.get(name))
    raise TypeError(f"cannot read answers from {type(source).__name__}")


def _as_strings(value: Any) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item is not None]
    return [str(value)]
