"""Typed reading of one parsed TOML file, collecting problems instead of raising.

Every accessor returns a usable value (or None) and records a
:class:`~questionnaires.model.Problem` with a key path such as
``sections[reasons].questions[main_reason].text.en`` when something is wrong,
so one run reports every problem in every file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from questionnaires.model import LANGUAGES, Problem, Text

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
OPTION_KEY_PATTERN = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")

_TYPE_NAMES = {
    str: "a text in quotes",
    int: "a whole number",
    bool: "true or false",
    list: "a list [...]",
    dict: "a table",
    float: "a decimal number",
}


def describe(value: Any) -> str:
    """How a TOML value looks to the person who wrote it."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the decimal number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def parse_toml(path: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    """The file's content, or a problem located at the TOML line:col of the syntax error."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, Problem(str(path), "file", f"cannot read the file: {error.strerror}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, Problem(
            str(path), "file", f"the file is not UTF-8 (byte {error.start}); save it as UTF-8"
        )
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        detail = str(error)
        found = _TOML_POSITION.search(detail)
        if found:
            location = f"{found.group(1)}:{found.group(2)}"
            detail = detail[: found.start()]
        else:
            lines = text.splitlines() or [""]
            location = f"{len(lines)}:{len(lines[-1]) + 1}"
            detail = _TOML_END.sub("", detail)
        return None, Problem(str(path), location, f"TOML syntax error: {detail}")


def join(path: str, name: str) -> str:
    """A key path one level deeper."""
    return f"{path}.{name}" if path else name


def item_path(path: str, index: int, item: Any) -> str:
    """``path[key]`` for an item with a usable key, else ``path[index]``."""
    key = item.get("key") if isinstance(item, dict) else None
    if isinstance(key, str) and key:
        return f"{path}[{key}]"
    number = item.get("number") if isinstance(item, dict) else None
    if isinstance(number, int) and not isinstance(number, bool):
        return f"{path}[{number}]"
    return f"{path}[{index}]"


class Reader:
    """Problem-collecting accessors for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, location: str, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(self.file, location or "(top)", message))

    def only(self, table: dict[str, Any], allowed: set[str] | frozenset[str], path: str) -> None:
        """Report properties that are not in ``allowed``."""
        for name in table:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(join(path, name), f"unknown property '{name}' (known here: {known})")

    def value(
        self,
        table: dict[str, Any],
        name: str,
        kind: type,
        path: str,
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        """One value of a given TOML type, or ``default`` (with a problem if required)."""
        where = join(path, name)
        if name not in table:
            if required:
                self.problem(where, f"'{name}' is missing")
            return default
        value = table[name]
        wrong_bool = kind is int and isinstance(value, bool)
        if wrong_bool or not isinstance(value, kind):
            self.problem(where, f"must be {_TYPE_NAMES[kind]}, not {describe(value)}")
            return default
        return value

    def key(self, table: dict[str, Any], path: str, *, option: bool = False) -> str | None:
        """A stable key: lower case letters, digits and single underscores."""
        key = self.value(table, "key", str, path)
        if key is None:
            return None
        pattern = OPTION_KEY_PATTERN if option else KEY_PATTERN
        if not pattern.match(key):
            start = "" if option else ", starting with a letter"
            self.problem(
                join(path, "key"),
                f"key '{key}' must use only a-z, 0-9 and single underscores{start}",
            )
        return key

    def number(
        self, table: dict[str, Any], name: str, low: int, high: int, path: str, **kw: Any
    ) -> int | None:
        """A whole number in ``low..high``."""
        number = self.value(table, name, int, path, **kw)
        if number is not None and not low <= number <= high:
            self.problem(join(path, name), f"must be from {low} to {high}, not {number}")
            return None
        return number

    def text(self, table: dict[str, Any], name: str, path: str, *, required: bool = True):
        """A Swedish + English text given as ``name.sv = "..."`` and ``name.en = "..."``."""
        where = join(path, name)
        if name not in table:
            if required:
                self.problem(where, f"'{name}' is missing (write {name}.sv and {name}.en)")
            return None
        return self.text_value(table[name], where)

    def text_value(self, value: Any, where: str) -> Text | None:
        """A text table ``{sv = "...", en = "..."}`` found at ``where``."""
        if not isinstance(value, dict):
            self.problem(where, f"must be a table with sv and en texts, not {describe(value)}")
            return None
        texts: dict[str, str] = {}
        for language in LANGUAGES:
            name = {"sv": "Swedish", "en": "English"}[language]
            if language not in value:
                self.problem(join(where, language), f"missing translation: no {name} text")
            elif not isinstance(value[language], str):
                self.problem(
                    join(where, language), f"must be a text in quotes, not {describe(value[language])}"
                )
            elif not value[language].strip():
                self.problem(join(where, language), f"the {name} text is empty")
            else:
                texts[language] = value[language].strip()
        for extra in value:
            if extra not in LANGUAGES:
                self.problem(join(where, extra), f"unknown language '{extra}' (use sv and en)")
        if len(texts) != len(LANGUAGES):
            return None
        return Text(sv=texts["sv"], en=texts["en"])

    def texts(self, table: dict[str, Any], name: str, path: str) -> tuple[Text, ...]:
        """An optional list of texts (prompts, discussion questions)."""
        items = self.value(table, name, list, path, required=False, default=[])
        found = []
        for index, item in enumerate(items):
            text = self.text_value(item, f"{join(path, name)}[{index}]")
            if text is not None:
                found.append(text)
        return tuple(found)

    def tables(
        self, table: dict[str, Any], name: str, path: str, *, required: bool = True
    ) -> list[tuple[str, dict[str, Any]]]:
        """A list of tables (``[[name]]``) with the key path of each."""
        items = self.value(table, name, list, path, required=required, default=[])
        found = []
        for index, item in enumerate(items):
            where = item_path(join(path, name), index, item)
            if not isinstance(item, dict):
                self.problem(where, f"must be a table, not {describe(item)}")
                continue
            found.append((where, item))
        return found

    def unique(self, keyed: list[tuple[str, Any]], what: str) -> None:
        """Report keys used more than once, at every repeat."""
        seen: set[Any] = set()
        for where, key in keyed:
            if key is None:
                continue
            if key in seen:
                self.problem(where, f"duplicate {what} '{key}'")
            seen.add(key)
