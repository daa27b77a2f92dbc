"""Reading one questionnaire file (one version of one questionnaire) into dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import wtforms

from questionnaires._reader import Reader, describe, join
from questionnaires.kinds import KINDS
from questionnaires.model import (
    MODES,
    Condition,
    Dimensions,
    Followup,
    Option,
    Question,
    Questionnaire,
    Reason,
    Section,
    Text,
)

EXTERNAL_SOURCES = frozenset({"occupational_groups"})
INTERNAL_SOURCES = frozenset({"reasons", "tenure_bands", "tenure_rollups", "ending_types"})
OPTION_SOURCES = EXTERNAL_SOURCES | INTERNAL_SOURCES

TOP_PROPERTIES = frozenset(
    {"key", "version", "title", "intro", "anonymous", "retired", "allow_decline", "likert", "sections"}
)
SECTION_PROPERTIES = frozenset(
    {"key", "title", "intro", "health_factor", "prompts", "discussion", "questions"}
)
QUESTION_PROPERTIES = frozenset({"key", "type", "text", "help", "required", "show_if", "only_in_mode"})
# Names a question key may not take because the built form class uses them
# (wtforms.Form and flask_wtf.FlaskForm attributes, plus our own).
RESERVED_KEYS = frozenset(name for name in dir(wtforms.Form) if not name.startswith("_")) | {
    "csrf_token",
    "hidden_tag",
    "is_submitted",
    "validate_on_submit",
    "recaptcha",
    "questionnaire",
    "section",
    "questions",
}


@dataclass(frozen=True)
class Shared:
    """What a questionnaire may refer to in the shared files."""

    reasons: tuple[Reason, ...]
    dimensions: Dimensions

    def options(self, source: str) -> tuple[Option, ...]:
        """The options an internal ``options_from`` source stands for."""
        if source == "reasons":
            return tuple(reason.as_option() for reason in self.reasons)
        if source == "tenure_bands":
            return tuple(Option(band.key, band.label) for band in self.dimensions.tenure_bands)
        if source == "tenure_rollups":
            return self.dimensions.tenure_rollups
        if source == "ending_types":
            return self.dimensions.ending_types
        return ()


def read_questionnaire(reader: Reader, data: dict[str, Any], shared: Shared) -> Questionnaire | None:
    """One questionnaire version, or None when it has problems (recorded in ``reader``)."""
    start = len(reader.problems)
    reader.only(data, TOP_PROPERTIES, "")
    key = reader.key(data, "")
    version = reader.value(data, "version", int, "")
    if version is not None and version < 1:
        reader.problem("version", f"must be 1 or more, not {version}")
    title = reader.text(data, "title", "")
    intro = reader.text(data, "intro", "")
    anonymous = reader.value(data, "anonymous", bool, "")
    retired = reader.value(data, "retired", bool, "", required=False, default=False)
    allow_decline = reader.value(data, "allow_decline", bool, "", required=False, default=False)
    likert = _likert_defaults(reader, data)
    sections = []
    for where, item in reader.tables(data, "sections", ""):
        sections.append(_section(reader, item, where, shared, likert))
    if not sections and "sections" in data:
        reader.problem("sections", "a questionnaire needs at least one section")
    reader.unique([(where, section.key) for where, section, _ in sections], "section key")
    placed = [(where, question) for _, _, questions in sections for where, question in questions]
    _check_answer_keys(reader, placed)
    _check_skip_logic(reader, placed, _raw_keys(data))
    if allow_decline:
        for where, question in placed:
            if question.required:
                reader.problem(
                    join(where, "required"),
                    "allow_decline = true means every question is optional; remove required",
                )
    if len(reader.problems) > start:
        return None
    return Questionnaire(
        key=key,
        version=version,
        title=title,
        intro=intro,
        sections=tuple(section for _, section, _ in sections),
        anonymous=anonymous,
        retired=retired,
        allow_decline=allow_decline,
        source=reader.file,
    )


def _likert_defaults(reader: Reader, data: dict[str, Any]) -> tuple[Text | None, Text | None]:
    table = reader.value(data, "likert", dict, "", required=False, default={})
    reader.only(table, {"low", "high"}, "likert")
    return (
        reader.text(table, "low", "likert", required=False),
        reader.text(table, "high", "likert", required=False),
    )


def _section(reader, item, where, shared, likert):
    reader.only(item, SECTION_PROPERTIES, where)
    key = reader.key(item, where)
    title = reader.text(item, "title", where)
    intro = reader.text(item, "intro", where, required=False)
    factor = reader.number(item, "health_factor", 1, 8, where, required=False)
    prompts = reader.texts(item, "prompts", where)
    discussion = reader.texts(item, "discussion", where)
    questions = [
        (question_where, question)
        for question_where, raw in reader.tables(item, "questions", where, required=False)
        if (question := _question(reader, raw, question_where, shared, likert)) is not None
    ]
    if not item.get("questions") and not prompts:
        reader.problem(join(where, "questions"), "a section needs questions (or prompts to read)")
    section = Section(
        key=key or "",
        title=title,
        questions=tuple(question for _, question in questions),
        intro=intro,
        health_factor=factor,
        prompts=prompts,
        discussion=discussion,
    )
    return where, section, questions


def _question(reader, item, where, shared, likert) -> Question | None:
    start = len(reader.problems)
    key = reader.key(item, where)
    type_name = reader.value(item, "type", str, where)
    kind = KINDS.get(type_name) if type_name else None
    if type_name is not None and kind is None:
        reader.problem(
            join(where, "type"),
            f"unknown question type '{type_name}' (known: {', '.join(KINDS)})",
        )
    if kind is not None:
        reader.only(item, QUESTION_PROPERTIES | kind.properties, where)
    text = reader.text(item, "text", where)
    help_text = reader.text(item, "help", where, required=False)
    required = reader.value(item, "required", bool, where, required=False, default=False)
    mode = reader.value(item, "only_in_mode", str, where, required=False)
    if mode is not None and mode not in MODES:
        reader.problem(join(where, "only_in_mode"), f"unknown mode '{mode}' (known: {', '.join(MODES)})")
    show_if = _condition(reader, item, where)
    extra: dict[str, Any] = {}
    if kind is not None and kind.has_options and "options" in kind.properties:
        extra.update(_options(reader, item, where, shared))
    if kind is not None and "main_followup" in kind.properties and "main_followup" in item:
        extra["main_followup"] = _followup(reader, item["main_followup"], where)
    if kind is not None and kind.needs_ends:
        low = reader.text(item, "low", where, required=False)
        high = reader.text(item, "high", where, required=False)
        if type_name == "likert_5":
            low, high = low or likert[0], high or likert[1]
        for name, value in (("low", low), ("high", high)):
            if value is None and name not in item:
                reader.problem(
                    join(where, name),
                    f"{type_name} needs a label for its {name} end: write {name}.sv and {name}.en"
                    + (" (or set likert.low / likert.high at the top)" if kind.type == "likert_5" else ""),
                )
        extra.update(low=low, high=high)
    if len(reader.problems) > start or kind is None:
        return None
    return Question(
        key=key,
        type=type_name,
        text=text,
        help=help_text,
        required=required,
        show_if=show_if,
        only_in_mode=mode,
        **extra,
    )


def _options(reader, item, where, shared) -> dict[str, Any]:
    """The options of a choice question: listed, from shared data, or both.

    With both, the listed options come after the shared ones (for example "Vill inte
    svara" after the tenure bands); for an outside source (``occupational_groups``)
    the listed ones are kept on the question and added after the outside ones.
    """
    has_list, source = "options" in item, item.get("options_from")
    if source is not None:
        if not isinstance(source, str):
            reader.problem(join(where, "options_from"), f"must be a text, not {describe(source)}")
        elif source not in OPTION_SOURCES:
            reader.problem(
                join(where, "options_from"),
                f"unknown options_from '{source}' (known: {', '.join(sorted(OPTION_SOURCES))})",
            )
        else:
            common = shared.options(source) if source in INTERNAL_SOURCES else ()
            listed = _listed_options(reader, item, where)["options"] if has_list else ()
            taken = {option.key for option in common}
            for option in listed:
                if option.key in taken:
                    reader.problem(join(where, "options"),
                                   f"option key '{option.key}' is already one of {source}")
            return {"options_from": source, "options": (*common, *listed)}
        return {}
    if not has_list:
        reader.problem(where, "a choice question needs options (or options_from)")
        return {}
    return _listed_options(reader, item, where)


def _listed_options(reader, item, where) -> dict[str, Any]:
    options = []
    for option_where, raw in reader.tables(item, "options", where):
        reader.only(raw, {"key", "label", "help"}, option_where)
        key = reader.key(raw, option_where, option=True)
        label = reader.text(raw, "label", option_where)
        help_text = reader.text(raw, "help", option_where, required=False)
        if key and label:
            options.append((option_where, Option(key, label, help_text)))
    reader.unique([(option_where, option.key) for option_where, option in options], "option key")
    if not options and isinstance(item.get("options"), list):
        reader.problem(join(where, "options"), "the list of options is empty")
    return {"options": tuple(option for _, option in options)}


def _followup(reader, raw, where) -> Followup | None:
    where = join(where, "main_followup")
    if not isinstance(raw, dict):
        reader.problem(where, f"must be a table with key and text, not {describe(raw)}")
        return None
    reader.only(raw, {"key", "text"}, where)
    key = reader.key(raw, where)
    text = reader.text(raw, "text", where)
    return Followup(key, text) if key and text else None


def _condition(reader, item, where) -> Condition | None:
    if "show_if" not in item:
        return None
    where = join(where, "show_if")
    raw = item["show_if"]
    if not isinstance(raw, dict):
        reader.problem(where, f'must be a table like {{ question = "x", equals = "y" }}, not {describe(raw)}')
        return None
    reader.only(raw, {"question", "equals", "in"}, where)
    question = reader.value(raw, "question", str, where)
    if ("equals" in raw) == ("in" in raw):
        reader.problem(where, "give exactly one of equals = ... or in = [...]")
        return None
    if "equals" in raw:
        values = [raw["equals"]]
    else:
        values = reader.value(raw, "in", list, where, default=[])
        if not values and isinstance(raw["in"], list):
            reader.problem(join(where, "in"), "the list is empty")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, str | int):
            reader.problem(where, f"compare with option keys or numbers, not {describe(value)}")
            return None
    return Condition(question, tuple(values)) if question and values else None


def _check_answer_keys(reader: Reader, placed: list[tuple[str, Question]]) -> None:
    keyed = []
    for where, question in placed:
        keyed.append((join(where, "key"), question.key))
        if question.main_followup is not None:
            keyed.append((join(where, "main_followup.key"), question.main_followup.key))
    reader.unique(keyed, "question key")
    for where, key in keyed:
        if key in RESERVED_KEYS:
            reader.problem(where, f"'{key}' is a reserved word in the forms; choose another key")


def _raw_keys(data: dict[str, Any]) -> list[str]:
    """Every question and follow-up key in file order, broken questions included."""
    keys: list[Any] = []
    sections = data.get("sections")
    for section in sections if isinstance(sections, list) else []:
        questions = section.get("questions") if isinstance(section, dict) else None
        for question in questions if isinstance(questions, list) else []:
            if not isinstance(question, dict):
                continue
            keys.append(question.get("key"))
            followup = question.get("main_followup")
            if isinstance(followup, dict):
                keys.append(followup.get("key"))
    return keys


def _check_skip_logic(reader: Reader, placed, order: list[Any]) -> None:
    earlier: dict[str, tuple[Question, bool]] = {}
    for where, question in placed:
        condition = question.show_if
        if condition is not None:
            where_if = join(where, "show_if.question")
            position = order.index(question.key)
            target = order.index(condition.question) if condition.question in order else None
            if target is None:
                reader.problem(where_if, f"skip logic refers to unknown question '{condition.question}'")
            elif target >= position:
                reader.problem(
                    where_if,
                    f"skip logic refers to '{condition.question}', which is not an earlier "
                    "question; show_if can only depend on questions that come before",
                )
            elif condition.question in earlier:
                _check_condition_values(
                    reader, join(where, "show_if"), condition, *earlier[condition.question]
                )
        earlier[question.key] = (question, False)
        if question.main_followup is not None:
            earlier[question.main_followup.key] = (question, True)


def _check_condition_values(reader, where, condition, target: Question, followup: bool) -> None:
    kind = KINDS[target.type]
    # Options kept outside the files (occupational groups) are not known here.
    allowed = None if target.options_from in EXTERNAL_SOURCES else kind.condition_values(target)
    if allowed == ():
        reader.problem(where, f"skip logic cannot depend on the free-text question '{condition.question}'")
        return
    if allowed is None:
        return
    for value in condition.values:
        if value not in allowed or isinstance(value, bool):
            if target.options_from == "reasons":
                what = f"unknown reason key '{value}' (not in reasons.toml)"
            else:
                shown = ", ".join(str(item) for item in allowed)
                what = f"'{value}' is not a possible answer to '{condition.question}' ({shown})"
            reader.problem(where, what)
