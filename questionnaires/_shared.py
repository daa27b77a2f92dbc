"""Reading the shared data files: frameworks, dimensions and the reason taxonomy."""

from __future__ import annotations

from typing import Any

from questionnaires._reader import Reader, join
from questionnaires.model import Band, Dimensions, Frameworks, Named, Numbered, Option, Reason
from questionnaires.tenure import ROLLUP, ROLLUP_KEYS

STRATEGY_COUNT = 9
HEALTH_FACTOR_COUNT = 8


def read_frameworks(reader: Reader, data: dict[str, Any]) -> Frameworks:
    """ARUBA steps, the nine SKR strategies and the eight health factors."""
    reader.only(data, {"aruba_steps", "skr_strategies", "health_factors"}, "")
    steps = []
    for where, item in reader.tables(data, "aruba_steps", ""):
        reader.only(item, {"key", "name"}, where)
        key, name = reader.key(item, where), reader.text(item, "name", where)
        steps.append((where, key, name))
    reader.unique([(where, key) for where, key, _ in steps], "ARUBA step")
    strategies = _numbered(reader, data, "skr_strategies", STRATEGY_COUNT, "SKR strategy")
    factors = _numbered(reader, data, "health_factors", HEALTH_FACTOR_COUNT, "health factor")
    return Frameworks(
        aruba_steps=tuple(Named(key, name) for _, key, name in steps if key and name),
        skr_strategies=strategies,
        health_factors=factors,
    )


def _numbered(reader: Reader, data: dict[str, Any], name: str, count: int, what: str) -> tuple[Numbered, ...]:
    found = []
    for where, item in reader.tables(data, name, ""):
        reader.only(item, {"number", "name"}, where)
        number = reader.number(item, "number", 1, count, where)
        text = reader.text(item, "name", where)
        found.append((where, number, text))
    reader.unique([(where, number) for where, number, _ in found], what)
    numbers = {number for _, number, _ in found}
    missing = [str(n) for n in range(1, count + 1) if n not in numbers]
    if missing and found:
        reader.problem(name, f"every {what} from 1 to {count} is needed; missing {', '.join(missing)}")
    return tuple(
        sorted(
            (Numbered(number, text) for _, number, text in found if number and text),
            key=lambda item: item.number,
        )
    )


def read_dimensions(reader: Reader, data: dict[str, Any]) -> Dimensions:
    """Tenure bands with their roll-up, report bands and types of ending."""
    reader.only(data, {"tenure_bands", "tenure_rollups", "ending_types"}, "")
    rollups = _options(reader, data, "tenure_rollups", "report tenure band")
    bands = []
    for where, item in reader.tables(data, "tenure_bands", ""):
        reader.only(item, {"key", "label", "rollup"}, where)
        key = reader.key(item, where, option=True)
        label = reader.text(item, "label", where)
        rolled = reader.value(item, "rollup", str, where)
        if key is not None and key not in ROLLUP:
            reader.problem(
                join(where, "key"),
                f"unknown tenure band '{key}'; the bands are fixed: {', '.join(ROLLUP)}",
            )
        elif key is not None and rolled is not None and ROLLUP[key] != rolled:
            reader.problem(
                join(where, "rollup"), f"band '{key}' rolls up into '{ROLLUP[key]}', not '{rolled}'"
            )
        if key and label and rolled:
            bands.append((where, Band(key, label, rolled)))
    reader.unique([(where, band.key) for where, band in bands], "tenure band")
    _require_all(reader, "tenure_bands", [band.key for _, band in bands], tuple(ROLLUP))
    _require_all(reader, "tenure_rollups", [option.key for option in rollups], ROLLUP_KEYS)
    endings = _options(reader, data, "ending_types", "type of ending")
    return Dimensions(
        tenure_bands=tuple(band for _, band in bands),
        tenure_rollups=rollups,
        ending_types=endings,
    )


def _require_all(reader: Reader, name: str, found: list[str], expected: tuple[str, ...]) -> None:
    missing = [key for key in expected if key not in found]
    extra = [key for key in found if key not in expected]
    if missing:
        reader.problem(name, f"missing {', '.join(missing)} (these keys are fixed)")
    if extra:
        reader.problem(name, f"unknown {', '.join(extra)} (the keys are {', '.join(expected)})")


def _options(reader: Reader, data: dict[str, Any], name: str, what: str) -> tuple[Option, ...]:
    found = []
    for where, item in reader.tables(data, name, ""):
        reader.only(item, {"key", "label", "help"}, where)
        key = reader.key(item, where, option=True)
        label = reader.text(item, "label", where)
        help_text = reader.text(item, "help", where, required=False)
        if key and label:
            found.append((where, Option(key, label, help_text)))
    reader.unique([(where, option.key) for where, option in found], what)
    return tuple(option for _, option in found)


def read_reasons(reader: Reader, data: dict[str, Any], frameworks: Frameworks) -> tuple[Reason, ...]:
    """The reason taxonomy, cross-checked against the frameworks."""
    reader.only(data, {"reasons"}, "")
    steps = {step.key for step in frameworks.aruba_steps}
    reasons = []
    for where, item in reader.tables(data, "reasons", ""):
        reader.only(item, {"key", "label", "help", "aruba", "skr_strategies", "health_factors"}, where)
        key = reader.key(item, where, option=True)
        label = reader.text(item, "label", where)
        help_text = reader.text(item, "help", where)
        aruba = reader.value(item, "aruba", str, where)
        if aruba is not None and steps and aruba not in steps:
            reader.problem(
                join(where, "aruba"),
                f"unknown ARUBA step '{aruba}' (known: {', '.join(sorted(steps))})",
            )
        strategies = _numbers(reader, item, "skr_strategies", STRATEGY_COUNT, where)
        factors = _numbers(reader, item, "health_factors", HEALTH_FACTOR_COUNT, where)
        if key and label and help_text and aruba:
            reasons.append((where, Reason(key, label, help_text, aruba, strategies, factors)))
    reader.unique([(where, reason.key) for where, reason in reasons], "reason")
    if not reasons and not reader.problems:
        reader.problem("reasons", "the taxonomy has no reasons")
    return tuple(reason for _, reason in reasons)


def _numbers(reader: Reader, item: dict[str, Any], name: str, high: int, where: str):
    values = reader.value(item, name, list, where, required=name == "skr_strategies", default=[])
    numbers = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            reader.problem(f"{join(where, name)}[{index}]", f"must be a number from 1 to {high}")
        else:
            numbers.append(value)
    return tuple(numbers)
