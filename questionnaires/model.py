"""The questionnaire catalogue as frozen dataclasses.

Everything here is immutable: the loader builds these values once from the
TOML files and the app, the forms and the analysis only read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

LANGUAGES = ("sv", "en")
MODES = ("invitation", "open_link")
DECLINED = "declined"
DONT_KNOW = "dont_know"


def language_of(locale: str | None) -> str:
    """Map a locale such as ``en_GB`` or ``sv-SE`` to ``sv`` or ``en`` (Swedish by default)."""
    if not locale:
        return "sv"
    base = locale.replace("-", "_").split("_", 1)[0].lower()
    return base if base in LANGUAGES else "sv"


@dataclass(frozen=True)
class Text:
    """One text in Swedish and English."""

    sv: str
    en: str

    def get(self, locale: str | None = "sv") -> str:
        """The text in the locale's language; unknown locales get Swedish."""
        return self.en if language_of(locale) == "en" else self.sv


class Problem(NamedTuple):
    """One thing wrong in a data file: which file, where in it, and what."""

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


class QuestionnaireError(Exception):
    """The questionnaire files are broken; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the questionnaire files:"]
        lines += [f"  {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Option:
    """One answer option of a choice question."""

    key: str
    label: Text
    help: Text | None = None


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier answer has one of ``values``."""

    question: str
    values: tuple[Any, ...]

    def met(self, answers: dict[str, Any]) -> bool:
        """True when the earlier answer (a value or a list of values) matches."""
        answer = answers.get(self.question)
        if answer is None:
            return False
        if isinstance(answer, list | tuple):
            return any(value in self.values for value in answer)
        return answer in self.values


@dataclass(frozen=True)
class Followup:
    """The "which one mattered most?" answer attached to a multiple-choice question."""

    key: str
    text: Text


@dataclass(frozen=True)
class Question:
    """One question; ``type`` names its kind in :data:`questionnaires.kinds.KINDS`."""

    key: str
    type: str
    text: Text
    help: Text | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    main_followup: Followup | None = None
    low: Text | None = None
    high: Text | None = None
    show_if: Condition | None = None
    only_in_mode: str | None = None

    def answer_keys(self) -> tuple[str, ...]:
        """The keys this question stores answers under (its own, plus a follow-up)."""
        if self.main_followup is None:
            return (self.key,)
        return (self.key, self.main_followup.key)

    def shown_in(self, mode: str) -> bool:
        """Whether the question exists in this answering mode."""
        return self.only_in_mode is None or self.only_in_mode == mode


@dataclass(frozen=True)
class Section:
    """One step of the form, or one part of the interview guide or dialogue."""

    key: str
    title: Text
    questions: tuple[Question, ...] = ()
    intro: Text | None = None
    health_factor: int | None = None
    prompts: tuple[Text, ...] = ()
    discussion: tuple[Text, ...] = ()

    def question(self, key: str) -> Question:
        """The question with this key; KeyError if there is none."""
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)


@dataclass(frozen=True)
class Questionnaire:
    """One version of one questionnaire."""

    key: str
    version: int
    title: Text
    intro: Text
    sections: tuple[Section, ...]
    anonymous: bool
    retired: bool = False
    allow_decline: bool = False
    source: str = ""

    def section(self, key: str) -> Section:
        """The section with this key; KeyError if there is none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def questions(self) -> Iterator[Question]:
        """Every question in order, across all sections."""
        for section in self.sections:
            yield from section.questions

    def question(self, key: str) -> Question:
        """The question with this key (not a follow-up key); KeyError if none."""
        for question in self.questions():
            if question.key == key:
                return question
        raise KeyError(key)

    def section_of(self, question_key: str) -> Section:
        """The section holding a question or follow-up key; KeyError if none."""
        for section in self.sections:
            for question in section.questions:
                if question_key in question.answer_keys():
                    return section
        raise KeyError(question_key)

    def answer_owner(self, answer_key: str) -> tuple[Question, bool]:
        """The question that stores ``answer_key`` and whether it is its follow-up."""
        for question in self.questions():
            if question.key == answer_key:
                return question, False
            if question.main_followup is not None and question.main_followup.key == answer_key:
                return question, True
        raise KeyError(answer_key)


@dataclass(frozen=True)
class Reason:
    """One reason for leaving in the shared taxonomy."""

    key: str
    label: Text
    help: Text
    aruba: str
    skr_strategies: tuple[int, ...]
    health_factors: tuple[int, ...] = ()

    @property
    def skr_strategy(self) -> int | None:
        """The primary SKR strategy (the first listed), or None."""
        return self.skr_strategies[0] if self.skr_strategies else None

    def as_option(self) -> Option:
        """The reason as an answer option."""
        return Option(key=self.key, label=self.label, help=self.help)


@dataclass(frozen=True)
class Named:
    """A framework entry with a text key (an ARUBA step)."""

    key: str
    name: Text


@dataclass(frozen=True)
class Numbered:
    """A framework entry with a number (an SKR strategy or a health factor)."""

    number: int
    name: Text


@dataclass(frozen=True)
class Frameworks:
    """ARUBA steps, SKR's nine strategies and the eight health factors."""

    aruba_steps: tuple[Named, ...]
    skr_strategies: tuple[Numbered, ...]
    health_factors: tuple[Numbered, ...]

    def aruba_step(self, key: str) -> Named:
        """The ARUBA step with this key; KeyError if none."""
        return _find(self.aruba_steps, "key", key)

    def strategy(self, number: int) -> Numbered:
        """The SKR strategy with this number; KeyError if none."""
        return _find(self.skr_strategies, "number", number)

    def health_factor(self, number: int) -> Numbered:
        """The health factor with this number; KeyError if none."""
        return _find(self.health_factors, "number", number)


@dataclass(frozen=True)
class Band:
    """A fine tenure band and the report band it rolls up into."""

    key: str
    label: Text
    rollup: str


@dataclass(frozen=True)
class Dimensions:
    """Shared dimensions: tenure bands, their roll-up and the types of ending."""

    tenure_bands: tuple[Band, ...]
    tenure_rollups: tuple[Option, ...]
    ending_types: tuple[Option, ...]

    def tenure_band(self, key: str) -> Band:
        """The fine tenure band with this key; KeyError if none."""
        return _find(self.tenure_bands, "key", key)

    def tenure_rollup(self, key: str) -> Option:
        """The report tenure band with this key; KeyError if none."""
        return _find(self.tenure_rollups, "key", key)

    def ending_type(self, key: str) -> Option:
        """The type of ending with this key; KeyError if none."""
        return _find(self.ending_types, "key", key)


@dataclass(frozen=True)
class Catalogue:
    """Every questionnaire version plus the shared reasons, frameworks and dimensions."""

    questionnaires: tuple[Questionnaire, ...]
    reasons: tuple[Reason, ...]
    frameworks: Frameworks
    dimensions: Dimensions

    def questionnaire_keys(self) -> tuple[str, ...]:
        """The questionnaire keys, sorted."""
        return tuple(sorted({q.key for q in self.questionnaires}))

    def versions(self, key: str) -> tuple[Questionnaire, ...]:
        """Every version of one questionnaire, oldest first (retired ones included)."""
        found = sorted((q for q in self.questionnaires if q.key == key), key=lambda q: q.version)
        if not found:
            raise KeyError(key)
        return tuple(found)

    def current(self, key: str) -> Questionnaire:
        """The highest version that is not retired; KeyError if there is none."""
        live = [q for q in self.versions(key) if not q.retired]
        if not live:
            raise KeyError(f"{key}: every version is retired")
        return live[-1]

    def get(self, key: str, version: int) -> Questionnaire:
        """One exact version, retired or not; KeyError if it does not exist."""
        for questionnaire in self.questionnaires:
            if questionnaire.key == key and questionnaire.version == version:
                return questionnaire
        raise KeyError(f"{key} v{version}")

    def reason(self, key: str) -> Reason:
        """The reason with this key; KeyError if none."""
        return _find(self.reasons, "key", key)


def _find(items: tuple[Any, ...], attribute: str, value: Any) -> Any:
    for item in items:
        if getattr(item, attribute) == value:
            return item
    raise KeyError(value)
