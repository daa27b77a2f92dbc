"""The registry of question kinds: one class per ``type`` in the TOML files.

Each kind knows three things about its questions: which extra properties
the file may give them, how to build the WTForms field(s), and how to turn
submitted strings into a typed answer (or error codes). Views never look at
a question's type; they go through :data:`KINDS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import wtforms
from wtforms import fields as wtf
from wtforms import widgets

from questionnaires.messages import message
from questionnaires.model import DONT_KNOW, Option, Question, Text

SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 4000

# Raw submitted values for one field name, always a list of strings.
Values = Callable[[str], list[str]]
Error = tuple[str, dict[str, Any]]

# WTForms 3.3 wants SelectChoice objects and deprecates (value, label) tuples.
_SelectChoice = getattr(wtforms, "SelectChoice", None)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Reading:
    """What a kind read from a submitted form: typed answers and error codes."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[Error]] = field(default_factory=dict)

    def fail(self, key: str, code: str, **params: Any) -> None:
        """Record an error for one answer key."""
        self.errors.setdefault(key, []).append((code, params))


def clean_text(raw: str) -> str:
    """Normalise line breaks and drop control characters; HTML stays as typed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _present(values: list[str]) -> list[str]:
    return [value.strip() for value in values if value is not None and value.strip()]


def _single(values: list[str], key: str, reading: Reading) -> str | None:
    present = list(dict.fromkeys(_present(values)))
    if len(present) > 1:
        reading.fail(key, "one_value")
        return None
    return present[0] if present else None


def _as_default(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


class Kind:
    """Base of all question kinds."""

    type: ClassVar[str]
    properties: ClassVar[frozenset[str]] = frozenset()
    has_options: ClassVar[bool] = False
    needs_ends: ClassVar[bool] = False

    def options(self, question: Question) -> tuple[Option, ...]:
        """The fixed options of this kind, or the question's own."""
        return question.options

    def condition_values(self, question: Question) -> tuple[Any, ...] | None:
        """Values skip logic may test this answer for; None means any, () means none."""
        if self.has_options:
            keys = tuple(option.key for option in self.options(question))
            return keys or None
        return ()

    def fields(
        self, question: Question, locale: str, options: Sequence[Option], answers: dict[str, Any]
    ) -> dict[str, Any]:
        """WTForms unbound fields by name (usually just the question key)."""
        raise NotImplementedError

    def read(self, question: Question, values: Values, options: Sequence[Option]) -> Reading:
        """Typed answers from the submitted strings."""
        raise NotImplementedError

    def rows(self, question: Question, followup: bool, value: Any) -> list[tuple[Any, Any]]:
        """(option, value) rows of the tidy table for one stored answer."""
        return [(None, value)]


def choice(value: str, label: str) -> Any:
    """One choice of a WTForms select or radio field, in the installed version's form."""
    return (value, label) if _SelectChoice is None else _SelectChoice(value, label)


def _choices(options: Sequence[Option], locale: str) -> list[Any]:
    return [choice(option.key, option.label.get(locale)) for option in options]


def _description(question: Question, locale: str) -> str:
    return question.help.get(locale) if question.help else ""


class SingleChoice(Kind):
    """Pick one option (radio buttons)."""

    type = "single_choice"
    properties = frozenset({"options", "options_from"})
    has_options = True

    def fields(self, question, locale, options, answers):
        return {
            question.key: wtf.RadioField(
                question.text.get(locale),
                choices=_choices(options, locale),
                validate_choice=False,
                description=_description(question, locale),
                default=_as_default(answers.get(question.key)),
            )
        }

    def read(self, question, values, options):
        reading = Reading()
        value = _single(values(question.key), question.key, reading)
        if value is None:
            return reading
        if value not in {option.key for option in options}:
            reading.fail(question.key, "unknown_option")
        else:
            reading.answers[question.key] = value
        return reading

    def rows(self, question, followup, value):
        return [(value, None)]


class MultipleChoice(Kind):
    """Tick any number of options; optionally say which one mattered most."""

    type = "multiple_choice"
    properties = frozenset({"options", "options_from", "main_followup"})
    has_options = True

    def fields(self, question, locale, options, answers):
        choices = _choices(options, locale)
        built = {
            question.key: wtf.SelectMultipleField(
                question.text.get(locale),
                choices=choices,
                validate_choice=False,
                widget=widgets.ListWidget(prefix_label=False),
                option_widget=widgets.CheckboxInput(),
                description=_description(question, locale),
                default=_as_default(answers.get(question.key)) or [],
            )
        }
        if question.main_followup is not None:
            followup = question.main_followup
            built[followup.key] = wtf.RadioField(
                followup.text.get(locale),
                choices=choices,
                validate_choice=False,
                default=_as_default(answers.get(followup.key)),
            )
        return built

    def read(self, question, values, options):
        reading = Reading()
        known = [option.key for option in options]
        ticked = set(_present(values(question.key)))
        if ticked - set(known):
            reading.fail(question.key, "unknown_option")
            return reading
        selected = [key for key in known if key in ticked]
        followup = question.main_followup
        main = None
        if followup is not None:
            main = _single(values(followup.key), followup.key, reading)
            if main is not None and main not in known:
                reading.fail(followup.key, "unknown_option")
                main = None
            if not selected and main is not None:
                # Only the main one given: it is clearly one of the reasons.
                selected = [main]
        if selected:
            reading.answers[question.key] = selected
        if followup is None or not selected or followup.key in reading.errors:
            return reading
        if len(selected) == 1:
            reading.answers[followup.key] = selected[0]
        elif main is None:
            if question.required:
                reading.fail(followup.key, "main_required")
        elif main not in selected:
            reading.fail(followup.key, "main_not_selected")
        else:
            reading.answers[followup.key] = main
        return reading

    def rows(self, question, followup, value):
        if followup or isinstance(value, str):
            return [(value, None)]
        return [(key, None) for key in value]


class _Scale(Kind):
    """Whole numbers from ``low_value`` to ``high_value`` with labelled ends."""

    properties = frozenset({"low", "high"})
    needs_ends = True
    low_value: ClassVar[int]
    high_value: ClassVar[int]
    dont_know: ClassVar[bool] = False

    def condition_values(self, question):
        numbers = tuple(range(self.low_value, self.high_value + 1))
        return (*numbers, DONT_KNOW) if self.dont_know else numbers

    def _label(self, number: int, question: Question, locale: str) -> str:
        if number == self.low_value and question.low is not None:
            return f"{number} – {question.low.get(locale)}"
        if number == self.high_value and question.high is not None:
            return f"{number} – {question.high.get(locale)}"
        return str(number)

    def fields(self, question, locale, options, answers):
        choices = [
            choice(str(number), self._label(number, question, locale))
            for number in range(self.low_value, self.high_value + 1)
        ]
        if self.dont_know:
            choices.append(choice(DONT_KNOW, message("dont_know", locale)))
        return {
            question.key: wtf.RadioField(
                question.text.get(locale),
                choices=choices,
                validate_choice=False,
                description=_description(question, locale),
                default=_as_default(answers.get(question.key)),
            )
        }

    def read(self, question, values, options):
        reading = Reading()
        raw = _single(values(question.key), question.key, reading)
        if raw is None:
            return reading
        if self.dont_know and raw == DONT_KNOW:
            reading.answers[question.key] = DONT_KNOW
            return reading
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number is None or not self.low_value <= number <= self.high_value:
            reading.fail(question.key, "out_of_range", low=self.low_value, high=self.high_value)
        else:
            reading.answers[question.key] = number
        return reading

    def rows(self, question, followup, value):
        if value == DONT_KNOW:
            return [(DONT_KNOW, None)]
        return [(None, value)]


class Likert5(_Scale):
    """1 to 5 with labelled ends and a separate "vet ej / vill inte svara"."""

    type = "likert_5"
    low_value = 1
    high_value = 5
    dont_know = True


class Scale0To10(_Scale):
    """0 to 10 with labelled ends (would you recommend ...)."""

    type = "scale_0_10"
    low_value = 0
    high_value = 10


class YesNoUnsure(SingleChoice):
    """Yes, no or not sure."""

    type = "yes_no_unsure"
    properties = frozenset()
    keys: ClassVar[tuple[str, ...]] = ("yes", "no", "unsure")

    def options(self, question):
        return tuple(Option(key, Text(sv=message(key, "sv"), en=message(key, "en"))) for key in self.keys)


class _Text(Kind):
    """Free text up to ``limit`` characters, kept exactly as typed (templates escape it)."""

    limit: ClassVar[int]
    field_class: ClassVar[type]
    render: ClassVar[dict[str, Any]] = {}

    def fields(self, question, locale, options, answers):
        return {
            question.key: self.field_class(
                question.text.get(locale),
                description=_description(question, locale),
                default=answers.get(question.key),
                render_kw={"maxlength": self.limit, **self.render},
            )
        }

    def read(self, question, values, options):
        reading = Reading()
        parts = [clean_text(value) for value in values(question.key) if value is not None]
        text = "\n".join(part for part in parts if part)
        if not text:
            return reading
        if len(text) > self.limit:
            reading.fail(question.key, "too_long", limit=self.limit, length=len(text))
        else:
            reading.answers[question.key] = text
        return reading


class ShortText(_Text):
    """One line, at most 200 characters."""

    type = "short_text"
    limit = SHORT_TEXT_LIMIT
    field_class = wtf.StringField


class LongText(_Text):
    """Several lines, at most 4000 characters."""

    type = "long_text"
    limit = LONG_TEXT_LIMIT
    field_class = wtf.TextAreaField
    render: ClassVar[dict[str, Any]] = {"rows": 5}


KINDS: dict[str, Kind] = {
    kind.type: kind
    for kind in (
        SingleChoice(),
        MultipleChoice(),
        Likert5(),
        Scale0To10(),
        YesNoUnsure(),
        ShortText(),
        LongText(),
    )
}
